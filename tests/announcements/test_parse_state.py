"""State Department statements, reports and their index (reconstructed pages in tests/data/announcements/state)."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from announcements.parsers.base import Action, AnnouncementParseError
from announcements.parsers.state import _family_covered, _family_members, parse_index, parse_statement, statement_kind

PAGES = Path(__file__).resolve().parents[2] / "tests" / "data" / "announcements" / "state"


def _page(name: str, url: str = "https://www.state.gov/page/"):
    return parse_statement((PAGES / f"{name}.html").read_bytes(), url)


def test_caesar_statement_gives_each_name_its_section_of_eo_13894():
    statement = _page("syria-caesar-act-designations", "https://www.state.gov/syria-caesar-act-designations/")
    assert (statement.source, statement.kind, statement.agency) == ("state-press", "press_statement", "state")
    assert statement.title == "Syria Caesar Act Designations"
    assert statement.published_on == datetime.date(2020, 6, 17)
    assert statement.authorities == ("Caesar Act", "E.O. 13894")
    bases = {entry.name: entry.legal_basis for entry in statement.entries}
    assert bases == {
        "Bashar Al-Assad": "E.O. 13894 Section 2(a)(i)(A)",
        "Asma al-Assad": "E.O. 13894 Section 2(a)(ii)",
        "Mohammed Hamsho": "E.O. 13894 Section 2(a)(i)(D)",
        "Fatemiyoun Division": "E.O. 13894 Section 2(a)(i)(D)",
        "Maher al-Assad": "E.O. 13894 Section 2(a)(i)(A)",
        "Fourth Division of the Syrian Arab Army": "E.O. 13894 Section 2(a)(i)(A)",
        "Ghassan Ali Bilal": "E.O. 13894 Section 2(a)(i)(A)",
        "Samer al-Dana": "E.O. 13894 Section 2(a)(i)(A)",
        "Bushra al-Assad": "E.O. 13894 Section 2(a)(ii)",
        "Manal al-Assad": "E.O. 13894 Section 2(a)(ii)",
        "Ahmad Sabir Hamsho": "E.O. 13894 Section 2(a)(ii)",
        "Amr Hamsho": "E.O. 13894 Section 2(a)(ii)",
        "Ali Hamsho": "E.O. 13894 Section 2(a)(ii)",
        "Rania al-Dabbas": "E.O. 13894 Section 2(a)(ii)",
        "Sumaia Hamcho": "E.O. 13894 Section 2(a)(ii)",
    }
    assert all(entry.action == Action.LISTED for entry in statement.entries)
    kinds = {entry.name: entry.kind for entry in statement.entries}
    assert kinds["Fatemiyoun Division"] == kinds["Fourth Division of the Syrian Arab Army"] == "entity"
    assert kinds["Asma al-Assad"] == "individual"
    assert statement.entries[0].reason.startswith("We are designating the architect of this suffering Bashar Al-Assad")


def test_7031c_statement_gives_name_country_position_reason_and_family_cover():
    statement = _page("palau-marshall-islands-7031c")
    assert statement.published_on == datetime.date(2026, 2, 10)
    assert statement.authorities == ("Section 7031(c)",)
    baules, jibas = statement.entries
    assert baules.action == jibas.action == Action.VISA_DESIGNATION
    assert (baules.name, baules.country, baules.position) == ("Hokkons Baules", "Palau", "Senate President")
    assert (jibas.name, jibas.country, jibas.position) == (
        "Anderson Jibas",
        "Republic of the Marshall Islands",
        "former mayor of the Kili/Bikini/Ejit community",
    )
    assert baules.reason.startswith("for his involvement in significant corruption on behalf of China-based actors.")
    assert "Baules abused his public position by accepting bribes" in baules.reason
    assert "Bikini Resettlement Trust" in jibas.reason and "Baules" not in jibas.reason
    assert baules.family_covered and jibas.family_covered
    assert baules.family_members == jibas.family_members == ()
    assert baules.legal_basis == (
        "Section 7031(c) of the Department of State, Foreign Operations, and Related Programs Appropriations Act, 2024"
    )


def test_7031c_bulleted_layout():
    """The bulleted layout of multi-person statements (data-format notes, section 8), filled with the same
    statement's facts."""
    html = (PAGES / "palau-marshall-islands-7031c.html").read_bytes()
    start = html.index(b"<p>The Department of State is publicly designating")
    end = html.index(b"</p>", start) + 4
    bullets = (
        b"<p>The Department of State is designating the following individuals for their involvement in significant "
        b"corruption:</p><ul><li>Hokkons Baules, Senate President of Palau, for accepting bribes in exchange for "
        b"providing advocacy and support for interests from China.</li><li>Anderson Jibas, former mayor of the "
        b"Kili/Bikini/Ejit community in the Republic of the Marshall Islands, for misappropriation of U.S. provided "
        b"funds.</li></ul><p>These actions render Baules, Jibas, and their immediate family members generally "
        b"ineligible for entry into the United States.</p>"
    )
    statement = parse_statement(html[:start] + bullets + html[end:], "https://www.state.gov/page/")
    baules, jibas = statement.entries
    assert (baules.name, baules.position, baules.country) == ("Hokkons Baules", "Senate President of Palau", "")
    assert jibas.country == "Republic of the Marshall Islands"
    assert jibas.reason.startswith("for misappropriation of U.S. provided funds.")
    assert baules.family_covered and jibas.family_covered


