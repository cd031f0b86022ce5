"""Sentences that designate: who acts, on whom, when, and under what.

A press release names many people: those designated today, those designated years ago, the relatives
and companies of both, the officials quoted, the partners who act alongside. What tells today's
designees apart is what the sentences say about them, in a small number of shapes (read from the
releases of 2018-2025 and the statements of 2020-2026):

* **active**: "OFAC designated X pursuant to E.O. 13726", "OFAC is also sanctioning X (Kanyuka), an M23
  ... spokesperson, alongside ...", "OFAC imposed sanctions on X", "Specifically, OFAC designated seven
  Russian government officials: A, B, ... and C pursuant to ...", "OFAC identified the vessel X as
  blocked property". The parties are the object, up to the legal basis ("pursuant to", "under"), the
  reason ("for having ...") or a relative clause;
* **passive**: "X is being designated pursuant to ...", "Kohana Company Limited and Iridescent Co Ltd
  are being designated", "The KOHANA is being identified as property in which ...", "X is owned or
  controlled by Y, and is being designated ...", "Voltra Transcor Energy BVBA was designated for
  being owned or controlled by Wael Bazzi". The parties are the sentence's subject; "He is being
  designated" points at the person the paragraph is about;
* **relative**: "Samer Foz's Lebanon-based Lana TV, which is also being designated today", "the Four
  Seasons Damascus and the Orient Club, which are also being designated today", "... Joaquin Guzman
  Lopez - designated today - lead ...". The parties are the phrase before; "which is" (one) and
  "which are" (several) say how many;
* **lists**: "The following Lebanon-based entities are being designated ...: A and B", "Also ... being
  designated today - are the following Syria-based entities: A, B, C, and D", and a sentence ending
  "...:" followed by list items;
* **nouns**: "Today's designation of Hassan Tabaja and Wael Bazzi ...";
* **aliases**: "OFAC is also adding X as an alias for Y" updates Y's entry (an amendment, not a listing).

A clause does not designate today when someone else acts (the Department of State, the EU, the UK,
the UN: "the Department of State designated ...", "was also designated by the EU and the UK"), or
when it speaks of the past ("designated M23 on January 3, 2013", "previously designated", "In
February of this year, OFAC designated ..."): dates in the legal basis ("Act of 2019") and in the
reason ("for his role in the 2018 killing") do not count, and "today" overrides. "Targeted" and "took
action against" are weak: their objects are kept only when the text marks them as names otherwise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from announcements.parsers.html import acts_in, legal_bases
from announcements.parsers.names import Name, fold, names_in_phrase, tokens_of

_MONTHS = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
_ADVERBS = (
    r"(?:also|further|today|concurrently|additionally|now|simultaneously|jointly|separately|formally|hereby|thus)"
)
_VERB = re.compile(
    r"(?<![\w-])(?P<verb>designat(?:ed|es|ing)|sanction(?:ed|ing)|identif(?:ied|ies|ying)"
    r"|impos(?:ed|es|ing)\s+(?:financial\s+)?sanctions\s+(?:on|against)"
    r"|target(?:ed|s|ing)|t(?:ook|akes|aking)\s+action\s+against"
    # "... are thus being added to OFAC's Specially Designated Nationals and Blocked Persons List"
    r"|add(?:ed|ing)(?=(?:\s+\S+){0,12}?\s+to\s+(?:OFAC's\s+)?(?:the\s+)?(?:Specially\s+Designated|SDN)))\b"
)
_NOUN = re.compile(r"(?<![\w-])(?P<verb>designations?)\s+of\s+")
_AUX = re.compile(
    rf"(?P<aux>\b(?:is|are|was|were|be|been|being|has been|have been|had been)\s+(?:{_ADVERBS}\s+)*"
    rf"(?:being\s+)?(?:{_ADVERBS}\s+)*)$"
)
# Where the parties of an active clause end: the legal basis, the reason, a relative clause, a date.
_OBJECT_END = re.compile(
    r",?\s+(?:pursuant\s+to|under\s+(?=E\.O\.|Executive|Section|the\s+[A-Z]|its\b|authority|[A-Z])"
    r"|for\s+(?=[a-z])|because\b|due\s+to\b|in\s+(?:connection|response|coordination|accordance|relation|order)\b"
    r"|on\s+behalf\b|as\s+(?!well\s+as)(?:a|an|the|part|being|property|blocked|SDGT|SDN|Specially)\b"
    rf"|based\s+on\b|by\s+(?=the\b|OFAC|Treasury|State)|on\s+{_MONTHS}\b|in\s+(?:{_MONTHS}\s+)?(?:19|20)\d\d\b"
    r"|today\b|to\s+(?:OFAC's\s+)?(?:the\s+)?(?:Specially\s+Designated|SDN)\b)"
    r"|,\s*(?:which|who|whose|whom|where)\b|;"
)
_SUBJECT_END = re.compile(
    r",?\s+(?:which|who|that)\b|,\s+(?:a|an|the)\s+(?=[a-z])|\s+(?:is|are|was|were|has|have|had|will|remains?)\b"
)
_LEADING = re.compile(
    r"^(?:(?:Today|Additionally|In addition|Also|Finally|Furthermore|Moreover|Specifically|Separately"
    r"|Concurrently|Lastly|Similarly|Likewise|Meanwhile|Further|Accordingly|Consequently|As a result)\s*,?\s+)+"
)
_DATELINE = re.compile(r"^(?:[A-Z][A-Za-z.']*,?\s){1,3}-\s+")
_PRONOUN = frozenset({"he", "she", "it", "they"})
_ALIAS = re.compile(
    r"\badd(?:s|ed|ing)?\s+(?P<alias>.+?)\s+as\s+(?:an?\s+)?(?:new\s+)?(?:alias|a\.k\.a\.)\s+(?:for|of|to)\s+"
    r"(?P<target>[^;]+?)(?=,\s*(?:one|a|an|the|which|who)\b|,?\s+(?:which|who)\b|[.;]?$)"
)
_PROPERTY = re.compile(
    r"^\s*(?:\S+\s+){0,12}?as\s+(?:being\s+)?(?:(?:a|an)\s+)?(?:blocked\s+)?property\b|^\s*as\s+being\s+blocked"
)
_CITATION = re.compile(
    r"\b(?:E\.\s?O\.?|Executive Order)\s*(?:\(E\.O\.\)\s*)?(?:No\.\s*)?\d{5}|\bAct(?:,|\s+of)\s+(?:19|20)\d\d\b"
    r"|\b(?:Public Law|Pub\.\s?L\.|P\.L\.)\s*[\d-]+|\bResolution\s+\d+\s*\((?:19|20)\d\d\)|\bSection\s+[\w()]+"
)
_PAST = re.compile(
    rf"\b(?:previously|earlier|already|formerly|last\s+(?:year|month|week)|this\s+year|in\s+the\s+past"
    rf"|prior\s+to|originally|initially|again\s+in)\b|\b{_MONTHS}\b(?:\s+\d{{1,2}})?|\b(?:19|20)\d\d\b"
)
# A date phrase after a clause's object: "designated M23 on January 3, 2013", "... in 2012 pursuant to".
_DATED = re.compile(rf"\b(?:on|in|since|during)\s+(?:(?:early|late|mid-?)\s*)?(?:{_MONTHS}\b|(?:19|20)\d\d\b)")
_REASON = re.compile(r"\s+(?:for\s+(?=[a-z])|because\b|due\s+to\b|in\s+response\s+to\b)")

OWN_TREASURY = re.compile(
    r"\b(?:OFAC|Treasury|Office of Foreign Assets Control|Department of the Treasury|United States|U\.S\. Government"
    r"|[Ww]e|This action|[Tt]oday's action|[Tt]his designation)\b"
)
FOREIGN_TO_TREASURY = re.compile(
    r"\b(?:Department of State|State Department|Secretary of State|Department of Justice|Justice Department"
    r"|Department of Commerce|Commerce Department|European Union|EU|United Kingdom|UK|U\.K\.|Canada|Australia"
    r"|United Nations|UN|U\.N\.|Security Council|Government of [A-Z]\w+)\b"
)


@dataclass(slots=True)
class Clause:
    """One designation (or entry update) a sentence makes, and whom it names.

    ``names`` are the parties as read from the text; ``pronoun`` is set instead when the subject is
    "he", "she", "it" or "they". ``list_follows`` marks a sentence ending "...:" whose parties are the
    list items after it. ``rank`` says how sure the grammar is: 3 for a designation citing its legal
    basis, 2 without one, 1 for a weak verb ("targeted").
    """

    kind: str  # active | passive | relative | list | noun | alias
    action: str  # listed | amended
    sentence: str
    names: list[Name]
    verb: str
    agent: str  # own | foreign | unknown | implied (a passive naming no agent: the one acting before it)
    historical: bool
    basis: str
    rank: int
    as_property: bool = False  # "identified as (blocked) property": vessels and aircraft
    pronoun: str = ""
    list_follows: bool = False
    names_start: int = 0
    names_end: int = 0

    @property
    def today(self) -> bool:
        """A designation made today by the publisher: not someone else's, not a past one."""
        return self.agent != "foreign" and not self.historical


