"""The EU Financial Sanctions Files (FSF) entity, as read from the XML or from the ammitto scrape.

The FSF XML ("xmlFullSanctionsList" 1.1) has one ``sanctionEntity`` per listing, described by attributes
(OpenSanctions ``zavod/zavod/shed/fsf.py`` reads the same ones)::

    export @generationDate
      sanctionEntity @logicalId @euReferenceNumber @unitedNationId @designationDate @designationDetails
        remark
        regulation* @regulationType @organisationType @publicationDate @entryIntoForceDate
                    @numberTitle @programme @logicalId; publicationUrl
        subjectType @code (person | enterprise) @classificationCode
        nameAlias* @firstName @middleName @lastName @wholeName @function @gender @title @nameLanguage
                   @strong @logicalId; regulationSummary* (@publicationDate @numberTitle ...), remark
        citizenship* @countryIso2Code @countryDescription @region
        birthdate* @birthdate @dayOfMonth @monthOfYear @year @yearRangeFrom @yearRangeTo @circa
                   @city @place @region @countryDescription
        address* @street @poBox @city @zipCode @region @place @countryDescription; contactInfo*
        identification* @identificationTypeCode @identificationTypeDescription @number @latinNumber
                        @countryDescription @issuedBy @issueDate ...

The ammitto scrape (github.com/ammitto/data-eu) keeps each ``sanctionEntity`` as YAML with the attribute
names in snake case (``euReferenceNumber`` -> ``eu_reference_number``, child lists pluralised:
``name_aliases``, ``regulation_summaries``) and empty attributes left out, but **drops
``designationDate``** (PROVENANCE.md). ``eu_fsf_xml`` converts each XML entity to that same mapping, so
both formats are read by ``read`` below and give the same record for the same entity.

Dates. Where the XML gives ``designationDate`` it is the ``listed`` date. Both formats also get a
``regulation_published`` stand-in: the earliest ``publicationDate`` of every act cited for the entity
(its ``regulation`` and every ``regulationSummary``). The entity-level ``regulation`` is the latest act
amending the entry (ZHU Hailun: 2021/2151 of 7 December 2021, his listing act 2021/478 of 22 March 2021
survives only in his name and birth date summaries), so the stand-in is the listing date only if the
listing act is still cited; it can be later, never earlier. The entity-level act's publication date is
also kept as ``last_updated``.

Programmes are the EU's regime codes: ``HR`` is the EU Global Human Rights Sanctions Regime (Regulation
(EU) 2020/1998).
"""

from __future__ import annotations

from collections import Counter

from allies.dates import date_bounds, parse_iso
from allies.parsers.ammitto import Doc
from allies.parsers.common import Regimes, gender, join_name, script_of, unique
from allies.records import (
    AddressRecord,
    AlliedDesignation,
    AlliedRecord,
    BirthDateRecord,
    IdentifierRecord,
    ListingDate,
    NameRecord,
    PlaceOfBirthRecord,
)

PUBLISHER = "eu"
LIST_SLUG = "eu-fsf"
SUBJECT_TYPES = {"person": "individual", "enterprise": "entity", "vessel": "vessel", "aircraft": "aircraft"}
STAND_IN = "stand-in: earliest publication date of the acts the entry cites; the designation date is not given"
LAST_ACT = "publication date of the act the entry is listed under (the latest amending act)"
NOT_A_COUNTRY = {"", "UNKNOWN", "00"}
# Summaries and the regulation carry these; the publication date is read, the rest describe the act.
_ACT_FIELDS = ("regulation_type", "number_title", "publication_url", "organisation_type", "logical_id")


def _summaries(doc: Doc, dates: list[str]) -> None:
    """Read an element's regulation summaries, collecting their publication dates."""
    for summary in doc.items("regulation_summaries"):
        dates.append(summary.text("publication_date"))
        summary.drop(*_ACT_FIELDS)
        summary.done()


def _country(doc: Doc) -> str:
    description = doc.text("country_description")
    code = doc.text("country_iso2_code")
    return description if description not in NOT_A_COUNTRY else ("" if code in NOT_A_COUNTRY else code)


