"""A designee's whole record in the API: birth dates, places of birth, addresses, identifiers (as published and
normalised), countries with their roles, relationships both ways and the other stated facts, in the detail and, with
``?expand=facts``, in the list; each read in a fixed number of queries."""

from __future__ import annotations

import datetime
import re
from html import unescape

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from designations.models import (
    Address,
    Alias,
    BirthDate,
    Designee,
    DesigneeCountry,
    DesigneeFact,
    Identifier,
    PlaceOfBirth,
    Relationship,
)
from designations.selectors import normalised_identifier
from importers.models import ImportRun
from importers.services import import_run_create, import_run_execute
from importers.sources import get_adapter
from tests.datafiles import requires_data, selection
from tests.factories import (
    AddressFactory,
    AliasFactory,
    BirthDateFactory,
    CountryFactory,
    DesignationFactory,
    DesigneeCountryFactory,
    DesigneeFactory,
    IdentifierFactory,
    PlaceOfBirthFactory,
    RelationshipFactory,
    SourceDocumentFactory,
)

pytestmark = pytest.mark.django_db

DESIGNEES = reverse("designations-api:designee-list")
FACTS = ("birth_dates", "places_of_birth", "addresses", "relationships_out", "relationships_in", "stated_facts")


def detail(pk: int) -> str:
    return reverse("designations-api:designee-detail", kwargs={"pk": pk})


def full_record(facts: int = 1) -> Designee:
    """A designee with ``facts`` of each kind (and one of every nested list), linked both ways."""
    country = CountryFactory()
    designee = DesigneeFactory()
    DesignationFactory(designee=designee)
    for _ in range(facts):
        AliasFactory(designee=designee)
        IdentifierFactory(designee=designee, country=country)
        DesigneeCountryFactory(designee=designee, country=CountryFactory())
        BirthDateFactory(designee=designee)
        PlaceOfBirthFactory(designee=designee, country=country)
        AddressFactory(designee=designee, country=country)
        RelationshipFactory(from_designee=designee)
        RelationshipFactory(to_designee=designee)
        DesigneeFact.objects.create(
            designee=designee, kind=DesigneeFact.Kind.TARGET_TYPE, value="Financial Institution"
        )
    return designee


@pytest.mark.parametrize(
    ("value", "normalised"),
    [
        ("IMO 9245316", "9245316"),
        ("imo9245316", "9245316"),
        ("KJ0505670", "KJ0505670"),
        ("kj 0505670", "KJ0505670"),
        ("HE 123456", "HE123456"),  # a register's letters are part of the number
        ("IMONIT 12", "IMONIT12"),  # a word that merely starts with IMO is kept whole
    ],
)
def test_normalised_identifier(value, normalised):
    assert normalised_identifier(value) == normalised


