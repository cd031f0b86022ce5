from django.apps import AppConfig


class AlliesConfig(AppConfig):
    """Allied (UK, EU, Canada, Australia) human-rights and anti-corruption designations."""

    name = "allies"

    def ready(self) -> None:
        # The allied lists plug into the import machinery: an adapter per list and format, and the writer of
        # their records.
        from allies.adapters import ADAPTERS
        from allies.coordination import jurisdiction_split
        from allies.models import AlliedDesignation, AlliedEntry, PartyLink
        from allies.records import AlliedRecord
        from allies.views import designee_allied_panel, subject_allied_panel
        from allies.writers import write_allied_list
        from designations.extensions import register_designee_panel, register_subject_panel
        from designations.stats import register_split
        from importers import writers
        from importers.sources import register
        from tracker import dataversion

        for adapter in ADAPTERS:
            register(adapter)
        writers.register(AlliedRecord)(write_allied_list)
        for model in (AlliedEntry, AlliedDesignation, PartyLink):
            dataversion.register(model)
        # The designee page (designations knows nothing of the allies) shows the allied designations of the
        # entries tied to the designee through this panel.
        register_designee_panel(designee_allied_panel)
        register_subject_panel(subject_allied_panel)
        # /api/stats/?group_by=jurisdiction: the US designations, and those each ally also designated.
        register_split("jurisdiction", jurisdiction_split)
