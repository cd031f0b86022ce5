"""The reference data in fixtures/: it loads, reloads without change, and covers the real lists."""

from __future__ import annotations

import csv
import datetime
import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command

from designations.models import Country, CountryName
from programs.models import Authority, AuthorityEvent, Program
from tests.datafiles import data_path, requires_data

pytestmark = requires_data

ROOT = Path(__file__).resolve().parents[2]
SDN_2024 = data_path("ofac", "sdn_2024-07-02", "sdn.csv")
CONS_PRIM = data_path("ofac", "consolidated_2025-12-19", "cons_prim.csv")
INTERVALS = data_path("ofac", "history", "sdn_presence_intervals_2021-05-22_2024-07-02.csv")
HISTORY_START = datetime.date(2021, 5, 22)
HISTORY_END = datetime.date(2024, 7, 2)


def _program_tags(path: Path) -> set[str]:
    """Every tag in the Program column of an OFAC sdn.csv-style file (no header; tags joined by '] [')."""
    tags = set()
    with path.open(newline="", encoding="ascii") as handle:
        for row in csv.reader(handle):
            if len(row) < 4:  # the final line holding only the 0x1A byte
                continue
            tags.update(tag.strip() for tag in row[3].split("] ["))
    return tags


def _history_observations() -> dict[str, list[datetime.date]]:
    """For each tag, the dates of the list states in which history/ shows an entry carrying it."""
    seen: dict[str, list[datetime.date]] = {}
    with INTERVALS.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            for column, date_column in (("programs_first", "first_seen"), ("programs_last", "last_seen")):
                day = datetime.date.fromisoformat(row[date_column][:10])
                for tag in re.findall(r"\[([^\]]+)\]", row[column]):
                    seen.setdefault(tag, []).append(day)
    return seen


def _snapshot() -> dict:
    """Everything the reference data consists of, in comparable form."""
    return {
        "countries": sorted(Country.objects.values_list("pk", "code", "name", "numeric", "updated_at")),
        "spellings": sorted(CountryName.objects.values_list("pk", "name", "country__code")),
        "authorities": sorted(
            Authority.objects.values_list("pk", "code", "status", "ended_on", "ended_by__code", "updated_at")
        ),
        "implements": sorted(Authority.implements.through.objects.values_list("from_authority_id", "to_authority_id")),
        "authority_targets": sorted(
            Authority.target_countries.through.objects.values_list("authority_id", "country_id")
        ),
        "events": sorted(
            AuthorityEvent.objects.values_list("pk", "authority__code", "kind", "occurred_on", "verified")
        ),
        "programs": sorted(Program.objects.values_list("pk", "code", "status", "replaced_by__code", "updated_at")),
        "program_authorities": sorted(Program.authorities.through.objects.values_list("program_id", "authority_id")),
        "program_targets": sorted(Program.target_countries.through.objects.values_list("program_id", "country_id")),
    }


@pytest.mark.django_db
def test_loading_twice_gives_the_same_rows():
    out = io.StringIO()
    call_command("load_reference_data", stdout=out)
    first = _snapshot()
    call_command("load_reference_data", stdout=out)

    assert _snapshot() == first
    assert len(first["countries"]) == 253
    assert "253 countries" in out.getvalue()
    assert f"{len(first['programs'])} programs" in out.getvalue()


@pytest.mark.django_db
def test_reloading_restores_an_edited_fixture_row():
    call_command("load_reference_data", verbosity=0)
    Program.objects.filter(code="GLOMAG").update(name="edited")
    call_command("load_reference_data", verbosity=0)

    assert Program.objects.get(code="GLOMAG").name == "Global Magnitsky"
    assert Program.objects.filter(code="GLOMAG").count() == 1


@pytest.mark.django_db
def test_the_test_suites_replay_writes_what_the_command_writes():
    """``reference_data`` replays the command's rows after its first run (tests/reference_replay.py)."""
    from django.db import transaction

    from tests import reference_replay

    with transaction.atomic():
        reference_replay.load()  # the command, or a replay of an earlier test's run: either way recorded now
        commanded = reference_replay.snapshot()
        transaction.set_rollback(True)
    assert reference_replay._written is not None
    assert sum(len(rows) for rows in reference_replay._written.added.values()) > 1000

    reference_replay.load()  # from the same state: a replay

    assert reference_replay.snapshot() == commanded
    Country.objects.create(code="QZ", name="Test country")  # the next id on PostgreSQL too: sequences moved on
    assert Program.objects.get(code="GLOMAG").name == "Global Magnitsky"


