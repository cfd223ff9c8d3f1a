"""Best match first: a score per matching posting from where its words were found. Pure: numpy only.

Every posting scored here already matches every word of the query somewhere. What moves it up:
each word found in the title or the occupation (not only in the description, the employer or the
place), the words found side by side as typed, and a title in the searcher's language. Scores are
small whole numbers computed from index lookups that both databases answer alike, so SQLite and
PostgreSQL give the same order; ties go to the newer posting, then the higher id.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

WORD_IN_TITLE = 10  # per query word found in the title or occupation
AS_TYPED = 5  # …as typed in the title (not through a synonym)
TRADE_OCCUPATION = 3  # the posting's occupation is one of the trade's the word names (mechanic → 7231)
PHRASE = 4  # the words side by side, anywhere
PHRASE_IN_TITLE = 6  # …and in the title or occupation
SEARCHER_LANGUAGE = 3  # a title in the searcher's language
LANGUAGE_BITS = {"en": 1, "ja": 2}


def scores(count: int, word_in_title: Sequence[np.ndarray], typed_in_title: Sequence[np.ndarray],
           trade_occupation: Sequence[np.ndarray], phrase: np.ndarray | None,
           phrase_in_title: np.ndarray | None, languages: np.ndarray, lang: str | None) -> np.ndarray:
    """Scores of `count` postings. Each mask is a boolean array over the same postings; `languages`
    holds each one's title languages (bit 0 English, bit 1 Japanese)."""
    total = np.zeros(count, dtype=np.int32)
    for mask in word_in_title:
        total += WORD_IN_TITLE * mask
    for mask in typed_in_title:
        total += AS_TYPED * mask
    for mask in trade_occupation:
        total += TRADE_OCCUPATION * mask
    if phrase is not None:
        total += PHRASE * phrase
    if phrase_in_title is not None:
        total += PHRASE_IN_TITLE * phrase_in_title
    bit = LANGUAGE_BITS.get(lang or "")
    if bit:
        total += SEARCHER_LANGUAGE * ((languages & bit) != 0)
    return total


def best_first(score: np.ndarray, published: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Positions in order: higher score, then newer, then higher id."""
    return np.lexsort((-ids, -published, -score.astype(np.int64)))
