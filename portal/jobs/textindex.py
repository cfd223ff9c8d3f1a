"""Text to search tokens, and search queries to token groups. Pure: no Flask, no database.

One tokenisation serves both databases. Japanese has no spaces and the words job seekers type are
often two characters (介護, 溶接, 農業), which trigram indexes cannot find. So every run of
Japanese characters is indexed as its single characters and its overlapping pairs (介護職 → 介 護 職
介護 護職), and Latin text as lower-cased words. SQLite's FTS5 (unicode61) and PostgreSQL's
`to_tsvector('simple', …)` then index the same space-separated tokens.

The tokens are a set (no positions), so a phrase such as "care worker" cannot be asked for as words
side by side. Each pair of Latin words joined only by spaces or a hyphen is therefore indexed as one
more token, the two words run together behind a 0 (care worker → 0careworker), and a phrase in a
query asks for its pairs: otherwise 介護, through its synonym "care worker", would find a forestry
job that asks you to "care for the forests" and is titled "Forestry worker". The leading 0 keeps the
pairs out of a word's prefix search (care* must not scan careworker, carefor, …), and both
databases keep such a token whole.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

# Han, Hiragana, Katakana (with the long-vowel mark) and their half-width/compat forms after NFKC.
_CJK = r"\u3005\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUN = re.compile(rf"[{_CJK}]+|[^\W_{_CJK}]+", re.UNICODE)
_IS_CJK = re.compile(rf"[{_CJK}]")
# Particles and marks that join words in a Japanese query typed without spaces (東京の介護).
_JA_JOINERS = re.compile(r"[のでとやへにを・、。／/]")
PAIR_MARK = "0"
# What may stand between two Latin words of one phrase.
_PHRASE_GAP = re.compile(r"[\s\-\u2010\u2011]+")
_MAX_TERM_WORDS = 4
# Words that say nothing about which job: every posting here is a job in Japan.
STOP_WORDS = frozenset({
    "a", "an", "the", "in", "at", "of", "for", "and", "or", "to", "with", "on", "as",
    "job", "jobs", "work", "vacancy", "vacancies", "japan", "japanese",
    "日本", "求人", "仕事", "募集",
})


def normalise(text: str) -> str:
    """NFKC (full-width → half-width, compatibility kanji) and case-folded."""
    return unicodedata.normalize("NFKC", text).casefold()


def is_cjk(token: str) -> bool:
    return bool(_IS_CJK.match(token))


def _runs(text: str) -> list[str]:
    return _RUN.findall(normalise(text))


def _latin_pairs(text: str) -> list[tuple[str, str]]:
    """Adjacent Latin words of one phrase (nothing but spaces or a hyphen between them). Stop words
    make no pairs (a "care at home" is not needed to find "care"), which keeps the index small."""
    pairs = []
    previous = None
    for match in _RUN.finditer(text):
        word = match.group()
        if is_cjk(word) or word in STOP_WORDS:
            previous = None
            continue
        if previous is not None and _PHRASE_GAP.fullmatch(text, previous.end(), match.start()):
            pairs.append((previous.group(), word))
        previous = match
    return pairs


def index_tokens(texts: Iterable[str | None]) -> str:
    """The space-separated tokens to index for these texts (duplicates removed, order kept): single
    Japanese characters and their pairs, Latin words, and Latin word pairs run together (marked)."""
    seen: dict[str, None] = {}
    for text in texts:
        if not text:
            continue
        text = normalise(text)
        for run in _RUN.findall(text):
            if is_cjk(run):
                for char in run:
                    seen.setdefault(char, None)
                for i in range(len(run) - 1):
                    seen.setdefault(run[i : i + 2], None)
            else:
                seen.setdefault(run, None)
        for first, second in _latin_pairs(text):
            seen.setdefault(PAIR_MARK + first + second, None)
    return " ".join(seen)


def phrase_tokens(phrase: str) -> list[str]:
    """Tokens that must all be present for a phrase to match: pairs for Japanese, words otherwise,
    and for several Latin words side by side their pairs run together (care worker → 0careworker)."""
    tokens: list[str] = []
    latin: list[str] = []

    def end_of_latin() -> None:
        tokens.extend(latin if len(latin) == 1 else [PAIR_MARK + a + b for a, b in zip(latin, latin[1:])])
        latin.clear()

    text = normalise(phrase)
    pairs = set(_latin_pairs(text))
    for run in _RUN.findall(text):
        if is_cjk(run):
            end_of_latin()
            tokens.extend([run] if len(run) == 1 else [run[i : i + 2] for i in range(len(run) - 1)])
        else:
            if latin and (latin[-1], run) not in pairs:
                end_of_latin()
            latin.append(run)
    end_of_latin()
    return tokens


@dataclass(frozen=True)
class Alternative:
    tokens: tuple[str, ...]
    prefix: bool = False  # last Latin token may be a word start (weld → welder, welding)


@dataclass(frozen=True)
class Term:
    """One thing the user typed, and every way a posting may say it."""

    text: str
    alternatives: tuple[Alternative, ...]


def singular(word: str) -> str:
    """An English plural made singular, simply (welders → welder, factories → factory)."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _split_query(query: str, synonyms: Mapping[str, frozenset[str]]) -> list[str]:
    """Words of the query, joining runs of words that form one dictionary term (care worker)."""
    pieces: list[str] = []
    for chunk in normalise(query).split():
        if is_cjk(chunk[0]) and chunk not in synonyms:
            pieces.extend(part for part in _JA_JOINERS.split(chunk) if part)
        else:
            pieces.append(chunk)
    terms: list[str] = []
    i = 0
    while i < len(pieces):
        for span in range(min(_MAX_TERM_WORDS, len(pieces) - i), 0, -1):
            candidate = " ".join(pieces[i : i + span])
            if span == 1 or candidate in synonyms or singular(candidate) in synonyms:  # care workers
                terms.append(candidate)
                i += span
                break
    return [term for term in terms if term not in STOP_WORDS and phrase_tokens(term)]