def _birth_date(doc: Doc, stats: Counter) -> BirthDateRecord | None:
    full = doc.text("birthdate")
    day, month, year = doc.number("day_of_month"), doc.number("month_of_year"), doc.number("year")
    start, end = doc.number("year_range_from"), doc.number("year_range_to")
    circa = bool(doc.flag("circa"))
    doc.drop("calendar_type")
    if full and (exact := parse_iso(full)):
        return BirthDateRecord(raw=full, date_from=exact, date_to=exact, precision="day", circa=circa)
    if year is not None:
        bounds = date_bounds(year, month, day if month else None)
        raw = f"{year}" + (f"-{month:02d}" if month else "") + (f"-{day:02d}" if month and day else "")
        if bounds:
            return BirthDateRecord(raw=raw, date_from=bounds[0], date_to=bounds[1], precision=bounds[2], circa=circa)
    if start is not None and end is not None:
        first, last = date_bounds(start), date_bounds(end)
        if first and last and first[0] <= last[1]:
            return BirthDateRecord(
                raw=f"{start}-{end}", date_from=first[0], date_to=last[1], precision="year", is_range=True, circa=circa
            )
    if full or year or start:
        stats["unreadable_birth_dates"] += 1
        return BirthDateRecord(raw=full or str(year or start))
    return None