class TestDetail:
    def test_every_fact_with_its_parts(self, api_client):
        country = CountryFactory(code="QM", name="Testland")
        designee = DesigneeFactory(name="TESTER, Ann")
        other = DesigneeFactory(name="OTHER, Firm", kind=Designee.Kind.ENTITY)
        pointing = DesigneeFactory(name="POINTING, Bob")
        document = SourceDocumentFactory(title="OFAC SDN list as of 2 Jul 2024", published_on=datetime.date(2024, 7, 2))
        BirthDateFactory(
            designee=designee,
            raw="circa 1966 to 1968",
            date_from=datetime.date(1966, 1, 1),
            date_to=datetime.date(1968, 12, 31),
            precision=BirthDate.Precision.YEAR,
            is_range=True,
            circa=True,
            source_document=document,
        )
        PlaceOfBirthFactory(designee=designee, place="Springfield, Testland", country=country)
        PlaceOfBirthFactory(designee=designee, place="Somewhere", country=None)
        AddressFactory(designee=designee, street="1 Main Street", city="Springfield 12345", country=country)
        AddressFactory(designee=designee, street="", city="", country=None, country_text="Nowhere")
        IdentifierFactory(
            designee=designee,
            kind="Vessel Registration Identification",
            value="IMO 9245316",
            country=None,
            issued_on=datetime.date(2016, 4, 13),
        )
        RelationshipFactory(from_designee=designee, to_designee=other, kind=Relationship.Kind.OWNED_BY)
        RelationshipFactory(from_designee=designee, to_designee=None, to_name="UNRESOLVED PARTY")
        RelationshipFactory(from_designee=pointing, to_designee=designee, to_name="TESTER, Ann")
        DesigneeCountryFactory(designee=designee, country=country, role=DesigneeCountry.Role.PLACE_OF_BIRTH)
        DesigneeCountryFactory(designee=designee, country=country, role=DesigneeCountry.Role.ADDRESS)

        data = api_client.get(detail(designee.pk)).json()

        assert data["birth_dates"] == [
            {
                "raw": "circa 1966 to 1968",
                "date_from": "1966-01-01",
                "date_to": "1968-12-31",
                "precision": "year",
                "is_range": True,
                "circa": True,
                "source_document": document.pk,
            }
        ]
        # The record lists the documents its facts cite; a fact stored without one (an editor's) says null.
        assert [row["id"] for row in data["source_documents"]] == [document.pk]
        assert data["source_documents"][0]["title"] == document.title
        assert data["places_of_birth"] == [
            {"place": "Springfield, Testland", "country": "QM", "country_name": "Testland", "source_document": None},
            {"place": "Somewhere", "country": None, "country_name": None, "source_document": None},
        ]
        assert data["addresses"] == [
            {
                "street": "1 Main Street",
                "city": "Springfield 12345",
                "country": "QM",
                "country_name": "Testland",
                "country_text": "",
                "remarks": "",
                "source_document": None,
            },
            {
                "street": "",
                "city": "",
                "country": None,
                "country_name": None,
                "country_text": "Nowhere",
                "remarks": "",
                "source_document": None,
            },
        ]
        [identifier] = data["identifiers"]
        assert identifier["value"] == "IMO 9245316"
        assert identifier["normalised_value"] == "9245316"
        assert identifier["issued_on"] == "2016-04-13"
        assert {(row["code"], row["role"]) for row in data["countries"]} == {
            ("QM", "place_of_birth"),
            ("QM", "address"),
        }
        resolved, unresolved = data["relationships_out"]
        assert resolved["kind"] == "owned_by"
        assert resolved["name"] == "OTHER, Firm"
        assert resolved["designee"]["id"] == other.pk
        assert resolved["designee"]["kind"] == "entity"
        assert resolved["designee"]["url"].endswith(detail(other.pk))
        assert unresolved == {
            "kind": "linked_to",
            "designee": None,
            "name": "UNRESOLVED PARTY",
            "source_document": None,
        }
        [incoming] = data["relationships_in"]
        assert incoming["kind"] == "linked_to"
        assert incoming["name"] == "POINTING, Bob"
        assert incoming["designee"]["id"] == pointing.pk
        assert incoming["designee"]["url"].endswith(detail(pointing.pk))
        # The other end sees the same link from its side.
        assert [row["designee"]["id"] for row in api_client.get(detail(other.pk)).json()["relationships_in"]] == [
            designee.pk
        ]

    def test_a_record_without_facts_has_empty_lists(self, api_client):
        data = api_client.get(detail(DesigneeFactory().pk)).json()

        assert {name: data[name] for name in FACTS} == {name: [] for name in FACTS}

    def test_facts_sit_between_countries_and_designations(self, api_client):
        keys = list(api_client.get(detail(DesigneeFactory().pk)).json())

        assert keys[keys.index("countries") + 1 : keys.index("designations")] == list(FACTS)

    @pytest.mark.parametrize("facts", [1, 6])
    def test_query_count_is_fixed(self, api_client, django_assert_num_queries, facts):
        designee = full_record(facts)

        # the data's version, the row, aliases, identifiers, countries, designations, citations, then birth
        # dates, places of birth, addresses, relationships out and in, stated facts
        with django_assert_num_queries(13):
            data = api_client.get(detail(designee.pk)).json()

        assert all(len(data[name]) == facts for name in FACTS)