def test_family_members_named_after_his_or_her_relation_are_collected():
    """State names a designee's relatives as "his wife <name>" (the 17 Jun 2020 statement's wording)."""
    text = (
        "We are designating the architect of this suffering Bashar Al-Assad and his wife Asma al-Assad pursuant to "
        "E.O. 13894 Section 2(a)(i)(A) and Section 2(a)(ii), respectively."
    )
    assert _family_members(text, "Bashar Al-Assad") == ("Asma al-Assad",)
    assert _family_members(text, "Hokkons Baules") == ()
    assert not _family_covered(text, "Al-Assad", {"Al-Assad"})


def test_hkaa_reports_identify_the_ten_of_2020_and_the_five_deputy_directors_of_2021():
    first = _page("hkaa-report-2020")
    update = _page("hkaa-update-2021")
    assert first.kind == update.kind == "report"
    assert [entry.name for entry in first.entries] == [
        "Carrie Lam",
        "Chris Tang",
        "John Lee Ka-chiu",
        "Teresa Cheng",
        "Erick Tsang",
        "Xia Baolong",
        "Zhang Xiaoming",
        "Luo Huining",
        "Zheng Yanxiong",
        "Eric Chan",
    ]
    assert "Stephen Lo" not in {entry.name for entry in first.entries}
    assert [entry.name for entry in update.entries] == [
        "Chen Dong",
        "Lu Xinning",
        "Tan Tieniu",
        "He Jing",
        "Yin Zonghua",
    ]
    assert update.published_on == datetime.date(2021, 12, 20)
    for entry in first.entries + update.entries:
        assert entry.action == Action.IDENTIFIED
        assert entry.legal_basis == "Hong Kong Autonomy Act Section 5(a)"
    assert update.entries[0].position == (
        "Deputy Director of the Liaison Office of the Central People's Government in the Hong Kong Special "
        "Administrative Region"
    )


def test_hkaa_release_statement_names_no_one_and_says_so():
    statement = _page("release-of-the-hong-kong-autonomy-act-report")
    assert statement.kind == "press_statement"
    assert statement.title == "Release of the Hong Kong Autonomy Act Report"
    assert statement.published_on == datetime.date(2020, 10, 14)
    assert statement.authorities == ("Hong Kong Autonomy Act", "E.O. 13936")
    assert statement.entries == []
    assert statement.warnings and "no person is named" in statement.warnings[0]


def test_statement_kind_from_content_type_or_title():
    assert statement_kind("Report", "Anything") == "report"
    assert statement_kind("Press Statement", "Release of the Hong Kong Autonomy Act Report") == "press_statement"
    assert statement_kind("", "Update to Report on Identification of Foreign Persons") == "report"


