"""Every posting's searchable attributes as compact columns in memory, per process.

A search with facets asks the same few questions of thousands of postings: which pass these
filters, how many per field, prefecture, level, visa and type, and which twenty come first in this
order. A database answers each question with another scan of the matching rows (a dozen statements
per page); numpy answers all of them from a few arrays in about a millisecond. So each process keeps
one small snapshot (about 30 bytes a posting: 3 MB for 100,000) and the database is asked only for
the keyword's matching ids and for the twenty postings shown, which it re-checks as public.

Freshness: before each use the snapshot compares the newest `updated_at` of the postings table (an
index lookup) with the one it was built at, and reads the rows changed since then (inserts and
updates, from any host). Deleted rows, and changes committed with an older timestamp by a long
transaction, are caught by a full reload at most FULL_RELOAD_SECONDS later; in that window counts
can be off, but the postings shown are always re-checked against the database.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np
from sqlalchemy import case, func, literal_column, select

from portal.extensions import db
from portal.jobs.models import Posting, VISA_CODES
from portal.timeutil import as_utc

FULL_RELOAD_SECONDS = 600
NO_DATE = np.iinfo(np.int32).max  # valid_through missing: open-ended, and last when sorting by closing date


@dataclass(frozen=True)
class Vocabulary:
    """Codes of one attribute in a fixed order; a posting stores the position of its code."""

    codes: tuple[str, ...]

    def position(self, code: str | None) -> int:
        return self.codes.index(code) if code in self.codes else len(self.codes)  # unknown: counted nowhere

    def positions(self, values) -> np.ndarray:
        lookup = {code: i for i, code in enumerate(self.codes)}
        return np.fromiter((lookup.get(v, len(self.codes)) for v in values), dtype=np.int16, count=len(values))

    def counts(self, positions: np.ndarray) -> dict[str, int]:
        counted = np.bincount(positions, minlength=len(self.codes) + 1)
        return {code: int(counted[i]) for i, code in enumerate(self.codes) if counted[i]}


def _columns():
    """What the snapshot reads of a posting, converted to plain integers by the database: a hundred
    thousand rows arrive as tuples of ints and short strings, with no per-value conversion in Python."""
    from portal.jobs.search import listed_condition

    if db.engine.dialect.name == "sqlite":
        # Dates are stored as text: the day number as Python's date.toordinal() counts it, and the
        # microseconds since 1970 from "YYYY-MM-DD HH:MM:SS.ffffff".
        day = literal_column("CAST(julianday(postings.valid_through) - 1721424.5 AS INTEGER)")
        micros = literal_column("CAST(strftime('%s', postings.published_at) AS INTEGER) * 1000000"
                                " + CAST(substr(postings.published_at, 21, 6) AS INTEGER)")
    else:
        day = literal_column("(postings.valid_through - DATE '0001-01-01') + 1")
        micros = literal_column("CAST(EXTRACT(EPOCH FROM postings.published_at) * 1000000 AS BIGINT)")

    def flag(condition):
        return case((condition, 1), else_=0)

    # Several workplaces: their prefecture codes joined in one string, read only for such postings.
    from portal.jobs.models import PostingPlace

    joined = (func.group_concat(PostingPlace.prefecture_code) if db.engine.dialect.name == "sqlite"
              else func.string_agg(PostingPlace.prefecture_code, ","))
    place_codes = (select(joined).where(PostingPlace.posting_id == Posting.id).correlate(Posting)
                   .scalar_subquery())
    visa_bits = sum(flag(getattr(Posting, f"visa_{code}").is_(True)) * (1 << offset)
                    for offset, code in enumerate(VISA_CODES))
    return (
        Posting.id,
        flag(listed_condition()),  # would be public if still open; the date is checked per request
        func.coalesce(day, NO_DATE), func.coalesce(micros, 0), func.coalesce(Posting.monthly_jpy, -1),
        Posting.sector_code, Posting.prefecture_code, Posting.japanese_level, Posting.employment_type,
        visa_bits, flag(Posting.support_housing.is_(True)), Posting.occupation_code,
        # what else a verdict depends on (matching.engine._key): read as one combination
        Posting.sub_area, Posting.applicants_from, flag(Posting.dispatch.is_(True)),
        case(((Posting.salary_min.is_(None) & Posting.salary_max.is_(None)), None), else_=Posting.salary_unit),
        Posting.location_kind, case((Posting.location_kind == "places", place_codes), else_=None),
        flag(func.coalesce(Posting.title_en, "") != "") + 2 * flag(func.coalesce(Posting.title_ja, "") != ""),
    )


def _read(*conditions) -> list[tuple]:
    result = db.session.connection().execute(select(*_columns()).where(*conditions))
    try:
        return result.cursor.fetchall()  # plain tuples: no Row objects for a hundred thousand rows
    finally:
        result.close()


class Combinations:
    """The combinations of a posting's verdict attributes (sub_area, applicants_from, employment_type,
    dispatch, salary_unit) seen so far, each stored once: a posting keeps the position of its own.
    Append-only, and only added to under the module's lock (snapshots are built under it)."""

    def __init__(self):
        self.values: list[tuple] = []
        self._positions: dict[tuple, int] = {}

    def positions(self, combinations) -> np.ndarray:
        found = np.empty(len(combinations), dtype=np.int32)
        for i, combination in enumerate(combinations):
            position = self._positions.get(combination)
            if position is None:
                position = self._positions[combination] = len(self.values)
                self.values.append(combination)
            found[i] = position
        return found


