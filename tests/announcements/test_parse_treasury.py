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


def test_release_without_names_in_bold_is_read_from_its_sentences():
    """Releases of 2018-2020 bold no names (the real pages of the data directory show it): the
    designees come from what the sentences say, "Karaeu is being designated pursuant to E.O. 13405"
    pointing at the full name the paragraph gives. (This test used to expect no entries.)"""
    html = (PAGES / "sm1143.html").read_bytes().replace(b"<b>", b"").replace(b"</b>", b"")
    release = parse_release(html, f"{BASE}/sm1143")
    bold = _release("sm1143")
    assert [entry.name for entry in release.entries] == [entry.name for entry in bold.entries]
    assert all(entry.action == Action.LISTED and entry.legal_basis == "E.O. 13405" for entry in release.entries)
    assert release.entries[0].name_variants == ("Karaeu", "Yuriy Khadzymuratavich Karaeu")
    assert release.warnings == []


def test_a_release_that_designates_no_one_parses_and_says_so():
    html = (PAGES / "sm1143.html").read_bytes()
    start, end = html.index(b"<p>Washington"), html.index(b"<p>As a result")
    advisory = b"<p>Washington - Treasury issued an advisory on ransomware payments today.</p>"
    release = parse_release(html[:start] + advisory + html[end:], f"{BASE}/sm1143")
    assert release.entries == []
    assert any("no party is designated by name" in warning for warning in release.warnings)


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


# --- the grammar of releases, on short pages written for these tests ----------------------------------------
# The parties are invented; each page has the shape of the real releases named in the test's docstring.


def _page(body: str, *, title: str = "", date: str = "2019-04-24") -> bytes:
    """A release saved as its ``<article>`` alone (no site title), as the real pages in the data directory."""
    return (
        f'<article class="entity--type-node"><div><time class="datetime" datetime="{date}T14:00:00Z">{date}</time>'
        f'<div class="field--name-field-news-body">{title}{body}<p class="text-align-center">###</p></div>'
        "</div></article>"
    ).encode()


def _names(release, action=Action.LISTED):
    return [entry.name for entry in release.entries if entry.action == action]


def test_plain_prose_designations_of_2019_with_descriptors_and_the_dateline_in_bold():
    """``sm668``: "<strong>Washington </strong>- ... OFAC designated Belgium-based X, Belgium-based Y, and
    United Kingdom-based Z for being owned or controlled by W"; sub-headings in ``h4``."""
    release = parse_release(
        _page(
            "<p><strong>WASHNGTON </strong>- Today, the U.S. Department of the Treasury's Office of Foreign Assets "
            "Control (OFAC) designated Freedonia-based Ivan Petrov for acting for or on behalf of his uncle, Oleg "
            "Petrov. OFAC designated Freedonia-based Alpha Trading BVBA, Freedonia-based Beta Holding NV, and "
            "United Kingdom-based Gamma Limited for being owned or controlled by Ivan Petrov. These individuals "
            "and entities were designated under Executive Order (E.O.) 13224.</p>"
            "<h3>BACKGROUND ON OLEG PETROV</h3><p>OFAC designated Oleg Petrov as an SDGT in May 2015 for "
            "providing support to a terrorist group. Delta Company, which was designated in 2016, is his.</p>"
            "<h4>Alpha Trading BVBA</h4><p>Alpha Trading BVBA was designated for being owned or controlled by "
            "Ivan Petrov.</p><h4>IVAN PETROV</h4><p>He manages the companies.</p>"
        ),
        f"{BASE}/sm9001",
    )
    assert _names(release) == ["Ivan Petrov", "Alpha Trading BVBA", "Beta Holding NV", "Gamma Limited"]
    assert [entry.kind for entry in release.entries] == ["individual", "entity", "entity", "entity"]
    assert all(entry.legal_basis == "E.O. 13224" for entry in release.entries)
    assert release.title == ""
    assert any("no title found" in warning for warning in release.warnings)


