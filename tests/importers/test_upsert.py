"""The set-based upsert: creates, updates, delistings, re-tags, duplicates, locks and the safety floor.

Records here are built from real 2024 SDN entries (AL-QAHTANI, LAM, KARAEU, MNANGAGWA...)
so the shapes are those the parser produces.
"""

from __future__ import annotations

import datetime

import pytest

from designations.models import Designation, DesignationEvent, Designee, DesigneeCountry, SourceDocument
from importers.records import (
    PART_ADDRESSES,
    PART_FACTS,
    PART_LISTED_ALIASES,
    PART_REMARKS,
    PARTS,
    UNKNOWN_PART,
    AddressRecord,
    AliasRecord,
    CountryRoleRecord,
    DesigneeRecord,
    PlaceOfBirthRecord,
    PresenceIntervalRecord,
    RelationshipRecord,
)
from importers.upsert import DelistApproval, ImportSafetyError, ReviewRequired, upsert_history, upsert_snapshot
from programs.models import Program

D1 = datetime.date(2024, 6, 1)
D2 = datetime.date(2024, 7, 2)

QAHTANI = DesigneeRecord(
    source_uid="26093",
    kind="individual",
    name="AL-QAHTANI, Saud",
    programs=("GLOMAG",),
    gender="male",
    remarks="DOB 07 Jul 1978; POB Riyadh, Saudi Arabia; nationality Saudi Arabia; Gender Male; Passport D079021.",
    aliases=(AliasRecord(name="ALQAHTANI, Saud Abdullah S", source_uid="41068"),),
    addresses=(AddressRecord(city="Riyadh", country="Saudi Arabia", source_uid="39492"),),
    places_of_birth=(PlaceOfBirthRecord(place="Riyadh, Saudi Arabia", country="Saudi Arabia"),),
    countries=(CountryRoleRecord(country="Saudi Arabia", role="nationality"),),
)
RIF = DesigneeRecord(
    source_uid="31191",
    kind="entity",
    name="RAPID INTERVENTION FORCE",
    programs=("GLOMAG",),
    aliases=(AliasRecord(name="TIGER SQUAD", strength="weak"),),
    relationships=(RelationshipRecord(to_name="AL-QAHTANI, Saud"),),
)
LAM = DesigneeRecord(
    source_uid="29249",
    kind="individual",
    name="LAM, Carrie",
    programs=("HK-EO13936",),
    title="Chief Executive of the Hong Kong Special Administrative Region",
    countries=(CountryRoleRecord(country="Hong Kong", role="nationality"),),
)
KARAEU = DesigneeRecord(
    source_uid="29642", kind="individual", name="KARAEU, Yuriy Khadzymuratavich", programs=("BELARUS",)
)


def _snapshot(records, date=D2, complete=True, **kwargs):
    document, _ = SourceDocument.objects.get_or_create(
        source="ofac-sdn",
        source_uid=f"test-{date}",
        defaults={"kind": SourceDocument.Kind.LIST_SNAPSHOT, "published_on": date},
    )
    return upsert_snapshot(
        records=list(records),
        list_source="ofac-sdn",
        complete=complete,
        snapshot_date=date,
        source_document=document,
        **kwargs,
    )


@pytest.fixture
def countries(db):
    from designations.models import Country, CountryName

    for code, name in [("SA", "Saudi Arabia"), ("HK", "Hong Kong"), ("CN", "China"), ("BY", "Belarus")]:
        Country.objects.create(code=code, name=name)
    CountryName.objects.create(name="Korea, North", country=Country.objects.create(code="KP", name="North Korea"))


def test_first_snapshot_creates_designees_children_and_designations(countries):
    result = _snapshot([QAHTANI, RIF, LAM])

    assert (result.created, result.updated, result.unchanged, result.delisted) == (3, 0, 0, 0)
    saud = Designee.objects.get(source="ofac-sdn", source_uid="26093")
    assert saud.entry_number == 26093
    assert saud.aliases.get().name == "ALQAHTANI, Saud Abdullah S"
    roles = set(saud.country_links.values_list("country__code", "role"))
    assert roles == {("SA", "nationality"), ("SA", "address"), ("SA", "place_of_birth")}
    designation = saud.designations.get()
    assert designation.program.code == "GLOMAG"
    assert designation.status == Designation.Status.ACTIVE
    # A first snapshot can only say "on or before" its date.
    assert (designation.listed_on, designation.listed_precision) == (D2, "on_or_before")
    assert designation.events.get().kind == DesignationEvent.Kind.LISTED


