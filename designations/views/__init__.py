"""The analysts' pages: home, countries, designees, the designations list, search (``pages``), and the pages
of programs and authorities (``programs``), on the helpers they share (``common``)."""

from designations.views.pages import (
    CountryDetailView,
    CountryListView,
    DesignationListView,
    DesigneeDetailView,
    HomeView,
    SearchView,
    home,
)
from designations.views.programs import (
    AuthorityDetailView,
    AuthorityListView,
    ProgramDetailView,
    ProgramListView,
)

__all__ = [
    "AuthorityDetailView",
    "AuthorityListView",
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
