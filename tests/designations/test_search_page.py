"""The search page on the real 2024 list with its 2021-2024 history: each designee found says what matched and
how closely, its status, programs, countries and birth dates, with the matcher's account behind a disclosure;
a record OFAC removed as a duplicate is never a second, identical result; the facts cost a fixed number of
queries."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from designations import matching
from designations.models import Designation, DesignationEvent, Designee, Identifier
from designations.views.search import explanation_rows

pytestmark = [pytest.mark.usefixtures("seeded"), pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _fresh_index():
    matching.reset_index()
    yield
    matching.reset_index()


def _text(fragment: str) -> str:
    """A fragment of HTML as a reader sees it: tags dropped, entities read, white space collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", fragment)).split()).replace(" ,", ",").replace(" )", ")")


def results(client, query: str) -> list[dict[str, str]]:
    """Each result of the search page: its heading, badge, match line, facts and disclosure, as text."""
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    html = response.content.decode()
    found = []
    for item in re.findall(r'<li class="result">(.*?)</li>\s*(?=<li class="result">|</ol>)', html, re.S):
        facts = dict(re.findall(r"<dt>([^<]+)</dt>\s*<dd>(.*?)</dd>", item.split('<details class="why">')[0], re.S))
        why = re.search(r'<details class="why">(.*?)</details>', item, re.S)
        found.append(
            {
                "name": _text(re.search(r"<h3>(.*?)</h3>", item, re.S).group(1)),
                "href": re.search(r'<h3>\s*<a href="([^"]+)"', item).group(1),
                "badge": _text(re.search(r'<span class="badge[^"]*">(.*?)</span>', item, re.S).group(1)),
                "meta": _text(re.search(r'<p class="result-meta">(.*?)</p>', item, re.S).group(1)),
                "match": _text(re.search(r'<p class="result-match">(.*?)</p>', item, re.S).group(1)),
                "note": _text(m.group(1)) if (m := re.search(r'<p class="result-note">(.*?)</p>', item, re.S)) else "",
                **{label: _text(value) for label, value in facts.items()},
                "why": _text(why.group(1)) if why else "",
            }
        )
    return found


def test_kadyrov_is_one_result_with_status_programs_countries_and_birth_date(client):
    found = results(client, "Ramzan Kadyrov")

    kadyrov = [result for result in found if result["name"] == "KADYROV, Ramzan Akhmatovich"]
    assert len(kadyrov) == 1  # entry 36459, the record OFAC removed as a duplicate of 23343, is not shown
    result = kadyrov[0]
    assert result["href"] == Designee.objects.get(entry_number=23343).get_absolute_url()
    assert result["badge"] == "Active"
    assert result["meta"] == "Active Individual · OFAC entry 23343"
    assert result["match"] == "Matched name · 90%"
    assert result["Programs"] == "GLOMAG, MAGNIT, RUSSIA-EO14024"
    # Personal ties first: Russia is his nationality and place of birth; the UAE only an address.
    assert result["Countries"] == "Russia (nationality, place of birth, address), United Arab Emirates (address)"
    assert result["Born"] == "05 Oct 1976"
    # The matcher's account is behind the disclosure, in words, not its feature names.
    assert result["why"].startswith("Why it matched Name score 90%")
    assert "Words paired 2 of 2 query words, 2 of 3 name words" in result["why"]


def test_search_page_shows_no_matcher_internals_outside_the_disclosure(client):
    response = client.get("/search/", {"q": "Кадыров Рамзан"})
    html = response.content.decode()

    outside = re.sub(r'<details class="why">.*?</details>', "", html, flags=re.S)
    for internal in ("token_similarity", "compact_similarity", "particles_ignored", "score 0.", "name_score"):
        assert internal not in html
    assert "Word-by-word similarity" in html and "Word-by-word similarity" not in outside
    assert "Scripts transliterated cyrillic" in _text(html)