def test_statement_layout_fallbacks_are_reported_and_a_missing_date_fails():
    html = (PAGES / "syria-caesar-act-designations.html").read_bytes()
    drifted = html.replace(b"entry-content", b"post-body").replace(b"featured-content__headline", b"headline")
    statement = parse_statement(drifted, "https://www.state.gov/syria-caesar-act-designations/")
    assert len(statement.entries) == 15
    assert any("not by .entry-content" in w for w in statement.warnings)
    assert any("not by h1.featured-content__headline" in w for w in statement.warnings)
    undated = html.replace(b"June 17, 2020", b"").replace(b"2020-06-17T13:00:00-04:00", b"")
    with pytest.raises(AnnouncementParseError, match="no publication date"):
        parse_statement(undated, "https://www.state.gov/syria-caesar-act-designations/")


def test_index_lists_statements_with_dates_and_the_next_page():
    page = parse_index((PAGES / "press-releases_page1.html").read_bytes(), "https://www.state.gov/press-releases/")
    assert [item.title for item in page.items][:2] == [
        "Designations of Palau's Senate President and Marshall Islands Former Mayor for Involvement in Significant "
        "Corruption",
        "Update to Report on Identification of Foreign Persons Involved in the Erosion of the Obligations of China "
        "Under the Joint Declaration or the Basic Law",
    ]
    assert [item.published_on for item in page.items] == [
        datetime.date(2026, 2, 10),
        datetime.date(2021, 12, 20),
        datetime.date(2020, 10, 14),
        datetime.date(2020, 10, 14),
        datetime.date(2020, 6, 17),
    ]
    assert page.items[-1].url == "https://www.state.gov/syria-caesar-act-designations/"
    assert page.next_url == "https://www.state.gov/press-releases/page/2/"


# --- statements as their text, in each wording of 2018-2026 (invented parties, the statements' shapes) ------


def _text(body: str, url: str = "https://ro.usembassy.gov/designation/", **kwargs):
    return parse_statement(body.encode(), url, **kwargs)


def test_a_statement_saved_as_text_gives_its_title_the_callers_date_and_the_relatives_it_names():
    """The shape of the 2022 statements on Paraguay's former president: "The United States is designating
    former <country> President <name> for ..."; "The Department is also designating <surname>'s adult
    children A, B, and C"."""
    statement = _text(
        "Designation of Former Ruritanian President Jan Novak\n\n"
        "The United States is designating former Ruritanian President Jan Marek Novak Horak for his involvement "
        "in significant corruption. He obstructed an investigation.\n\n"
        "This public designation is made under Section 7031(c) of the Department of State, Foreign Operations, "
        "and Related Programs Appropriations Act, 2022. The Department is also designating Novak's adult "
        "children Petr Novak Lis, Eva Novak Lis, and Ana Sofia Novak Lis.",
        published_on=datetime.date(2022, 7, 22),
    )
    assert statement.title == "Designation of Former Ruritanian President Jan Novak"
    assert statement.published_on == datetime.date(2022, 7, 22)
    assert any("given with it" in warning for warning in statement.warnings)
    official, *children = statement.entries
    assert (official.name, official.position) == ("Jan Marek Novak Horak", "former Ruritanian President")
    assert official.reason == "for his involvement in significant corruption."
    assert official.family_members == ("Petr Novak Lis", "Eva Novak Lis", "Ana Sofia Novak Lis")
    assert [(c.name, c.family_of, c.relationship, c.action) for c in children] == [
        (name, "Jan Marek Novak Horak", "adult children", Action.VISA_DESIGNATION)
        for name in ("Petr Novak Lis", "Eva Novak Lis", "Ana Sofia Novak Lis")
    ]
    with pytest.raises(AnnouncementParseError, match="no publication date"):
        _text("Title\n\nThe United States is designating Jan Novak for his involvement in corruption. Section 7031(c).")


