"""Search words from the taxonomy: trade names in three languages, romaji, and typo suggestions.

Pure: no Flask, no database. lookup.load() feeds it the tables it read and merges the result into
the synonym dictionary the search uses.
"""

from __future__ import annotations

import csv
import itertools
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from portal.jobs.textindex import STOP_WORDS, is_cjk, normalise, singular

ROMAJI_CSV = Path(__file__).resolve().parent.parent / "data" / "taxonomy" / "romaji.csv"
# Urdu words too common in trade names to stand for one trade alone.
URDU_STOP_WORDS = frozenset({"کی", "کا", "کے", "اور", "میں", "سے", "والا", "والی", "کام", "آپریٹر"})
_PARENTHESIS = re.compile(r"\s*[(（][^)）]*[)）]\s*")
_INSIDE = re.compile(r"[(（]([^)）]*)[)）]")


def name_variants(name: str | None) -> set[str]:
    """A trade's name as people type it: whole, without its parenthesis, and what the parenthesis
    says (راج مستری (میسن) → راج مستری, میسن)."""
    if not name:
        return set()
    variants = {normalise(name), normalise(_PARENTHESIS.sub(" ", name)).strip()}
    variants.update(normalise(inner).strip() for inner in _INSIDE.findall(name))
    return {variant for variant in variants if variant and variant not in STOP_WORDS}


def urdu_words(name: str | None) -> set[str]:
    """The words of an Urdu trade name (راج مستری → مستری): each alone finds the trade's occupations,
    but is no synonym of the trade (ڈرائیور is in the name of every kind of driver)."""
    if not name:
        return set()
    return {word for word in re.findall(r"[^\W\d_]+", normalise(name))
            if len(word) >= 3 and word not in URDU_STOP_WORDS}


def trade_concepts(trades: Iterable) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """Per trade, a synonym concept of its names (EN, JA, UR), and each name → the trade's occupation codes."""
    concepts: dict[str, set[str]] = {}
    occupations: dict[str, set[str]] = {}
    names_of = {trade.code: name_variants(trade.en) | name_variants(trade.ja) | name_variants(trade.ur)
                for trade in trades}
    trades_named: dict[str, int] = {}
    for names in names_of.values():
        for name in names:
            trades_named[name] = trades_named.get(name, 0) + 1
    for trade in trades:
        names = names_of[trade.code]
        # A name two trades share (ڈرائیور of "ڈرائیور (ایچ ٹی وی)" and "ڈرائیور (ایل ٹی وی)") would make
        # them synonyms of each other: it finds both trades' occupations but joins no concept.
        concepts[f"trade:{trade.code}"] = {name for name in names if trades_named[name] == 1}
        for name in names | urdu_words(trade.ur):
            occupations.setdefault(name, set()).update(trade.isco_codes)
    return concepts, occupations


# Long vowels are written several ways: 溶接 yousetsu, yosetsu, yōsetsu, yohsetsu.
_LONG_VOWELS = {"ou": ("ou", "o", "ō", "oh"), "uu": ("uu", "u", "ū"), "oo": ("oo", "o", "ō")}
_KUNREI = (("sha", "sya"), ("shu", "syu"), ("sho", "syo"), ("shi", "si"), ("cha", "tya"), ("chu", "tyu"),
           ("cho", "tyo"), ("chi", "ti"), ("tsu", "tu"), ("ja", "zya"), ("ju", "zyu"), ("jo", "zyo"),
           ("ji", "zi"), ("fu", "hu"))
_LONG = re.compile("ou|uu|oo")


def romaji_variants(wapuro: str) -> set[str]:
    """Common spellings of one word typed as kana keys (nougyou): Hepburn with and without long
    vowels marked (nogyo, nōgyō), and the kunrei spelling (syokuhin for shokuhin)."""
    spellings = {wapuro}
    kunrei = wapuro
    for hepburn, other in _KUNREI:
        kunrei = kunrei.replace(hepburn, other)
    spellings.add(kunrei)
    variants: set[str] = set()
    for spelling in spellings:
        parts = _LONG.split(spelling)
        longs = _LONG.findall(spelling)
        if len(longs) > 3:  # keep the table small: the two common forms only
            variants.update({spelling, "".join(p + (v[0] if v else "") for p, v in zip(parts, longs + [""]))})
            continue
        for choice in itertools.product(*(_LONG_VOWELS[long] for long in longs)):
            variants.add("".join(part + (choice[i] if i < len(choice) else "") for i, part in enumerate(parts)))
    return {normalise(variant) for variant in variants}


def romaji_concepts(rows: Iterable[Mapping[str, str]]) -> dict[str, set[str]]:
    """Rows of romaji.csv (ja, romaji) as concepts: the Japanese word with its spellings in Latin letters."""
    concepts: dict[str, set[str]] = {}
    for row in rows:
        ja = normalise(row["ja"])
        spellings = set()
        for word in row["romaji"].split(";"):
            spellings |= {" ".join(parts) for parts in itertools.product(
                *(sorted(romaji_variants(piece)) for piece in word.strip().lower().split()))}
        concepts.setdefault(f"romaji:{ja}", {ja}).update(spellings)
    return concepts


def romaji_spellings(concepts: Mapping[str, set[str]]) -> dict[str, str]:
    """Each spelling in Latin letters → the Japanese word it spells, from romaji_concepts()."""
    return {spelling: name.removeprefix("romaji:") for name, spellings in concepts.items()
            for spelling in spellings if not is_cjk(spelling[0])}


def load_romaji(path: Path = ROMAJI_CSV) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def within_one_edit(a: str, b: str) -> bool:
    """One letter added, removed, changed, or two neighbours swapped (weldr, wleder → welder)."""
    if a == b or abs(len(a) - len(b)) > 1:
        return a == b
    if len(a) == len(b):
        diff = [i for i, (x, y) in enumerate(zip(a, b)) if x != y]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1
                                  and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]])
    short, long = (a, b) if len(a) < len(b) else (b, a)
    i = 0
    while i < len(short) and short[i] == long[i]:
        i += 1
    return short[i:] == long[i + 1:]


def suggestion_words(terms: Iterable[tuple[str, str]]) -> dict[str, int]:
    """The Latin words a typo may be corrected to, from (term, language) pairs: single words of the
    dictionary, four letters or more, each with its preference (English 0, Urdu or romaji 1)."""
    words: dict[str, int] = {}
    for term, lang in terms:
        term = normalise(term)
        if term and not is_cjk(term[0]) and " " not in term and len(term) >= 4 and term.isalpha():
            words[term] = min(words.get(term, 9), 0 if lang == "en" else 1)
    return words


def suggest(word: str, vocabulary: Mapping[str, int]) -> str | None:
    """The dictionary word one edit away from a word the dictionary does not know (None if it knows
    it, or nothing is that close). Of several, an English one first, then alphabetically, so the
    answer is stable (weldr → welder, not the Urdu spelling weldar)."""
    word = normalise(word)
    if len(word) < 4 or not word.isalpha() or is_cjk(word[0]) or word in vocabulary or singular(word) in vocabulary:
        return None
    if any(known.startswith(word) for known in vocabulary):  # a word being typed, not a typo
        return None
    close = sorted((vocabulary[known], known) for known in vocabulary if within_one_edit(word, known))
    return close[0][1] if close else None
