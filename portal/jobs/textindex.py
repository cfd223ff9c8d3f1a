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

Relevance needs to know where a word was found: in the title or the occupation (strong), or only
in the description, the employer and the rest. Every token of the strong texts is indexed a second
time behind a 1 (溶接 → 1溶接, welder → 1welder), so "is this word in a title?" is the same kind of
index lookup as "is it anywhere?", on both databases. The posting's occupation is indexed as one
more strong token (1isco7212), which trade names (mason, 左官, مستری) are expanded to.
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
STRONG_MARK = "1"
OCCUPATION_MARK = STRONG_MARK + "isco"
# What may stand between two Latin words of one phrase.
_PHRASE_GAP = re.compile(r"[\s\-\u2010\u2011]+")
_MAX_TERM_WORDS = 4
# Words that say nothing about which job: every posting here is a job in Japan.
# English function words never match alone: "it" would find every description saying "it is".
STOP_WORDS = frozenset({
    "a", "an", "the", "in", "at", "of", "for", "and", "or", "to", "with", "on", "as",
    "job", "jobs", "work", "vacancy", "vacancies", "japan", "japanese",
    "日本", "求人", "仕事", "募集",
    "i", "me", "my", "we", "our", "you", "your", "he", "she", "it", "its", "they", "them", "their",
    "is", "am", "are", "was", "were", "be", "been", "being", "do", "does", "did", "have", "has", "had",
    "will", "would", "can", "could", "shall", "should", "may", "might", "must",
    "this", "that", "these", "those", "there", "here", "what", "which", "who", "whom", "where", "when",
    "how", "why", "not", "no", "nor", "but", "if", "then", "so", "than", "too", "very", "just",
    "by", "from", "into", "onto", "up", "down", "out", "off", "over", "under", "about", "after", "before",
    "all", "any", "some", "each", "other", "such", "only", "own", "same", "also", "more", "most",
    "want", "need", "looking", "find", "near",
})
# "IT" typed in capitals is information technology; "it" is a pronoun (a stop word).
_IT_UPPER = re.compile(r"(?<![^\W_])IT(?![^\W_])")
IT_TERM = "information technology"


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


def _text_tokens(text: str, seen: dict[str, None], mark: str = "") -> None:
    text = normalise(text)
    for run in _RUN.findall(text):
        if is_cjk(run):
            for char in run:
                seen.setdefault(mark + char, None)
            for i in range(len(run) - 1):
                seen.setdefault(mark + run[i : i + 2], None)
        else:
            seen.setdefault(mark + run, None)
    for first, second in _latin_pairs(text):
        seen.setdefault(mark + PAIR_MARK + first + second, None)


def occupation_token(code: str) -> str:
    return OCCUPATION_MARK + code


def index_tokens(texts: Iterable[str | None], strong_texts: Iterable[str | None] = (),
                 occupation_codes: Iterable[str] = ()) -> str:
    """The space-separated tokens to index for these texts (duplicates removed, order kept): single
    Japanese characters and their pairs, Latin words, and Latin word pairs run together (marked).
    Strong texts (title, occupation) are indexed as well, and again with the strong mark."""
    seen: dict[str, None] = {}
    strong_texts = [text for text in strong_texts if text]
    for text in [*texts, *strong_texts]:
        if text:
            _text_tokens(text, seen)
    for text in strong_texts:
        _text_tokens(text, seen, STRONG_MARK)
    for code in occupation_codes:
        seen.setdefault(occupation_token(code), None)
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
    # The word as typed, and the occupations of the trade it names: relevance ranks these above a
    # synonym's match (mechanic: "Car mechanic" above 森林整備, forest maintenance).
    typed: tuple[Alternative, ...] = ()
    trade_occupations: tuple[Alternative, ...] = ()