def test_countries_are_iso_3166_plus_kosovo_and_three_historic_codes(reference_data):
    codes = set(Country.objects.values_list("code", flat=True))
    historic = {"SU", "YU", "CS"}
    current = codes - historic - {"XK"}

    assert len(current) == 249
    assert historic <= codes
    kosovo = Country.objects.get_by_natural_key("XK")
    assert (kosovo.name, kosovo.numeric) == ("Kosovo", "")
    # Every current ISO country has its three-digit numeric code for maps; XK and the historic ones have none.
    numerics = dict(Country.objects.values_list("code", "numeric"))
    assert all(re.fullmatch(r"\d{3}", numerics[code]) for code in current)
    assert len({numerics[code] for code in current}) == 249
    assert {numerics[code] for code in historic | {"XK"}} == {""}
    assert Country.objects.get(code="KP").name == "North Korea"
    assert Country.objects.get(code="MM").name == "Burma (Myanmar)"


def test_every_tag_in_the_2024_sdn_list_and_the_consolidated_list_has_a_program(reference_data):
    tags = _program_tags(SDN_2024) | _program_tags(CONS_PRIM)
    assert len(tags) > 70  # 75 on the SDN list, 11 on the consolidated list, 2 of them only there

    known = set(Program.objects.filter(code__in=tags).values_list("code", flat=True))
    assert sorted(tags - known) == []
    assert {"CAATSA - RUSSIA", "SOUTH SUDAN", "561-Related", "BPI-SUDAN-14098"} <= known


def test_every_tag_in_the_history_has_a_program(reference_data):
    tags = set(_history_observations())
    known = set(Program.objects.filter(code__in=tags).values_list("code", flat=True))

    assert sorted(tags - known) == []
    assert {"BELARUS-EO", "PEESA-EO", "ILLICIT-DRUGS-EO", "MIDDLE-EAST-EO", "ZIMBABWE", "BURUNDI", "FSE-SY"} <= known


def test_natural_keys_round_trip(reference_data):
    for model in (Country, CountryName, Authority, Program):
        for obj in model.objects.all():
            assert model.objects.get_by_natural_key(*obj.natural_key()) == obj
    event_keys = [event.natural_key() for event in AuthorityEvent.objects.select_related("authority")]
    assert len(event_keys) == len(set(event_keys))


def test_eo_13928_was_revoked_by_eo_14022_on_1_april_2021(reference_data):
    icc = Authority.objects.get_by_natural_key("eo-13928")

    assert icc.status == Authority.Status.REVOKED
    assert icc.signed_on == datetime.date(2020, 6, 11)
    assert icc.ended_on == datetime.date(2021, 4, 1)
    assert icc.ended_by.code == "eo-14022"
    assert list(icc.events.values_list("kind", "occurred_on")) == [
        ("signed", datetime.date(2020, 6, 11)),
        ("revoked", datetime.date(2021, 4, 1)),
    ]
    program = Program.objects.get_by_natural_key("ICC-EO13928")
    assert program.status == Program.Status.ENDED
    assert list(program.authorities.values_list("code", flat=True)) == ["eo-13928"]
    assert Program.objects.get(code="ICC-EO14203").authorities.get().signed_on == datetime.date(2025, 2, 6)


def test_eo_13818_implements_the_global_magnitsky_act(reference_data):
    eo = Authority.objects.get_by_natural_key("eo-13818")
    act = Authority.objects.get_by_natural_key("glomag-act")

    assert list(eo.implements.all()) == [act]
    assert list(act.implemented_by.all()) == [eo]
    assert (eo.signed_on, eo.effective_on) == (datetime.date(2017, 12, 20), datetime.date(2017, 12, 21))
    assert act.kind == Authority.Kind.STATUTE
    assert eo.is_human_rights and act.is_human_rights
    assert set(Program.objects.get(code="GLOMAG").authorities.values_list("code", flat=True)) == {
        "eo-13818",
        "glomag-act",
    }