def test_the_section_listing_each_party_with_its_basis_gives_the_full_names_of_2019():
    """``sm704``: parties first named in lists, relative clauses and short forms, then each in full with
    its legal basis; the full form is kept, the others become spellings of it; "AI-" is read "Al-"."""
    release = parse_release(
        _page(
            "<p>WASHINGTON - Today, OFAC is designating 5 individuals and entities.</p>"
            "<p>Also under the umbrella of Omega Holding - and being designated today - are the following "
            "entities: Sigma for Trading, Al-Noor for Transportation and Contracting, and Zeta Sugar.</p>"
            "<p>Ivan Petrov's Freedonia-based Kappa TV, which is also being designated today, airs "
            "advertisements. Ivan Petrov also owns the Grand Hotel Ruritania and the Lake Club, which are also "
            "being designated today. On January 21, 2019, the European Union sanctioned Ivan Petrov and Omega "
            "Holding.</p><h3>Designation Bases and Authorities</h3>"
            "<p>Zeta Sugar Company Limited is owned or controlled by Omega Holding, and is being designated "
            "pursuant to E.O. 13573.</p><p>AI-Noor for Transportation &amp; Contracting is owned or controlled by "
            "Omega Holding, and is being designated pursuant to E.O. 13573.</p><p>The Grand Hotel Ruritania is "
            "owned or controlled by Ivan Petrov, and is being designated pursuant to E.O. 13573.</p>"
        ),
        f"{BASE}/sm9002",
    )
    names = _names(release)
    assert sorted(names) == sorted(
        [
            "Sigma for Trading",
            "Al-Noor for Transportation & Contracting",
            "Zeta Sugar Company Limited",
            "Kappa TV",
            "The Grand Hotel Ruritania",
            "Lake Club",
        ]
    )
    entries = {entry.name: entry for entry in release.entries}
    assert "Zeta Sugar" in entries["Zeta Sugar Company Limited"].name_variants
    assert "Grand Hotel Ruritania" in entries["The Grand Hotel Ruritania"].name_variants
    assert entries["The Grand Hotel Ruritania"].kind == "entity"  # only companies are "owned or controlled"


def test_one_paragraph_cut_by_breaks_with_bold_lines_as_headings_and_short_names_in_full():
    """``sm853``: one ``<p>`` whose sub-headings are bold lines between ``<br>``; "Khedri is being
    designated" names the "Abdolhossein Khedri" of the paragraph above; vessels identified as property;
    "Gomei Air Services is being designated" the company written in full before."""
    release = parse_release(
        _page(
            "<p><strong>WASHINGTON </strong>- Today, OFAC designated a shipping network.<br><br>"
            "<strong>IVAN PETROV NETWORK</strong><br><br>For years, Freedonian businessman Ivan Sergeyevich "
            "Petrov ran ships.<br><br>Petrov is being designated pursuant to E.O. 13224 for having assisted the "
            "network.<br><br>Petrov Shipping Co is being designated pursuant to E.O. 13224 for being owned by "
            "Ivan Sergeyevich Petrov. Furthermore, the Nova 11 and Nova 12 are being identified as property in "
            "which Petrov Shipping Co. has an interest.<br>Orbit Air Services Co., Ltd. is an agent in Hong Kong. "
            "Orbit Air Services is being designated pursuant to E.O. 13224 for acting for Petrov Shipping Co."
            "<br><br><strong>SANCTIONS IMPLICATIONS</strong><br><br>As a result of today's action, all property "
            "of these persons is blocked.</p>"
        ),
        f"{BASE}/sm9003",
    )
    assert _names(release) == [
        "Ivan Sergeyevich Petrov",
        "Petrov Shipping Co",
        "Nova 11",
        "Nova 12",
        "Orbit Air Services Co., Ltd.",
    ]
    assert [entry.kind for entry in release.entries][2:4] == ["vessel", "vessel"]
    assert all("NETWORK" not in name and "IMPLICATIONS" not in name for name in _names(release))


def test_bold_names_with_short_forms_inside_surnames_in_bold_and_a_company_split_over_runs():
    """``jy0712``: "<b>Aqif Rakipi (Rakipi)</b>", "<b>Asim Sarajlic</b> <b>(Sarajlic)</b>"; ``jy0045``:
    "Director Aleksandr Bortnikov (<b>Bortnikov</b>)", then "<b>Alexander Bortnikov</b>" in a paragraph;
    ``jy1467``: "<b>Urbanizacion</b>, <b>Inmobiliaria y Construccion de Obras</b>, <b>S.A. de C.V.</b>"."""
    release = parse_release(
        _page(
            "<p>WASHINGTON - Today, OFAC designated two officials: Security Service (SSF) Director Aleksandr "
            "Orlov (<b>Orlov</b>) and Deputy Minister of Defense Pavel Sokol (<b>Sokol</b>) pursuant to E.O. "
            "13661. OFAC also designated <b>Orlov</b> pursuant to E.O. 13382.</p>"
            "<h3><b>ALBANIA</b></h3><p><b>Aqif Lumi (Lumi)</b> is a former Member of Parliament. He is being "
            "designated pursuant to E.O. 14033.</p><p><b>Asim Hadzic</b> <b>(Hadzic)</b> is a member of "
            "parliament. Hadzic was designated pursuant to E.O. 14033.</p>"
            "<p><b>Alexander Orlov</b> is the Director of the SSF.</p>"
            "<p>In addition, OFAC designated a real estate business, <strong>Urbana</strong>, <strong>Casas y "
            "Obras</strong>, <strong>S.A. de C.V.</strong>, pursuant to E.O. 14059.</p>",
            date="2022-04-11",
        ),
        f"{BASE}/jy9004",
    )
    entries = {entry.name: entry for entry in release.entries}
    assert list(entries) == [
        "Aleksandr Orlov",
        "Pavel Sokol",
        "Aqif Lumi",
        "Asim Hadzic",
        "Urbana, Casas y Obras, S.A. de C.V.",
    ]
    assert entries["Aleksandr Orlov"].legal_basis == "E.O. 13661; E.O. 13382"
    assert entries["Aleksandr Orlov"].name_variants == ("Alexander Orlov",)
    assert entries["Aleksandr Orlov"].position == "Director of the SSF"
    assert entries["Pavel Sokol"].position == "Deputy Minister of Defense"
    assert entries["Aqif Lumi"].legal_basis == "E.O. 14033"


