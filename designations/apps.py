from django.apps import AppConfig


class DesignationsConfig(AppConfig):
    name = "designations"

    def ready(self) -> None:
        from designations.models import (
            Alias,
            Citation,
            Country,
            Designation,
            DesignationEvent,
            Designee,
            SourceDocument,
        )
        from programs.models import Authority, Program
        from tracker import dataversion

        # What the pages, the API and the name index show (tracker.dataversion). New aliases, designees,
        # designations and events count by id too (imports insert them); every ORM save of a designee or a
        # designation, the admin's with its inlines included, writes a history row.
        dataversion.register(Designee, ids=True, history=True)
        dataversion.register(Alias)
        dataversion.register(Designation, ids=True, history=True)
        dataversion.register(DesignationEvent, ids=True)
        dataversion.register(SourceDocument)
        # The reference rows the designations API and pages nest.
        for model in (Country, Program, Authority, Citation):
            dataversion.register(model)
        # The API's index says how old the data is.
        from designations.coverage import data_date
        from tracker.views import register_root_fact

        register_root_fact("data_as_of", lambda: _iso(data_date()))


def _iso(day):
    return day.isoformat() if day else None