def test_linked_to_resolves_to_the_designee_of_that_name(countries):
    _snapshot([QAHTANI, RIF])

    link = Designee.objects.get(source_uid="31191").relationships_from.get()
    assert link.to_designee.source_uid == "26093"


def test_rerun_with_same_records_changes_nothing(countries):
    _snapshot([QAHTANI, RIF, LAM])
    events_before = DesignationEvent.objects.count()

    result = _snapshot([QAHTANI, RIF, LAM])

    assert (result.created, result.updated, result.unchanged, result.delisted) == (0, 0, 3, 0)
    assert DesignationEvent.objects.count() == events_before


def test_changed_entry_is_updated_and_its_aliases_replaced(countries):
    _snapshot([QAHTANI], date=D1)
    changed = QAHTANI.__class__(**{**_fields(QAHTANI), "aliases": (AliasRecord(name="AL QAHTANI, Saud"),)})

    result = _snapshot([changed], date=D2)

    assert (result.created, result.updated) == (0, 1)
    assert list(Designee.objects.get(source_uid="26093").aliases.values_list("name", flat=True)) == ["AL QAHTANI, Saud"]


def test_entry_dropped_from_complete_snapshot_is_delisted_with_bracket(countries):
    _snapshot([QAHTANI, RIF, LAM], date=D1)

    result = _snapshot([QAHTANI, RIF], date=D2)

    assert result.delisted == 1
    lam = Designation.objects.get(designee__source_uid="29249")
    assert lam.status == Designation.Status.DELISTED
    assert (lam.delisted_earliest, lam.delisted_on, lam.delisted_precision) == (D1, D2, "range")
    assert lam.events.filter(kind=DesignationEvent.Kind.DELISTED).count() == 1
    # History is kept: the designee and the designation rows remain.
    assert Designee.objects.filter(source_uid="29249").exists()


def test_partial_source_never_delists(countries):
    _snapshot([QAHTANI, RIF, LAM], date=D1)

    result = _snapshot([QAHTANI], date=D2, complete=False)

    assert result.delisted == 0
    assert Designation.objects.active().count() == 3


def test_new_entry_in_later_snapshot_gets_bracketed_listing(countries):
    _snapshot([QAHTANI], date=D1)

    _snapshot([QAHTANI, KARAEU], date=D2)

    karaeu = Designation.objects.get(designee__source_uid="29642")
    assert (karaeu.listed_earliest, karaeu.listed_on, karaeu.listed_precision) == (D1, D2, "range")


def test_placeholder_retag_is_an_amendment_not_a_delisting(countries):
    successor = Program.objects.create(code="BELARUS-EO14038", name="Belarus E.O. 14038")
    Program.objects.create(code="BELARUS-EO", name="placeholder", replaced_by=successor, status="renamed")
    entry = DesigneeRecord(source_uid="40001", kind="entity", name="BELARUSKALI OAO", programs=("BELARUS-EO",))
    _snapshot([entry], date=D1)
    designation_pk = Designation.objects.get().pk

    result = _snapshot([DesigneeRecord(**{**_fields(entry), "programs": ("BELARUS-EO14038",)})], date=D2)

    assert (result.delisted, result.amended, result.listed) == (0, 1, 0)
    designation = Designation.objects.get()
    assert designation.pk == designation_pk
    assert designation.program.code == "BELARUS-EO14038"
    assert designation.status == Designation.Status.ACTIVE
    amended = designation.events.get(kind=DesignationEvent.Kind.AMENDED)
    assert amended.changes == {"program": ["BELARUS-EO", "BELARUS-EO14038"]}


def test_a_move_to_a_program_under_another_authority_ends_one_designation_and_starts_another(countries):
    mnangagwa = DesigneeRecord(
        source_uid="7513", kind="individual", name="MNANGAGWA, Emmerson Dambudzo", programs=("ZIMBABWE",)
    )
    _snapshot([mnangagwa], date=D1)

    result = _snapshot([DesigneeRecord(**{**_fields(mnangagwa), "programs": ("GLOMAG",)})], date=D2)

    assert (result.amended, result.delisted, result.listed) == (0, 1, 1)
    zimbabwe = Designation.objects.get(program__code="ZIMBABWE")
    glomag = Designation.objects.get(program__code="GLOMAG")
    assert zimbabwe.status == Designation.Status.DELISTED and glomag.status == Designation.Status.ACTIVE
    # Both dated by the snapshots between which the tags changed.
    assert (zimbabwe.delisted_earliest, zimbabwe.delisted_on) == (D1, D2)
    assert (glomag.listed_earliest, glomag.listed_on) == (D1, D2)