def singular(word: str) -> str:
    """An English plural made singular, simply (welders → welder, factories → factory)."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _split_query(query: str, synonyms: Mapping[str, frozenset[str]]) -> list[str]:
    """Words of the query, joining runs of words that form one dictionary term (care worker)."""
    query = _IT_UPPER.sub(IT_TERM, unicodedata.normalize("NFKC", query))
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
    return [term for term in terms if term not in STOP_WORDS and _says_something(term)]


def _says_something(text: str) -> bool:
    """Not only stop words and punctuation: a synonym such as "IT" (it) must not match the pronoun."""
    return any(run not in STOP_WORDS for run in _RUN.findall(normalise(text)))


def parse_query(query: str, synonyms: Mapping[str, frozenset[str]],
                occupations: Mapping[str, frozenset[str]] | None = None,
                spellings: Mapping[str, str] | None = None) -> list[Term]:
    """Terms of a search query, each expanded through the synonym dictionary.

    `synonyms` maps a normalised term to every normalised term of the same concept(s);
    `occupations` maps a normalised term (a trade name) to the occupation codes it stands for;
    `spellings` a word in Latin letters to the Japanese it spells (yousetsu → 溶接), which counts
    as the word typed.
    Every term must match (AND); any one alternative of a term is enough (OR).
    """
    occupations = occupations or {}
    spellings = spellings or {}
    parsed: list[Term] = []
    for text in _split_query(query, synonyms):
        base = singular(text)
        expansions = synonyms.get(text) or synonyms.get(base) or frozenset()
        latin_word = not is_cjk(text[-1]) and len(base) >= 3
        typed = {Alternative(tuple(phrase_tokens(base)), prefix=latin_word)}
        spelled = spellings.get(text) or spellings.get(base)
        if spelled:
            typed.add(Alternative(tuple(phrase_tokens(spelled))))
        alternatives = set(typed)
        for synonym in expansions:
            if synonym in (text, base) or not _says_something(synonym):
                continue
            tokens = tuple(phrase_tokens(synonym))
            if tokens and not _loose_stop_word(tokens):
                alternatives.add(Alternative(tokens))
        trade_occupations = {Alternative((occupation_token(code),)) for synonym in {text, base, *expansions}
                             for code in occupations.get(synonym, ())}
        alternatives |= trade_occupations
        parsed.append(Term(text, tuple(sorted(alternatives, key=_alternative_order)),
                           tuple(sorted(typed, key=_alternative_order)),
                           tuple(sorted(trade_occupations, key=_alternative_order))))
    return parsed


def _alternative_order(alternative: Alternative):
    return len(alternative.tokens), alternative.tokens


def _loose_stop_word(tokens: tuple[str, ...]) -> bool:
    """A stop word standing alone in a synonym (IT industry → it, industry): it would match any text."""
    return any(token in STOP_WORDS for token in tokens)


def _strong(token: str) -> str:
    return token if token.startswith(OCCUPATION_MARK) else STRONG_MARK + token


def strong_term(term: Term, *, typed: bool = False) -> Term:
    """The same term found only in a title or an occupation (typed=True: only as typed)."""
    alternatives = term.typed if typed else term.alternatives
    return Term(term.text, tuple(Alternative(tuple(_strong(t) for t in alt.tokens), alt.prefix)
                                 for alt in alternatives))


def trade_occupation_term(term: Term) -> Term | None:
    """The occupations of the trade the term names (mason → 1isco7112 or 1isco7123), or None."""
    return Term(term.text, term.trade_occupations) if term.trade_occupations else None


def phrase_term(terms: list[Term]) -> Term | None:
    """Several Latin words typed side by side, as a phrase (car mechanic → 0carmechanic): a posting
    that has them together ranks above one that has them scattered. None for a single word."""
    if len(terms) < 2 or any(is_cjk(term.text[0]) or is_cjk(term.text[-1]) for term in terms):
        return None
    tokens = tuple(phrase_tokens(" ".join(singular(term.text) for term in terms)))
    if not tokens or not all(token.startswith(PAIR_MARK) for token in tokens):
        return None
    return Term(" ".join(term.text for term in terms), (Alternative(tokens, prefix=True),))


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
