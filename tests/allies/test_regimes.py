"""The allied regime table: published labels, codes, and the dated legal instruments behind them."""

from __future__ import annotations

import datetime

from allies.regimes import REGIMES, by_code, fold_label, resolve


def test_uk_labels_of_both_lists_give_one_code():
    assert resolve("uk", "Global Human Rights").code == "UK-GHR"  # OFSI "Regime"
    assert resolve("uk", "The Global Human Rights Sanctions Regulations 2020").code == "UK-GHR"  # FCDO
    assert resolve("uk", "Global Anti-Corruption").code == "UK-GAC"
    assert resolve("uk", "The Global Anti-Corruption Sanctions Regulations 2021").code == "UK-GAC"


def test_dfat_dashes_and_trailing_spaces_are_folded():
    assert resolve("au", "Autonomous (Thematic \u2013 Corruption)").code == "AU-CORRUPTION"  # en dash
    assert resolve("au", "Autonomous (Thematic - Corruption)").code == "AU-CORRUPTION"
    assert resolve("au", "Autonomous (Thematic - Human Rights) ").code == "AU-HR"
    assert resolve("au", "Autonomous (Thematic - Cyber)  ").code == "AU-CYBER"
    assert fold_label("A\u00a0 (B \u2014 C)") == "a (b - c)"


def test_canada_jvcfor_labels_of_both_editions_and_sema_regulations():
    spaced = (
        "Justice for Victims of Corrupt Foreign Officials Regulations (JVCFOR) / \u00a0R\u00e8glement relatif \u00e0 "
        "la justice pour les victimes de dirigeants \u00e9trangers corrompus (RJVDEC)"
    )  # sema-lmes.xml of 2020, with its no-break space
    assert resolve("ca", spaced).code == "CA-JVCFOA"
    assert (
        resolve("ca", "Justice for Victims of Corrupt Foreign Officials Regulations (JVCFOR) / Other").code
        == "CA-JVCFOA"
    )
    assert resolve("ca", "China / Chine").code == "CA-SEMA-CHINA"
    assert resolve("ca", "Burma / Birmanie").code == resolve("ca", "Myanmar (Burma) / Myanmar (Birmanie)").code
    russia = resolve("ca", "Russia / Russie")
    assert (russia.code, russia.known, russia.regime.code) == ("CA-SEMA-RUSSIA", True, "CA-SEMA")


def test_regimes_not_in_the_table_get_a_derived_code_and_are_unknown():
    match = resolve("uk", "Russia")
    assert (match.code, match.known, match.regime) == ("UK-RUSSIA", False, None)
    assert resolve("eu", "RUS").code == "EU-RUS"
    assert resolve("eu", "HR").code == "EU-HR" and resolve("eu", "HR").known
    assert (
        resolve("au", "1267/1989/2253 (ISIL (Da'esh) and Al-Qaida)").code
        == "AU-1267-1989-2253-ISIL-DA-ESH-AND-AL-QAIDA"
    )


def test_every_instrument_is_dated_verified_and_sourced():
    codes = [regime.code for regime in REGIMES]
    assert len(codes) == len(set(codes))
    for regime in REGIMES:
        assert regime.instruments, regime.code
        for instrument in regime.instruments:
            assert instrument.verified and instrument.date and instrument.source.startswith("https://"), instrument
    assert by_code("UK-GHR").instruments[0].date == datetime.date(2020, 7, 6)
    assert by_code("UK-GAC").instruments[0].date == datetime.date(2021, 4, 26)
    assert {i.date for i in by_code("EU-HR").instruments} == {datetime.date(2020, 12, 7)}
    assert by_code("CA-JVCFOA").instruments[0].date == datetime.date(2017, 10, 18)
    assert by_code("AU-HR").instruments[0].date == datetime.date(2021, 12, 7)