def test_a_move_between_two_tags_of_one_authority_is_an_amendment(countries):
    from programs.models import Authority

    order = Authority.objects.create(code="eo-14024", kind="executive_order", name="E.O. 14024")
    for code in ("BPI-RUSSIA-EO14024", "RUSSIA-EO14024"):
        Program.objects.create(code=code, name=code).authorities.add(order)
    entry = DesigneeRecord(source_uid="50002", kind="entity", name="SBERBANK", programs=("BPI-RUSSIA-EO14024",))
    _snapshot([entry], date=D1)

    result = _snapshot([DesigneeRecord(**{**_fields(entry), "programs": ("RUSSIA-EO14024",)})], date=D2)

    assert (result.amended, result.delisted, result.listed) == (1, 0, 0)
    assert Designation.objects.get().program.code == "RUSSIA-EO14024"


def test_added_tag_is_a_new_listing_and_others_stay(countries):
    entry = DesigneeRecord(source_uid="50001", kind="individual", name="IVANOV, Ivan", programs=("UKRAINE-EO13661",))
    _snapshot([entry], date=D1)

    result = _snapshot(
        [DesigneeRecord(**{**_fields(entry), "programs": ("UKRAINE-EO13661", "RUSSIA-EO14024")})], date=D2
    )

    assert (result.listed, result.amended, result.delisted) == (1, 0, 0)
    assert set(Designation.objects.active().values_list("program__code", flat=True)) == {
        "UKRAINE-EO13661",
        "RUSSIA-EO14024",
    }


def test_a_designee_leaving_the_list_keeps_the_countries_it_had_while_listed(countries):
    _snapshot([QAHTANI, LAM], date=D1)

    _snapshot([QAHTANI], date=D2)

    lam = Designee.objects.get(source_uid="29249")
    assert lam.designations.get().status == Designation.Status.DELISTED
    assert set(lam.country_links.values_list("country__code", "role")) == {("HK", "nationality")}


def test_vanished_duplicate_record_is_recorded_as_removed_duplicate(countries):
    kadyrov = DesigneeRecord(
        source_uid="23343", kind="individual", name="KADYROV, Ramzan Akhmatovich", programs=("GLOMAG",)
    )
    duplicate = DesigneeRecord(**{**_fields(kadyrov), "source_uid": "36459", "programs": ("RUSSIA-EO14024",)})
    _snapshot([kadyrov, duplicate], date=D1)
    # The record that stays takes the removed one's program (OFAC's merge of November 2022).
    merged = DesigneeRecord(**{**_fields(kadyrov), "programs": ("GLOMAG", "RUSSIA-EO14024")})

    result = _snapshot([merged], date=D2)

    assert result.removed_duplicates == 1
    removed = Designation.objects.get(designee__source_uid="36459")
    assert removed.status == Designation.Status.DELISTED
    assert list(removed.events.exclude(kind=DesignationEvent.Kind.LISTED).values_list("kind", flat=True)) == [
        DesignationEvent.Kind.REMOVED_DUPLICATE
    ]
    assert any("36459" in w and "23343" in w for w in result.warnings)


def test_a_namesake_delisted_under_another_program_is_a_delisting(countries):
    """The same name under two entries and no program in common: two people, one of them delisted."""
    first = DesigneeRecord(source_uid="50001", kind="individual", name="HASSAN, Ali", programs=("SDGT",))
    namesake = DesigneeRecord(**{**_fields(first), "source_uid": "50002", "programs": ("IRAN-HR",)})
    _snapshot([first, namesake], date=D1)

    result = _snapshot([first], date=D2)

    assert result.removed_duplicates == 0
    gone = Designation.objects.get(designee__source_uid="50002")
    assert gone.events.filter(kind=DesignationEvent.Kind.DELISTED).count() == 1
    assert not gone.events.filter(kind=DesignationEvent.Kind.REMOVED_DUPLICATE).exists()


