"""Allied human-rights and anti-corruption regimes, the labels each list gives them, and their legal basis.

Each list names its regimes its own way: OFSI writes "Global Human Rights", the FCDO list "The Global
Human Rights Sanctions Regulations 2020", the EU a programme code ("HR"), DFAT a committee
("Autonomous (Thematic U+2013 Corruption)", with an en dash), Canada the regulations' "country" column.
``resolve()`` maps a published label to one normalised code per regime. Labels are compared after folding
case, dashes and whitespace (DFAT writes both "-" and an en dash, and leaves trailing spaces; Canada's 2020 file
has a no-break space inside the JVCFOR label).

The table holds the thematic regimes (human rights, corruption, cyber) the tracker compares with the US
ones, plus Canada's Special Economic Measures Act regulations, which Canada also uses for human-rights
listings (ZHU Hailun is listed under the China regulations, not under JVCFOA). Any other regime gets a
code derived from its published name (``UK-RUSSIA``, ``EU-RUS``) and the parsers warn about it once.

Every instrument date below was checked against the source named beside it; ``verified=False`` marks a
date that could not be.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass

__all__ = [
    "AGENCIES",
    "CA_SEMA_REGIME",
    "REGIMES",
    "Instrument",
    "Regime",
    "RegimeMatch",
    "by_code",
    "fold_label",
    "resolve",
]

# Who designates under each ally's regimes, and who publishes the list the tracker reads.
AGENCIES = {
    "uk": "Foreign, Commonwealth & Development Office (designates; publishes the UK Sanctions List) and HM "
    "Treasury's Office of Financial Sanctions Implementation (OFSI: publishes the Consolidated List)",
    "eu": "Council of the European Union (designates; the Commission publishes the consolidated financial "
    "sanctions list)",
    "ca": "Global Affairs Canada (on behalf of the Governor in Council; publishes the consolidated autonomous "
    "sanctions list)",
    "au": "Department of Foreign Affairs and Trade, Australian Sanctions Office (on behalf of the Minister for "
    "Foreign Affairs; publishes the consolidated list)",
}


@dataclass(frozen=True, slots=True)
class Instrument:
    """A legal act behind a regime, with one dated step of its lifecycle."""

    title: str
    citation: str
    date: datetime.date | None
    date_kind: str  # in_force | adopted | assented | registered
    source: str  # where the date was checked
    verified: bool = True


@dataclass(frozen=True, slots=True)
class Regime:
    """One allied regime: its code, theme, the labels lists publish for it, and its instruments."""

    code: str
    publisher: str  # uk | eu | ca | au
    title: str
    theme: str  # human_rights | anti_corruption | human_rights_and_corruption | cyber | country
    labels: tuple[str, ...]
    instruments: tuple[Instrument, ...] = ()
    reference_prefix: str = ""  # UK Sanctions List reference prefix ("GHR0078")


@dataclass(frozen=True, slots=True)
class RegimeMatch:
    code: str
    regime: Regime | None  # None when the label is not in the table
    known: bool


# --- Instruments -----------------------------------------------------------------------------------

UK_GHR_REGULATIONS = Instrument(
    title="The Global Human Rights Sanctions Regulations 2020",
    citation="S.I. 2020/680",
    # reg. 1(2): "These Regulations come into force at 1.00 p.m. on 6th July 2020" (made and laid the same day).
    date=datetime.date(2020, 7, 6),
    date_kind="in_force",
    source="https://www.legislation.gov.uk/uksi/2020/680/part/1/made",
)
UK_GAC_REGULATIONS = Instrument(
    title="The Global Anti-Corruption Sanctions Regulations 2021",
    citation="S.I. 2021/488",
    # reg. 1(2): "These Regulations come into force at noon on 26th April 2021".
    date=datetime.date(2021, 4, 26),
    date_kind="in_force",
    source="https://legislation.gov.uk/uksi/2021/488/part/1/made",
)
EU_HR_REGULATION = Instrument(
    title="Council Regulation (EU) 2020/1998 concerning restrictive measures against serious human rights "
    "violations and abuses",
    citation="OJ L 410I, 7.12.2020, p. 1",
    # Recital (1) of Implementing Regulation (EU) 2024/1960: "On 7 December 2020, the Council adopted
    # Regulation (EU) 2020/1998"; OJ L 410I of 7.12.2020.
    date=datetime.date(2020, 12, 7),
    date_kind="adopted",
    source="https://eurlexa.com/act/en/32024R1960/present/text",
)
EU_HR_DECISION = Instrument(
    title="Council Decision (CFSP) 2020/1999 concerning restrictive measures against serious human rights "
    "violations and abuses",
    citation="OJ L 410I, 7.12.2020, p. 13",
    date=datetime.date(2020, 12, 7),
    date_kind="adopted",
    source="https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=uriserv%3AOJ.LI.2020.410.01.0013.01.ENG",
)
CA_JVCFOA = Instrument(
    title="Justice for Victims of Corrupt Foreign Officials Act (Sergei Magnitsky Law)",
    citation="S.C. 2017, c. 21",
    # Royal Assent on October 18, 2017 (Lexology summary); citation from laws.justice.gc.ca/eng/acts/j-2.3.
    date=datetime.date(2017, 10, 18),
    date_kind="assented",
    source="https://www.lexology.com/library/detail.aspx?g=0ca92774-6e60-4716-bd71-34299f231e36",
)
CA_JVCFOR = Instrument(
    title="Justice for Victims of Corrupt Foreign Officials Regulations",
    citation="SOR/2017-233",
    # "Registration 2017-11-03"; s. 4: in force on the day of registration.
    date=datetime.date(2017, 11, 3),
    date_kind="registered",
    source="https://lois-laws.justice.gc.ca/eng/regulations/SOR-2017-233/page-1.html",
)
CA_SEMA = Instrument(
    title="Special Economic Measures Act",
    citation="S.C. 1992, c. 17",
    # "Assented to 1992-06-04".
    date=datetime.date(1992, 6, 4),
    date_kind="assented",
    source="https://laws-lois.justice.gc.ca/eng/acts/s-14.5/FullText.html",
)
CA_SEMA_CHINA = Instrument(
    title="Special Economic Measures (People's Republic of China) Regulations",
    citation="SOR/2021-49",
    # Canada Gazette Part II: "Registration SOR/2021-49 March 21, 2021", made because "gross and systematic
    # human rights violations have been committed in the People's Republic of China".
    date=datetime.date(2021, 3, 21),
    date_kind="registered",
    source="https://gazette.gc.ca/rp-pr/p2/2021/2021-03-31/html/sor-dors49-eng.html",
)
AU_THEMATIC_ACT = Instrument(
    title="Autonomous Sanctions Amendment (Magnitsky-style and Other Thematic Sanctions) Act 2021",
    citation="No. 128, 2021",
    # "[Assented to 7 December 2021]"; commenced the next day, 8 December 2021.
    date=datetime.date(2021, 12, 7),
    date_kind="assented",
    source="https://legislation.gov.au/C2021A00128/asmade/2021-12-07/text/original/epub/OEBPS/document_1/document_1.html",
)
AU_THEMATIC_REGULATIONS = Instrument(
    title="Autonomous Sanctions Amendment (Magnitsky-style and Other Thematic Sanctions) Regulations 2021",
    citation="F2021L01855",
    # "Dated 16 December 2021"; commenced 21 December 2021. These add the human rights, corruption and
    # cyber listing criteria to the Autonomous Sanctions Regulations 2011.
    date=datetime.date(2021, 12, 21),
    date_kind="in_force",
    source="https://legislation.gov.au/F2021L01855/asmade/2021-12-20/text/original/epub/OEBPS/document_1/document_1.html",
)

# --- The table -------------------------------------------------------------------------------------

REGIMES: tuple[Regime, ...] = (
    Regime(
        code="UK-GHR",
        publisher="uk",
        title="UK Global Human Rights sanctions",
        theme="human_rights",
        # OFSI Consolidated List "Regime"; UK Sanctions List "Regime Name".
        labels=("Global Human Rights", "The Global Human Rights Sanctions Regulations 2020"),
        instruments=(UK_GHR_REGULATIONS,),
        reference_prefix="GHR",
    ),
    Regime(
        code="UK-GAC",
        publisher="uk",
        title="UK Global Anti-Corruption sanctions",
        theme="anti_corruption",
        labels=("Global Anti-Corruption", "The Global Anti-Corruption Sanctions Regulations 2021"),
        instruments=(UK_GAC_REGULATIONS,),
        reference_prefix="GAC",
    ),
    Regime(
        code="EU-HR",
        publisher="eu",
        title="EU Global Human Rights Sanctions Regime",
        theme="human_rights",
        # FSF regulation/@programme; the ammitto scrape keeps it as regulations[].programme.
        labels=("HR",),
        instruments=(EU_HR_REGULATION, EU_HR_DECISION),
    ),
    Regime(
        code="CA-JVCFOA",
        publisher="ca",
        title="Canada Justice for Victims of Corrupt Foreign Officials Act (Sergei Magnitsky Law)",
        theme="human_rights_and_corruption",
        labels=(
            "Justice for Victims of Corrupt Foreign Officials Regulations (JVCFOR) / Règlement relatif à la "
            "justice pour les victimes de dirigeants étrangers corrompus (RJVDEC)",
        ),
        instruments=(CA_JVCFOA, CA_JVCFOR),
    ),
    Regime(
        code="CA-SEMA-CHINA",
        publisher="ca",
        title="Canada Special Economic Measures (People's Republic of China) Regulations",
        theme="human_rights",
        labels=("China / Chine",),
        instruments=(CA_SEMA, CA_SEMA_CHINA),
    ),
    Regime(
        code="CA-SEMA-MYANMAR",
        publisher="ca",
        title="Canada Special Economic Measures (Burma) Regulations",
        theme="country",
        # The same regulations under the label of the 2020 copy and of the 2026 scrape.
        labels=("Burma / Birmanie", "Myanmar (Burma) / Myanmar (Birmanie)"),
        instruments=(CA_SEMA,),
    ),
    Regime(
        code="AU-HR",
        publisher="au",
        title="Australia thematic sanctions: serious violations or abuses of human rights",
        theme="human_rights",
        # DFAT "Committees" column and the ammitto sanction.committees field.
        labels=("Autonomous (Thematic - Human Rights)",),
        instruments=(AU_THEMATIC_ACT, AU_THEMATIC_REGULATIONS),
    ),
    Regime(
        code="AU-CORRUPTION",
        publisher="au",
        title="Australia thematic sanctions: serious corruption",
        theme="anti_corruption",
        labels=("Autonomous (Thematic \u2013 Corruption)",),  # an en dash in DFAT's file
        instruments=(AU_THEMATIC_ACT, AU_THEMATIC_REGULATIONS),
    ),
    Regime(
        code="AU-CYBER",
        publisher="au",
        title="Australia thematic sanctions: significant cyber incidents",
        theme="cyber",
        labels=("Autonomous (Thematic - Cyber)",),
        instruments=(AU_THEMATIC_ACT, AU_THEMATIC_REGULATIONS),
    ),
)

# Canada's list (sema-lmes.xml) holds the Special Economic Measures Act regulations and the JVCFOA
# regulations only; every "Country" value that is not the JVCFOR label is a SEMA regulation, named by its
# English part ("Russia / Russie" -> CA-SEMA-RUSSIA).
CA_SEMA_REGIME = Regime(
    code="CA-SEMA",
    publisher="ca",
    title="Canada Special Economic Measures Act regulations",
    theme="country",
    labels=(),
    instruments=(CA_SEMA,),
)

_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"), "-")


def fold_label(label: str) -> str:
    """A label for comparison: NFKC, dashes as "-", whitespace (no-break spaces too) collapsed, casefolded."""
    text = unicodedata.normalize("NFKC", label).translate(_DASHES)
    return " ".join(text.split()).casefold()


_BY_LABEL: dict[tuple[str, str], Regime] = {
    (regime.publisher, fold_label(label)): regime for regime in REGIMES for label in regime.labels
}


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^A-Z0-9]+", "-", ascii_text.upper()).strip("-")


def resolve(publisher: str, label: str) -> RegimeMatch:
    """The regime a published label names.

    1. A label in the table gives its regime's code.
    2. For Canada, any other label is a SEMA regulation: ``CA-SEMA-<English name>``, known.
    3. Anything else gets ``<PUBLISHER>-<label as a slug>`` and ``known=False``: the caller warns.
    """
    folded = fold_label(label)
    regime = _BY_LABEL.get((publisher, folded))
    if regime is None and publisher == "ca" and "(jvcfor)" in folded:
        # The French half of the JVCFOR label is spaced differently between editions of sema-lmes.xml.
        regime = by_code("CA-JVCFOA")
    if regime is not None:
        return RegimeMatch(code=regime.code, regime=regime, known=True)
    if publisher == "ca":
        english = folded.split(" / ", 1)[0]
        return RegimeMatch(code=f"CA-SEMA-{_slug(english) or 'UNNAMED'}", regime=CA_SEMA_REGIME, known=True)
    return RegimeMatch(code=f"{publisher.upper()}-{_slug(label) or 'UNNAMED'}", regime=None, known=False)


def by_code(code: str) -> Regime | None:
    """The table's regime with that code, or None."""
    return next((regime for regime in REGIMES if regime.code == code), None)
