"""Search words from the taxonomy, romaji spellings, typo suggestions, relevance scores and addresses."""

from datetime import UTC, date, datetime
from types import SimpleNamespace

import numpy as np

from portal.jobs import relevance
from portal.jobs.places import address, days_since
from portal.jobs.textindex import (STRONG_MARK, index_tokens, occupation_token, parse_query, phrase_term,
                                   strong_term)
from portal.taxonomy.searchwords import (romaji_concepts, romaji_spellings, romaji_variants, suggest,
                                         trade_concepts, within_one_edit)

SYNONYMS = {"it": frozenset({"it", "information technology", "it industry", "情報技術"}),
            "information technology": frozenset({"it", "information technology", "it industry", "情報技術"})}


def test_capital_it_is_information_technology_and_lower_case_it_is_a_stop_word():
    (term,) = parse_query("IT", SYNONYMS)
    tokens = {alt.tokens for alt in term.alternatives}
    assert ("0informationtechnology",) in tokens and ("情報", "報技", "技術") in tokens
    assert not any("it" in alt for alt in tokens)  # neither "it" nor "it industry" (it AND industry)
    assert parse_query("it", SYNONYMS) == []
    assert parse_query("is it near", SYNONYMS) == []
    assert [t.text for t in parse_query("IT Tokyo", SYNONYMS)] == ["information technology", "tokyo"]


def test_title_and_occupation_tokens_are_marked_strong():
    tokens = index_tokens(["A company that builds ships."], ["Shipyard welder", "溶接工"], ["7212"]).split()
    assert {"welder", "1welder", "10shipyardwelder", "溶接", "1溶接", "1isco7212", "ships"} <= set(tokens)
    assert "1ships" not in tokens
    (term,) = parse_query("welder", {})
    strong = strong_term(term)
    assert strong.alternatives[0].tokens == (STRONG_MARK + "welder",) and strong.alternatives[0].prefix


def test_trade_names_find_the_trades_occupations_in_three_languages():
    trades = [SimpleNamespace(code="mason", en="Mason", ja="左官・ブロック積み工", ur="راج مستری (میسن)",
                              isco_codes=("7112", "7123")),
              SimpleNamespace(code="htv", en="HTV driver", ja="大型ドライバー", ur="ڈرائیور (ایچ ٹی وی)", isco_codes=("8332",)),
              SimpleNamespace(code="ltv", en="LTV driver", ja="小型ドライバー", ur="ڈرائیور (ایل ٹی وی)", isco_codes=("8322",))]
    concepts, occupations = trade_concepts(trades)
    for word in ("mason", "左官・ブロック積み工", "راج مستری", "میسن", "مستری"):
        assert occupations[word] == {"7112", "7123"}, word
    assert occupations["ڈرائیور"] == {"8332", "8322"}  # shared by two trades: finds both…
    assert "ڈرائیور" not in concepts["trade:htv"]  # …but does not make them synonyms
    (term,) = parse_query("mason", {}, {k: frozenset(v) for k, v in occupations.items()})
    assert {alt.tokens for alt in term.trade_occupations} == {(occupation_token("7112"),), (occupation_token("7123"),)}


def test_romaji_spellings_of_long_vowels_and_kunrei():
    assert {"yousetsu", "yosetsu", "yōsetsu", "yosetu"} <= romaji_variants("yousetsu")
    assert {"nougyou", "nogyo", "nōgyō"} <= romaji_variants("nougyou")
    assert "syokuhin" in romaji_variants("shokuhin")
    concepts = romaji_concepts([{"ja": "溶接", "romaji": "yousetsu"}, {"ja": "特定技能", "romaji": "tokutei ginou"}])
    assert {"溶接", "yosetsu"} <= concepts["romaji:溶接"]
    assert "tokutei gino" in concepts["romaji:特定技能"]
    assert romaji_spellings(concepts)["yosetsu"] == "溶接"
    (term,) = parse_query("yosetsu", {"yosetsu": frozenset(concepts["romaji:溶接"])}, {}, {"yosetsu": "溶接"})
    assert ("溶接",) in {alt.tokens for alt in term.typed}  # the Japanese it spells counts as typed


def test_typos_within_one_edit_are_corrected_to_a_dictionary_word():
    assert within_one_edit("weldr", "welder") and within_one_edit("wleder", "welder")
    assert within_one_edit("weldder", "welder") and within_one_edit("welder", "welded")
    assert not within_one_edit("wldr", "welder") and not within_one_edit("welder", "wielded")
    vocabulary = {"welder": 0, "weldar": 1, "mason": 0, "mechanic": 0, "driver": 0}
    assert suggest("weldr", vocabulary) == "welder"
    assert suggest("mechnic", vocabulary) == "mechanic"
    assert suggest("welder", vocabulary) is None  # known
    assert suggest("welders", vocabulary) is None  # its singular is known
    assert suggest("weld", vocabulary) is None  # a word being typed
    assert suggest("plumber", vocabulary) is None  # nothing close


def test_phrase_of_latin_words_only():
    terms = parse_query("car mechanic", {})
    assert phrase_term(terms).alternatives[0].tokens == ("0carmechanic",)
    assert phrase_term(parse_query("welder", {})) is None
    assert phrase_term(parse_query("溶接 愛知", {})) is None


def test_scores_weigh_title_above_the_rest_and_break_ties_by_date():
    in_title = np.array([True, False, False, True])
    typed = np.array([True, False, False, False])
    languages = np.array([1, 1, 2, 2], dtype=np.uint8)
    score = relevance.scores(4, [in_title], [typed], [], None, None, languages, "en")
    assert list(score) == [18, 3, 0, 10]
    published = np.array([1, 5, 9, 7])
    ids = np.array([1, 2, 3, 4])
    assert list(relevance.best_first(score, published, ids)) == [0, 3, 1, 2]
    tie = relevance.scores(2, [], [], [], None, None, np.array([1, 1], dtype=np.uint8), "en")
    assert list(relevance.best_first(tie, np.array([1, 2]), np.array([1, 2]))) == [1, 0]  # newer first


def test_addresses_in_each_languages_order():
    assert address("Shizuoka", "静岡県", "Hamamatsu-shi", "浜松市", "ja") == "静岡県浜松市"
    assert address("Shizuoka", "静岡県", "Hamamatsu-shi", "浜松市", "en") == "Hamamatsu, Shizuoka"
    assert address("Tokyo", "東京都", "Koto-ku", "江東区", "en") == "Koto-ku, Tokyo"
    assert address("Osaka", "大阪府", "Osaka-shi", None, "en") == "Osaka City, Osaka"
    assert address("Osaka", "大阪府", "Osaka-shi", None, "ja") == "大阪府"  # no English inside Japanese
    assert address("Shizuoka", "静岡県", "Hamamatsu-shi", "浜松市", "ur", "شیزوؤکا") == "شیزوؤکا"  # no city in Urdu
    assert days_since(datetime(2026, 12, 2, 23, 0, tzinfo=UTC), date(2026, 12, 5)) == 3
    assert days_since(date(2026, 12, 6), date(2026, 12, 5)) == 0
