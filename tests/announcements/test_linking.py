"""Linking what announcements name to designees: the context rule, short forms, relatives designated with
an official, section 353 listings, names the parser was unsure of; and the index walk over the real
pager. Pages here are short texts written for the tests, with invented parties."""

from __future__ import annotations

import datetime
import hashlib
import http.server
import threading

import pytest

from announcements.models import Mention
from announcements.parsers.base import Action, ParsedAnnouncement, ParsedEntry
from announcements.services import (
    Candidate,
    announcement_record,
    choose,
    mention_resolve,
    names_of,
)
from designations.models import DatePrecision, Designation, Designee, Relationship
from importers.models import ImportRun
from importers.services import import_run_create, import_run_execute
from programs.models import Program
from tests.announcements.helpers import DATA, run_import
from tests.factories import DesignationFactory, DesigneeFactory

pytestmark = pytest.mark.django_db

DAY = datetime.date(2023, 5, 19)


def _announcement(*entries: ParsedEntry, authorities=("E.O. 14024",), source="treasury-press", day=DAY):
    parsed = ParsedAnnouncement(
        source=source,
        kind="press_release" if source == "treasury-press" else "press_statement",
        url=f"https://example.test/{source}/{len(entries)}-{entries[0].name.replace(' ', '-')}",
        title="Test announcement",
        published_on=day,
        agency="treasury" if source == "treasury-press" else "state",
        authorities=authorities,
        entries=list(entries),
    )
    return announcement_record(
        parsed=parsed, content_sha256=hashlib.sha256(parsed.url.encode()).hexdigest(), raw_file=""
    )


def _listed(name: str, kind: str = "entity") -> ParsedEntry:
    return ParsedEntry(action=Action.LISTED, name=name, raw=f"OFAC designated {name}.", kind=kind)


def test_the_release_program_and_date_beat_a_higher_score_on_another_company(reference_data):
    """Two companies under the release's program: the one listed on the release's day is linked, though
    the other one's name scores higher."""
    program = Program.objects.get(code="RUSSIA-EO14024")
    right = DesigneeFactory(name="A71 LLC", kind=Designee.Kind.ENTITY)
    wrong = DesigneeFactory(name="AZ1 LIMITED LIABILITY COMPANY", kind=Designee.Kind.ENTITY)
    DesignationFactory(designee=right, program=program, listed_on=DAY, listed_precision=DatePrecision.DAY)
    DesignationFactory(
        designee=wrong, program=program, listed_on=datetime.date(2022, 4, 6), listed_precision=DatePrecision.DAY
    )
    mention = _announcement(_listed("A71 Limited Liability Company")).mentions[0]
    candidates = [
        Candidate(wrong.pk, wrong.name, 0.889, wrong.name, "matcher"),
        Candidate(right.pk, right.name, 0.86, right.name, "matcher"),
    ]

    assert choose(mention, candidates).designee_id == right.pk
    # The other way round (the better-scoring one listed that day), the string score and the day agree.
    Designation.objects.filter(designee=right).update(listed_on=datetime.date(2022, 4, 6))
    Designation.objects.filter(designee=wrong).update(listed_on=DAY)
    assert choose(mention, candidates).designee_id == wrong.pk
    # Neither listed that day, both under the program and within the margin: an editor decides.
    Designation.objects.filter(designee=wrong).update(listed_on=datetime.date(2022, 4, 6))
    assert choose(mention, candidates) is None
    # A company form is looked up written both ways.
    assert "A71 LLC" in names_of(mention)


def test_a_name_with_its_short_form_is_looked_up_without_it_and_a_short_form_links_to_its_owner(reference_data):
    program = Program.objects.get(code="RUSSIA-EO14024")
    lumi = DesigneeFactory(name="LUMI, Aqif")
    DesignationFactory(designee=lumi, program=program, listed_on=DAY, listed_precision=DatePrecision.DAY)
    announcement = _announcement(
        _listed("Aqif Lumi (Lumi)", kind="individual"), _listed("Lumi", kind="individual")
    ).announcement
    full, short = announcement.mentions.order_by("order")

    assert names_of(full) == ["Aqif Lumi"]
    mention_resolve(full)
    mention_resolve(short)
    full.refresh_from_db()
    short.refresh_from_db()
    assert (full.status, full.designee_id) == (Mention.Status.LINKED, lumi.pk)
    assert (short.status, short.designee_id, short.candidates[0]["via"]) == (
        Mention.Status.LINKED,
        lumi.pk,
        "short form",
    )


STATEMENT = """
Designation of Former Ruritanian Minister Jan Marek Novak for Involvement in Significant Corruption

The United States is designating former Ruritanian Minister of Finance Jan Marek Novak ("Novak") due to his
involvement in significant corruption. Novak accepted bribes in exchange for public contracts.

This public designation is made under Section 7031(c) of the Department of State, Foreign Operations, and
Related Programs Appropriations Act, 2022. The Department is also designating Novak's wife Eva Maria Novakova
and his adult children Petr Novak Horak and Klara Novak Horak.
"""

SECTION_353 = """Section 353 Corrupt and Undemocratic Actors Report

The following persons are reported under Section 353(b) of the United States-Northern Triangle Enhanced
Engagement Act.

Guatemala

Luis Alberto Mendez Rios, a former judge, engaged in significant corruption by accepting bribes to release
defendants.

Honduras

Rosa Isabel Castro Pineda - former deputy - undermined democratic processes or institutions by buying votes.
"""


