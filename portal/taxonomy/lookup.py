"""Small reference tables kept in memory per process (they change rarely; staff edits show within
a few minutes). Saves a join or a query per row on every search page."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from sqlalchemy import inspect, select
from sqlalchemy.orm import defer, noload

from portal.extensions import db
from portal.jobs.textindex import normalise
from portal.taxonomy.models import Occupation, Prefecture, Region, Sector, SubArea, Synonym, Trade
from portal.taxonomy.searchwords import (load_romaji, romaji_concepts, romaji_spellings, suggestion_words,
                                         trade_concepts)

TTL_SECONDS = 300


@dataclass(frozen=True)
class Label:
    code: str
    en: str
    ja: str
    ur: str | None

    def name(self, lang: str) -> str:
        return {"ja": self.ja, "ur": self.ur}.get(lang) or self.en


@dataclass(frozen=True)
class PrefectureLabel(Label):
    region: str


@dataclass(frozen=True)
class TradeLabel(Label):
    isco_codes: tuple[str, ...]
    sector_codes: tuple[str, ...]


@dataclass
class Reference:
    sectors: dict[str, Label]
    sector_order: list[str]
    regions: dict[str, Label]
    prefectures: dict[str, PrefectureLabel]
    occupations: dict[str, Label]
    sub_areas: dict[tuple[str, str], Label]
    trades: dict[str, TradeLabel]
    synonyms: dict[str, frozenset[str]]
    loaded_at: float
    # A trade's names (mason, 左官, مستری) → its occupation codes; the Latin words typos are corrected to.
    occupation_words: dict[str, frozenset[str]] = field(default_factory=dict)
    suggestion_words: dict[str, int] = field(default_factory=dict)  # word → preference (English 0)
    romaji: dict[str, str] = field(default_factory=dict)  # yousetsu → 溶接


_cache: dict[str, Reference] = {}


def _urdu_names_stored(session) -> bool:
    """False only inside a migration older than the one that added the Urdu names."""
    return "name_ur" in {column["name"] for column in inspect(session.connection()).get_columns("sectors")}


def load(session=None) -> Reference:
    """The reference tables as read now, through `session` (default: the app's; a migration passes its own)."""
    urdu = session is None or _urdu_names_stored(session)
    session = session or db.session
    # An earlier migration reads these tables before they have their Urdu names: leave those unread.
    def skip(model) -> list:
        if urdu:
            return []
        return [defer(model.name_ur)] + ([noload(Prefecture.region)] if model is Prefecture else [])

    def ur(row) -> str | None:
        return row.name_ur if urdu else None

    sectors = session.scalars(select(Sector).options(*skip(Sector)).order_by(Sector.sort_order)).all()
    concepts: dict[str, set[str]] = {}
    languages: list[tuple[str, str]] = []
    for concept, term, lang in session.execute(select(Synonym.concept, Synonym.term, Synonym.lang)):
        concepts.setdefault(concept, set()).add(normalise(term))
        languages.append((term, lang))
    trades = {t.code: TradeLabel(t.code, t.name_en, t.name_ja, t.name_ur, tuple(t.isco_codes), tuple(t.sector_codes))
              for t in session.scalars(select(Trade))}
    trade_words, occupation_words = trade_concepts(trades.values())
    concepts.update(trade_words)
    romaji = romaji_concepts(load_romaji())
    concepts.update(romaji)
    languages += [(trade.en, "en") for trade in trades.values()]
    languages += [(spelling, "romaji") for spellings in romaji.values() for spelling in spellings]
    synonyms: dict[str, set[str]] = {}
    for terms in concepts.values():
        for term in terms:
            synonyms.setdefault(term, set()).update(terms)
    return Reference(
        sectors={s.code: Label(s.code, s.name_en, s.name_ja, ur(s)) for s in sectors},
        sector_order=[s.code for s in sectors],
        regions={r.code: Label(r.code, r.name_en, r.name_ja, ur(r))
                 for r in session.scalars(select(Region).options(*skip(Region)).order_by(Region.sort_order))},
        prefectures={p.code: PrefectureLabel(p.code, p.name_en, p.name_ja, ur(p), p.region_code)
                     for p in session.scalars(select(Prefecture).options(*skip(Prefecture)).order_by(Prefecture.code))},
        occupations={o.isco: Label(o.isco, o.name_en, o.name_ja, ur(o)) for o in session.scalars(select(Occupation).options(*skip(Occupation)))},
        sub_areas={(a.sector_code, a.code): Label(a.code, a.name_en, a.name_ja, ur(a))
                   for a in session.scalars(select(SubArea).options(*skip(SubArea)))},
        trades=trades,
        synonyms={term: frozenset(terms) for term, terms in synonyms.items()},
        loaded_at=time.monotonic(),
        occupation_words={word: frozenset(codes) for word, codes in occupation_words.items()},
        suggestion_words=suggestion_words(languages),
        romaji=romaji_spellings(romaji),
    )


def reference() -> Reference:
    key = str(db.engine.url)
    cached = _cache.get(key)
    if cached is None or time.monotonic() - cached.loaded_at > TTL_SECONDS:
        cached = _cache[key] = load()
    return cached


def clear() -> None:
    _cache.clear()