@dataclass(frozen=True)
class Vocabularies:
    sectors: Vocabulary
    prefectures: Vocabulary
    levels: Vocabulary
    employment_types: Vocabulary
    occupations: Vocabulary
    verdict_keys: Combinations


COLUMNS = ("ids", "listed", "valid_through", "published", "monthly", "sector", "prefecture", "level",
           "employment", "visa", "housing", "occupation", "verdict_key", "places", "languages")
# Location kinds that may put the worker in any prefecture: they are under every prefecture filter.
EVERYWHERE_KINDS = ("nationwide", "remote")


def _arrays(vocab: Vocabularies, rows: list) -> dict[str, np.ndarray]:
    """Rows of _columns() as one array per attribute, in the rows' order."""
    if not rows:
        columns = [()] * 19  # one per value _columns() reads
    else:
        columns = list(zip(*rows))

    def ints(index, dtype):
        return np.array(columns[index], dtype=dtype)

    return {
        "ids": ints(0, np.int64),
        "listed": ints(1, bool),
        "valid_through": ints(2, np.int32),
        "published": ints(3, np.int64),
        "monthly": ints(4, np.int64),
        "sector": vocab.sectors.positions(columns[5]),
        "prefecture": vocab.prefectures.positions(columns[6]),
        "level": vocab.levels.positions(columns[7]),
        "employment": vocab.employment_types.positions(columns[8]),
        "visa": ints(9, np.uint8),
        "housing": ints(10, bool),
        "occupation": vocab.occupations.positions(columns[11]),
        "verdict_key": vocab.verdict_keys.positions(
            [(sub_area or None, applicants or "unknown", employment, bool(dispatch), unit)
             for sub_area, applicants, employment, dispatch, unit
             in zip(columns[12], columns[13], columns[8], columns[14], columns[15])]),
        "places": _place_bits(vocab.prefectures, columns[6], columns[16], columns[17]),
        "languages": ints(18, np.uint8),  # bit 0: a title in English, bit 1: in Japanese (relevance)
    }


ALL_PLACES = np.uint64(2**64 - 1)


def _place_bits(prefectures: Vocabulary, primary, kinds, joined) -> np.ndarray:
    """One bit per prefecture (its vocabulary position) for each posting: its primary prefecture;
    each of its workplaces when it names several; every bit for a nationwide or remote posting;
    none for one that names no place."""
    positions = prefectures.positions(primary).astype(np.uint64)
    known = positions < len(prefectures.codes)
    bits = np.where(known, np.left_shift(np.uint64(1), np.minimum(positions, np.uint64(63))), np.uint64(0))
    kinds = np.asarray(kinds, dtype=object)
    if len(kinds):
        bits[np.isin(kinds, EVERYWHERE_KINDS)] = ALL_PLACES
        bits[kinds == "unstated"] = 0
        for row in np.flatnonzero(np.asarray([value is not None for value in joined], dtype=bool)):
            for position in prefectures.positions(joined[row].split(",")):
                if position < len(prefectures.codes):
                    bits[row] |= np.uint64(1) << np.uint64(position)
    return bits


