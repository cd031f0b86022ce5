"""The parsers judged on real pages: the data directory's ``announcements/real/`` (Treasury releases of
2018-2025 saved as their ``<article>``, State statements saved as text) against its hand-read
``truth.tsv``. See ``real_pages.py`` for how names are compared."""

from __future__ import annotations

import pytest

from announcements.parsers.base import Action
from tests.announcements.real_pages import comparable, parse_page, real_pages, score_page, scores_by_group
from tests.datafiles import data_path, requires_data

pytestmark = requires_data

REAL = data_path("announcements", "real")
PAGES = real_pages(REAL) if (REAL / "pages.csv").is_file() else []


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.file)
def test_every_real_page_parses_with_its_date_and_without_site_chrome(page):
    parsed = parse_page(REAL, page)
    assert parsed.published_on == page.date
    given_date = any("no date in the page" in warning for warning in parsed.warnings)
    # Two State texts print no date: only they fall back on the caller's.
    assert given_date == (page.kind == "state-press" and "hong-kong" not in page.file)
    if page.kind == "treasury-press":
        assert parsed.title == ""  # the saved article has no title: a warning, not a failure
        assert any("no title found" in warning for warning in parsed.warnings)


def test_treasury_recall_and_precision_are_at_least_95_percent_in_every_year():
    scores = {year: score for (kind, year), score in scores_by_group(REAL).items() if kind == "treasury-press"}
    assert sorted(scores) == [2018, 2019, 2020, 2021, 2022, 2023, 2024, 2025]
    for year, score in scores.items():
        assert score.recall >= 0.95, (year, score.misses)
        assert score.precision >= 0.95, (year, score.extras)


def test_every_designee_of_the_state_statements_is_found_with_relatives_tied_to_the_official():
    state = [page for page in PAGES if page.kind == "state-press"]
    for page in state:
        parsed = parse_page(REAL, page)
        score = score_page(page, parsed)
        assert score.fn == 0, score.misses
        assert score.fp == 0, score.extras
    cartes = next(page for page in state if "cartes" in page.file)
    entries = {entry.name: entry for entry in parse_page(REAL, cartes).entries}
    official = entries["Horacio Manuel Cartes Jara"]
    assert official.action == Action.VISA_DESIGNATION
    assert official.position == "former Paraguayan President"
    children = ["Juan Pablo Cartes Montaña", "Sofía Cartes Montaña", "María Sol Cartes Montaña"]
    assert list(official.family_members) == children
    assert official.family_covered
    for child in children:
        assert (entries[child].family_of, entries[child].relationship) == (official.name, "adult children")
    porras = next(page for page in state if "porras" in page.file)
    entries = {entry.name: entry for entry in parse_page(REAL, porras).entries}
    attorney_general = entries["Maria Consuelo Porras Argueta de Porres"]
    assert (attorney_general.position, attorney_general.country) == ("Attorney General", "Guatemala")
    assert attorney_general.name_variants == ("Porras",)
    assert attorney_general.reason.startswith("due to her involvement in significant corruption.")
    husband = entries["Gilberto de Jesus Porres de Paz"]
    assert (husband.family_of, husband.relationship) == (attorney_general.name, "husband")
    # The statement speaks of Porras's earlier inclusion on the section 353 list: a 7031(c) page still.
    assert all(not entry.programs for entry in entries.values())


def test_the_hong_kong_autonomy_act_statement_names_no_one_and_raises_nothing():
    page = next(page for page in PAGES if "hong-kong" in page.file)
    parsed = parse_page(REAL, page)
    assert parsed.entries == []
    assert parsed.title == "Hong Kong Autonomy Act Report to Congress"
    assert any("no person is named" in warning for warning in parsed.warnings)


def test_an_alias_added_to_an_entry_is_an_update_not_a_designation():
    page = next(page for page in PAGES if page.file.endswith("sm668.html"))
    parsed = parse_page(REAL, page)
    updated = [entry.name for entry in parsed.entries if entry.action == Action.AMENDED]
    assert [comparable(name) for name in updated] == [comparable(name) for name in page.updated]


def test_spellings_of_one_designee_are_one_entry_with_the_designation_spelling_first():
    page = next(page for page in PAGES if page.file.endswith("jy0045.html"))
    entries = {entry.name: entry for entry in parse_page(REAL, page).entries}
    # The lead designates "Aleksandr Bortnikov (Bortnikov)"; the bold paragraph calls him "Alexander".
    assert "Alexander Bortnikov" in entries["Aleksandr Bortnikov"].name_variants
    assert "Alexander Bortnikov" not in entries
    assert entries["Aleksandr Bortnikov"].legal_basis == "E.O. 13661; E.O. 13382"
    assert entries["Aleksey Krivoruchko"].position == "Deputy Minister of Defense of the Russian Federation"