def test_relisting_after_delisting_is_a_new_designation(countries):
    _snapshot([QAHTANI, LAM], date=D1)
    _snapshot([QAHTANI], date=D2)

    _snapshot([QAHTANI, LAM], date=datetime.date(2024, 8, 1))

    rows = Designation.objects.filter(designee__source_uid="29249").order_by("pk")
    assert [r.status for r in rows] == ["delisted", "active"]
    assert rows[1].events.get().kind == DesignationEvent.Kind.RELISTED


def test_snapshot_delisting_too_many_is_refused_before_any_write(countries):
    records = [
        DesigneeRecord(source_uid=str(1000 + i), kind="entity", name=f"ENTITY {i}", programs=("SDGT",))
        for i in range(200)
    ]
    _snapshot(records, date=D1)
    before = (Designee.objects.count(), DesignationEvent.objects.count())

    with pytest.raises(ImportSafetyError, match="would delist 100 of 200"):
        _snapshot(records[:100], date=D2)

    assert Designation.objects.active().count() == 200
    assert (Designee.objects.count(), DesignationEvent.objects.count()) == before


def test_locked_fields_are_kept_and_skipped_changes_listed(countries):
    _snapshot([LAM], date=D1)
    Designee.objects.filter(source_uid="29249").update(
        title="Former Chief Executive of Hong Kong", locked_fields=["title", "aliases"]
    )
    lam = Designee.objects.get(source_uid="29249")
    lam.aliases.create(name="LAM CHENG, Yuet-ngor")
    changed = DesigneeRecord(**{**_fields(LAM), "title": "Chief Executive", "aliases": (AliasRecord(name="X"),)})

    result = _snapshot([changed], date=D2)

    lam.refresh_from_db()
    assert lam.title == "Former Chief Executive of Hong Kong"
    assert list(lam.aliases.values_list("name", flat=True)) == ["LAM CHENG, Yuet-ngor"]
    fields = {c["field"] for c in result.skipped_changes}
    assert fields == {"title", "aliases"}
    assert next(c for c in result.skipped_changes if c["field"] == "title")["imported"] == "Chief Executive"


def test_new_program_tag_is_created_and_warned(countries):
    entry = DesigneeRecord(source_uid="60001", kind="entity", name="NEW CO", programs=("SOMETHING-EO99999",))

    result = _snapshot([entry])

    assert Program.objects.filter(code="SOMETHING-EO99999").exists()
    assert any("SOMETHING-EO99999" in w for w in result.warnings)


def test_unmapped_country_is_warned_not_dropped(countries):
    entry = DesigneeRecord(
        source_uid="60002",
        kind="individual",
        name="X, Y",
        programs=("SDGT",),
        countries=(CountryRoleRecord(country="Atlantis", role="nationality"),),
    )

    result = _snapshot([entry])

    assert not DesigneeCountry.objects.exists()
    assert any("Atlantis" in w for w in result.warnings)


def test_history_dates_listing_and_delisting_and_is_idempotent(countries):
    _snapshot([QAHTANI, LAM], date=D2)
    intervals = [
        PresenceIntervalRecord(
            source_uid="26093",
            kind="individual",
            name="AL-QAHTANI, Saud",
            programs_first=("GLOMAG",),
            programs_last=("GLOMAG",),
            first_seen=datetime.date(2021, 5, 22),
            prev_snapshot=None,
            last_seen=D2,
            first_absent=None,
        ),
        PresenceIntervalRecord(
            source_uid="29249",
            kind="individual",
            name="LAM, Carrie",
            programs_first=("HK-EO13936",),
            programs_last=("HK-EO13936",),
            first_seen=datetime.date(2021, 5, 22),
            prev_snapshot=None,
            last_seen=D2,
            first_absent=None,
        ),
        PresenceIntervalRecord(
            source_uid="36459",
            kind="individual",
            name="KADYROV, Ramzan Akhmatovich",
            programs_first=("RUSSIA-EO14024",),
            programs_last=("RUSSIA-EO14024",),
            first_seen=datetime.date(2022, 9, 15),
            prev_snapshot=datetime.date(2022, 9, 14),
            last_seen=datetime.date(2022, 11, 9),
            first_absent=datetime.date(2022, 11, 14),
        ),
    ]

    first = upsert_history(records=intervals, list_source="ofac-sdn", source_document=None)
    second = upsert_history(records=intervals, list_source="ofac-sdn", source_document=None)

    saud = Designation.objects.get(designee__source_uid="26093")
    assert (saud.listed_on, saud.listed_precision) == (datetime.date(2021, 5, 22), "on_or_before")
    gone = Designation.objects.get(designee__source_uid="36459")
    assert gone.status == Designation.Status.DELISTED
    assert (gone.listed_earliest, gone.listed_on) == (datetime.date(2022, 9, 14), datetime.date(2022, 9, 15))
    assert (gone.delisted_earliest, gone.delisted_on, gone.delisted_precision) == (
        datetime.date(2022, 11, 9),
        datetime.date(2022, 11, 14),
        "range",
    )
    assert first.created == 1  # the designee only the history knows
    assert (second.created, second.updated, second.listed) == (0, 0, 0)
    assert second.unchanged == 3