class Snapshot:
    """Immutable columns sorted by posting id, with the three result orders precomputed."""

    def __init__(self, vocab: Vocabularies, arrays: dict[str, np.ndarray], built_at: float,
                 newest_update: datetime | None):
        order = np.argsort(arrays["ids"], kind="stable")
        for name in COLUMNS:
            setattr(self, name, arrays[name][order])
        self.vocab = vocab
        self.verdict_keys = vocab.verdict_keys.values
        self.built_at = built_at
        self.newest_update = newest_update
        self.orders = {
            "newest": np.lexsort((-self.ids, -self.published)),
            "pay": np.lexsort((-self.ids, np.where(self.monthly < 0, 1, -self.monthly))),
            "closing": np.lexsort((-self.ids, self.valid_through)),
        }

    @classmethod
    def from_rows(cls, vocab: Vocabularies, rows: list, built_at: float, newest_update) -> Snapshot:
        return cls(vocab, _arrays(vocab, rows), built_at, newest_update)

    def with_rows(self, rows: list, newest_update) -> Snapshot:
        """A new snapshot with these rows added or replaced (by id)."""
        changed = _arrays(self.vocab, rows)
        arrays = {name: getattr(self, name).copy() for name in COLUMNS}
        positions = np.searchsorted(self.ids, changed["ids"])
        inside = positions < len(self.ids)
        known = np.zeros(len(positions), dtype=bool)
        known[inside] = self.ids[positions[inside]] == changed["ids"][inside]
        for name in COLUMNS:
            arrays[name][positions[known]] = changed[name][known]
            arrays[name] = np.concatenate([arrays[name], changed[name][~known]])
        return Snapshot(self.vocab, arrays, self.built_at, newest_update)

    def __len__(self) -> int:
        return len(self.ids)

    def open_on(self, day: date) -> np.ndarray:
        """Public on this day: listed and not past the closing date."""
        return self.listed & (self.valid_through >= day.toordinal())

    def rows_for(self, ids) -> np.ndarray:
        """Positions of these posting ids (ids not in the snapshot are left out)."""
        ids = np.asarray(ids, dtype=np.int64)
        if not len(ids) or not len(self.ids):
            return np.zeros(0, dtype=np.int64)
        positions = np.searchsorted(self.ids, ids)
        positions[positions >= len(self.ids)] = 0
        return positions[self.ids[positions] == ids]

    def mask_of(self, ids) -> np.ndarray:
        mask = np.zeros(len(self.ids), dtype=bool)
        mask[self.rows_for(ids)] = True
        return mask

    def page(self, mask: np.ndarray, sort: str, offset: int, limit: int) -> list[int]:
        """Ids of the postings on one page of the masked ones, in the chosen order."""
        order = self.orders[sort]
        chosen = order[mask[order]][offset:offset + limit]
        return [int(i) for i in self.ids[chosen]]


def _vocabularies() -> Vocabularies:
    from portal.jobs.models import EmploymentType, JapaneseLevel
    from portal.taxonomy.lookup import reference

    ref = reference()
    return Vocabularies(
        sectors=Vocabulary(tuple(ref.sectors)),
        prefectures=Vocabulary(tuple(ref.prefectures)),
        levels=Vocabulary(tuple(e.value for e in JapaneseLevel)),
        employment_types=Vocabulary(tuple(e.value for e in EmploymentType)),
        occupations=Vocabulary(tuple(sorted(ref.occupations))),
        verdict_keys=Combinations(),
    )


_lock = threading.Lock()
_snapshots: dict[str, Snapshot] = {}


def _newest_update() -> datetime | None:
    return db.session.scalar(select(func.max(Posting.updated_at)))


def current() -> Snapshot:
    """This process's snapshot for the app's database, brought up to date first."""
    key = str(db.engine.url)
    newest = _newest_update()
    snapshot = _snapshots.get(key)
    now = time.monotonic()
    if snapshot is not None and snapshot.newest_update == newest and now - snapshot.built_at < FULL_RELOAD_SECONDS:
        return snapshot
    with _lock:
        snapshot = _snapshots.get(key)
        if snapshot is not None and snapshot.newest_update == newest and now - snapshot.built_at < FULL_RELOAD_SECONDS:
            return snapshot
        if (snapshot is None or newest is None or snapshot.newest_update is None
                or as_utc(newest) < as_utc(snapshot.newest_update) or now - snapshot.built_at >= FULL_RELOAD_SECONDS):
            snapshot = Snapshot.from_rows(_vocabularies(), _read(), now, newest)
        else:
            # Rows updated at or after the last newest timestamp seen (rows of that same instant may
            # not have been committed when it was read).
            since = snapshot.newest_update - timedelta(seconds=1)
            snapshot = snapshot.with_rows(_read(Posting.updated_at >= since), newest)
        _snapshots[key] = snapshot
        return snapshot


def clear() -> None:
    """Forget every snapshot (tests empty the database between cases)."""
    with _lock:
        _snapshots.clear()
