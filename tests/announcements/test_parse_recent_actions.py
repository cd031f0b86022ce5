"""OFAC Recent Actions notices and index pages (reconstructed pages in tests/data/announcements/ofac).

Broken layouts are made in the tests by cutting parts out of those pages.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from announcements.parsers.base import Action, AnnouncementParseError
from announcements.parsers.recent_actions import notice_id, parse_index, parse_notice, section_action

PAGES = Path(__file__).resolve().parents[2] / "tests" / "data" / "announcements" / "ofac"
BASE = "https://ofac.treasury.gov/recent-actions"


def _notice(name: str, url_id: str | None = None):
    url = f"{BASE}/{url_id or name}"
    return parse_notice((PAGES / f"{name}.html").read_bytes(), url)


def _by_name(announcement):
    return {entry.name: entry for entry in announcement.entries}


KHASHOGGI_17 = {
    "ALBOSTANI, Meshal Saad M.",
    "TUBAIGY, Salah Muhammed A.",
    "ALARIFI, Naif Hassan S.",
    "ALZAHRANI, Mohammed Saad H.",
    "ABAHUSSAIN, Mansour Othman M.",
    "ALOTAIBI, Khalid Aedh G.",
    "ALHAWSAWI, Abdulaziz Mohammed M.",
    "ALSEHRI, Waleed Abdullah M.",
    "ALHARBI, Thaar Ghaleb T.",
    "ALSEHRI, Turki Muserref M.",
    "MUTREB, Maher Abdulaziz M.",
    "ALBALAWI, Fahad Shabib A.",
    "ALOTAIBI, Badr Lafi M.",
    "ALMADANI, Mustafa Mohammed M.",
    "ALQAHTANI, Saif Saad Q.",
    "AL-OTAIBI, Mohammad",
    "AL-QAHTANI, Saud",
}


# --- notices -----------------------------------------------------------------------------------------------


def test_khashoggi_notice_lists_the_17_and_dates_al_qahtani_under_glomag():
    notice = _notice("20181115")
    assert (notice.source, notice.kind, notice.agency) == ("ofac-recent-actions", "recent_action", "ofac")
    assert notice.title == "Global Magnitsky Designations"
    assert notice.published_on == datetime.date(2018, 11, 15)
    assert notice.number == "20181115"
    assert notice.programs == ("GLOMAG",)
    assert notice.sections == (
        "Specially Designated Nationals List Update",
        "The following individuals have been added to OFAC's SDN List:",
    )
    assert notice.summary == "Treasury Sanctions 17 Individuals for Their Roles in the Killing of Jamal Khashoggi"
    assert set(_by_name(notice)) == KHASHOGGI_17
    assert notice.warnings == []
    qahtani = _by_name(notice)["AL-QAHTANI, Saud"]
    assert qahtani.action == Action.LISTED
    assert qahtani.kind == "individual"
    assert qahtani.programs == ("GLOMAG",)
    assert qahtani.record.listed_on == datetime.date(2018, 11, 15)
    assert qahtani.record.birth_dates[0].raw == "07 Jul 1978"
    assert [i.value for i in qahtani.record.identifiers] == ["D079021"]
    assert qahtani.record.source_uid == ""
    assert qahtani.section == "The following individuals have been added to OFAC's SDN List:"
    assert qahtani.raw.startswith("AL-QAHTANI, Saud (a.k.a. ALQAHTANI, Saud Abdullah S), Riyadh, Saudi Arabia;")


def test_caesar_notice_reads_entries_in_anchors_separated_by_breaks():
    notice = _notice("20200617")
    entries = _by_name(notice)
    assert len(notice.entries) == 19
    assert [e.kind for e in notice.entries].count("entity") == 7
    assert entries["AL-ASSAD, Asma"].programs == ("SYRIA-EO13894",)
    assert entries["KALAI, Nader"].programs == ("SYRIA", "SYRIA-CAESAR")
    assert len(entries["KALAI, Nader"].record.addresses) == 5
    assert entries["FOURTH DIVISION OF THE SYRIAN ARAB ARMY"].kind == "entity"
    assert entries["FOURTH DIVISION OF THE SYRIAN ARAB ARMY"].section == (
        "The following entities have been added to OFAC's SDN List:"
    )
    assert entries["AL-DANA, Samer"].record.title == (
        "Brigadier General; Commander of the 41st Brigade of the FOURTH DIVISION of the Syrian Arab Army"
    )
    assert all(e.action == Action.LISTED and e.record.listed_on == datetime.date(2020, 6, 17) for e in notice.entries)
    assert notice.programs == ("SYRIA-EO13894", "SYRIA", "SYRIA-CAESAR")


def test_xinjiang_notice_has_four_officials_and_the_bureau():
    notice = _notice("20200709")
    entries = _by_name(notice)
    assert set(entries) == {
        "CHEN, Quanguo",
        "HUO, Liujun",
        "WANG, Mingshan",
        "ZHU, Hailun",
        "XINJIANG PUBLIC SECURITY BUREAU",
    }
    bureau = entries["XINJIANG PUBLIC SECURITY BUREAU"]
    assert bureau.kind == "entity"
    assert bureau.section == "The following entity has been added to OFAC's SDN List:"
    assert "PUBLIC SECURITY DEPARTMENT OF XUAR" in {a.name for a in bureau.record.aliases}
    assert entries["CHEN, Quanguo"].record.places_of_birth[0].place == "Pingyu, Henan, China"


def test_hong_kong_notice_with_header_and_entries_in_one_paragraph_keeps_chinese_script():
    notice = _notice("20200807")
    entries = _by_name(notice)
    assert len(entries) == 11
    assert {"LAM, Carrie", "LEE, John Ka-chiu", "LO, Stephen", "CHAN, Eric"} <= set(entries)
    assert entries["LAM, Carrie"].programs == ("HK-EO13936",)
    assert {(a.name, a.script) for a in entries["CHAN, Eric"].record.aliases if a.script} == {
        ("陳國基", "Hant"),
        ("陈国基", "Hans"),
    }
    assert ("LI, Jiachao", "weak") in {(a.name, a.strength) for a in entries["LEE, John Ka-chiu"].record.aliases}


def test_icc_designation_and_removal_notices_date_both_ends():
    listed, removed = _notice("20200902"), _notice("20210402")
    assert [(e.name, e.action, e.programs) for e in listed.entries] == [
        ("BENSOUDA, Fatou", Action.LISTED, ("ICC-EO13928",)),
        ("MOCHOCHOKO, Phakiso", Action.LISTED, ("ICC-EO13928",)),
    ]
    assert listed.entries[0].record.listed_on == datetime.date(2020, 9, 2)
    assert removed.published_on == datetime.date(2021, 4, 2)
    assert [(e.name, e.action) for e in removed.entries] == [
        ("BENSOUDA, Fatou", Action.DELISTED),
        ("MOCHOCHOKO, Phakiso", Action.DELISTED),
    ]
    assert removed.entries[0].record.listed_on is None


def test_page_without_drupal_fields_is_read_by_label_text_and_says_so():
    removed = _notice("20210402")
    assert removed.title == "International Criminal Court-related Designations Removals"
    assert any("'Release Date' label" in w for w in removed.warnings)
    assert any("'Recent Actions Body' field is missing" in w for w in removed.warnings)
    assert any("title found by 'h1'" in w for w in removed.warnings)


def test_belarus_notice_lists_eight_with_karaeu_and_his_aliases():
    notice = _notice("20201002")
    entries = _by_name(notice)
    assert len(entries) == 8
    karaeu = entries["KARAEU, Yuriy Khadzymuratavich"]
    assert {a.name for a in karaeu.record.aliases} == {
        "KARAEV, Yuriy Khadzimuratovich",
        "KARAEV, Yuri",
        "KARAYEV, Yuri",
        "KARAEV, Yuriy",
    }
    assert karaeu.record.places_of_birth[0].place == "Vladikavkaz, Russian Federation"
    assert (karaeu.record.addresses[0].city, karaeu.record.addresses[0].country) == ("Minsk", "Belarus")


def test_hong_kong_update_is_an_amendment_with_the_old_and_new_entry():
    notice = _notice("20201014")
    (entry,) = notice.entries
    assert entry.action == Action.AMENDED
    assert entry.name == "CHAN, Eric"
    assert entry.section == "The following changes have been made to OFAC's SDN List:"
    risk = "Secondary sanctions risk: pursuant to the Hong Kong Autonomy Act of 2020 - Public Law 116-149"
    assert risk in entry.record.statements
    assert risk not in entry.old_record.statements
    assert entry.record.listed_on is None
    assert "\u2013" in entry.raw  # the en dash stays in the raw text, verbatim


# --- bad pages ---------------------------------------------------------------------------------------------


def test_notice_without_any_sdn_section_fails_naming_the_url():
    url = f"{BASE}/20120613"
    with pytest.raises(AnnouncementParseError, match=r"recent-actions/20120613: no section of SDN list changes"):
        parse_notice((PAGES / "20120613_no_sections.html").read_bytes(), url)


def test_entry_line_that_does_not_parse_is_kept_flagged_and_warned_about():
    notice = _notice("20200902_damaged", "20200902")
    good, bad = notice.entries
    assert good.error == "" and good.record is not None
    assert bad.record is None
    assert bad.name == "MOCHOCHOKO, Phakiso"
    assert bad.action == Action.LISTED
    assert "left open" in bad.error
    assert bad.raw == "MOCHOCHOKO, Phakiso; nationality Lesotho; Gender Male (individual"
    assert len(notice.warnings) == 1
    assert "entry 2" in notice.warnings[0] and "could not be parsed" in notice.warnings[0]


def test_changed_page_at_the_same_url_differs_in_the_corrected_entry_only():
    first, second = _notice("20201002"), _notice("20201002_corrected", "20201002")
    assert first.url == second.url
    assert first.text != second.text
    changed = [
        (a.name, b.record.aliases[-1].name)
        for a, b in zip(first.entries, second.entries, strict=True)
        if a.record != b.record
    ]
    assert changed == [("DMUKHAYLA, Alena Mikalaeuna", "DMUHAILO, Elena")]


def test_sections_that_do_not_change_the_sdn_list_are_recorded_and_skipped_with_a_warning():
    html = (
        (PAGES / "20201002.html")
        .read_bytes()
        .replace(
            b"</div>\n</div>\n</div>\n</article>",
            b"<h3>Sectorial Sanctions Identifications List Update</h3>\n"
            b"<p>OFAC has updated the Sectoral Sanctions Identifications List.</p>\n</div>\n</div>\n</div>\n</article>",
        )
    )
    notice = parse_notice(html, f"{BASE}/20201002")
    assert "Sectorial Sanctions Identifications List Update" in notice.sections
    assert len(notice.entries) == 8
    assert any("'Sectorial Sanctions Identifications List Update' is not a change" in w for w in notice.warnings)


def test_sdn_sections_with_no_entry_under_them_fail():
    html = (PAGES / "20200902.html").read_bytes()
    start = html.index(b"<p>BENSOUDA")
    end = html.index(b"</div>", start)
    with pytest.raises(AnnouncementParseError, match="no entry under them"):
        parse_notice(html[:start] + html[end:], f"{BASE}/20200902")


@pytest.mark.parametrize(
    ("cut", "message"),
    [
        ((b'<div class="field field--name-field-release-date', b"</time></div>\n</div>"), "no release date"),
        ((b"<title>", b"</h1>"), "no title"),
    ],
)
def test_missing_title_or_date_fails_naming_the_url(cut, message):
    html = (PAGES / "20200902.html").read_bytes()
    start = html.index(cut[0])
    end = html.index(cut[1], start) + len(cut[1])
    with pytest.raises(AnnouncementParseError, match=f"recent-actions/20200902: {message}"):
        parse_notice(html[:start] + html[end:], f"{BASE}/20200902")


def test_empty_page_fails():
    with pytest.raises(AnnouncementParseError, match="empty"):
        parse_notice(b"  \n", f"{BASE}/20200902")


@pytest.mark.parametrize(
    ("heading", "action"),
    [
        ("The following individuals have been added to OFAC's SDN List:", Action.LISTED),
        ("The following entity has been added to OFAC's SDN List:", Action.LISTED),
        ("The following additions have been made to OFAC's list of SDNs:", Action.LISTED),
        ("The following deletions have been made to OFAC's SDN List:", Action.DELISTED),
        ("The following names have been removed from OFAC's SDN List:", Action.DELISTED),
        ("The following changes have been made to OFAC's SDN List:", Action.AMENDED),
        ("The following administrative changes have been made to OFAC's SDN List:", Action.AMENDED),
        ("The following entities have been added to the Sectoral Sanctions Identifications List:", None),
        ("Specially Designated Nationals List Update", None),
    ],
)
def test_section_headers_by_their_wording(heading, action):
    assert section_action(heading) == action


def test_notice_id_from_the_url():
    assert notice_id("https://ofac.treasury.gov/recent-actions/20181127_33") == "20181127_33"
    assert notice_id("https://ofac.treasury.gov/recent-actions") == ""


# --- the index -----------------------------------------------------------------------------------------------


def test_index_pages_list_notices_newest_first_and_link_the_older_page():
    first = parse_index((PAGES / "recent-actions_page0.html").read_bytes(), BASE)
    second = parse_index((PAGES / "recent-actions_page1.html").read_bytes(), first.next_url)
    assert first.next_url == f"{BASE}?page=1"
    assert second.next_url == ""
    items = first.items + second.items
    assert [item.url.rsplit("/", 1)[-1] for item in items] == [
        "20210402",
        "20201014",
        "20201002",
        "20200902",
        "20200807",
        "20200709",
        "20200617",
        "20181115",
    ]
    assert items[2].title == "Belarus Designations"
    assert items[2].published_on == datetime.date(2020, 10, 2)
    dates = [item.published_on for item in items]
    assert dates == sorted(dates, reverse=True)
    assert first.warnings == second.warnings == []


def test_index_without_views_rows_falls_back_to_notice_links_and_says_so():
    html = (PAGES / "recent-actions_page1.html").read_bytes().replace(b"views-row", b"teaser")
    page = parse_index(html, f"{BASE}?page=1")
    assert [item.url for item in page.items][-1] == f"{BASE}/20181115"
    assert all(item.published_on is None for item in page.items)
    assert page.warnings and "no views rows" in page.warnings[0]


def test_index_without_notices_fails():
    with pytest.raises(AnnouncementParseError, match="no notices listed"):
        parse_index(b"<html><body><main><p>Nothing here</p></main></body></html>", BASE)


def test_the_live_sites_classes_come_first_and_an_older_layout_is_read_with_a_warning_per_fallback():
    """Two scrapers of the live site read ``div.field--name-field-body`` and ``h1.uswds-page-title``;
    a copy with the older classes parses the same, saying which selector it fell back on."""
    html = (PAGES / "20201002.html").read_bytes()
    assert b"field--name-field-body" in html and b"uswds-page-title" in html
    older = html.replace(b"field--name-field-body", b"field--name-field-recent-actions-body").replace(
        b'<h1 class="uswds-page-title"><span class="treas-page-title">', b'<h1 class="page-title"><span>'
    )
    current, drifted = (parse_notice(page, f"{BASE}/20201002") for page in (html, older))
    assert current.warnings == []
    assert [e.name for e in drifted.entries] == [e.name for e in current.entries]
    assert drifted.title == current.title
    assert any("'h1.page-title', not by the expected h1.uswds-page-title" in w for w in drifted.warnings)
    assert any("not by the expected div.field--name-field-body" in w for w in drifted.warnings)
