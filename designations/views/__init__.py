"""The analysts' pages: home, countries, designees, the designations list (``pages``), search (``search``), the pages
of programs and authorities (``programs``), what changed in a period (``changes``), the compare page
(``compare``), timelines as SVG and CSV (``charts``) and the Atom feeds' previews (``feed_previews``), on the
helpers they share: ``common`` (as-of, parameter checks, statistics, timelines, breakdowns), ``sorting`` (a
designations table's orders and headings), ``pickers`` (the filter form's pickers and the chips of active
filters) and ``querystring``."""

from designations.views.changes import ChangesView
from designations.views.compare import CompareView
from designations.views.pages import (
    CountryDetailView,
    CountryListView,
    DesignationListView,
    DesigneeDetailView,
    HomeView,
    home,
)
from designations.views.programs import (
    AuthorityDetailView,
    AuthorityListView,
    ProgramDetailView,
    ProgramListView,
)
from designations.views.search import SearchView

__all__ = [
    "AuthorityDetailView",
    "AuthorityListView",
    "ChangesView",
    "CompareView",
    "CountryDetailView",
    "CountryListView",
    "DesignationListView",
    "DesigneeDetailView",
    "HomeView",
    "ProgramDetailView",
    "ProgramListView",
    "SearchView",
    "home",
]