class TestList:
    def test_default_rows_stay_light(self, api_client):
        designee = full_record()

        rows = api_client.get(DESIGNEES).json()["results"]

        assert rows and all(not set(FACTS) & set(row) for row in rows)
        [row] = [row for row in rows if row["id"] == designee.pk]
        assert row["identifiers"][0]["normalised_value"]

    @pytest.mark.parametrize("expand", ["facts", "facts,", " facts"])
    def test_expand_facts_gives_the_detail_per_row(self, api_client, expand):
        designees = [full_record(2) for _ in range(3)]

        rows = api_client.get(DESIGNEES, {"expand": expand}).json()["results"]

        by_id = {row["id"]: row for row in rows}
        for designee in designees:
            assert by_id[designee.pk] == api_client.get(detail(designee.pk)).json()

    @pytest.mark.parametrize("count", [3, 12])
    def test_expanded_query_count_does_not_grow_with_rows(self, api_client, django_assert_num_queries, count):
        for _ in range(count):
            full_record(2)
        # Django caches content types per process: whether an earlier test in this process looked the
        # designee's up (for its citations) is not what this counts.
        ContentType.objects.get_for_model(Designee)

        # the list's eight queries (see test_api), then one per fact relation: six
        with django_assert_num_queries(14):
            response = api_client.get(DESIGNEES, {"expand": "facts", "limit": 50})

        # Each full record brings four more designees (the ends of its relationships).
        assert response.json()["count"] == count * 5

    @pytest.mark.parametrize("expand", ["everything", "facts,names"])
    def test_unknown_expansion_is_400_naming_the_parameter(self, api_client, expand):
        response = api_client.get(DESIGNEES, {"expand": expand})

        assert response.status_code == 400
        assert list(response.json()) == ["expand"]


# --------------------------------------------------------------------------------------------------
# The real list
# --------------------------------------------------------------------------------------------------


@pytest.fixture
def named_list(reference_data, monkeypatch):
    """The 120 entries of the 2 July 2024 SDN list's "named" selection, with the December 2025 list's
    addresses, aliases and remarks for them, imported as a real run would."""
    monkeypatch.setattr(type(get_adapter("ofac-sdn")), "min_records", 5)
    run = import_run_create(
        source="ofac-sdn", path=[str(selection("sdn_2024-07-02_named"))], as_of=datetime.date(2024, 7, 2)
    )
    run = import_run_execute(run_id=run.pk)
    assert run.status == ImportRun.Status.SUCCEEDED, run.error