def _interval(uid: str, name: str, tags: tuple[str, ...], first_seen, last_seen, first_absent=None, prev=None):
    return PresenceIntervalRecord(
        source_uid=uid,
        kind="individual",
        name=name,
        programs_first=tags,
        programs_last=tags,
        first_seen=first_seen,
        prev_snapshot=prev,
        last_seen=last_seen,
        first_absent=first_absent,
    )


def test_history_records_a_record_removed_beside_its_namesake_as_a_removed_duplicate(countries):
    """36459 KADYROV was on the list beside 23343 from September to November 2022, then removed: a second
    record of the same person, not a delisting. A namesake sharing no program is delisted as usual."""
    kadyrov = "KADYROV, Ramzan Akhmatovich"
    intervals = [
        _interval("23343", kadyrov, ("GLOMAG", "RUSSIA-EO14024"), datetime.date(2021, 5, 22), D2),
        _interval(
            "36459",
            kadyrov,
            ("GLOMAG", "RUSSIA-EO14024"),
            datetime.date(2022, 9, 15),
            datetime.date(2022, 11, 9),
            first_absent=datetime.date(2022, 11, 14),
            prev=datetime.date(2022, 9, 14),
        ),
        _interval("50001", "HASSAN, Ali", ("SDGT",), datetime.date(2021, 5, 22), D2),
        _interval(
            "50002", "HASSAN, Ali", ("IRAN-HR",), datetime.date(2021, 5, 22), D1, first_absent=datetime.date(2024, 6, 5)
        ),
    ]

    result = upsert_history(records=intervals, list_source="ofac-sdn", source_document=None)

    assert result.removed_duplicates == 2  # one per program of the removed record
    removed = Designation.objects.filter(designee__source_uid="36459")
    assert set(removed.values_list("status", "delisted_on")) == {("delisted", datetime.date(2022, 11, 14))}
    ends = DesignationEvent.objects.filter(designation__in=removed).exclude(kind=DesignationEvent.Kind.LISTED)
    assert set(ends.values_list("kind", flat=True)) == {DesignationEvent.Kind.REMOVED_DUPLICATE}
    assert all("entry 23343 of the same name" in event.note and "inferred" in event.note for event in ends)
    namesake = DesignationEvent.objects.filter(designation__designee__source_uid="50002")
    assert set(namesake.values_list("kind", flat=True)) == {
        DesignationEvent.Kind.LISTED,
        DesignationEvent.Kind.DELISTED,
    }
    assert not Designation.objects.filter(designee__source_uid="23343", status="delisted").exists()


def _fields(record: DesigneeRecord) -> dict:
    import dataclasses

    return {f.name: getattr(record, f.name) for f in dataclasses.fields(record)}


def test_a_locked_designation_is_neither_delisted_nor_retagged(countries):
    successor = Program.objects.create(code="BELARUS-EO14038", name="Belarus E.O. 14038")
    Program.objects.create(code="BELARUS-EO", name="placeholder", replaced_by=successor, status="renamed")
    entry = DesigneeRecord(source_uid="40001", kind="entity", name="BELARUSKALI OAO", programs=("BELARUS-EO",))
    _snapshot([entry, LAM], date=D1)
    Designation.objects.filter(designee__source_uid="29249").update(locked_fields=["status"])
    Designation.objects.filter(designee__source_uid="40001").update(locked_fields=["program"])

    result = _snapshot([DesigneeRecord(**{**_fields(entry), "programs": ("BELARUS-EO14038",)})], date=D2)

    assert Designation.objects.get(designee__source_uid="29249").status == Designation.Status.ACTIVE
    assert Designation.objects.get(designee__source_uid="40001").program.code == "BELARUS-EO"
    skipped = {(c["field"], c["imported"]) for c in result.skipped_changes}
    assert skipped == {("status", "delisted"), ("program", "BELARUS-EO14038")}


