"""The glossary of Japanese posting terms (portal/data/glossary.csv) and marking those terms in a
posting's sanitised HTML. Pure: no Flask, no SQLAlchemy.

`mark_terms` only ever touches text between tags: the HTML is split at tags, tags pass through
unchanged, and in each text node the first occurrence of each term (longest term first, no overlaps)
is wrapped in a link to its glossary entry. The text node is already escaped HTML; glossary terms
contain none of & < > " ' (checked on load), so a term found in escaped text is the same characters
as in the original text, and the inserted markup escapes what it adds.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

from markupsafe import escape

GLOSSARY_FILE = Path(__file__).resolve().parent.parent / "data" / "glossary.csv"
_FORBIDDEN = set("&<>\"'")
_TAG = re.compile(r"(<[^>]*>)")


@dataclass(frozen=True, slots=True)
class Term:
    term: str
    reading: str
    meaning_en: str
    explanation_en: str
    explanation_ja: str
    meaning_ur: str = ""  # a short meaning in Urdu (the explanation is in English or Japanese)

    @property
    def anchor(self) -> str:
        return f"term-{self.term}"

    def explanation(self, lang: str) -> str:
        return self.explanation_ja if lang == "ja" and self.explanation_ja else self.explanation_en


def read_terms(path: Path = GLOSSARY_FILE) -> tuple[Term, ...]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    terms = []
    for row in rows:
        term = Term(row["term"].strip(), row["reading"].strip(), row["meaning_en"].strip(),
                    row["explanation_en"].strip(), row.get("explanation_ja", "").strip(),
                    (row.get("meaning_ur") or "").strip())
        if not term.term or _FORBIDDEN & set(term.term):
            raise ValueError(f"bad glossary term: {term.term!r}")
        terms.append(term)
    return tuple(terms)


@lru_cache(maxsize=1)
def terms() -> tuple[Term, ...]:
    return read_terms()


@lru_cache(maxsize=4)
def _pattern(words: tuple[str, ...]) -> re.Pattern:
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))


def find_terms(text: str, glossary: tuple[Term, ...] | None = None) -> list[Term]:
    """The glossary terms in a plain text, in order of first appearance (longest match wins)."""
    glossary = terms() if glossary is None else glossary
    by_word = {t.term: t for t in glossary}
    found: dict[str, Term] = {}
    for match in _pattern(tuple(by_word)).finditer(text or ""):
        found.setdefault(match.group(0), by_word[match.group(0)])
    return list(found.values())


def mark_terms(html: str, glossary_url: str, glossary: tuple[Term, ...] | None = None) -> tuple[str, list[Term]]:
    """Wrap the first occurrence of each glossary term found in the text nodes of `html` in a link to
    `glossary_url#term-…`. Returns the new HTML and the terms found, in order."""
    glossary = terms() if glossary is None else glossary
    by_word = {t.term: t for t in glossary}
    pattern = _pattern(tuple(by_word))
    found: dict[str, Term] = {}
    inside_link = False

    def wrap(match: re.Match) -> str:
        word = match.group(0)
        if word in found:
            return word
        found[word] = by_word[word]
        href = f"{glossary_url}#{quote(by_word[word].anchor)}"
        return f'<a class="term" href="{escape(href)}">{word}</a>'

    parts = _TAG.split(html or "")
    for index, part in enumerate(parts):
        if index % 2:  # a tag
            name = part[1:].lstrip("/").split(None, 1)[0].rstrip(">").lower() if len(part) > 2 else ""
            if name == "a":
                inside_link = not part.startswith("</")
            continue
        if part and not inside_link:
            parts[index] = pattern.sub(wrap, part)
    return "".join(parts), list(found.values())