def is_historical(text: str) -> bool:
    """The text dates what it says to the past (see the module docstring); "today" overrides."""
    text = _CITATION.sub(" ", text)
    if re.search(r"\btoday\b", text, re.IGNORECASE):
        return False
    return bool(_PAST.search(text))


def _is_citation(name: str) -> bool:
    """A legal citation read as a name ("Executive Order (E.O.) 13224", "Section 7031(c)")."""
    return bool(re.match(r"^(?:Executive\s+)?Order\b|^E\.\s?O\.|^Section\s+\d|^Public Law\b", name)) or bool(
        re.search(r"\b(?:Act|Regulations|Resolution)$", name)
    )


def basis_of(text: str) -> str:
    """The provisions a designation cites after "pursuant to"/"under": "E.O. 13573; E.O. 13582"."""
    match = re.search(r"\b(?:pursuant to|under)\b(?P<rest>.*)$", text)
    if not match:
        return ""
    clause = match.group("rest")
    return "; ".join(dict.fromkeys(legal_bases(clause) or acts_in(clause)))


def agent_of(before: str, own: re.Pattern[str] = OWN_TREASURY, foreign: re.Pattern[str] = FOREIGN_TO_TREASURY) -> str:
    """Who acts in a clause: the last publisher (``own``) or other body (``foreign``) named before it."""
    last_own = max((m.end() for m in own.finditer(before)), default=-1)
    last_foreign = max((m.end() for m in foreign.finditer(before)), default=-1)
    if last_own < 0 and last_foreign < 0:
        return "unknown"
    return "foreign" if last_foreign > last_own else "own"