def test_the_wordings_of_7031c_designations_since_2019():
    """ "is announcing the public designation of X, due to ..."; "The Department has designated X, <office>,
    for ..." in bullets (December 2019); "I am also designating his wife, X, and his daughters Y and Z"
    (July 2020); two officials each with an apposition in one sentence; a title with "of <country>"."""
    statement = _text(
        "Public Designations\n\nDECEMBER 10, 2019\n\n"
        "The Department of State is announcing the public designation of former Ruritanian Minister Ivan "
        "Petrov Lazar, due to his involvement in significant corruption. I am also designating his wife, Mila "
        "Lazar, and his daughters Ana Lazar and Vera Lazar.\n\n"
        "The Department has designated Omar Saleh Haddad, former Consul General of Ruritania in Freedonia, for "
        "his involvement in gross violations of human rights. Haddad was previously designated on November 15, "
        "2018 under E.O. 13818.\n\n"
        "The Department is publicly designating Jane Roe Smith, a former minister of Ruritania, and John Doe "
        "Brown, a former judge in Freedonia, for their involvement in significant corruption.\n\n"
        "The United States is designating Attorney General of Guatemala Rosa Maria Lopez de Vega (\u201cLopez\u201d) "
        "due to her involvement in significant corruption. The Department is also designating Lopez\u2019s husband "
        "Carlos Vega de Leon.\n\n"
        "These designations are made under Section 7031(c) of the Department of State, Foreign Operations, and "
        "Related Programs Appropriations Act, 2019."
    )
    assert statement.published_on == datetime.date(2019, 12, 10)
    entries = {entry.name: entry for entry in statement.entries}
    assert list(entries) == [
        "Ivan Petrov Lazar",
        "Mila Lazar",
        "Ana Lazar",
        "Vera Lazar",
        "Omar Saleh Haddad",
        "Jane Roe Smith",
        "John Doe Brown",
        "Rosa Maria Lopez de Vega",
        "Carlos Vega de Leon",
    ]
    assert entries["Ivan Petrov Lazar"].reason == "due to his involvement in significant corruption."
    assert entries["Ivan Petrov Lazar"].family_members == ("Mila Lazar", "Ana Lazar", "Vera Lazar")
    assert (entries["Mila Lazar"].relationship, entries["Vera Lazar"].relationship) == ("wife", "daughters")
    assert entries["Omar Saleh Haddad"].position == "former Consul General of Ruritania"
    assert entries["Jane Roe Smith"].position == "former minister of Ruritania"
    assert (entries["John Doe Brown"].position, entries["John Doe Brown"].country) == ("former judge", "Freedonia")
    lopez = entries["Rosa Maria Lopez de Vega"]
    assert (lopez.position, lopez.country, lopez.name_variants) == ("Attorney General", "Guatemala", ("Lopez",))
    assert entries["Carlos Vega de Leon"].family_of == "Rosa Maria Lopez de Vega"


def test_a_section_353_list_is_its_own_program_and_a_statement_announcing_it_names_no_one():
    listing = _text(
        "Section 353 Corrupt and Undemocratic Actors Report\n\n"
        "Persons reported under Section 353(b) of the United States-Northern Triangle Enhanced Engagement Act.\n\n"
        "El Salvador\n\n"
        "Ana Gomez Ruiz, a former minister, engaged in significant corruption by diverting public funds.\n\n"
        "Nicaragua\n\n"
        "Jorge Luis Mena: Judge Jorge Luis Mena undermined democratic processes or institutions.",
        published_on=datetime.date(2023, 7, 19),
    )
    assert listing.programs == ("SECTION-353",)
    assert [(e.name, e.country, e.programs, e.action) for e in listing.entries] == [
        ("Ana Gomez Ruiz", "El Salvador", ("SECTION-353",), Action.VISA_DESIGNATION),
        ("Jorge Luis Mena", "Nicaragua", ("SECTION-353",), Action.VISA_DESIGNATION),
    ]
    assert listing.entries[0].legal_basis.startswith("Section 353(b)")
    announcing = _text(
        "Transmission of the Section 353 Report\n\nToday the Secretary transmitted the Section 353 Corrupt and "
        "Undemocratic Actors report to Congress, identifying 39 individuals.",
        published_on=datetime.date(2023, 7, 19),
    )
    assert announcing.entries == [] and announcing.programs == ("SECTION-353",)
    assert any("no person is named" in warning for warning in announcing.warnings)


def test_a_hong_kong_autonomy_act_statement_without_names_identifies_no_one():
    statement = _text(
        "Hong Kong Autonomy Act Report to Congress\n\nDECEMBER 20, 2021\n\n"
        "The United States is concerned by efforts to undermine democratic institutions in Hong Kong. Today's "
        "report to Congress under the Hong Kong Autonomy Act identifies five officials whose actions have "
        "reduced Hong Kong's autonomy."
    )
    assert statement.entries == []
    assert statement.published_on == datetime.date(2021, 12, 20)
