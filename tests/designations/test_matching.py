"""Name screening against the real 2024-07-02 SDN list (with the December 2025 aliases of the same entries).

The list is imported once for the module, inside a transaction rolled back when the module ends; each
test runs in a savepoint of it. The names, entry numbers, birth dates and countries below are the
list's own.
"""

from __future__ import annotations

import csv
import datetime
import io
import random
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction

from designations import matching
from designations.models import Alias, Designee
from importers.models import ImportRun
from importers.services import import_run_create, import_run_execute
from tests.datafiles import data_path, requires_data
from tests.dbstate import settle_constraints

ROOT = Path(__file__).resolve().parents[2]
SDN_2024 = data_path("ofac", "sdn_2024-07-02")
EXTRAS_2025 = data_path("ofac", "sdn_2025-12-24_partial")


@pytest.fixture(scope="module")
def sdn_2024(django_db_setup, django_db_blocker):
    """Reference data and the real 2024 list, imported once for the whole module, rolled back after it."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            call_command("load_reference_data", verbosity=0)
            run = import_run_create(
                source="ofac-sdn", path=[str(SDN_2024), str(EXTRAS_2025)], as_of=datetime.date(2024, 7, 2)
            )
            assert import_run_execute(run_id=run.pk).status == ImportRun.Status.SUCCEEDED
            matching.reset_index()
            settle_constraints()
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            matching.reset_index()


pytestmark = [requires_data, pytest.mark.usefixtures("sdn_2024", "db")]


def entries(results: list[matching.MatchResult]) -> list[int | None]:
    index = matching.get_index()
    return [index.designees[r.designee_id].entry_number for r in results]


def top(name: str, **kwargs) -> matching.MatchResult:
    results = matching.match_names(name, **kwargs)
    assert results, f"nothing matched {name!r}"
    return results[0]


def score_of(entry_number: int, name: str, **kwargs) -> float:
    designee_id = Designee.objects.get(entry_number=entry_number).pk
    scores = {r.designee_id: r.score for r in matching.match_names(name, threshold=0.0, limit=100, **kwargs)}
    return scores[designee_id]


# --- Names as the press writes them -------------------------------------------------------------


def test_given_name_first_and_particle_find_the_inverted_list_name():
    result = top("Saud al-Qahtani")

    assert (result.name, result.matched_field, result.score) == ("AL-QAHTANI, Saud", "name", 1.0)
    assert entries([result]) == [26093]
    assert result.explanation["particles_ignored"] == "al"
    assert result.explanation["word_order"] == "same"


def test_list_form_and_reversed_words_find_the_same_entry():
    assert entries([top("AL-QAHTANI, Saud")]) == [26093]
    reversed_words = top("Qahtani Saud")

    assert entries([reversed_words]) == [26093]
    assert reversed_words.score == 1.0
    assert reversed_words.explanation["word_order"] == "reordered"


def test_carrie_lam_finds_lam_carrie_and_no_one_else():
    results = matching.match_names("Carrie Lam")

    assert [(r.name, r.score) for r in results] == [("LAM, Carrie", 1.0)]
    assert entries(results) == [29249]


def test_swapped_letters_in_karaeu_are_caught_by_phonetic_keys():
    result = top("Yuriy Khadzymuratavich Kareau")

    assert entries([result]) == [29642]
    assert result.matched_name == "KARAEU, Yuriy Khadzymuratavich"
    assert 0.9 < result.score < 1.0
    assert result.explanation["phonetic_agreement"] == 1.0


def test_russian_romanisation_finds_the_strong_alias_of_the_belarusian_name():
    result = top("Yuri Karaev")

    assert entries([result]) == [29642]
    assert (result.matched_name, result.matched_field, result.score) == ("KARAEV, Yuri", "alias", 1.0)


def test_cyrillic_surname_first_finds_kadyrov():
    result = top("Кадыров Рамзан")

    assert result.name == "KADYROV, Ramzan Akhmatovich"
    assert entries([result]) == [23343]
    assert result.explanation["transliteration"] == "cyrillic"
    assert result.explanation["matched_tokens"] == "2 of 2 query words, 2 of 3 name words"


def test_belarusian_cyrillic_finds_lukashenka():
    assert entries([top("Аляксандр Лукашэнка")]) == [9760]


def test_chinese_characters_in_pinyin_find_the_list_spelling():
    result = top("陈全国")

    assert (result.name, result.score) == ("CHEN, Quanguo", 1.0)
    assert result.explanation["transliteration"] == "cjk"


def test_chinese_characters_cannot_reach_a_cantonese_list_spelling():
    # Mandarin pinyin of 林鄭月娥 is Lin Zheng Yue'e; the list spells her name in Cantonese.
    lam = Designee.objects.get(entry_number=29249).pk

    assert lam not in {r.designee_id for r in matching.match_names("林鄭月娥", threshold=0.5, limit=100)}


def test_arabic_script_finds_bashar_al_assad_ahead_of_bushra():
    results = matching.match_names("بشار الأسد")

    assert [r.name for r in results[:2]] == ["AL-ASSAD, Bashar", "AL-ASSAD, Bushra"]
    assert results[0].score > results[1].score
    assert results[0].explanation["transliteration"] == "arabic"


def test_arabic_family_name_in_three_words_finds_nasrallah():
    assert entries([top("حسن نصر الله")]) == [2686]


def test_diacritics_do_not_change_the_score():
    with_accent = top("Nicolás Maduro Moros")

    assert entries([with_accent]) == [22790]
    assert with_accent.score == top("Nicolas Maduro Moros").score == 1.0
    assert with_accent.explanation["transliteration"] == "latin"


def test_split_given_name_and_separate_particle_find_the_glued_list_spelling():
    result = top("Abdul Aziz al-Hawsawi")

    assert result.name == "ALHAWSAWI, Abdulaziz Mohammed M."
    assert result.score > 0.85


def test_bin_matches_the_same_particle_in_the_list_name():
    result = top("Rami bin Mohammed Makhlouf")

    assert entries([result]) == [10725]
    assert (result.matched_name, result.score) == ("MAKHLOUF, Rami Bin Mohammed", 1.0)
    assert result.explanation["particles_ignored"] == ""
    assert result.explanation["particles_unmatched"] == ""


def test_the_negative_control_mohammed_bin_salman_falls_below_the_default_threshold():
    # SALMAN, Muhammad (22022) is someone whose family name is Salman; "bin Salman" names a father.
    assert matching.match_names("Mohammed bin Salman") == []
    below = score_of(22022, "Mohammed bin Salman")
    without_particle = score_of(22022, "Mohammed Salman")

    assert below < matching.DEFAULT_THRESHOLD < without_particle
    unmatched = next(
        r for r in matching.match_names("Mohammed bin Salman", threshold=0.5) if r.name == "SALMAN, Muhammad"
    )
    assert unmatched.explanation["particles_unmatched"] == "bin"


@pytest.mark.parametrize(
    ("name", "entry_number"),
    [("Hamza bin Laden", 21286), ("Awad Ibn Auf", 10155), ("Zulkifli bin Abdul Hir", 7933), ("Usama bin Laden", 6365)],
)
def test_a_particle_the_list_writes_too_still_finds_the_entry(name, entry_number):
    result = top(name)

    assert entries([result]) == [entry_number]
    assert result.explanation["particles_unmatched"] == ""


def test_an_initial_agrees_with_the_name_it_abbreviates():
    result = top("M. Mutreb")

    assert result.name == "MUTREB, Maher Abdulaziz M."
    assert top("Maher Mutreb").score > result.score


def test_names_on_no_list_match_nothing():
    assert matching.match_names("Angela Merkel") == []
    assert matching.match_names("Jamal Khashoggi") == []


# --- Weak aliases, birth dates, countries and kinds ----------------------------------------------


def test_weak_alias_ranks_below_the_same_name_as_a_strong_name():
    # HAMMUD, Ali is entry 20968's name and a weak alias of entry 18591 (AL-SHAWAKH, Ali Musa).
    results = matching.match_names("Ali Hammud")
    ranked = entries(results)
    by_entry = dict(zip(ranked, results, strict=True))

    assert ranked[0] == 20968 and ranked.index(18591) > 0
    assert by_entry[18591].matched_field == "weak_alias"
    assert by_entry[18591].score == pytest.approx(0.9 * by_entry[20968].score, abs=1e-4)
    assert by_entry[18591].explanation["weak_alias_penalty"] < 0 == by_entry[20968].explanation["weak_alias_penalty"]


def test_birth_date_agreement_raises_the_score_and_disagreement_lowers_it():
    # MUTREB, Maher Abdulaziz M.: DOB 23 May 1971.
    plain = score_of(26087, "Maher Mutreb")

    assert score_of(26087, "Maher Mutreb", birth_date="1971-05-23") > plain
    assert score_of(26087, "Maher Mutreb", birth_date="1971-05") > plain
    assert score_of(26087, "Maher Mutreb", birth_date="1971") > plain
    assert score_of(26087, "Maher Mutreb", birth_date="1972") == plain  # a year off: neither
    assert score_of(26087, "Maher Mutreb", birth_date="1985") < plain


def test_country_agreement_raises_the_score_and_disagreement_lowers_it():
    # MUTREB: nationality and place of birth Saudi Arabia.
    plain = score_of(26087, "Maher Mutreb")

    assert score_of(26087, "Maher Mutreb", country="sa") > plain
    assert score_of(26087, "Maher Mutreb", country="CN") < plain


def test_kind_agreement_raises_the_score_and_disagreement_lowers_it():
    plain = score_of(26087, "Maher Mutreb")
    agree = top("Maher Mutreb", kind="individual")

    assert agree.score > plain
    assert agree.explanation["kind"] > 0
    assert score_of(26087, "Maher Mutreb", kind="entity") < plain


def test_birth_date_lifts_a_weak_alias_above_a_strong_name_born_elsewhen():
    # HAMMUD, Ali (20968) was born in 1964; AL-SHAWAKH, Ali Musa (18591, weak alias HAMMUD, Ali) in 1973.
    results = matching.match_names("Ali Hammud", birth_date="1973")

    assert entries(results)[:2] == [18591, 20968]
    assert results[0].explanation["birth_date"] > 0 > results[1].explanation["birth_date"]


# --- Threshold, limit, arguments and the index ----------------------------------------------------


def test_threshold_and_limit_are_honoured():
    few = matching.match_names("Muhammad Ali", limit=3)
    strict = matching.match_names("Muhammad Ali", threshold=0.95, limit=100)
    loose = matching.match_names("Muhammad Ali", threshold=0.0, limit=100)

    assert len(few) == 3
    assert strict and all(r.score >= 0.95 for r in strict)
    assert len(loose) == 100 and len(strict) < 100
    assert [r.score for r in loose] == sorted((r.score for r in loose), reverse=True)
    assert few == loose[:3]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": ""}, "name"),
        ({"name": "   -- "}, "name"),
        ({"name": "x" * 301}, "at most 300"),
        ({"name": "Carrie Lam", "threshold": 1.5}, "threshold"),
        ({"name": "Carrie Lam", "limit": 0}, "limit"),
        ({"name": "Carrie Lam", "limit": 101}, "limit"),
        ({"name": "Carrie Lam", "birth_date": "13/05/1957"}, "birth_date"),
        ({"name": "Carrie Lam", "birth_date": "1957-02-30"}, "no such day"),
        ({"name": "Carrie Lam", "country": "HKG"}, "country"),
        ({"name": "Carrie Lam", "kind": "person"}, "kind"),
    ],
)
def test_bad_arguments_raise_value_error_naming_them(kwargs, message):
    name = kwargs.pop("name")
    with pytest.raises(ValueError, match=message):
        matching.match_names(name, **kwargs)


def test_index_is_built_in_a_fixed_number_of_queries_then_reused(django_assert_num_queries):
    matching.reset_index()
    # The data version, then designees, aliases, birth dates, countries, programs and removed duplicates.
    with django_assert_num_queries(7):
        matching.match_names("Carrie Lam")
    with django_assert_num_queries(1):  # the data version only
        matching.match_names("Saud al-Qahtani")
    with django_assert_num_queries(1):
        matching.match_many([{"name": "Carrie Lam"}, {"name": "Кадыров Рамзан"}, {"name": "陈全国"}])


def test_an_alias_added_by_an_editor_is_matched_on_the_next_call():
    lam = Designee.objects.get(entry_number=29249)
    assert lam.pk not in {r.designee_id for r in matching.match_names("林鄭月娥")}

    # Her name in Mandarin pinyin, as an editor might add it.
    Alias.objects.create(designee=lam, name="LIN ZHENG, Yue'e", strength=Alias.Strength.STRONG)
    result = top("林鄭月娥")

    assert (result.designee_id, result.matched_name, result.matched_field) == (lam.pk, "LIN ZHENG, Yue'e", "alias")
    assert result.score > 0.9


def test_batch_matches_each_name_in_order():
    batches = matching.match_many(
        [{"name": "Carrie Lam"}, {"name": "Кадыров Рамзан", "kind": "individual"}, {"name": "Angela Merkel"}],
        limit=1,
    )

    assert [entries(results) for results in batches] == [[29249], [23343], []]


def test_the_labelled_set_is_screened_without_a_false_match_and_with_one_known_miss():
    """Every labelled query at the default threshold, as ``bench/match_bench.py`` counts them on the seed."""
    with (ROOT / "tests" / "data" / "matching" / "labelled_names.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    wrong = []
    for row in rows:
        got = entries(matching.match_names(row["query"], limit=1))
        expected = [int(row["expected_entry_number"])] if row["expected_entry_number"] else []
        if got != expected:
            wrong.append((row["query"], expected, got))

    # The Cantonese spelling of LAM, Carrie cannot be reached from pinyin (see the test above).
    assert wrong == [("林鄭月娥", [29249], [])]


def test_every_labelled_entry_number_is_on_the_2024_list():
    text = (SDN_2024 / "sdn.csv").read_bytes().decode("ascii").rstrip("\x1a\r\n")
    on_list = {row[0] for row in csv.reader(io.StringIO(text))}
    with (ROOT / "tests" / "data" / "matching" / "labelled_names.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))

    expected = {row["expected_entry_number"] for row in rows if row["expected_entry_number"]}
    assert len(rows) >= 50 and len(expected) >= 40
    assert expected <= on_list


# --- What screening costs -------------------------------------------------------------------------
# Asserted in the matcher's own cost units (``matching.ScreeningCost``), never in seconds.

COMMON_WORDS = "co ltd llc company trading limited corporation inc group international holding".split()
ORDINARY_NAMES = [
    "Saud al-Qahtani",
    "Carrie Lam",
    "Kadyrov Ramzan",
    "Bashar Assad",
    "Aliaksandr Lukashenka",
    "Yevgeny Prigozhin",
    "SONGWON SHIPPING AND MANAGEMENT",
    "DPRK NAMGANG TRADING COMPANY",
    "OBSHCHESTVO S OGRANICHENNOI OTVETSTVENNOSTYU TEKHNOLOGIYA",
    "JOINT STOCK COMPANY BYSTROBANK",
    "Muhammad Ali",
    "Jean Dupont",
    "Maria Garcia",
    "Acme Widgets Limited",
    "سعود القحطاني",
    "Кадыров Рамзан",
    "陈全国",
]


def hostile_names(count: int, words: int) -> list[str]:
    rng = random.Random(words)
    return [" ".join([*(rng.choice(COMMON_WORDS) for _ in range(words - 1)), str(n)]) for n in range(count)]


@pytest.mark.parametrize(("threshold", "limit"), [(0.5, 100), (0.7, 100), (0.5, 3), (0.7, 3)])
def test_the_bound_never_leaves_out_a_name_that_would_be_answered(monkeypatch, threshold, limit):
    queries = [{"name": name} for name in [*ORDINARY_NAMES, "Muhamad Ali Hasan", "Abdulaziz Alhawsawi"]]
    queries += [{"name": name, "country": "RU", "kind": "entity"} for name in hostile_names(3, 10)]
    queries += [{"name": "Ali Hassan", "birth_date": "1970", "country": "LB"}]
    bounded = matching.match_many(queries, threshold=threshold, limit=limit)

    monkeypatch.setattr(matching.scoring._Bounds, "reaches", lambda self, candidate, cutoff: True)  # score them all
    everything = matching.match_many(queries, threshold=threshold, limit=limit)

    assert bounded == everything
    assert sum(map(len, everything)) > len(queries)  # enough answers for the comparison to mean something


def test_the_bound_spares_scoring_most_candidates():
    budget = matching.ScreeningBudget()

    matching.match_many([{"name": name} for name in ORDINARY_NAMES], budget=budget)

    assert budget.cost.names == len(ORDINARY_NAMES)
    assert budget.cost.examined > 500
    # Most scored are near the threshold anyway ("Muhammad Ali", a Russian company's legal form).
    assert budget.cost.scored < budget.cost.examined / 4


def test_an_ordinary_batch_costs_a_small_share_of_the_default_budget(settings):
    budget = matching.ScreeningBudget(units=settings.MATCH_COST_BUDGET)

    results = matching.match_many([{"name": name} for name in ORDINARY_NAMES * 6], budget=budget)

    assert budget.cost.names == 6 * len(ORDINARY_NAMES) == len(results)
    assert budget.cost.units < settings.MATCH_COST_BUDGET / 4  # 102 names; about a sixth, here


def test_common_company_words_do_not_make_every_name_a_candidate():
    company = matching.get_index().word_counts["company"] + matching.get_index().word_counts["limited"]
    budget = matching.ScreeningBudget()

    results = matching.match_names(hostile_names(1, 30)[0], threshold=0.5, limit=100, budget=budget)

    assert company > 4_000  # names holding "company" or "limited"
    assert budget.cost.examined <= 1_000  # ten candidates per result asked for, at most
    assert budget.cost.scored < 100
    assert results == []


def test_the_dearest_batch_the_caps_allow_stops_at_the_default_budget(settings):
    # 100 names of 10 common company words (1000 words, the batch cap), at the floor and the largest limit.
    budget = matching.ScreeningBudget(units=settings.MATCH_COST_BUDGET)
    queries = [{"name": name} for name in hostile_names(100, settings.MATCH_MAX_TOKENS_PER_BATCH // 100)]

    with pytest.raises(matching.ScreeningBudgetExceeded) as stopped:
        matching.match_many(queries, threshold=settings.MATCH_MIN_THRESHOLD, limit=100, budget=budget)

    assert stopped.value.limit == "cost"
    assert stopped.value.cost is budget.cost
    assert 0 < budget.cost.names < 100
    assert settings.MATCH_COST_BUDGET < budget.cost.units < settings.MATCH_COST_BUDGET * 1.05


def test_the_time_budget_is_checked_between_candidates():
    budget = matching.ScreeningBudget(seconds=0)

    with pytest.raises(matching.ScreeningBudgetExceeded) as stopped:
        matching.match_many([{"name": "Carrie Lam"}, {"name": "Muhammad Ali"}], budget=budget)

    assert stopped.value.limit == "time"
    assert budget.cost.names == 1 and budget.cost.examined == 0


@pytest.mark.parametrize(
    ("name", "words"),
    [("Saud al-Qahtani", 2), ("Mohammed bin Salman", 2), ("AL-QAHTANI, Saud", 2), ("陈全国", 2), ("A. B. Smith", 3)],
)
def test_token_count_is_the_words_the_matcher_compares(name, words):
    assert matching.token_count(name) == words