def strip_leading(text: str) -> str:
    """A sentence without its dateline ("WASHINGTON - ") and leading adverbials ("Additionally, ")."""
    text = _DATELINE.sub("", text)
    return _LEADING.sub("", text)


def subject_span(sentence: str, limit: int) -> tuple[int, int]:
    """Where a sentence's subject stands: after the dateline and adverbials, up to its first verb."""
    stripped = strip_leading(sentence[:limit])
    start = limit - len(stripped) if stripped else limit
    match = _SUBJECT_END.search(sentence, start, limit)
    end = match.start() if match else limit
    return start, end


def _without_dashes(text: str) -> str:
    """Text with its dash-parentheticals (" - a son of X - ") blanked to spaces, offsets kept."""
    return re.sub(r"\s-\s[^-]*?\s-\s", lambda m: " " * len(m.group()), text)


def find_clauses(
    sentence: str, *, own: re.Pattern[str] = OWN_TREASURY, foreign: re.Pattern[str] = FOREIGN_TO_TREASURY
) -> list[Clause]:
    """The designations and entry updates a sentence makes, in order (see the module docstring)."""
    clauses: list[Clause] = []
    for match in _ALIAS.finditer(sentence):
        names = names_in_phrase(match.group("target"), match.start("target"))
        if names:
            clauses.append(
                Clause(
                    "alias",
                    "amended",
                    sentence,
                    names,
                    "add",
                    agent_of(sentence[: match.start()], own, foreign),
                    is_historical(sentence[: match.start()]),
                    "",
                    2,
                )
            )
    for match in _VERB.finditer(sentence):
        clause = _verb_clause(sentence, match, own, foreign)
        if clause is not None:
            clauses.append(clause)
    for match in _NOUN.finditer(sentence):
        clause = _noun_clause(sentence, match, own, foreign)
        if clause is not None:
            clauses.append(clause)
    return clauses


