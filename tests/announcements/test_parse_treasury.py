"""Treasury press releases and their index (reconstructed pages in tests/data/announcements/treasury)."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from announcements.parsers.base import Action, AnnouncementParseError
from announcements.parsers.treasury import parse_index, parse_release, release_number

PAGES = Path(__file__).resolve().parents[2] / "tests" / "data" / "announcements" / "treasury"
BASE = "https://home.treasury.gov/news/press-releases"


def _release(number: str):
    return parse_release((PAGES / f"{number}.html").read_bytes(), f"{BASE}/{number}")


def _by_name(release):
    return {entry.name: entry for entry in release.entries}


def test_belarus_release_names_kareau_with_the_spelling_in_parentheses():
    release = _release("sm1143")
    assert (release.source, release.kind, release.agency) == ("treasury-press", "press_release", "treasury")
    assert release.number == "sm1143"
    assert release.title == "Treasury Sanctions Belarus Officials for Undermining Democracy"
    assert release.published_on == datetime.date(2020, 10, 2)
    assert release.authorities == ("E.O. 13405",)
    assert release.summary.startswith("Washington - Today, the U.S. Department of the Treasury's Office of Foreign")
    assert "undermining democratic processes in Belarus." in release.summary
    assert len(release.entries) == 8
    kareau = release.entries[0]
    assert kareau.name == "Yuriy Khadzymuratavich Kareau"
    assert kareau.name_variants == ("Karaeu", "Yuriy Khadzymuratavich Karaeu")
    assert kareau.action == Action.LISTED and kareau.kind == "individual" and kareau.record is None
    assert kareau.position == "Minister of Internal Affairs of Belarus"
    assert kareau.legal_basis == "E.O. 13405"
    assert kareau.reason.endswith("actions or policies that undermine democratic processes or institutions in Belarus.")
    assert "Treasury Targets Belarusian Interior Ministry and Law Enforcement Officials" in release.sections
    assert release.warnings == []


def test_khashoggi_release_names_17_and_gives_each_the_basis_of_the_sentence_about_all_of_them():
    release = _release("sm547")
    names = [entry.name for entry in release.entries]
    assert len(names) == 17
    assert names[:3] == ["Saud al-Qahtani", "Maher Mutreb", "Mohammed Alotaibi"]
    assert "Salah Tubaigy" in names
    assert release.authorities == ("E.O. 13818", "Global Magnitsky Act")
    qahtani = release.entries[0]
    assert qahtani.name_variants == ()  # "(al-Qahtani)" is the short form, not another spelling
    assert qahtani.position == "senior official of the Government of Saudi Arabia"
    assert qahtani.legal_basis == "E.O. 13818"
    assert qahtani.reason.startswith("Saud al-Qahtani (al-Qahtani) was a senior official")
    assert "All 17 individuals are being designated pursuant to E.O. 13818" in qahtani.reason
    assert all(entry.legal_basis == "E.O. 13818" for entry in release.entries)


def test_xinjiang_release_gives_the_bureau_its_acronym_and_the_officials_their_positions():
    release = _release("sm1055")
    entries = _by_name(release)
    assert list(entries) == [
        "Xinjiang Public Security Bureau",
        "Chen Quanguo",
        "Zhu Hailun",
        "Wang Mingshan",
        "Huo Liujun",
    ]
    assert entries["Xinjiang Public Security Bureau"].kind == "entity"
    assert entries["Xinjiang Public Security Bureau"].name_variants == ("XPSB",)
    assert entries["Chen Quanguo"].position == "Communist Party Secretary of XUAR"
    assert entries["Huo Liujun"].legal_basis == "E.O. 13818"
    assert release.title == (
        "Treasury Sanctions Chinese Entity and Officials Pursuant to Global Magnitsky Human Rights Accountability Act"
    )


def test_hong_kong_release_cites_the_order_and_both_acts():
    release = _release("sm1088")
    assert release.authorities == ("E.O. 13936", "Hong Kong Human Rights and Democracy Act", "Hong Kong Autonomy Act")
    entries = _by_name(release)
    assert len(entries) == 11
    assert entries["John Lee Ka-chiu"].position == "HKSAR Secretary for Security"
    assert entries["Carrie Lam"].reason.startswith("Carrie Lam (Lam) is the Chief Executive")
    assert all(entry.legal_basis == "E.O. 13936" for entry in release.entries)


def test_caesar_release_gives_the_act_as_basis_and_tells_entities_from_people():
    release = _release("sm1034")
    entries = _by_name(release)
    assert release.authorities == ("Caesar Act", "E.O. 13894")
    assert entries["Nader Kalai"].kind == "individual"
    assert entries["Tamayoz LLC"].kind == "entity"
    assert {entry.legal_basis for entry in release.entries} == {"Caesar Act"}
    assert len(entries) == 9


def test_release_without_names_in_bold_warns_that_nothing_can_be_linked():
    html = (PAGES / "sm1143.html").read_bytes().replace(b"<b>", b"").replace(b"</b>", b"")
    release = parse_release(html, f"{BASE}/sm1143")
    assert release.entries == []
    assert any("no designee names found in bold" in w for w in release.warnings)


def test_release_layout_fallbacks_are_reported_and_missing_parts_fail():
    html = (PAGES / "sm1055.html").read_bytes()
    drifted = html.replace(b'class="entity--type-node"', b'class="node"').replace(b"uswds-page-title", b"title")
    release = parse_release(drifted, f"{BASE}/sm1055")
    assert len(release.entries) == 5
    assert any("not by article.entity--type-node" in w for w in release.warnings)
    assert any("not by h2.uswds-page-title" in w for w in release.warnings)
    undated = html.replace(b'datetime="2020-07-09T14:00:00Z"', b"").replace(b"July 9, 2020", b"")
    with pytest.raises(AnnouncementParseError, match="sm1055: no publication date"):
        parse_release(undated, f"{BASE}/sm1055")


def test_release_number_is_the_last_path_segment():
    assert release_number("https://home.treasury.gov/news/press-releases/sm1143") == "sm1143"
    assert release_number("https://home.treasury.gov/news/press-releases/jy2164/") == "jy2164"


def test_index_lists_release_links_with_dates_and_skips_other_links():
    page = parse_index(
        (PAGES / "press-releases_page0.html").read_bytes(), "https://ofac.treasury.gov/press-releases?page=0"
    )
    assert [item.url.rsplit("/", 1)[-1] for item in page.items] == ["sm1143", "sm1088", "sm1055", "sm1034", "sm547"]
    assert page.items[0].published_on == datetime.date(2020, 10, 2)
    assert page.items[-1].title == "Treasury Sanctions 17 Individuals for Their Roles in the Killing of Jamal Khashoggi"
    assert page.next_url == "https://ofac.treasury.gov/press-releases?page=1"
    assert page.warnings == []


def test_index_without_a_table_of_releases_fails():
    with pytest.raises(AnnouncementParseError, match="no press releases listed"):
        parse_index(b"<html><body><p>Maintenance</p></body></html>", "https://ofac.treasury.gov/press-releases")