def test_history_keeps_a_listing_date_an_editor_locked(countries):
    _snapshot([QAHTANI], date=D2)
    # Unlocked, the history would move "on or before 2 Jul 2024" back to "on or before 22 May 2021".
    Designation.objects.update(locked_fields=["listed_on"])
    interval = PresenceIntervalRecord(
        source_uid="26093",
        kind="individual",
        name="AL-QAHTANI, Saud",
        programs_first=("GLOMAG",),
        programs_last=("GLOMAG",),
        first_seen=datetime.date(2021, 5, 22),
        prev_snapshot=None,
        last_seen=D2,
        first_absent=None,
    )

    upsert_history(records=[interval], list_source="ofac-sdn", source_document=None)

    saud = Designation.objects.get()
    assert (saud.listed_on, saud.listed_precision) == (D2, "on_or_before")


# --------------------------------------------------------------------------------------------------
# What an input speaks about: parts it did not cover are kept as held
# --------------------------------------------------------------------------------------------------
WEAK = AliasRecord(name="SAUD THE FALCON", strength="weak")  # a remarks a.k.a.: no alt_num
SAUD = DesigneeRecord(**{**_fields(QAHTANI), "aliases": (*QAHTANI.aliases, WEAK)})


def _without_companions(record: DesigneeRecord, **changes) -> DesigneeRecord:
    """``record`` as ``sdn.csv`` alone gives it: no numbered aliases, no addresses, and says so."""
    fields = {
        **_fields(record),
        "aliases": tuple(a for a in record.aliases if not a.source_uid),
        "addresses": (),
        "countries": tuple(c for c in record.countries if c.role != "address"),
        "uncovered": (PART_LISTED_ALIASES, PART_ADDRESSES),
    }
    return DesigneeRecord(**{**fields, **changes})


def _held(uid: str) -> dict:
    designee = Designee.objects.get(source_uid=uid)
    return {
        "aliases": sorted(designee.aliases.values_list("name", "source_uid")),
        "addresses": sorted(designee.addresses.values_list("city", "source_uid")),
        "countries": sorted(designee.country_links.values_list("country__code", "role")),
        "remarks": designee.remarks,
        "name": designee.name,
    }


def test_every_record_field_is_hashed_in_its_part():
    import dataclasses

    names = {f.name for f in dataclasses.fields(DesigneeRecord)} - {"source_uid", "uncovered"}
    assert set(SAUD.part_values()) == set(PARTS)
    touched = {}
    for name in sorted(names):  # each field changed alone changes the hash of its part(s)
        current = getattr(SAUD, name)
        other = {str: "x", tuple: (), type(None): datetime.date(2000, 1, 1), datetime.date: None}[type(current)]
        if current == other:
            other = "y" if isinstance(current, str) else (CountryRoleRecord(country="China", role="nationality"),)
        changed = DesigneeRecord(**{**_fields(SAUD), name: other})
        touched[name] = {p for p in PARTS if changed.part_hashes()[p] != SAUD.part_hashes()[p]}
    assert all(touched.values()), touched
    assert touched["aliases"] == {PART_FACTS, PART_LISTED_ALIASES}  # remarks a.k.a.s and alt.csv rows
    assert touched["addresses"] == {PART_ADDRESSES}
    assert touched["remarks"] == {PART_REMARKS}
    assert touched["identifiers"] == {PART_FACTS}
    assert touched["facts"] == {PART_FACTS}  # stated facts (established dates, positions...) are facts
    assert touched["name"] == touched["programs"] == {"entry"}


def test_entry_without_its_companion_files_is_unchanged_and_keeps_them(countries):
    _snapshot([SAUD, RIF], date=D1)
    before = _held("26093")

    result = _snapshot([_without_companions(SAUD), _without_companions(RIF)], date=D2)

    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)
    assert _held("26093") == before
    assert ("ALQAHTANI, Saud Abdullah S", "41068") in before["aliases"] and before["addresses"]
    assert ("SA", "address") in before["countries"]
    assert result.stats["kept_as_held"] == {PART_LISTED_ALIASES: 2, PART_ADDRESSES: 2}
    assert any("numbered aliases (alt.csv) of 2 entries" in w for w in result.warnings)