def _statements(tmp_path, **texts: str):
    folder = tmp_path / "statements"
    folder.mkdir()
    lines = ["file,url,title,date"]
    for name, text in texts.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
        lines.append(f"{name}.txt,https://www.state.gov/{name}/,,2022-07-22")
    (folder / "pages.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def test_relatives_designated_with_an_official_are_designees_of_their_own_linked_as_family(reference_data, tmp_path):
    run = run_import("state-press", [_statements(tmp_path, novak=STATEMENT)])
    assert run.created == 1
    mentions = {m.name: m for m in Mention.objects.select_related("designee")}
    official = mentions["Jan Marek Novak"]
    assert official.family_members == ["Eva Maria Novakova", "Petr Novak Horak", "Klara Novak Horak"]
    assert official.announcement.document.published_on == datetime.date(2022, 7, 22)  # from pages.csv
    for relative in ("Eva Maria Novakova", "Petr Novak Horak", "Klara Novak Horak"):
        mention = mentions[relative]
        assert mention.status == Mention.Status.CREATED
        assert mention.designee_id != official.designee_id
        assert mention.designee.designations.get().program.code == "7031C"
        link = Relationship.objects.get(from_designee=mention.designee)
        assert (link.kind, link.to_designee_id) == (Relationship.Kind.FAMILY, official.designee_id)


def test_a_section_353_list_creates_designations_of_its_own_program(reference_data, tmp_path):
    run_import("state-press", [_statements(tmp_path, engel=SECTION_353)])
    designations = Designation.objects.select_related("designee", "program").order_by("designee__name")
    assert [(d.designee.name, d.program.code, d.agency) for d in designations] == [
        ("Luis Alberto Mendez Rios", "SECTION-353", "STATE"),
        ("Rosa Isabel Castro Pineda", "SECTION-353", "STATE"),
    ]
    assert designations[0].legal_basis.startswith("Section 353(b)")
    countries = {
        d.designee.name: set(d.designee.country_links.values_list("country__code", flat=True)) for d in designations
    }
    assert countries == {"Luis Alberto Mendez Rios": {"GT"}, "Rosa Isabel Castro Pineda": {"HN"}}


def test_a_name_the_parser_was_unsure_of_is_linked_only_in_context(reference_data):
    program = Program.objects.get(code="RUSSIA-EO14024")
    ali = DesigneeFactory(name="HASSAN, Ali")
    DesignationFactory(designee=ali, program=program, listed_on=DAY, listed_precision=DatePrecision.DAY)
    mentioned = [
        ParsedEntry(action=Action.MENTIONED, name=name, raw="A list of names.", kind="individual")
        for name in ("Ali Hassan", "Nobody Atall Known")
    ]
    announcement = _announcement(*mentioned).announcement
    linked, unknown = (mention_resolve(m) for m in announcement.mentions.order_by("order"))
    assert (linked.status, linked.designee_id) == (Mention.Status.LINKED, ali.pk)
    assert linked.action == Mention.Action.MENTIONED
    assert not ali.designations.get().events.exists()  # linked, but nothing dated by a mere mention
    assert unknown.status == Mention.Status.REJECTED and unknown.note


# --------------------------------------------------------------------------------------------------
# The index walk over the Web Design System pager (no rel="next" on the link)
# --------------------------------------------------------------------------------------------------
class _Site(http.server.BaseHTTPRequestHandler):
    pages: dict[str, bytes] = {}
    hits: list[str] = []

    def do_GET(self):
        self.hits.append(self.path)
        body = self.pages.get(self.path)
        self.send_response(200 if body is not None else 404)
        if body is not None:
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body is not None:
            self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def site():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Site)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def _index(base: str, notices: list[str], next_page: str) -> bytes:
    rows = "".join(
        f'<div class="views-row"><a href="{base}/recent-actions/{n}">Notice {n}</a> '
        f"<span>{datetime.date(int(n[:4]), int(n[4:6]), int(n[6:])):%B %d, %Y}</span></div>"
        for n in notices
    )
    pager = (
        f'<nav class="usa-pagination"><ul><li class="usa-pagination__item usa-pagination__arrow"><a href="{next_page}" '
        'class="usa-pagination__link usa-pagination__next-page" aria-label="Next page">Next</a></li></ul></nav>'
        if next_page
        else ""
    )
    return f"<html><body><div class='view-content'>{rows}</div>{pager}</body></html>".encode()


def test_the_index_walk_follows_the_next_page_link_of_the_sites_pager(reference_data, site, settings):
    settings.IMPORT_SOURCE_URLS = {**settings.IMPORT_SOURCE_URLS, "ofac-recent-actions": f"{site}/recent-actions"}
    _Site.pages = {
        "/recent-actions": _index(site, ["20201002", "20200709"], "?page=1"),
        "/recent-actions?page=1": _index(site, ["20181115"], ""),
    }
    for notice in ("20201002", "20200709", "20181115"):
        _Site.pages[f"/recent-actions/{notice}"] = (DATA / "ofac" / f"{notice}.html").read_bytes()
    _Site.hits = []
    run = import_run_execute(run_id=import_run_create(source="ofac-recent-actions").pk)
    assert run.status == ImportRun.Status.SUCCEEDED, run.error
    assert run.created == 3
    assert "/recent-actions?page=1" in _Site.hits and "/recent-actions/20181115" in _Site.hits
