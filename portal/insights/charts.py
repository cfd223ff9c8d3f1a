"""Chart geometry for server-rendered SVG: numbers in, positions and colours out.

A pure core (no Flask, no SQLAlchemy): the templates draw what these functions compute, so the
dashboard needs no chart library and no script."""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

# A tile map of Japan: (column, row) per JIS prefecture code, north-east at the top right.
PREFECTURE_TILES: dict[str, tuple[int, int]] = {
    "01": (11, 0),
    "02": (11, 2),
    "05": (10, 3), "03": (11, 3),
    "06": (10, 4), "04": (11, 4),
    "15": (10, 5), "07": (11, 5),
    "17": (7, 6), "16": (8, 6), "20": (9, 6), "10": (10, 6), "09": (11, 6),
    "18": (7, 7), "21": (8, 7), "19": (9, 7), "11": (10, 7), "08": (11, 7),
    "32": (3, 8), "31": (4, 8), "28": (5, 8), "26": (6, 8), "25": (7, 8), "23": (8, 8), "22": (9, 8),
    "13": (10, 8), "12": (11, 8),
    "35": (2, 9), "34": (3, 9), "33": (4, 9), "27": (5, 9), "29": (6, 9), "24": (7, 9), "14": (10, 9),
    "41": (0, 10), "40": (1, 10), "44": (2, 10), "38": (3, 10), "37": (4, 10), "30": (6, 10),
    "42": (0, 11), "43": (1, 11), "45": (2, 11), "39": (3, 11), "36": (4, 11),
    "46": (1, 12),
    "47": (0, 13),
}
# Light to dark; the last two carry white text (contrast above 4.5:1).
SCALE = ("#f1f5f9", "#c6dbef", "#7fb1d9", "#2f6fb0", "#0b3c73")
DARK_FROM = 3
EMPTY = "#ffffff"


@dataclass(frozen=True)
class Bar:
    key: str
    label: str
    value: int
    y: float
    width: float


@dataclass(frozen=True)
class BarChart:
    bars: list[Bar]
    width: int
    height: int
    label_width: int
    bar_height: int


def bar_chart(items: Sequence[tuple[str, str, int]], *, width: int = 640, label_width: int = 300,
              bar_height: int = 22, gap: int = 6) -> BarChart:
    """Horizontal bars, longest first: items are (key, label, value)."""
    items = sorted((item for item in items if item[2] > 0), key=lambda item: (-item[2], item[1]))
    top = max((value for _, _, value in items), default=0)
    room = width - label_width - 60
    bars = [Bar(key, label, value, index * (bar_height + gap), room * value / top if top else 0)
            for index, (key, label, value) in enumerate(items)]
    return BarChart(bars, width, max(1, len(bars)) * (bar_height + gap), label_width, bar_height)


@dataclass(frozen=True)
class Tile:
    code: str
    label: str
    value: int
    x: int
    y: int
    fill: str
    dark: bool


def colour(value: int, top: int) -> tuple[str, bool]:
    if value <= 0 or top <= 0:
        return EMPTY, False
    step = min(len(SCALE) - 1, int((value / top) * (len(SCALE) - 1) + 0.999))
    step = max(step, 1) if len(SCALE) > 1 else 0
    return SCALE[step], step >= DARK_FROM


def tile_map(counts: dict[str, int], labels: dict[str, str], *, size: int = 40) -> list[Tile]:
    top = max(counts.values(), default=0)
    tiles = []
    for code, (column, row) in PREFECTURE_TILES.items():
        value = counts.get(code, 0)
        fill, dark = colour(value, top)
        tiles.append(Tile(code, labels.get(code, code), value, column * size, row * size, fill, dark))
    return tiles


def legend(top: int) -> list[tuple[str, int, int]]:
    """(colour, from, to) for the non-empty steps of the scale."""
    if top <= 0:
        return []
    steps = len(SCALE) - 1
    bounds = []
    low = 1
    for step in range(1, steps + 1):
        high = max(low, int(top * step / steps))
        if step == steps:
            high = top
        if high >= low:
            bounds.append((SCALE[step], low, high))
        low = high + 1
    return bounds


def decision_hours(events: Iterable[tuple[int, str, datetime]]) -> list[float]:
    """Hours from a posting's submission to staff's decision (approve or reject), for each decision.
    `events` are (posting id, action, time) in time order."""
    submitted: dict[int, datetime] = {}
    hours = []
    for posting_id, action, at in events:
        if action == "submit":
            submitted[posting_id] = at
        elif action in ("approve", "reject") and posting_id in submitted:
            hours.append((at - submitted.pop(posting_id)).total_seconds() / 3600)
    return hours


def median(values: Sequence[float]) -> float | None:
    return statistics.median(values) if values else None


@dataclass(frozen=True)
class Series:
    code: str
    label: str
    points: str  # SVG polyline points
    values: list[int]


def line_chart(weeks: Sequence[str], series: dict[str, tuple[str, list[int]]], *, width: int = 640,
               height: int = 200, left: int = 40, bottom: int = 24) -> tuple[list[Series], int]:
    """Polylines, one per code, over evenly spaced weeks; returns them and the top value."""
    top = max((value for _, values in series.values() for value in values), default=0)
    step = (width - left - 10) / max(1, len(weeks) - 1)
    plot = height - bottom - 10
    out = []
    for code, (label, values) in series.items():
        points = " ".join(f"{left + i * step:.1f},{10 + plot - (plot * v / top if top else 0):.1f}"
                          for i, v in enumerate(values))
        out.append(Series(code, label, points, list(values)))
    return out, top