def test_changed_entry_without_companions_takes_what_it_covers_and_keeps_the_rest(countries):
    _snapshot([SAUD], date=D1)
    renamed = _without_companions(
        SAUD, name="AL-QAHTANI, Saud Abdullah", aliases=(AliasRecord(name="SAUD AL-FALAK", strength="weak"),)
    )

    result = _snapshot([renamed], date=D2)

    assert result.updated == 1
    held = _held("26093")
    assert held["name"] == "AL-QAHTANI, Saud Abdullah"
    # The remarks a.k.a. is replaced (the remarks were given); the alt.csv one and the address stay.
    assert held["aliases"] == [("ALQAHTANI, Saud Abdullah S", "41068"), ("SAUD AL-FALAK", "")]
    assert held["addresses"] == [("Riyadh", "39492")]
    assert held["countries"] == [("SA", "address"), ("SA", "nationality"), ("SA", "place_of_birth")]
    # The full set later finds the entry changed only where it is: the stored hash kept the held parts.
    full = DesigneeRecord(**{**_fields(renamed), "aliases": (*QAHTANI.aliases, *renamed.aliases)})
    full = DesigneeRecord(**{**_fields(full), "addresses": SAUD.addresses, "countries": SAUD.countries})
    full = DesigneeRecord(**{**_fields(full), "uncovered": ()})
    assert _snapshot([full], date=D2).unchanged == 1


def test_cut_remarks_keep_the_full_remarks_and_the_facts_read_from_them(countries):
    _snapshot([SAUD], date=D1)
    cut = DesigneeRecord(
        **{
            **_fields(SAUD),
            "remarks": SAUD.remarks[:40],
            "places_of_birth": (),
            "aliases": QAHTANI.aliases,
            "title": "Lieutenant",
            "uncovered": (PART_REMARKS, PART_FACTS),
        }
    )

    result = _snapshot([cut], date=D2)

    assert result.updated == 1
    held = _held("26093")
    assert held["remarks"] == SAUD.remarks
    assert ("SAUD THE FALCON", "") in held["aliases"]
    assert ("SA", "place_of_birth") in held["countries"]
    assert Designee.objects.get(source_uid="26093").title == "Lieutenant"


def test_new_entry_without_companions_is_filled_in_by_the_next_full_set(countries):
    _snapshot([_without_companions(SAUD)], date=D1)
    stored = Designee.objects.get(source_uid="26093").record_hash
    assert stored.count(UNKNOWN_PART) == 2

    result = _snapshot([SAUD], date=D2)

    assert result.updated == 1
    assert ("ALQAHTANI, Saud Abdullah S", "41068") in _held("26093")["aliases"]
    assert _held("26093")["addresses"] == [("Riyadh", "39492")]


def test_hash_of_an_earlier_version_is_recognised_without_touching_the_entry(countries):
    _snapshot([SAUD], date=D1)
    earlier = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
    Designee.objects.update(record_hash=SAUD.legacy_hash(), updated_at=earlier)

    result = _snapshot([SAUD], date=D2)

    assert (result.updated, result.unchanged) == (0, 1)
    saud = Designee.objects.get(source_uid="26093")
    assert (saud.record_hash, saud.updated_at) == (SAUD.content_hash(), earlier)


# --------------------------------------------------------------------------------------------------
# Delisting gates: the absolute cap and the review threshold
# --------------------------------------------------------------------------------------------------
ENTRIES = [
    DesigneeRecord(source_uid=str(70000 + n), kind="entity", name=f"COMPANY {n} LLC", programs=("SDGT",))
    for n in range(10)
]


def test_more_delistings_than_the_review_threshold_hold_the_run_before_any_write(countries, settings):
    settings.IMPORT_REVIEW_DELIST_COUNT, settings.IMPORT_MAX_DELIST_SHARE = 3, 1.0
    _snapshot(ENTRIES, date=D1)
    events = DesignationEvent.objects.count()

    with pytest.raises(ReviewRequired, match="would delist 4 designations") as held:
        _snapshot(ENTRIES[:6], date=D2)

    assert held.value.plan["count"] == 4
    assert [item["entry"] for item in held.value.plan["sample"]] == ["70006", "70007", "70008", "70009"]
    assert Designation.objects.active().count() == 10
    assert DesignationEvent.objects.count() == events


