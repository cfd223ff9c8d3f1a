"""Search tokens: Latin word pairs make phrases match as phrases in a token set without positions."""

from portal.jobs.textindex import fts5_query, index_tokens, parse_query, phrase_tokens, tsquery

SYNONYMS = {term: frozenset({"介護", "care worker", "caregiver"}) for term in ("介護", "care worker", "caregiver")}


def test_word_pairs_are_indexed_within_a_phrase_only():
    tokens = index_tokens(["Care worker at a nursing-home. Forest care", "介護職員"]).split()
    assert {"0careworker", "0nursinghome"} <= set(tokens)
    assert "0homeforest" not in tokens  # a full stop ends the phrase
    assert "0workerat" not in tokens and "0ata" not in tokens  # stop words make no pairs
    assert {"介護", "護職", "職員", "介"} <= set(tokens)  # Japanese as before


def test_a_phrase_asks_for_its_word_pairs():
    assert phrase_tokens("care worker") == ["0careworker"]
    assert phrase_tokens("Care-Worker") == ["0careworker"]
    assert phrase_tokens("buzurgon ki dekh bhal") == ["0buzurgonki", "0kidekh", "0dekhbhal"]
    assert phrase_tokens("head of department") == ["head", "of", "department"]
    assert phrase_tokens("介護職員") == ["介護", "護職", "職員"]
    assert phrase_tokens("welder") == ["welder"]


def test_queries_use_the_pairs_on_both_databases():
    terms = parse_query("介護", SYNONYMS)
    assert '"0careworker"' in fts5_query(terms) and '("care" AND "worker")' not in fts5_query(terms)
    assert "'0careworker'" in tsquery(terms)
    typed = parse_query("care workers", SYNONYMS)  # a plural typed phrase still finds the pair, as a prefix
    assert '"0careworker"*' in fts5_query(typed)