def _verb_clause(sentence: str, match: re.Match[str], own: re.Pattern[str], foreign: re.Pattern[str]) -> Clause | None:
    verb = match.group("verb")
    before = sentence[: match.start()]
    after_start = match.end()
    weak = verb.startswith(("target", "took", "take"))
    identify = verb.startswith("identif")
    if identify and not _PROPERTY.search(sentence[after_start:]):
        return None  # "identified as meeting the definition of ...", "identifies five officials"
    basis = basis_of(sentence[after_start:])
    rank = 1 if weak else (3 if basis else 2)
    participle = verb.endswith("ed") or verb.startswith(("took", "identified"))
    aux = _AUX.search(before) if participle else None
    # The sentence lists the parties after a colon: "... are being designated ...: A and B".
    colon = sentence.find(":", after_start)
    if colon >= 0 and not weak:
        names = names_in_phrase(sentence[colon + 1 :].rstrip(". "), colon + 1)
        region = sentence[:colon]
        return Clause(
            "list",
            "listed",
            sentence,
            names,
            verb,
            agent_of(before, own, foreign) if not aux else "own",
            is_historical(_REASON.split(region)[0]),
            basis,
            rank,
            as_property=identify,
            list_follows=not sentence[colon + 1 :].strip(),
            names_start=colon + 1,
            names_end=len(sentence),
        )
    if aux is not None:
        return _passive_clause(sentence, match, aux, basis, rank, identify, own, foreign)
    # A reduced relative set off by dashes: "... Joaquin Guzman Lopez - designated today - lead ...".
    if participle and before.endswith(" - ") and re.match(r"\s+today\b", sentence[after_start:]):
        names = names_in_phrase(trailing_phrase(before[:-3]))
        names = names[-1:]
        return Clause("relative", "listed", sentence, names, verb, "own", False, basis, rank)
    if (
        participle
        and re.search(r"\b[a-z]+\s*$", before)
        and not re.search(
            r"\b(?:OFAC|Treasury|States|we|We|I|[Dd]epartment|Secretary|[Aa]ction)\s+(?:\w+\s+){0,3}$", before
        )
    ):
        return None  # "the two individuals and three entities designated today are ...": no names
    agent = agent_of(before, own, foreign)
    if weak and (agent != "own" or not re.search(r"(?:" + own.pattern + r")[\s,]+(?:[\w.()]+[\s,]+){0,8}$", before)):
        return None  # "abuses targeting Uyghurs": only the publisher's own action is one
    if re.search(r"\b(?:whom|which|that)\s+(?:\w+\s+){0,6}$", before) and agent != "foreign":
        if weak:
            return None  # "E.O. 13224, which targets terrorists ..."
        # "Mohammad Bazzi, whom OFAC designated as an SDGT in May 2018": the party is before "whom".
        relative = re.search(r",?\s*\b(?:whom|which|that)\s+(?:\w+\s+){0,6}$", before)
        names = names_in_phrase(trailing_phrase(before[: relative.start()]))[-1:]
        historical = is_historical(_REASON.split(sentence)[0])
        return Clause("relative", "listed", sentence, names, verb, agent, historical, basis, rank)
    region = sentence[after_start:]
    region = re.sub(rf"^\s*(?:(?:{_ADVERBS}|on)\s+)*", lambda m: " " * len(m.group()), region)
    masked = _without_dashes(region)
    end_match = _OBJECT_END.search(masked)
    end = end_match.start() if end_match else len(masked.rstrip(". "))
    names_text = masked[:end]
    names = [n for n in names_in_phrase(names_text, after_start) if not _is_citation(n.text)]
    reason = _REASON.search(sentence, after_start)
    rest = sentence[after_start + end : reason.start() if reason else len(sentence)]
    if not re.match(r"\s*,?\s*(?:which|who|whose|whom)\b", rest):
        # A relative clause after another party speaks of that party ("identified the vessel Esperanza
        # as blocked property of Caroil Transport Marine Ltd., which was designated on ...").
        rest = re.split(r",\s*(?:which|who|whose|whom)\b", rest)[0]
    historical = is_historical(before + " " + sentence[after_start : after_start + end]) or (
        bool(_DATED.search(_CITATION.sub(" ", rest))) and not re.search(r"\btoday\b", rest)
    )
    if identify and names:
        for name in names:
            name.kind = name.kind or "vessel"
    return Clause(
        "active",
        "listed",
        sentence,
        names,
        verb,
        agent,
        historical,
        basis,
        rank,
        as_property=identify,
        names_start=after_start,
        names_end=after_start + end,
    )