def parse_query(query: str, synonyms: Mapping[str, frozenset[str]]) -> list[Term]:
    """Terms of a search query, each expanded through the synonym dictionary.

    `synonyms` maps a normalised term to every normalised term of the same concept(s).
    Every term must match (AND); any one alternative of a term is enough (OR).
    """
    parsed: list[Term] = []
    for text in _split_query(query, synonyms):
        base = singular(text)
        expansions = synonyms.get(text) or synonyms.get(base) or frozenset()
        latin_word = not is_cjk(text[-1]) and len(base) >= 3
        alternatives = {Alternative(tuple(phrase_tokens(base)), prefix=latin_word)}
        for synonym in expansions:
            tokens = tuple(phrase_tokens(synonym))
            if tokens:
                alternatives.add(Alternative(tokens))
        parsed.append(Term(text, tuple(sorted(alternatives, key=lambda a: (len(a.tokens), a.tokens)))))
    return parsed


def _boolean_query(terms: list[Term], *, quote: str, prefix: str, and_: str, or_: str) -> str:
    def token(value: str, is_prefix: bool) -> str:
        return f"{quote}{value}{quote}" + (prefix if is_prefix else "")

    groups = []
    for term in terms:
        options = []
        for alt in term.alternatives:
            parts = [token(t, alt.prefix and i == len(alt.tokens) - 1) for i, t in enumerate(alt.tokens)]
            options.append(parts[0] if len(parts) == 1 else "(" + f" {and_} ".join(parts) + ")")
        groups.append("(" + f" {or_} ".join(options) + ")")
    return f" {and_} ".join(groups)


def fts5_query(terms: list[Term]) -> str:
    """The SQLite FTS5 MATCH expression for parsed terms."""
    return _boolean_query(terms, quote='"', prefix="*", and_="AND", or_="OR")


def tsquery(terms: list[Term]) -> str:
    """The PostgreSQL to_tsquery('simple', …) expression for parsed terms."""
    return _boolean_query(terms, quote="'", prefix=":*", and_="&", or_="|")
