from django.apps import AppConfig


class ImportersConfig(AppConfig):
    name = "importers"

    def ready(self) -> None:
        # The OFAC list formats register their adapters (``@register``) and the list writers theirs
        # (``importers.writers``) as their modules load.
        from importers.models import ImportRun
        from importers.services import lists  # noqa: F401
        from importers.sources import ofac_advanced, ofac_archive, ofac_entry_dates, ofac_history, ofac_sdn, ofac_xml  # noqa: F401
        from tracker import dataversion

        # Every import saves its run when it ends, whatever it wrote in bulk (tracker.dataversion).
        dataversion.register(ImportRun)