@requires_data
class TestRealRecords:
    def test_lam_carrie_birth_date_and_address(self, api_client, named_list):
        lam = Designee.objects.get(entry_number=29249)

        data = api_client.get(detail(lam.pk)).json()

        assert (data["name"], data["source"], data["source_uid"]) == ("LAM, Carrie", "ofac-sdn", "29249")
        # Every fact names the document it was read from: the run's list, listed once in the record.
        [document] = data["source_documents"]
        assert (document["kind"], document["published_on"]) == ("list_snapshot", "2024-07-02")
        assert document["id"] == ImportRun.objects.get().events.values_list("source_document", flat=True)[0]
        [born] = data["birth_dates"]
        assert born == {
            "raw": "13 May 1957",
            "date_from": "1957-05-13",
            "date_to": "1957-05-13",
            "precision": "day",
            "is_range": False,
            "circa": False,
            "source_document": document["id"],
        }
        facts = [
            fact
            for key in ("aliases", "identifiers", "countries", "addresses", "places_of_birth")
            for fact in data[key]
        ]
        assert len(facts) > 6
        assert {fact["source_document"] for fact in facts} == {document["id"]}
        assert [place["place"] for place in data["places_of_birth"]] == ["Hong Kong"]
        [address] = data["addresses"]
        assert address["street"].startswith("Victoria House, No. 15 Barker Road")
        assert (address["country"], address["country_text"]) == ("HK", "Hong Kong")
        passport = next(row for row in data["identifiers"] if row["kind"] == "Passport")
        assert passport["value"] == "KJ0505670"
        assert passport["normalised_value"] == "KJ0505670"
        assert passport["country"] == "HK"
        assert (passport["issued_on"], passport["expires_on"]) == ("2016-04-13", "2026-04-13")
        aliases = {alias["name"]: alias for alias in data["aliases"]}
        assert set(aliases) == {"LAM CHENG, Yuet-ngor", "LAM CHENG, Carrie Yuet-ngor"}
        assert all(
            set(alias) == {"name", "kind", "strength", "script", "source_document"} for alias in aliases.values()
        )
        assert aliases["LAM CHENG, Yuet-ngor"]["strength"] == "strong"
        assert {(row["code"], row["role"]) for row in data["countries"]} == {
            ("HK", "address"),
            ("HK", "nationality"),
            ("HK", "place_of_birth"),
        }

    def test_every_record_holds_what_the_tables_hold(self, api_client, named_list):
        """Each imported designee's detail, against the rows the tables hold for it (not the selector)."""
        designees = list(Designee.objects.order_by("pk"))
        assert len(designees) >= 100
        seen = dict.fromkeys(FACTS, 0)
        for designee in designees:
            data = api_client.get(detail(designee.pk)).json()
            assert [row["raw"] for row in data["birth_dates"]] == list(
                BirthDate.objects.filter(designee=designee).order_by("pk").values_list("raw", flat=True)
            )
            assert [row["place"] for row in data["places_of_birth"]] == list(
                PlaceOfBirth.objects.filter(designee=designee).order_by("pk").values_list("place", flat=True)
            )
            assert [(row["street"], row["country"]) for row in data["addresses"]] == list(
                Address.objects.filter(designee=designee).order_by("pk").values_list("street", "country__code")
            )
            assert sorted(row["value"] for row in data["identifiers"]) == sorted(
                Identifier.objects.filter(designee=designee).values_list("value", flat=True)
            )
            assert sorted(row["name"] for row in data["relationships_out"]) == sorted(
                Relationship.objects.filter(from_designee=designee).values_list("to_name", flat=True)
            )
            assert sorted(row["designee"]["id"] for row in data["relationships_in"]) == sorted(
                Relationship.objects.filter(to_designee=designee).values_list("from_designee_id", flat=True)
            )
            assert [(row["kind"], row["value"], row["alt"]) for row in data["stated_facts"]] == list(
                DesigneeFact.objects.filter(designee=designee).order_by("pk").values_list("kind", "value", "alt")
            )
            for name in FACTS:
                seen[name] += len(data[name])
        # The comparisons above were not about empty lists (links between two entries of the selection
        # are rare, so incoming links may be absent).
        assert all(seen[name] > 0 for name in FACTS if name != "relationships_in"), seen

    def test_expanded_page_equals_the_details(self, api_client, named_list):
        rows = api_client.get(DESIGNEES, {"expand": "facts", "limit": 50}).json()["results"]

        assert len(rows) == 50
        for row in rows:
            assert row == api_client.get(detail(row["id"])).json()


def _text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _left_over(text: str, facts: list[str], words: tuple[str, ...]) -> str:
    """``text`` less every fact the JSON gives (longest first) and the page's own connecting words."""
    for fact in sorted({fact for fact in facts if fact}, key=len, reverse=True):
        text = text.replace(fact, " ")
    for word in words:
        text = text.replace(word, " ")
    return " ".join(text.split())


def _dd(section: str, title: str) -> str:
    """The text of the ``<dd>`` after ``<dt>title</dt>`` in a section of the page."""
    found = re.search(rf"<dt>{title}</dt>\s*<dd>(.*?)</dd>", section, re.S)
    return _text(found.group(1)) if found else ""


def _day(value: str | None) -> str:
    if value is None:
        return ""
    day = datetime.date.fromisoformat(value)
    return f"{day.day} {day:%b %Y}"


