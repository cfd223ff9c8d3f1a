"""Measures of a ranking against judged queries: nDCG@10, best posting first, and the rules each
query states (postings that must be in the top five, postings that must not appear at all)."""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from pathlib import Path

JUDGED = Path(__file__).resolve().parent / "judged.toml"
GRADES = {"best": 3, "top5": 2, "also": 1}


@dataclass(frozen=True)
class Judged:
    q: str
    lang: str
    best: tuple[str, ...]  # any of these first counts as first place
    top5: tuple[str, ...]  # must be in the top five, with the best ones (if more than five: fill it)
    also: tuple[str, ...]  # relevant, anywhere
    never: tuple[str, ...]  # must not be found at all
    note: str = ""

    def grade(self, key: str) -> int:
        for name, grade in GRADES.items():
            if key in getattr(self, name):
                return grade
        return 0


def load(path: Path = JUDGED) -> list[Judged]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return [Judged(q=item["q"], lang=item.get("lang", "en"), best=tuple(item["best"]),
                   top5=tuple(item.get("top5", ())), also=tuple(item.get("also", ())),
                   never=tuple(item.get("never", ())), note=item.get("note", "")) for item in data["query"]]


def dcg(grades: list[int]) -> float:
    return sum((2 ** grade - 1) / math.log2(rank + 2) for rank, grade in enumerate(grades))


def ndcg_at_10(judged: Judged, ranking: list[str]) -> float:
    ideal = sorted((judged.grade(key) for key in {*judged.best, *judged.top5, *judged.also}), reverse=True)
    best = dcg(ideal[:10])
    return dcg([judged.grade(key) for key in ranking[:10]]) / best if best else 0.0


def broken_rules(judged: Judged, ranking: list[str]) -> list[str]:
    required = (*judged.best, *judged.top5)
    if len(required) <= 5:
        problems = [f"{key} not in the top 5" for key in required if key not in ranking[:5]]
    else:  # more than five must-haves: the top five are all of them
        problems = [f"{key} in the top 5" for key in ranking[:5] if key not in required]
    problems += [f"{key} found" for key in judged.never if key in ranking]
    return problems


@dataclass
class Report:
    queries: int
    ndcg: float
    first_place: float
    rules_kept: float
    failures: list[str]

    def lines(self) -> list[str]:
        return [f"judged queries: {self.queries}", f"nDCG@10: {self.ndcg:.3f}",
                f"best posting first: {self.first_place:.1%}", f"rules kept (top 5 / never): {self.rules_kept:.1%}"]


def evaluate(judged: list[Judged], rank) -> Report:
    """`rank(query, lang)` → the keys of the postings found, best first."""
    ndcgs, firsts, kept, failures = [], [], [], []
    for item in judged:
        ranking = rank(item.q, item.lang)
        ndcgs.append(ndcg_at_10(item, ranking))
        firsts.append(bool(ranking) and ranking[0] in item.best)
        problems = broken_rules(item, ranking)
        kept.append(not problems)
        if problems or not firsts[-1]:
            failures.append(f"{item.q!r} ({item.lang}): first {ranking[:1]}; " + "; ".join(problems))
    count = len(judged)
    return Report(count, sum(ndcgs) / count, sum(firsts) / count, sum(kept) / count, failures)