def test_reported_hong_kong_and_syria_endings_are_kept_as_unverified_events(reference_data):
    hong_kong = Authority.objects.get_by_natural_key("eo-13936")
    expiry = hong_kong.events.get(kind=AuthorityEvent.Kind.EXPIRED)

    assert (expiry.occurred_on, expiry.verified) == (datetime.date(2026, 7, 14), False)
    assert (hong_kong.status, hong_kong.ended_on) == (Authority.Status.EXPIRED, datetime.date(2026, 7, 14))
    assert hong_kong.date_note.startswith("unverified:")
    assert Authority.objects.get(code="hkaa").status == Authority.Status.IN_FORCE

    syria = Authority.objects.get_by_natural_key("eo-14312")
    assert syria.effective_on == datetime.date(2025, 7, 1)
    assert not syria.events.filter(verified=True).exists()
    assert Program.objects.get(code="SYRIA").status == Program.Status.ENDED


def test_every_ended_authority_has_a_matching_event_and_successor(reference_data):
    ended = Authority.objects.exclude(status=Authority.Status.IN_FORCE)

    assert ended.count() >= 5
    for authority in ended:
        assert authority.events.filter(kind=authority.status, occurred_on=authority.ended_on).exists(), authority
        if authority.status == Authority.Status.REVOKED:
            assert authority.ended_by is not None, authority


def test_placeholder_tags_point_to_their_successors(reference_data):
    renamed = dict(Program.objects.filter(status=Program.Status.RENAMED).values_list("code", "replaced_by__code"))

    assert renamed == {
        "BELARUS-EO": "BELARUS-EO14038",
        "PEESA-EO": "PEESA-EO14039",
        "ILLICIT-DRUGS-EO": "ILLICIT-DRUGS-EO14059",
        "MIDDLE-EAST-EO": "WEST-BANK-EO14115",
        "RUSSIA-EO": "RUSSIA-EO14024",
    }
    assert Program.objects.filter(replaced_by__isnull=False).exclude(status=Program.Status.RENAMED).count() == 0


def test_programs_and_authorities_name_the_countries_they_target(reference_data):
    def targets(model, code):
        return set(model.objects.get_by_natural_key(code).target_countries.values_list("code", flat=True))

    assert targets(Program, "HK-EO13936") == {"CN", "HK"}
    assert targets(Authority, "hkaa") == {"CN", "HK"}
    assert targets(Authority, "eo-13936") == {"CN", "HK"}
    assert targets(Program, "SYRIA-CAESAR") == targets(Authority, "caesar-act") == {"SY"}
    assert targets(Authority, "eo-13894") == {"SY"}
    assert targets(Program, "UHRPA") == targets(Authority, "uhrpa") == {"CN"}
    for code in ("BELARUS", "BELARUS-EO", "BELARUS-EO14038"):
        assert targets(Program, code) == {"BY"}
    assert targets(Authority, "eo-13405") == targets(Authority, "eo-14038") == {"BY"}
    # Global regimes target no country.
    assert targets(Program, "GLOMAG") == targets(Program, "7031C") == set()
    assert targets(Authority, "glomag-act") == targets(Authority, "7031c") == set()
    assert set(Program.objects.for_country("SY").values_list("code", flat=True)) >= {
        "SYRIA",
        "SYRIA-CAESAR",
        "SYRIA-EO13894",
    }


def test_state_visa_designations_have_their_own_program(reference_data):
    program = Program.objects.get_by_natural_key("7031C")

    assert program.agency == "STATE"
    assert program.is_human_rights
    assert program.authorities.get().kind == Authority.Kind.APPROPRIATIONS


def test_human_rights_flag_follows_the_family(reference_data):
    mismatched = [
        program.code
        for program in Program.objects.all()
        if program.is_human_rights != (program.family == Program.Family.HUMAN_RIGHTS)
    ]

    assert mismatched == []
    assert set(Program.objects.human_rights().values_list("code", flat=True)) >= {
        "GLOMAG",
        "UHRPA",
        "MAGNIT",
        "HK-EO13936",
        "SYRIA-CAESAR",
        "BELARUS-EO14038",
        "7031C",
    }


def test_first_and_last_seen_dates_agree_with_the_history(reference_data):
    observations = _history_observations()
    dated = Program.objects.exclude(first_seen_on=None, last_seen_on=None)

    assert dated.count() >= 10
    for program in dated:
        days = observations[program.code]
        if program.first_seen_on:
            assert HISTORY_START < program.first_seen_on <= min(days), program
        if program.last_seen_on:
            assert max(days) <= program.last_seen_on < HISTORY_END, program
    assert Program.objects.get(code="BELARUS-EO").first_seen_on == datetime.date(2021, 8, 10)
    assert Program.objects.get(code="UHRPA").first_seen_on == datetime.date(2023, 12, 8)
