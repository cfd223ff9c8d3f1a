"""How well the classifier labels a set of labelled postings: accuracy and a confusion matrix.

Pure (no Flask, no database): used by bench/classify_accuracy.py, by the test that fails the suite
when the held-out accuracy drops, and by the staff page that shows the accuracy before and after
staff corrections.

The evaluation set lives in tests/classification/ (JSON lines, one posting a line):

* `heldout.jsonl`: written before the classifier was tuned and never tuned on. Its figures are the
  ones reported (docs/performance.md). Do not edit it to make a posting pass.
* `tuning.jsonl`: the postings the taxonomy and sector weights may be tuned on.

Each line has id, lang (en, ja or mixed), style (kyujinhyo, board, blog, recruiter), title,
description, occupational_category (or null), sector and occupation (an ISCO-08 unit group).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from portal.matching.classify import Classification, Taxonomy, classify

EVALUATION_DIR = Path(__file__).resolve().parent.parent.parent / "tests" / "classification"
HELDOUT = "heldout.jsonl"
TUNING = "tuning.jsonl"

SHORT = {
    "nursing_care": "NC", "building_cleaning": "BC", "industrial_products": "IP", "construction": "CO",
    "shipbuilding": "SB", "automobile_repair": "AR", "aviation": "AV", "accommodation": "AC",
    "automobile_transport": "AT", "railway": "RW", "agriculture": "AG", "fishery": "FI",
    "food_manufacturing": "FM", "food_service": "FS", "forestry": "FO", "wood_industry": "WI",
    "it_engineering": "IT", "other": "OT",
}


def load_items(path: Path) -> list[dict]:
    """The labelled postings of one JSON-lines file; a broken line raises ValueError naming it."""
    items = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                items.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path.name}:{number}: {exc}") from exc
    return items


def classify_item(taxonomy: Taxonomy, item: dict, **extra) -> Classification:
    return classify(taxonomy, title=item.get("title"), description=item.get("description"),
                    occupational_category=item.get("occupational_category"), **extra)


@dataclass(frozen=True)
class Evaluation:
    """The classifier's answers on a labelled set."""

    pairs: tuple[tuple[dict, Classification], ...]

    @property
    def total(self) -> int:
        return len(self.pairs)

    @property
    def sector_hits(self) -> int:
        return sum(1 for item, result in self.pairs if result.sector == item["sector"])

    @property
    def occupation_hits(self) -> int:
        return sum(1 for item, result in self.pairs if result.occupation == item.get("occupation"))

    @property
    def sector_accuracy(self) -> float:
        return self.sector_hits / self.total if self.total else 0.0

    @property
    def occupation_accuracy(self) -> float:
        return self.occupation_hits / self.total if self.total else 0.0

    def misses(self) -> list[tuple[dict, Classification]]:
        return [(item, result) for item, result in self.pairs if result.sector != item["sector"]]

    def occupation_misses(self) -> list[tuple[dict, Classification]]:
        return [(item, result) for item, result in self.pairs
                if result.sector == item["sector"] and result.occupation != item.get("occupation")]

    def subset(self, keep: Callable[[dict], bool]) -> Evaluation:
        return Evaluation(tuple(pair for pair in self.pairs if keep(pair[0])))

    def confusion(self) -> Counter:
        """(true sector, predicted sector) → count."""
        return Counter((item["sector"], result.sector) for item, result in self.pairs)


def evaluate(taxonomy: Taxonomy, items: Iterable[dict],
             classifier: Callable[..., Classification] = classify_item, **extra) -> Evaluation:
    """`extra` goes to the classifier (learned=… to measure with staff corrections)."""
    return Evaluation(tuple((item, classifier(taxonomy, item, **extra)) for item in items))


def confusion_table(evaluation: Evaluation, sectors: Sequence[str]) -> str:
    """Rows = true sector, columns = predicted, short codes; a dot for zero."""
    counts = evaluation.confusion()
    cols = [SHORT.get(s, s[:2].upper()) for s in sectors]
    lines = ["true\\pred " + " ".join(f"{c:>3}" for c in cols) + "   n"]
    for true in sectors:
        row = [counts.get((true, pred), 0) for pred in sectors]
        if not any(row):
            continue
        cells = " ".join(f"{(v if v else '.'):>3}" for v in row)
        lines.append(f"{SHORT.get(true, true):<9} {cells} {sum(row):>3}")
    return "\n".join(lines)


def pct(hit: int, total: int) -> str:
    return f"{hit}/{total} = {100 * hit / total:.1f} %" if total else "n/a"