def read(doc: Doc, regime_table: Regimes, stats: Counter, *, source: str) -> AlliedRecord:
    """One FSF ``sanctionEntity`` (as a mapping) -> one record; ``ValueError`` when it cannot be."""
    logical_id = doc.text("logical_id", required=True)
    eu_reference = doc.text("eu_reference_number")
    un_reference = doc.text("united_nation_id")
    designation_date = doc.text("designation_date")
    other = [doc.text("remark"), doc.text("designation_details")]
    subject = doc.mapping("subject_type")
    code = subject.text("code") if subject else ""
    if subject:
        subject.drop("classification_code")
        subject.done()
    kind = SUBJECT_TYPES.get(code)
    if kind is None:
        raise ValueError(f"unknown subject type {code!r}")
    act_dates: list[str] = []

    programmes: dict[str, list[Doc]] = {}
    regulations = doc.items("regulations")
    if not regulations:
        raise ValueError("no regulation")
    for regulation in regulations:
        programmes.setdefault(regulation.text("programme"), []).append(regulation)

    names: list[NameRecord] = []
    positions, titles, genders, alias_remarks = [], [], [], 0
    for alias in doc.items("name_aliases"):
        parts = tuple(
            (label, value)
            for label, key in (("firstName", "first_name"), ("middleName", "middle_name"), ("lastName", "last_name"))
            if (value := alias.text(key))
        )
        whole = alias.text("whole_name") or join_name(value for _, value in parts)
        strong = alias.flag("strong")
        language = alias.text("name_language")
        positions.append(alias.text("function"))
        titles.append(alias.text("title"))
        genders.append(alias.text("gender"))
        alias_remarks += bool(alias.text("remark"))
        alias.drop("regulation_language", "logical_id")
        _summaries(alias, act_dates)
        alias.done()
        if whole:
            script = script_of(whole)
            names.append(
                NameRecord(
                    name=whole,
                    kind="alias" if script in {"Latn", ""} else "original_script",
                    parts=parts,
                    quality="" if strong is None else ("strong" if strong else "weak"),
                    weak=strong is False,
                    script=script,
                    language=language,
                )
            )
    if not names:
        raise ValueError("no name")
    stats["name_remarks"] += alias_remarks
    # The FSF marks no name as the primary one: the first Latin-script name in no language or English.
    latin = [name for name in names if name.kind == "alias"]
    primary = next((name for name in latin if name.language in {"", "EN"}), latin[0] if latin else names[0])

    birth_dates, places = [], []
    for birth in doc.items("birthdates"):
        place = [birth.text(key) for key in ("city", "place", "region")]
        country = _country(birth)
        record = _birth_date(birth, stats)
        if record is not None:
            birth_dates.append(record)
        text = ", ".join(part for part in (*place, country) if part and part != "-")
        if text:
            places.append(PlaceOfBirthRecord(place=text, country=country))
        birth.drop("regulation_language", "logical_id", "zip_code")
        birth.text("remark")
        _summaries(birth, act_dates)
        birth.done()

    citizenships = []
    for citizenship in doc.items("citizenships"):
        citizenships.append(_country(citizenship))
        citizenship.drop("region", "regulation_language", "logical_id")
        _summaries(citizenship, act_dates)
        citizenship.done()

    identifiers = []
    for identification in doc.items("identifications"):
        number, latin_number = identification.text("number"), identification.text("latin_number")
        number = number or latin_number
        description = identification.text("identification_type_description")
        type_code = identification.text("identification_type_code")
        kind_ = description or type_code
        country = _country(identification)
        issued = parse_iso(identification.text("issue_date"))
        notes = [identification.text("remark"), identification.text("issued_by")]
        identification.drop(
            "diplomatic", "known_expired", "known_false", "reported_lost", "revoked_by_issuer", "name_on_document",
            "region", "regulation_language", "logical_id", "valid_from", "valid_to", "issue_date",
        )  # fmt: skip
        _summaries(identification, act_dates)
        identification.done()
        if number:
            identifiers.append(
                IdentifierRecord(
                    kind=kind_, value=number, country=country, issued_on=issued, note="; ".join(n for n in notes if n)
                )
            )

    addresses = []
    for address in doc.items("addresses"):
        street = ", ".join(part for part in (address.text("street"), address.text("po_box")) if part)
        city = ", ".join(
            part for part in (address.text(key) for key in ("city", "zip_code", "region", "place")) if part
        )
        country = _country(address)
        remark = address.text("remark")
        for contact in address.items("contact_infos"):
            contact.drop("key", "value")
            contact.done()
        address.drop("regulation_language", "logical_id", "as_at_listing_time")
        _summaries(address, act_dates)
        address.done()
        if street or city or country:
            addresses.append(AddressRecord(street=street, city=city, country=country, remarks=remark))

    listed = parse_iso(designation_date) if designation_date else None
    if designation_date and listed is None:
        stats["unreadable_listed"] += 1
    designations = []
    for programme, acts in programmes.items():
        if not programme:
            raise ValueError("a regulation without a programme")
        own_dates = [act.text("publication_date") for act in acts]
        latest = max((d for d in map(parse_iso, own_dates) if d), default=None)
        instrument = acts[0].text("number_title")
        url = acts[0].text("publication_url")
        for act in acts:
            act.drop("regulation_type", "organisation_type", "entry_into_force_date", "logical_id", "number_title")
            act.drop("publication_url")
            act.done()
        cited = [d for d in map(parse_iso, [*own_dates, *act_dates]) if d]
        dates = []
        if listed is not None:
            dates.append(ListingDate(kind="listed", date=listed, raw=designation_date))
        if cited:
            earliest = min(cited)
            dates.append(
                ListingDate(kind="regulation_published", date=earliest, raw=earliest.isoformat(), note=STAND_IN)
            )
        if latest is not None:
            dates.append(ListingDate(kind="last_updated", date=latest, raw=latest.isoformat(), note=LAST_ACT))
        designations.append(
            AlliedDesignation(
                regime=programme,
                regime_code=regime_table.code(programme),
                reference=eu_reference,
                dates=tuple(dates),
                instrument=instrument,
                source_url=url,
            )
        )

    doc.done()
    references = [("eu_logical_id", logical_id)]
    references += [("eu_reference", eu_reference)] if eu_reference else []
    references += [("un_reference", un_reference)] if un_reference else []
    genders_ = unique(gender(value) for value in genders)
    return AlliedRecord(
        publisher=PUBLISHER,
        list_slug=LIST_SLUG,
        source=source,
        source_uid=logical_id,
        kind=kind,
        name=primary.name,
        name_parts=primary.parts,
        aliases=tuple(dict.fromkeys(name for name in names if name is not primary and name.kind == "alias")),
        non_latin_names=tuple(dict.fromkeys(name for name in names if name.kind == "original_script")),
        birth_dates=tuple(dict.fromkeys(birth_dates)),
        places_of_birth=tuple(dict.fromkeys(places)),
        citizenships=unique(citizenships),
        identifiers=tuple(dict.fromkeys(identifiers)),
        addresses=tuple(dict.fromkeys(addresses)),
        positions=unique(positions),
        titles=unique(titles),
        gender=genders_[0] if len(genders_) == 1 else "",
        designations=tuple(designations),
        other_information="\n\n".join(part for part in other if part),
        references=tuple(references),
    )