def test_an_alias_match_names_the_alias_and_personal_countries_come_first(client):
    found = {result["name"]: result for result in results(client, "Kadyrov")}

    onyshchenko = found["ONYSHCHENKO, Oleksandr"]
    assert onyshchenko["match"] == "Matched alias “KADYROV, Oleksandr” · 85%"
    assert onyshchenko["Countries"] == "Russia (place of birth), Ukraine (nationality, address), Germany (address)"
    assert onyshchenko["Born"] == "31 Mar 1969"
    assert onyshchenko["Programs"] == "ELECTION-EO13848"
    # No two results look the same.
    assert len({(r["name"], r["meta"]) for r in found.values()}) == len(found)


def test_a_delisted_designee_says_so_and_which_programs_ended(client):
    removed = DesignationEvent.objects.filter(kind=DesignationEvent.Kind.REMOVED_DUPLICATE).values(
        "designation__designee_id"
    )
    delisted = (
        Designee.objects.filter(kind=Designee.Kind.INDIVIDUAL, designations__isnull=False)
        .exclude(designations__status=Designation.Status.ACTIVE)
        .exclude(pk__in=removed)
        .order_by("entry_number")
        .first()
    )
    programs = sorted(set(delisted.designations.values_list("program__code", flat=True)))

    found = [r for r in results(client, delisted.name) if r["href"] == delisted.get_absolute_url()]

    assert len(found) == 1
    assert found[0]["badge"] == "Delisted"
    assert found[0]["Programs"] == ", ".join(f"{code} (delisted)" for code in programs)


def test_a_removed_duplicate_found_by_identifier_is_marked_as_such(client):
    duplicate = Designee.objects.get(entry_number=36459)
    Identifier.objects.create(designee=duplicate, kind="Passport", value="ZZ0000001")

    found = results(client, "ZZ0000001")

    assert len(found) == 1
    assert found[0]["href"] == duplicate.get_absolute_url()
    assert found[0]["badge"] == "Removed: duplicate record"
    assert found[0]["match"] == "Matched the identifier Passport ZZ0000001."
    assert found[0]["note"].startswith("Entry 36459 was removed while entry 23343 of the same name")
    assert found[0]["Programs"] == "GLOMAG (delisted), MAGNIT (delisted), RUSSIA-EO14024 (delisted)"
    assert found[0]["why"] == ""


def test_the_facts_of_every_result_cost_a_fixed_number_of_queries(client, django_assert_num_queries):
    client.get("/search/", {"q": "warm the index"})
    counts = {}
    for query in ("Ramzan Kadyrov", "Kadyrov", "Mohammed"):
        with CaptureQueriesContext(connection) as queries:
            found = results(client, query)
        counts[query] = (len(found), len(queries))

    assert [number for number, _ in counts.values()] == [1, 6, 25]
    assert len({count for _, count in counts.values()}) == 1, counts
    # countries, programs, identifiers, the data version (the name index's), designees, designations, birth
    # dates, countries; the data version of the page's "OFAC SDN list as of" line
    with django_assert_num_queries(9):
        client.get("/search/", {"q": "Mohammed"})


def test_explanation_rows_are_words_with_shares_as_percentages():
    rows = explanation_rows(
        {
            "name_score": 0.9,
            "token_similarity": 0.9,
            "compact_similarity": 0.4691,
            "phonetic_agreement": 0.0,
            "matched_tokens": "2 of 2 query words, 2 of 3 name words",
            "transliteration": "none",
            "particles_ignored": "",
            "weak_alias_penalty": -0.1,
            "birth_date": 0.0,
            "country": 0.05,
        }
    )

    assert rows == [
        ("Name score", "90%"),
        ("Word-by-word similarity", "90%"),
        ("Whole-name similarity, spaces removed", "47%"),
        ("Words paired", "2 of 2 query words, 2 of 3 name words"),
        ("Weak alias penalty", "-0.10"),
        ("Country adjustment", "+0.05"),
    ]