@requires_data
def test_every_fact_on_the_page_is_in_the_record(client, api_client, named_list):
    """Each real designee's HTML page, section by section, holds nothing its API record does not give."""
    designees = list(Designee.objects.order_by("pk"))
    checked = dict.fromkeys(("Names", "Countries", "Birth", "Identifiers", "Addresses", "Relationships"), 0)
    for designee in designees:
        page = client.get(designee.get_absolute_url()).content.decode()
        data = api_client.get(detail(designee.pk)).json()
        names = page.split('<h2 id="names">', 1)[1].split("</section>", 1)[0]
        facts = page.split('<h2 id="facts">', 1)[1].split("</section>", 1)[0]
        links = page.split('<h2 id="relationships">', 1)[1].split("</section>", 1)[0].split("<figure", 1)[0]
        sources = page.split('<h2 id="fact-sources">', 1)[1].split("</section>", 1)[0]
        # Each fact's mark on the page is the number of its document in the record's ``source_documents``.
        number = {document["id"]: n for n, document in enumerate(data["source_documents"], start=1)}

        def marks(*lists: str, data=data, number=number) -> list[str]:
            cited = [row["source_document"] for key in lists for row in data[key] if row["source_document"]]
            return [f"[{number[document]}]" for document in cited]

        assert re.findall(r'<li id="fact-source-(\d+)"', sources) == [str(n) for n in number.values()]
        for document in data["source_documents"]:
            assert unescape(document["title"]) in unescape(sources), (designee.entry_number, document)

        sections = {
            "Names": (
                _text(names.split("<tbody>", 1)[1]),
                [data["name"]]
                + [alias["name"] for alias in data["aliases"]]
                + [Alias.Kind(alias["kind"]).label for alias in data["aliases"]]
                + [Alias.Strength(alias["strength"]).label for alias in data["aliases"]]
                + [alias["script"] for alias in data["aliases"]]
                + marks("aliases"),
                ("Primary name", "-"),
            ),
            "Countries": (
                _dd(facts, "Countries"),
                [row["name"] for row in data["countries"]]
                + [DesigneeCountry.Role(row["role"]).label.lower() for row in data["countries"]]
                + marks("countries"),
                ("(", ")", ",", "-"),
            ),
            "Birth": (
                _dd(facts, "Birth"),
                [row["raw"] for row in data["birth_dates"]]
                + [row["place"] for row in data["places_of_birth"]]
                + [row["country_name"] for row in data["places_of_birth"]]
                + marks("birth_dates", "places_of_birth"),
                ("born in", "·", ";", "(", ")", "-"),
            ),
            "Identifiers": (
                _dd(facts, "Identifiers"),
                [
                    part
                    for row in data["identifiers"]
                    for part in (
                        row["kind"],
                        row["value"],
                        row["country_text"],
                        row["note"],
                        _day(row["issued_on"]) and f"issued {_day(row['issued_on'])}",
                        _day(row["expires_on"]) and f"expires {_day(row['expires_on'])}",
                    )
                ]
                + marks("identifiers"),
                ("(", ")", "-"),
            ),
            "Addresses": (
                _dd(facts, "Addresses"),
                [
                    ", ".join(part for part in (row["street"], row["city"], row["country_text"]) if part)
                    for row in data["addresses"]
                ]
                + marks("addresses"),
                ("-",),
            ),
            "Relationships": (
                _text(links.split("<ul>", 1)[1]) if "<ul>" in links else "",
                [Relationship.Kind(row["kind"]).label for row in data["relationships_out"]]
                + [row["designee"]["name"] if row["designee"] else row["name"] for row in data["relationships_out"]]
                + [row["name"] for row in data["relationships_in"]]
                + [
                    f"({Relationship.Kind(row['kind']).label.lower()} this designee)"
                    for row in data["relationships_in"]
                ]
                + marks("relationships_out", "relationships_in"),
                (),
            ),
        }
        # Stated facts: one term per kind, its values (and only those) under it.
        for kind in {row["kind"] for row in data["stated_facts"]}:
            label = DesigneeFact.Kind(kind).label
            given = [row["value"] for row in data["stated_facts"] if row["kind"] == kind]
            given += [f"[{number[row['source_document']]}]" for row in data["stated_facts"] if row["source_document"]]
            sections[label] = (_dd(facts, label), given, ("alt.", "(stated as possible, not confirmed)"))
            assert _dd(facts, label), (designee.entry_number, label)
            checked.setdefault("Stated facts", 0)
            checked["Stated facts"] += 1
        for title, (text, given, words) in sections.items():
            assert _left_over(text, given, words) == "", (designee.entry_number, title, text)
            checked[title] = checked.get(title, 0) + bool(text.strip(" -"))
    # The page's sections were not empty (every section held facts on some page).
    assert all(checked.values()), checked
    assert checked["Stated facts"] > 0
