"""Reading names, positions and reasons out of running text (press releases and statements).

Treasury and State name people in sentences, not in list format: "Yuriy Khadzymuratavich Kareau
(Karaeu) is the Minister of Internal Affairs", "We are designating the architect of this suffering
Bashar Al-Assad and his wife Asma al-Assad pursuant to E.O. 13894 ...". These helpers are rules, not
a language model: they find what the two departments' usual sentence shapes put where, and return
nothing rather than a guess when a sentence does not have that shape.
"""

from __future__ import annotations

import re

from importers.remarks import POSITION_WORDS

# Words that make a name an organisation's ("Xinjiang Public Security Bureau", "Tamayoz LLC").
ORG_WORDS = frozenset(
    {"agency", "army", "association", "authority", "bank", "brigade", "bureau", "co", "commission", "committee"}
    | {"company", "corporation", "corps", "council", "department", "directorate", "division", "enterprise"}
    | {"establishment", "force", "forces", "foundation", "fund", "group", "guard", "holding", "holdings"}
    | {"inc", "institute", "jsc", "limited", "llc", "ltd", "militia", "ministry", "office", "organization"}
    | {"party", "projects", "regiment", "sal", "service", "trading", "trust", "unit", "university"}
)
# Lower-case words allowed inside a name ("Fourth Division of the Syrian Arab Army") and name
# particles written in lower case ("al-Assad", "bin Salman").
NAME_CONNECTORS = frozenset({"of", "the", "for", "and", "de", "del", "da", "van", "von", "bin", "ibn", "al", "el"})
_PARTICLE_NAME = re.compile(r"^(?:al|el|bin|ibn|de|van|von|da|du|le|la)-?[A-Z]")
_WORD = re.compile(r"[\w'.\-/]+")
_ACRONYM = re.compile(r"^[A-Z][A-Z0-9&.\-]{1,9}$")


def guess_kind(name: str) -> str:
    """``entity`` when the name holds an organisation word, else ``individual``."""
    words = {word.strip(".,'").casefold() for word in name.split()}
    return "entity" if words & ORG_WORDS else "individual"


def _name_token(token: str) -> bool:
    return bool(token) and (token[0].isupper() or bool(_PARTICLE_NAME.match(token)))


def trailing_name(text: str) -> str:
    """The name a phrase ends with: the last run of capitalised words, with connectors inside it.

    "the architect of this suffering Bashar Al-Assad" -> "Bashar Al-Assad"; "along with his Fourth
    Division of the Syrian Arab Army" -> "Fourth Division of the Syrian Arab Army"; "" when the phrase
    does not end with a capitalised word.
    """
    tokens = text.strip().strip(",;:.").split()
    run: list[str] = []
    for token in reversed(tokens):
        bare = token.strip(",;:()")
        if _name_token(bare) or (run and bare in NAME_CONNECTORS):
            run.append(bare)
            continue
        break
    while run and run[-1] in NAME_CONNECTORS:  # leading connectors ("the Fourth Division")
        run.pop()
    return " ".join(reversed(run))


def names_in_list(text: str) -> list[str]:
    """The names a list phrase gives, each cut from its descriptor ("his wife Asma al-Assad")."""
    names = []
    for phrase in re.split(r",\s*(?:and\s+)?|\s+and\s+", text.strip().rstrip(".")):
        if name := trailing_name(phrase):
            names.append(name)
    return names


def variants_after(name: str, text: str) -> tuple[str, ...]:
    """Other spellings given in parentheses right after a name.

    "Yuriy Khadzymuratavich Kareau (Karaeu)" -> ("Karaeu", "Yuriy Khadzymuratavich Karaeu");
    "Xinjiang Public Security Bureau (XPSB)" -> ("XPSB",). A parenthesis that repeats a word of the
    name is the short form the text goes on to use ("(Chen)", "(al-Qahtani)"): no variant.
    """
    match = re.search(re.escape(name) + r"\s*\((?P<inner>[^()]{1,60})\)", text)
    if not match:
        return ()
    inner = match.group("inner").strip()
    if re.match(r"^(?:IMO|MMSI|tail|MSN|registration)\b", inner, re.IGNORECASE) or not re.search(r"[A-Za-z]", inner):
        return ()  # an identifier, not a spelling: "KOHANA (IMO: 9254082)"
    words = [w.casefold() for w in _WORD.findall(name)]
    if inner.casefold() in words or inner.casefold().removeprefix("al-") in [w.removeprefix("al-") for w in words]:
        return ()
    if _ACRONYM.match(inner) or " " in inner:
        return (inner,)
    replaced = " ".join([*name.split()[:-1], inner])
    return (inner, replaced) if replaced != name else (inner,)


def position_after(name: str, text: str) -> str:
    """The position a sentence gives right after a name: "NAME (Short) is the Minister of ...".

    Only when the words read as a position (``importers.remarks.POSITION_WORDS``); cut at a relative
    clause (", where", ", who").
    """
    match = re.search(
        re.escape(name) + r"(?:\s*\([^()]*\))?\s*(?:,\s*|\s+(?:is|was|serves as)\s+)(?:the\s+|a\s+|an\s+)?"
        r"(?P<position>[^.;]+)",
        text,
    )
    if not match:
        return ""
    position = re.split(r",\s*(?:where|who|which|and)\b|\s+who\b", match.group("position"))[0].strip(" ,")
    words = {w.casefold() for w in _WORD.findall(position)}
    return position if words & POSITION_WORDS else ""