def test_parties_designated_by_others_or_in_the_past_are_not_designees():
    """``jy0045``, ``sb0022``, ``jy2622``: the Department of State's co-designations, the EU's and past ones
    ("OFAC designated M23 on January 3, 2013", "previously designated", "In February of this year")."""
    release = parse_release(
        _page(
            "<p>WASHINGTON - Today, OFAC imposed sanctions on <strong>Jan Novak</strong> (Novak), a minister. "
            "OFAC designated the Red Brigade on January 3, 2013, pursuant to E.O. 13413. In February of this "
            "year, OFAC designated the Black brothers pursuant to E.O. 14059. OFAC previously designated Karl "
            "Brown in 2012. Karl White was also designated by the EU and the UK in October 2020.</p>"
            "<p>Concurrently, the Department of State is designating two individuals pursuant to E.O. 14115. "
            "Eli Green is being designated for his connection to violence.</p>"
            "<p>Novak is being designated pursuant to E.O. 13413 for his role.</p>"
            "<p>“The people we are sanctioning today, like Karl Grey, will pay,” said Secretary "
            "<strong>Sam Stone</strong>.</p>",
            date="2025-02-20",
        ),
        f"{BASE}/sb9005",
    )
    assert _names(release) == ["Jan Novak"]
    assert release.entries[0].legal_basis == "E.O. 13413"


def test_an_alias_added_to_an_old_entry_is_an_amendment():
    release = parse_release(
        _page(
            "<p>WASHINGTON - Today, OFAC designated Ivan Petrov pursuant to E.O. 13224. OFAC is also adding "
            "Nova Engineers as an alias for Global Omega NV (GON), one of Oleg Petrov's companies, which was "
            "designated in May 2018.</p>"
        ),
        f"{BASE}/sm9006",
    )
    assert _names(release) == ["Ivan Petrov"]
    assert _names(release, Action.AMENDED) == ["Global Omega NV"]


def test_names_the_grammar_is_unsure_of_are_mentioned_or_confirmed_by_the_list():
    """A list of names without a designation verb of its own ("The following 2 individuals were members
    of the team: A and B") in a release designating "All 2 individuals": candidates the linking step
    confirms against the list, or ``is_listed`` here."""
    html = _page(
        "<p>WASHINGTON - Today, OFAC designated 2 individuals.</p><p>The following 2 individuals were members "
        "of the team: Ali Hassan and Omar Saleh.</p><p>All 2 individuals are being designated pursuant to "
        "E.O. 13818.</p>"
    )
    unsure = parse_release(html, f"{BASE}/sm9007")
    assert _names(unsure, Action.MENTIONED) == ["Ali Hassan", "Omar Saleh"]
    assert _names(unsure) == []
    confirmed = parse_release(html, f"{BASE}/sm9007", is_listed=lambda name: name == "Omar Saleh")
    assert _names(confirmed) == ["Omar Saleh"]
    assert _names(confirmed, Action.MENTIONED) == []


def test_a_saved_article_takes_its_title_from_a_heading_inside_or_from_the_caller():
    inside = parse_release(
        _page("<p>OFAC designated Ivan Petrov pursuant to E.O. 13224.</p>", title="<h1>Title</h1>"), f"{BASE}/x"
    )
    assert inside.title == "Title" and any("'h1'" in warning for warning in inside.warnings)
    given = parse_release(_page("<p>OFAC designated Ivan Petrov pursuant to E.O. 13224.</p>"), f"{BASE}/x", title="T")
    assert given.title == "T" and any("title given with it" in warning for warning in given.warnings)
    undated = _page("<p>OFAC designated Ivan Petrov.</p>").replace(b'datetime="2019-04-24T14:00:00Z">2019-04-24', b">")
    assert parse_release(undated, f"{BASE}/x", published_on=datetime.date(2019, 1, 2)).published_on == datetime.date(
        2019, 1, 2
    )


def test_the_index_follows_the_web_design_system_pager_without_rel_next():
    html = (PAGES / "press-releases_page0.html").read_bytes()
    assert b'rel="next"' not in html  # the real pager has none
    pager = html.replace(
        b'<a href="?page=1" class="usa-pagination__link usa-pagination__next-page"',
        b'<a href="?page=1" class="usa-pagination__link"',
    ).replace(b"usa-pagination__arrow", b"usa-pagination__item--next")
    assert parse_index(pager, "https://ofac.treasury.gov/press-releases?page=0").next_url.endswith("?page=1")