def test_an_approval_of_exactly_the_planned_delistings_lets_the_run_through(countries, settings):
    settings.IMPORT_REVIEW_DELIST_COUNT, settings.IMPORT_MAX_DELIST_SHARE = 3, 1.0
    _snapshot(ENTRIES, date=D1)
    planned = frozenset(
        Designation.objects.filter(designee__source_uid__in=["70006", "70007", "70008", "70009"]).values_list(
            "pk", flat=True
        )
    )

    with pytest.raises(ReviewRequired, match="not these"):
        _snapshot(ENTRIES[:5], date=D2, approval=DelistApproval(count=5, designations=planned))
    with pytest.raises(ReviewRequired, match="covers up to 3"):
        _snapshot(ENTRIES[:6], date=D2, approval=DelistApproval(count=3))
    result = _snapshot(ENTRIES[:6], date=D2, approval=DelistApproval(count=4, designations=planned))

    assert result.delisted == 4
    assert set(Designation.objects.delisted().values_list("pk", flat=True)) == planned


def test_more_delistings_than_the_absolute_cap_are_refused_whatever_the_share(countries, settings):
    settings.IMPORT_MAX_DELIST_COUNT, settings.IMPORT_MAX_DELIST_SHARE = 3, 1.0

    _snapshot(ENTRIES, date=D1)
    with pytest.raises(ImportSafetyError, match="above the 3 one run may delist"):
        _snapshot(ENTRIES[:6], date=D2)

    assert Designation.objects.active().count() == 10
    assert _snapshot(ENTRIES[:6], date=D2, approval=DelistApproval(count=4)).delisted == 4


def test_a_dry_run_over_the_review_threshold_reports_the_plan_instead_of_holding(countries, settings):
    settings.IMPORT_REVIEW_DELIST_COUNT, settings.IMPORT_MAX_DELIST_SHARE = 3, 1.0
    _snapshot(ENTRIES, date=D1)

    result = _snapshot(ENTRIES[:6], date=D2, review=False)

    assert result.stats["planned_delistings"]["count"] == 4
    assert any("would be held for review" in w for w in result.warnings)


def test_history_that_ends_many_active_designations_is_held_for_review(countries, settings):
    settings.IMPORT_REVIEW_DELIST_COUNT = 3
    _snapshot(ENTRIES, date=D2)
    ended = [
        PresenceIntervalRecord(
            source_uid=entry.source_uid,
            kind="entity",
            name=entry.name,
            programs_first=("SDGT",),
            programs_last=("SDGT",),
            first_seen=D1,
            prev_snapshot=None,
            last_seen=D1,
            first_absent=D2,
        )
        for entry in ENTRIES[:4]
    ]

    with pytest.raises(ReviewRequired, match="would delist 4 designations"):
        upsert_history(records=ended, list_source="ofac-sdn", source_document=None)
    assert Designation.objects.active().count() == 10

    result = upsert_history(records=ended[:3], list_source="ofac-sdn", source_document=None)
    assert result.delisted == 3


# --------------------------------------------------------------------------------------------------
# The write step
# --------------------------------------------------------------------------------------------------
def test_the_write_step_refines_a_recorded_event_in_place_instead_of_adding_one(countries):
    from importers.upsert.plan import Bracket, DelistingGate, EventPlan, Plan, Tally, Verdict
    from importers.upsert.state import load_list_state, load_reference
    from importers.upsert.write import Provenance, write_plan

    _snapshot([QAHTANI], date=D2)
    designation = Designation.objects.get()
    recorded = designation.events.get()
    better = Bracket(datetime.date(2021, 5, 22), "range", datetime.date(2021, 5, 21))
    refinement = EventPlan("listed", better, designation.pk, note="Dated by the notice.", refines=recorded.pk)
    plan = Plan("ofac-sdn", DelistingGate(Verdict.PASS), Tally(), events=(refinement,))
    reference = load_reference()

    write_plan(plan, load_list_state("ofac-sdn", reference), reference, Provenance())

    recorded.refresh_from_db()
    assert designation.events.count() == 1
    assert (recorded.occurred_on, recorded.precision, recorded.earliest, recorded.note) == (
        datetime.date(2021, 5, 22),
        "range",
        datetime.date(2021, 5, 21),
        "Dated by the notice.",
    )