def _passive_clause(
    sentence: str,
    match: re.Match[str],
    aux: re.Match[str],
    basis: str,
    rank: int,
    identify: bool,
    own: re.Pattern[str],
    foreign: re.Pattern[str],
) -> Clause | None:
    verb = match.group("verb")
    aux_text = aux.group("aux")
    aux_start = match.start() - len(aux_text)
    before = sentence[:aux_start].rstrip()
    after = sentence[match.end() :]
    # "Present" passives describe a state ("which is identified as meeting the definition ..."), not
    # an act of today: only "being ...", "was/were ..." and "has been ... today" designate.
    progressive = "being" in aux_text
    past = re.match(r"(?:was|were)\b", aux_text)
    perfect = re.match(r"(?:has|have|had)\s+been\b", aux_text)
    if not (progressive or past or (perfect and re.search(r"\btoday\b", after[:40]))):
        return None
    by_agent = re.match(
        r"\s+(?:\w+\s+){0,2}?by\s+(?P<agent>(?:the\s+)?[A-Z][\w.]*(?:\s+(?:of\s+)?(?:the\s+)?[A-Z][\w.]*){0,4})", after
    )
    agent = agent_of(by_agent.group("agent"), own, foreign) if by_agent else "implied"
    reason = _REASON.search(after)
    tail = after[: reason.start()] if reason else after
    relative = re.search(r"(?:,\s*|\s+)(?P<pronoun>which|who|that)\s*$", before)
    singular = aux_text.startswith(("is", "was", "has"))
    if relative:
        names = names_in_phrase(trailing_phrase(before[: relative.start()]))
        if singular:
            names = names[-1:]
        historical = is_historical(before[relative.start() :] + " " + aux_text + verb + tail)
        return Clause("relative", "listed", sentence, names, verb, agent, historical, basis, rank, as_property=identify)
    if re.search(r"(?:,\s*|\s+)and\s*$", before):
        start, end = subject_span(sentence, len(before))  # "X is owned by Y, and is being designated"
    else:
        start, end = subject_span(sentence, len(before))
    subject = sentence[start:end].strip(" ,")
    historical = is_historical(sentence[:start] + " " + subject + " " + aux_text + verb + tail)
    if fold(subject) in _PRONOUN:
        return Clause(
            "passive",
            "listed",
            sentence,
            [],
            verb,
            agent,
            historical,
            basis,
            rank,
            as_property=identify,
            pronoun=fold(subject),
        )
    names = [n for n in names_in_phrase(subject, start) if not _is_citation(n.text)]
    if identify:
        for name in names:
            name.kind = name.kind or "vessel"
    return Clause(
        "passive",
        "listed",
        sentence,
        names,
        verb,
        agent,
        historical,
        basis,
        rank,
        as_property=identify,
        names_start=start,
        names_end=end,
    )


def _noun_clause(sentence: str, match: re.Match[str], own: re.Pattern[str], foreign: re.Pattern[str]) -> Clause | None:
    """ "Today's designation of Hassan Tabaja and Wael Bazzi and his companies builds on ..." """
    before = sentence[: match.start()]
    if not re.search(r"(?:[Tt]oday's|[Tt]his|[Tt]hese|[Tt]he)\s+(?:\w+\s+)?$", before):
        return None
    region = sentence[match.end() :]
    tokens = tokens_of(region)
    end = 0
    for token in tokens:
        word = token.text.strip(",")
        if word and (word[0].isupper() or fold(word) in ("and", "of", "the", "de", "for", "&") or word[0].isdigit()):
            end = token.end
            if token.text.endswith(",") and not re.match(r"\s*(?:and\s+)?[A-Z]", region[token.end :]):
                break
            continue
        break
    names = [n for n in names_in_phrase(region[:end], match.end()) if n.text]
    if not names:
        return None
    agent = agent_of(before, own, foreign)
    historical = is_historical(before + " " + region[:end])
    return Clause("noun", "listed", sentence, names, match.group("verb"), agent, historical, basis_of(region), 2)


def trailing_phrase(text: str) -> str:
    """The noun phrase a text ends with: its last words back to a verb or a clause boundary.

    "Samer Foz also owns the Four Seasons Damascus and the Orient Club" -> "the Four Seasons Damascus
    and the Orient Club"; "Samer Foz's Lebanon-based Lana TV" -> "Lana TV".
    """
    tokens = tokens_of(text)
    start = len(tokens)
    while start > 0:
        token = tokens[start - 1]
        word = token.text.strip(",")
        if not word:
            break
        if (
            (
                word[0].isupper()
                or word[0].isdigit()
                or word.startswith(("(", '"'))
                or fold(word) in ("and", "the", "of", "for", "de", "&", "al", "bin", "y", "del", "la")
            )
            and not re.search(r"-(?:based|registered|flagged|owned|controlled)$", word)
            and not word.endswith("'s")
        ):
            start -= 1
            continue
        break
    if start >= len(tokens):
        return ""
    phrase = text[tokens[start].start :]
    return re.sub(r"^(?:and|the|of|for)\s+", "", phrase)
