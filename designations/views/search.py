"""The search page: one box for designees by name in any spelling (the name matcher) or by identifier, and
countries and programs to jump to; each result says what matched, how closely and why, with the designee's
status, programs, countries and birth dates read in a fixed number of queries (``search_facts``)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, Q, Subquery
from django.views.generic import TemplateView

from designations.filtersets import CountryFilterSet
from designations.models import BirthDate, Country, Designation, DesignationEvent, Designee, DesigneeCountry, Identifier
from programs.models import Program

# The matcher's account of a score (``designations.matching.scoring._explain`` and the adjustments), in words.
# Similarities are shares (shown as percentages); adjustments are points added to or taken from the score.
EXPLANATION_LABELS = {
    "name_score": "Name score",
    "token_similarity": "Word-by-word similarity",
    "compact_similarity": "Whole-name similarity, spaces removed",
    "phonetic_agreement": "Sound-alike agreement of the inexact words",
    "matched_tokens": "Words paired",
    "word_order": "Word order",
    "transliteration": "Scripts transliterated",
    "particles_ignored": "Particles and titles left out",
    "particles_unmatched": "Particles not found in the name",
    "weak_alias_penalty": "Weak alias penalty",
    "birth_date": "Birth date adjustment",
    "country": "Country adjustment",
    "kind": "Kind adjustment",
}
EXPLANATION_SHARES = {"name_score", "token_similarity", "compact_similarity", "phonetic_agreement"}
EXPLANATION_ADJUSTMENTS = {"weak_alias_penalty", "birth_date", "country", "kind"}
MATCHED_FIELDS = {"name": "name", "alias": "alias", "weak_alias": "weak alias"}
# The roles that tie a country to a person, ahead of those that tie it to their whereabouts or property.
COUNTRY_ROLE_RANK = {
    role: rank
    for rank, role in enumerate(
        ["nationality", "citizenship", "place_of_birth", "address", "flag", "registration", "other"]
    )
}
PERSONAL_ROLE_RANK = COUNTRY_ROLE_RANK["place_of_birth"]


def explanation_rows(explanation: dict[str, float | str]) -> list[tuple[str, str]]:
    """The matcher's explanation as (label, value) rows people can read: shares as percentages, adjustments
    signed, and nothing for what played no part (an empty text, an adjustment of zero)."""
    rows = []
    for key, value in explanation.items():
        # An adjustment of zero, or no sound-alike help (no inexact word, or none sounding alike), played no part.
        if value in ("", "none") or ((key in EXPLANATION_ADJUSTMENTS or key == "phonetic_agreement") and not value):
            continue
        if key in EXPLANATION_SHARES and isinstance(value, float):
            shown = f"{value:.0%}"
        elif key in EXPLANATION_ADJUSTMENTS and isinstance(value, float):
            shown = f"{value:+.2f}"
        else:
            shown = str(value)
        rows.append((EXPLANATION_LABELS.get(key, key.replace("_", " ").capitalize()), shown))
    return rows


def search_facts(designee_ids: Sequence[int]) -> dict[int, dict]:
    """What a search result shows of each designee, read in four queries whatever their number: the designee;
    its designations with their programs (and whether OFAC ended one by removing the record as a duplicate of
    another entry); its birth dates as published; its countries.

    Each value holds ``designee``, ``status`` (``active``, ``delisted`` or ``removed_duplicate``: nothing in
    force and the record removed as a duplicate), ``removed_note``, ``programs`` (in force first, each once),
    ``countries`` (nationality, citizenship and place of birth first, then addresses, flags and the rest, each
    country once with its roles) and ``birth_dates`` (the published texts).
    """
    removed = DesignationEvent.objects.filter(
        designation=OuterRef("pk"), kind=DesignationEvent.Kind.REMOVED_DUPLICATE
    ).order_by("-pk")
    designees = Designee.objects.filter(pk__in=designee_ids).prefetch_related(
        Prefetch(
            "designations",
            queryset=Designation.objects.select_related("program")
            .annotate(removed_note=Subquery(removed.values("note")[:1]), removed=Exists(removed))
            .order_by("status", "program__code", "pk"),
        ),
        Prefetch("birth_dates", queryset=BirthDate.objects.order_by("pk")),
        Prefetch("country_links", queryset=DesigneeCountry.objects.select_related("country").order_by("pk")),
    )
    facts = {}
    for designee in designees:
        designations = list(designee.designations.all())
        in_force = [d for d in designations if d.status == Designation.Status.ACTIVE]
        removed_as_duplicate = [d for d in designations if d.removed]
        if in_force:
            status = "active"
        elif removed_as_duplicate:
            status = "removed_duplicate"
        else:
            status = "delisted"
        programs: dict[str, dict] = {}
        for designation in designations:  # active ones first (the order above), so a program in force says so
            programs.setdefault(
                designation.program.code,
                {"program": designation.program, "active": designation.status == Designation.Status.ACTIVE},
            )
        links = sorted(designee.country_links.all(), key=lambda link: COUNTRY_ROLE_RANK.get(link.role, 99))
        roles: dict[Country, list[str]] = defaultdict(list)
        for link in links:  # most personal role first, so each country's first role is its rank
            if link.get_role_display().lower() not in roles[link.country]:
                roles[link.country].append(link.get_role_display().lower())
        personal = {link.country for link in links if COUNTRY_ROLE_RANK.get(link.role, 99) <= PERSONAL_ROLE_RANK}
        countries = [
            {"country": country, "roles": roles[country], "personal": country in personal}
            for country in sorted(roles, key=lambda country: (country not in personal, country.name))
        ]
        facts[designee.pk] = {
            "designee": designee,
            "status": status,
            "removed_note": removed_as_duplicate[0].removed_note if status == "removed_duplicate" else "",
            "programs": list(programs.values()),
            "countries": countries,
            "birth_dates": [birth.raw for birth in designee.birth_dates.all() if birth.raw],
        }
    return facts


class SearchView(TemplateView):
    """One box: designees by name in any spelling (the name matcher), by identifier, and countries and
    programs to jump to.

    Each designee found says what matched and how closely ("matched alias X · 90%"), whether it is in force,
    its programs, countries and birth dates, with the matcher's account behind a "why" disclosure. Records
    OFAC removed as duplicates of another entry are never answered by the name matcher
    (``NameIndex.build``); one found by an identifier is marked as such. The facts of every result are read in
    a fixed number of queries (``search_facts``).
    """

    template_name = "designations/search.html"
    limit = 25

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = " ".join(self.request.GET.get("q", "").split())[:200]
        context["query"] = query
        if not query:
            return context
        context["countries"] = list(CountryFilterSet({"q": query}, queryset=Country.objects.all()).qs[:5])
        context["programs"] = list(
            Program.objects.filter(
                Q(code__iexact=query) | Q(code__icontains=query) | Q(name__icontains=query)
            ).order_by("code")[:5]
        )
        hits: dict[int, dict] = {}
        for designee_id, kind, value in (
            Identifier.objects.filter(value__iexact=query)
            .order_by("designee__name", "pk")
            .values_list("designee_id", "kind", "value")[: self.limit]
        ):
            hits.setdefault(designee_id, {"field": "identifier", "matched": f"{kind} {value}", "percent": 100})
        for match in self.name_matches(query):
            hits.setdefault(
                match.designee_id,
                {
                    "field": MATCHED_FIELDS.get(match.matched_field, match.matched_field.replace("_", " ")),
                    # The primary name is the result's heading: not repeated.
                    "matched": "" if match.matched_field == "name" else match.matched_name,
                    "percent": round(match.score * 100),
                    "explanation": explanation_rows(match.explanation),
                },
            )
        facts = search_facts(list(hits))
        context["results"] = [{**hit, **facts[pk]} for pk, hit in hits.items() if pk in facts]
        return context

    def name_matches(self, query: str) -> list:
        """Names resembling the query, with the screening API's caps: too many words, or past the cost or time
        budget, gives no name matches (the page still shows identifier, country and program matches)."""
        from designations import matching

        if matching.token_count(query) > settings.MATCH_MAX_TOKENS_PER_NAME:
            return []
        budget = matching.ScreeningBudget(units=settings.MATCH_COST_BUDGET, seconds=settings.MATCH_TIME_BUDGET_SECONDS)
        try:
            return matching.match_names(query, limit=self.limit, budget=budget)
        except (ValueError, matching.ScreeningBudgetExceeded):  # nothing to screen, or too dear to screen
            return []
