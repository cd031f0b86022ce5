"""The allied lists imported beside the real 2024 US list: counts per regime as the files give them, the
same party resolved across lists, and what each ally did relative to the US, dated with its evidence."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.urls import reverse

from allies import coordination
from allies.models import AlliedDesignation, AlliedEntry, PartyLink
from allies.parsers import parser
from allies.resolution import compare_birth_dates, decide, name_variants, resolve_links
from allies.tasks import resolve_allied_links
from allies.writers import write_allied_list
from designations.models import BirthDate, Designee
from importers.models import ImportRun
from importers.services import import_run_create, import_run_execute
from importers.sources import get_adapter
from importers.writers import WriteRequest
from tests.allies import rawfiles
from tests.datafiles import data_bytes, data_path, requires_data

pytestmark = [requires_data, pytest.mark.django_db]

COORDINATION = reverse("allies-api:coordination")
SUMMARY = reverse("allies-api:coordination-summary")
# The real files, with the counts their PROVENANCE.md gives (counted there, not by our parsers).
FILES = {
    "uk-ofsi-conlist-xlsx": ("allied", "uk", "ofsi-conlist_2025-04-14"),
    "eu-fsf-ammitto": ("allied", "eu", "ammitto-data-eu_2026-05-01"),
    "ca-sema-lmes-ammitto": ("allied", "ca", "ammitto-data-ca_2026-08-22"),
    "au-dfat-consolidated-xlsx": ("allied", "au", "dfat-consolidated_2024-11-11"),
}
PUBLISHED_COUNTS = {
    "uk-ofsi-conlist": {"UK-GHR": 143, "UK-GAC": 66},
    "eu-fsf": {"EU-HR": 170},
    "ca-sema-lmes": {"CA-JVCFOA": 80},
    "au-dfat-consolidated": {"AU-HR": 103, "AU-CORRUPTION": 14, "AU-CYBER": 5},
}


def raw(slug: str) -> dict[str, bytes]:
    parts = {
        "au-dfat-consolidated-xlsx": rawfiles.DFAT,
        "au-dfat-consolidated-ammitto": rawfiles.AU_SCRAPE,
    }[slug]
    return {parts[-1]: data_bytes(*parts)}


def run_import(slug: str, *parts: str) -> ImportRun:
    run = import_run_execute(run_id=import_run_create(source=slug, path=[str(data_path(*parts))]).pk)
    assert run.status == ImportRun.Status.SUCCEEDED, run.error
    return run


@pytest.fixture(scope="module")
def allied(seeded, django_db_blocker):
    """The four allied lists, imported once for the module on top of the seeded US list."""
    from django.conf import settings
    from django.db import transaction

    from tests.dbstate import settle_constraints

    with django_db_blocker.unblock(), transaction.atomic():
        # OFAC's Recent Actions pages the seed imports too: they date the 2020 listings to the day.
        pages = settings.BASE_DIR / "fixtures" / "announcements" / "ofac"
        run = import_run_execute(run_id=import_run_create(source="ofac-recent-actions", path=[str(pages)]).pk)
        assert run.status == ImportRun.Status.SUCCEEDED, run.error
        runs = {slug: run_import(slug, *parts) for slug, parts in FILES.items()}
        resolve_links()  # what each run schedules once it commits; the module's transaction never does
        settle_constraints()
        yield runs
        transaction.set_rollback(True)


def zhu() -> Designee:
    return Designee.objects.get(name="ZHU, Hailun", source="ofac-sdn")


def test_each_list_holds_the_entries_of_each_regime_its_file_has(allied):
    for list_slug, counts in PUBLISHED_COUNTS.items():
        held = {
            code: AlliedDesignation.objects.filter(entry__list_slug=list_slug, regime_code=code).count()
            for code in counts
        }
        assert held == counts, list_slug
    assert AlliedEntry.objects.filter(list_slug="uk-ofsi-conlist").count() == 4688  # Group IDs (PROVENANCE)
    assert allied["uk-ofsi-conlist-xlsx"].stats["entries_by_regime"]["UK-GHR"] == 143


def test_a_second_import_of_the_same_file_changes_nothing(allied):
    before = dict(AlliedEntry.objects.filter(list_slug="ca-sema-lmes").values_list("pk", "updated_at"))
    run = import_run_execute(
        run_id=import_run_create(
            source="ca-sema-lmes-ammitto", path=[str(data_path(*FILES["ca-sema-lmes-ammitto"]))]
        ).pk
    )
    assert run.status == ImportRun.Status.UNCHANGED
    assert dict(AlliedEntry.objects.filter(list_slug="ca-sema-lmes").values_list("pk", "updated_at")) == before


def test_a_newer_list_marks_what_it_no_longer_carries_and_an_older_one_changes_nothing(
    allied, django_capture_on_commit_callbacks
):
    """DFAT's list of Aug 2026 after that of Nov 2024: entries gone are marked removed with the newer list's
    date, never deleted; the list of Nov 2024 read again afterwards only adds entries never seen."""
    older = {r.source_uid for r in parser("au-dfat-consolidated-xlsx").parse(raw("au-dfat-consolidated-xlsx")).records}
    newer_list = parser("au-dfat-consolidated-ammitto").parse(raw("au-dfat-consolidated-ammitto"))
    newer_records = newer_list.records
    newer = {r.source_uid for r in newer_records}
    total = AlliedEntry.objects.filter(list_slug="au-dfat-consolidated").count()
    with django_capture_on_commit_callbacks() as callbacks:
        run = run_import("au-dfat-consolidated-ammitto", "allied", "au", "ammitto-data-au_2026-08-22")
    assert resolve_allied_links.delay in callbacks  # the links are resolved again once the run commits
    gone = AlliedEntry.objects.filter(list_slug="au-dfat-consolidated", is_listed=False)
    assert set(gone.values_list("source_uid", flat=True)) == older - newer
    assert run.delisted == len(older - newer) > 0
    assert set(gone.values_list("removed_seen_on", flat=True)) == {newer_list.published_on}
    assert AlliedEntry.objects.filter(list_slug="au-dfat-consolidated").count() == total + len(newer - older)

    # The older list again (another run of the writer): nothing held changes, a warning says why.
    state = list(
        AlliedEntry.objects.filter(list_slug="au-dfat-consolidated").values_list("pk", "is_listed", "record_hash")
    )
    request = WriteRequest(
        records=list(parser("au-dfat-consolidated-xlsx").parse(raw("au-dfat-consolidated-xlsx")).records),
        adapter=get_adapter("au-dfat-consolidated-xlsx"),
        run=run,
        as_of=datetime.date(2024, 11, 11),
        raw_sha256="0" * 64,
    )
    result = write_allied_list(request)
    assert result.created == 0 and "older than the list" in result.warnings[0]
    after = list(
        AlliedEntry.objects.filter(list_slug="au-dfat-consolidated").values_list("pk", "is_listed", "record_hash")
    )
    assert after == state


def test_zhu_hailun_is_one_party_on_the_uk_eu_and_canadian_lists(allied):
    links = PartyLink.objects.filter(designee=zhu(), state__in=PartyLink.SAME_PARTY).select_related("entry")
    assert {(link.entry.list_slug, link.entry.source_uid) for link in links} >= {
        ("uk-ofsi-conlist", "14078"),
        ("eu-fsf", "128226"),
    }
    assert "ca-sema-lmes" in {link.entry.list_slug for link in links}
    uk = links.get(entry__list_slug="uk-ofsi-conlist")
    assert uk.features["birth_date"] == "agrees" and uk.features["name"] >= 0.9


def test_zhu_hailun_is_dated_right_against_the_us(allied):
    (row,) = [row for row in coordination.coordination_rows() if row.designee_id == zhu().pk]
    assert row.program == "GLOMAG" and row.us_listed["on"] == "2020-07-09" and row.us_listed["precision"] == "day"
    uk, eu, ca, au = (row.allies[ally] for ally in coordination.ALLIES)
    assert (uk["relation"], uk["days"], uk["date_kind"], uk["stand_in"]) == ("ally_after", [256, 256], "listed", False)
    # The EU list gives no designation date: the regulation's day stands in, and says so.
    assert (eu["relation"], eu["days"], eu["date_kind"], eu["stand_in"]) == (
        "ally_after",
        [256, 256],
        "regulation_published",
        True,
    )
    assert (ca["relation"], ca["days"]) == ("ally_after", [255, 255])  # China regulations, 21 March 2021
    assert {d["regime_code"] for d in ca["designations"]} == {"CA-SEMA-CHINA"}
    assert au["relation"] == "never"


def test_the_same_name_with_another_birth_date_is_not_linked(allied):
    """A namesake of ZHU Hailun born 1970 is never tied to the allied records of the one born 1958."""
    namesake = Designee.objects.create(name="ZHU, Hailun", kind="individual", source="test", source_uid="namesake")
    BirthDate.objects.create(
        designee=namesake,
        raw="1970",
        date_from=datetime.date(1970, 1, 1),
        date_to=datetime.date(1970, 12, 31),
        precision="year",
    )
    real = zhu()
    real.designations.first().__class__.objects.create(
        designee=namesake, program=real.designations.first().program, listed_on=datetime.date(2022, 1, 1)
    )
    resolve_links()
    assert not PartyLink.objects.filter(designee=namesake, entry__list_slug__in=["uk-ofsi-conlist", "eu-fsf"]).exists()
    assert PartyLink.objects.filter(designee=real, entry__list_slug="eu-fsf", state="linked").exists()


def test_editors_decisions_stand_across_runs(allied, django_user_model):
    link = PartyLink.objects.filter(designee=zhu(), entry__list_slug="eu-fsf").get()
    link.state = PartyLink.State.REJECTED
    link.save()
    resolve_links()
    link.refresh_from_db()
    assert link.state == PartyLink.State.REJECTED
    row = next(row for row in coordination.coordination_rows() if row.designee_id == zhu().pk)
    assert row.allies["eu"]["relation"] == "never"  # a rejected link ties nothing


@pytest.mark.parametrize(
    ("ours", "theirs", "name", "birth", "countries", "identifier", "unique", "expected"),
    [
        ("individual", "individual", 1.0, "conflicts", "agree", True, True, None),
        ("individual", "entity", 1.0, "agrees", "agree", False, True, None),
        ("individual", "individual", 0.85, "unknown", "unknown", True, False, "linked"),
        ("individual", "individual", 0.92, "agrees", "differ", False, False, "linked"),
        ("individual", "individual", 0.92, "unknown", "agree", False, False, "linked"),
        ("individual", "individual", 0.99, "unknown", "unknown", False, True, "linked"),
        ("individual", "individual", 0.99, "unknown", "unknown", False, False, "pending"),
        ("individual", "individual", 0.99, "unknown", "differ", False, True, "pending"),
        ("entity", "entity", 0.96, "unknown", "unknown", False, False, "linked"),
        ("entity", "entity", 0.96, "unknown", "differ", False, False, "pending"),
        ("entity", "vessel", 0.85, "unknown", "unknown", False, False, "pending"),
        ("individual", "individual", 0.79, "agrees", "agree", False, True, None),
        # The same full date of birth carries a name the matcher scores lower (ALEKSIN / OLEKSIN) ...
        ("individual", "individual", 0.84, "same_day", "unknown", False, False, "linked"),
        # ... but not one below the review threshold, and a birth date that only overlaps does not.
        ("individual", "individual", 0.79, "same_day", "agree", False, True, None),
        ("individual", "individual", 0.84, "agrees", "agree", False, True, "pending"),
    ],
)
def test_the_rules(ours, theirs, name, birth, countries, identifier, unique, expected):
    decision = decide(ours, theirs, name, birth, countries, identifier, unique=unique)
    assert (decision[0] if decision else None) == expected


@pytest.mark.parametrize(
    ("ours", "theirs", "expected"),
    [
        ([("1997-08-29", "1997-08-29")], [("1997-08-29", "1997-08-29")], "same_day"),
        ([("1958-01-01", "1958-01-31")], [("1958-01-01", "1958-01-01")], "agrees"),  # a month against a day
        ([("1958-01-01", "1958-12-31")], [("1958-01-01", "1958-12-31")], "agrees"),  # the same year only
        ([("1957-12-15", "1957-12-15")], [("1967-12-15", "1967-12-15")], "conflicts"),
        ([], [("1967-12-15", "1967-12-15")], "unknown"),
    ],
)
def test_birth_dates_compared(ours, theirs, expected):
    day = datetime.date.fromisoformat
    spans = [[(day(start), day(end)) for start, end in side] for side in (ours, theirs)]
    assert compare_birth_dates(*spans) == expected


def test_allied_human_rights_entries_are_screened_against_the_whole_us_list(allied):
    """The EU lists KRASNOV for human rights; the US under its Russia programs only: still one party."""
    krasnov = Designee.objects.get(source="ofac-sdn", source_uid="31251")
    assert not krasnov.designations.filter(program__is_human_rights=True).exists()
    link = PartyLink.objects.get(designee=krasnov, entry__list_slug="eu-fsf", entry__source_uid="127738")
    assert (link.state, link.features["birth_date"]) == ("linked", "same_day")
    # Outside the human-rights programs a name alone does not fill the editors' queue.
    outside = PartyLink.objects.filter(state="pending").exclude(designee__designations__program__is_human_rights=True)
    assert all(link.score >= 0.9 for link in outside)


@pytest.mark.parametrize(
    ("us", "ally", "expected", "possible"),
    [
        (("2020-07-09", "2020-07-09"), ("2020-07-09", "2020-07-09"), "same_day", ["same_day"]),
        (("2020-07-09", "2020-07-09"), ("2020-08-08", "2020-08-08"), "within_30_days", ["within_30_days"]),
        (("2020-07-09", "2020-07-09"), ("2020-08-09", "2020-08-09"), "ally_after", ["ally_after"]),
        (("2020-07-09", "2020-07-09"), ("2020-06-08", "2020-06-08"), "ally_before", ["ally_before"]),
        # A US bracket between two list states: the ally's day may fall before, inside or after it.
        (
            ("2021-05-22", "2021-07-01"),
            ("2021-06-10", "2021-06-10"),
            "uncertain",
            ["within_30_days", "same_day"],
        ),
        (("2021-05-22", "2021-07-01"), ("2022-01-01", "2022-01-01"), "ally_after", ["ally_after"]),
    ],
)
def test_relations_follow_both_brackets(us, ally, expected, possible):
    day = datetime.date.fromisoformat
    date = coordination.AllyDate(day(ally[0]), day(ally[1]), "listed", False)
    name, found, days = coordination.relation((day(us[0]), day(us[1])), date)
    assert (name, found) == (expected, possible)
    assert days[0] <= days[1]


def test_the_api_filters_and_explains(allied, api_client):
    response = api_client.get(COORDINATION, {"program": "GLOMAG", "country": "CN", "ally": "uk,ca"})
    assert response.status_code == 200, response.content[:300]
    names = {row["designee_name"] for row in response.json()["results"]}
    assert "ZHU, Hailun" in names
    assert all(
        any(row["allies"][ally]["relation"] != "never" for ally in ("uk", "ca")) for row in response.json()["results"]
    )
    after = api_client.get(COORDINATION, {"program": "GLOMAG", "ally": "eu", "relation": "ally_after"}).json()
    assert after["count"] >= 1 and all(row["allies"]["eu"]["relation"] == "ally_after" for row in after["results"])
    for params, named in (
        ({"relation": "ally_after"}, "relation"),
        ({"ally": "us"}, "ally"),
        ({"colour": "x"}, "colour"),
    ):
        bad = api_client.get(COORDINATION, params)
        assert bad.status_code == 400 and named in bad.json()


def test_csv_and_summary_agree_with_the_rows(allied, api_client):
    params = {"program": "GLOMAG"}
    rows = coordination.coordination_rows(coordination.Designation.objects.filter(program__code="GLOMAG"))
    response = api_client.get(COORDINATION, {**params, "format": "csv"})
    table = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(table) == len(rows)
    zhu_row = next(line for line in table if line["designee_name"] == "ZHU, Hailun")
    assert (zhu_row["uk_relation"], zhu_row["uk_days_min"], zhu_row["eu_date_kind"]) == (
        "ally_after",
        "256",
        "regulation_published",
    )
    figures = api_client.get(SUMMARY, params).json()
    for ally in coordination.ALLIES:
        relations = figures[ally]["relations"]
        assert sum(relations.values()) == figures[ally]["us_designations"] == len(rows)
        assert figures[ally]["designated_by_ally"] == sum(1 for row in rows if row.allies[ally]["relation"] != "never")


def test_overlap_counts_each_us_designation_once_under_the_allies_that_also_designated(allied, api_client):
    rows = coordination.coordination_rows(coordination.Designation.objects.filter(program__code="GLOMAG"))
    figures = api_client.get(SUMMARY, {"program": "GLOMAG"}).json()
    combinations = figures["overlap"]
    assert sum(item["count"] for item in combinations) == len(rows)
    assert len({tuple(item["allies"]) for item in combinations}) == len(combinations)
    assert [item["count"] for item in combinations] == sorted((item["count"] for item in combinations), reverse=True)
    for ally in coordination.ALLIES:
        including = sum(item["count"] for item in combinations if ally in item["allies"])
        assert including == figures[ally]["designated_by_ally"]
    zhu_allies = next(
        [ally for ally in coordination.ALLIES if row.allies[ally]["relation"] != "never"]
        for row in rows
        if row.designee_id == zhu().pk
    )
    assert zhu_allies == ["uk", "eu", "ca"]
    assert any(item["allies"] == zhu_allies and item["count"] >= 1 for item in combinations)


def test_stats_by_jurisdiction_count_the_us_designations_each_ally_also_designated(allied, api_client):
    stats = reverse("designations-api:stats")
    rows = coordination.coordination_rows(coordination.Designation.objects.filter(program__code="GLOMAG"))
    answer = api_client.get(stats, {"program": "GLOMAG", "group_by": "jurisdiction"})
    assert answer.status_code == 200, answer.content
    counts = {row["jurisdiction"]: row["count"] for row in answer.json()["results"]}
    assert list(counts) == ["us", *coordination.ALLIES]
    assert counts["us"] == len(rows)
    for ally in coordination.ALLIES:
        assert counts[ally] == sum(1 for row in rows if row.allies[ally]["relation"] != "never"), ally
    assert counts["uk"] > 0 and counts["eu"] > 0

    # With the year: each jurisdiction's rows add up to its total, the rows ordered by year, then jurisdiction.
    by_year = api_client.get(stats, {"program": "GLOMAG", "group_by": "year,jurisdiction"}).json()["results"]
    for jurisdiction, count in counts.items():
        assert sum(row["count"] for row in by_year if row["jurisdiction"] == jurisdiction) == count
    assert list(by_year[0]) == ["year", "jurisdiction", "count"]
    order = ["us", *coordination.ALLIES]
    keys = [((row["year"] is None, row["year"] or 0), order.index(row["jurisdiction"])) for row in by_year]
    assert keys == sorted(keys)
    zhu_year = next(row for row in by_year if row["year"] == 2020 and row["jurisdiction"] == "uk")
    assert zhu_year["count"] >= 1

    # An editor's rejection takes the party out of the ally's count; a pending link never counts.
    link = PartyLink.objects.get(designee=zhu(), entry__list_slug="uk-ofsi-conlist")
    link.state = PartyLink.State.REJECTED
    link.save()
    after = api_client.get(stats, {"program": "GLOMAG", "group_by": "jurisdiction"}).json()["results"]
    assert {row["jurisdiction"]: row["count"] for row in after}["uk"] == counts["uk"] - 1

    table = api_client.get(stats, {"program": "GLOMAG", "group_by": "jurisdiction", "format": "csv"})
    lines = list(csv.reader(io.StringIO(b"".join(table.streaming_content).decode())))
    assert lines[0] == ["jurisdiction", "count"] and lines[1][0] == "us"
    for params in ({"group_by": "jurisdiction,jurisdiction"}, {"group_by": "jurisdiction,planet"}):
        bad = api_client.get(stats, params)
        assert bad.status_code == 400 and "group_by" in bad.json(), params


def test_the_overview_swaps_its_results_in_place_and_works_without_scripts(allied, client):
    page = client.get(reverse("allies:coordination"), {"program": "GLOMAG"})
    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="coordination-results"' in html and 'hx-select="#coordination-results"' in html
    assert "No ally (the United States alone)" in html and "United Kingdom, European Union, Canada" in html
    # Designee links stay plain links: only the rows form and the page links are swapped in place.
    assert html.count('hx-boost="true"') == 1
    boosted = html.split('<div hx-boost="true">', 1)[1].split("</div>", 1)[0]
    designee = reverse("designations:designee_detail", kwargs={"pk": zhu().pk})
    assert designee in html and "/designees/" not in boosted


@pytest.mark.parametrize(
    ("name", "kind", "expected"),
    [
        ("DANA HOLDINGS LIMITED", "entity", ["dana holdings"]),
        ("JOINT STOCK COMPANY 140 REPAIR PLANT", "entity", ["140 repair plant"]),
        ("Iran Electronics Industries (IEI)", "entity", ["Iran Electronics Industries"]),
        (
            "Islamic Republic of Iran Broadcasting/Radiotélévision de la République islamique d'Iran",
            "entity",
            ["Islamic Republic of Iran Broadcasting", "Radiotélévision de la République islamique d'Iran"],
        ),
        ("A/S Maersk", "entity", []),  # a legal form with a slash is not two languages
        ("JSC", "entity", []),  # nothing left
        ("LIMITED, Ltd", "individual", []),  # people's names are screened as given
    ],
)
def test_organisations_are_also_screened_without_their_legal_form(name, kind, expected):
    assert name_variants(name, kind) == expected


def test_the_pairs_read_by_hand_that_the_module_lists_hold(allied):
    """``bench/allied_pairs.csv`` (see ``bench/allies_resolution_eval.py``): of its pairs between the lists this
    module imports and the US list, none labelled different is linked, and most labelled the same are."""
    from django.conf import settings

    with (settings.BASE_DIR / "bench" / "allied_pairs.csv").open(encoding="utf-8") as handle:
        rows = [row for row in csv.DictReader(handle) if row["us_entry"]]
    entries = {(slug, uid): pk for pk, slug, uid in AlliedEntry.objects.values_list("pk", "list_slug", "source_uid")}
    designees = dict(Designee.objects.filter(source="ofac-sdn").values_list("source_uid", "pk"))
    states = dict(
        ((designee_id, entry_id), state)
        for designee_id, entry_id, state in PartyLink.objects.values_list("designee_id", "entry_id", "state")
    )
    judged = {"yes": [], "no": []}
    for row in rows:
        entry = entries.get((row["list"], row["allied_uid"]))
        if entry is not None:
            judged[row["same"]].append(states.get((designees[row["us_entry"]], entry)))
    assert len(judged["yes"]) >= 50 and len(judged["no"]) >= 5
    assert PartyLink.State.LINKED not in judged["no"]
    assert judged["yes"].count(PartyLink.State.LINKED) >= 0.85 * len(judged["yes"])


def test_the_regimes_compared_with_their_instruments_and_what_each_list_carries(allied, api_client, client):
    answer = api_client.get(reverse("allies-api:coordination-regimes"))
    assert answer.status_code == 200
    regimes = {regime["code"]: regime for regime in answer.json()}
    for slug, counts in PUBLISHED_COUNTS.items():
        for code, count in counts.items():
            (held,) = [item for item in regimes[code]["lists"] if item["list"] == slug]
            assert (held["listed"], held["removed"]) == (count, 0), code
            tied = (
                AlliedEntry.objects.filter(
                    list_slug=slug, designations__regime_code=code, party_links__state__in=PartyLink.SAME_PARTY
                )
                .distinct()
                .count()
            )
            assert held["tied_to_us"] == tied and tied <= count, code
    uk = regimes["UK-GHR"]
    assert uk["ally"] == "uk" and "Office of Financial Sanctions Implementation" in uk["agency"]
    assert [(i["citation"], i["date"], i["date_kind"]) for i in uk["instruments"]] == [
        ("S.I. 2020/680", "2020-07-06", "in_force")
    ]
    assert [i["citation"] for i in regimes["EU-HR"]["instruments"]] == [
        "OJ L 410I, 7.12.2020, p. 1",
        "OJ L 410I, 7.12.2020, p. 13",
    ]
    assert {item["list"]: item["first_listed_on"] for item in regimes["CA-JVCFOA"]["lists"]} == {
        "ca-sema-lmes": "2017-11-03"
    }
    assert api_client.get(reverse("allies-api:coordination-regimes"), {"ally": "uk"}).status_code == 400
    page = " ".join(client.get(reverse("allies:coordination")).content.decode().split())
    assert "The Global Human Rights Sanctions Regulations 2020 (S.I. 2020/680): in force 6 Jul 2020" in page
