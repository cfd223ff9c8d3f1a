"""How well the posting classifier finds the sector and occupation of the labelled postings.

    python bench/classify_accuracy.py [--labelled PATH] [--data-dir DIR] [--all]

Loads the taxonomy (portal/data) and the labelled set
(portal/data/classification/labelled_postings.jsonl), classifies every posting and prints sector
accuracy overall and per language, occupation accuracy where the label has one, a confusion matrix
(rows = true sector, columns = predicted, short codes) and every misclassified posting with its
evidence. Target: sector accuracy >= 90 %. Asserts nothing; exits 1 below the target.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from portal.matching.classify import DATA_DIR, Classification, classify, load_taxonomy  # noqa: E402

LABELLED = DATA_DIR / "classification" / "labelled_postings.jsonl"
TARGET = 0.90

SHORT = {
    "nursing_care": "NC", "building_cleaning": "BC", "industrial_products": "IP", "construction": "CO",
    "shipbuilding": "SB", "automobile_repair": "AR", "aviation": "AV", "accommodation": "AC",
    "automobile_transport": "AT", "railway": "RW", "agriculture": "AG", "fishery": "FI",
    "food_manufacturing": "FM", "food_service": "FS", "forestry": "FO", "wood_industry": "WI",
    "it_engineering": "IT", "other": "OT",
}


def load_labelled(path: Path = LABELLED) -> list[dict]:
    items = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                items.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise SystemExit(f"{path}:{number}: {exc}") from exc
    return items


def run(items: list[dict], taxonomy) -> list[tuple[dict, Classification]]:
    return [
        (item, classify(taxonomy, title=item["title"], description=item.get("description"),
                        occupational_category=item.get("occupational_category")))
        for item in items
    ]


def accuracy(pairs) -> tuple[int, int]:
    return sum(1 for item, result in pairs if result.sector == item["sector"]), len(pairs)


def pct(hit: int, total: int) -> str:
    return f"{hit}/{total} = {100 * hit / total:.1f} %" if total else "n/a"


def confusion(pairs, sectors: list[str]) -> str:
    counts = Counter((item["sector"], result.sector) for item, result in pairs)
    cols = [SHORT.get(s, s[:2].upper()) for s in sectors]
    lines = ["true\\pred " + " ".join(f"{c:>3}" for c in cols) + "   n"]
    for true in sectors:
        row = [counts.get((true, pred), 0) for pred in sectors]
        cells = " ".join(f"{(v if v else '.'):>3}" for v in row)
        lines.append(f"{SHORT.get(true, true):<9} {cells} {sum(row):>3}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labelled", type=Path, default=LABELLED)
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR)
    parser.add_argument("--all", action="store_true", help="also list occupation misses")
    args = parser.parse_args(argv)

    taxonomy = load_taxonomy(args.data_dir)
    items = load_labelled(args.labelled)
    pairs = run(items, taxonomy)
    sectors = list(taxonomy.sectors)

    shown = args.labelled.relative_to(ROOT) if args.labelled.is_relative_to(ROOT) else args.labelled
    print(f"labelled postings: {len(items)}  ({shown})")
    per_sector = Counter(item["sector"] for item in items)
    print("per sector: " + ", ".join(f"{SHORT.get(s, s)} {per_sector.get(s, 0)}" for s in sectors))
    hit, total = accuracy(pairs)
    print(f"\nsector accuracy overall: {pct(hit, total)}  (target {TARGET:.0%})")
    for lang in sorted({item["lang"] for item in items}):
        print(f"  {lang}: {pct(*accuracy([p for p in pairs if p[0]['lang'] == lang]))}")
    by_source = defaultdict(list)
    for item, result in pairs:
        by_source[result.source].append((item, result))
    for source in ("code", "text", "none"):
        if by_source[source]:
            print(f"  source={source}: {pct(*accuracy(by_source[source]))}")
    with_code = [p for p in pairs if p[0].get("occupational_category")]
    print(f"  with occupational_category: {len(with_code)} ({100 * len(with_code) / len(pairs):.0f} %)")

    occ = [(item, result) for item, result in pairs if item.get("occupation")]
    occ_hit = sum(1 for item, result in occ if result.occupation == item["occupation"])
    print(f"occupation accuracy (where labelled): {pct(occ_hit, len(occ))}")

    print("\nconfusion matrix (rows = true sector, columns = predicted)")
    print(confusion(pairs, sectors))

    misses = [(item, result) for item, result in pairs if result.sector != item["sector"]]
    print(f"\nmisclassified: {len(misses)}")
    for item, result in misses:
        print(f"- {item['id']} [{item['lang']}] {item['title']!r}: true {item['sector']}, "
              f"got {result.sector} ({result.source}, confidence {result.confidence:.2f}) scores {list(result.scores)}")
        for line in result.evidence:
            print(f"    {line}")
    if args.all:
        occ_misses = [(i, r) for i, r in occ if r.occupation != i["occupation"]]
        print(f"\noccupation misses: {len(occ_misses)}")
        for item, result in occ_misses:
            print(f"- {item['id']} {item['title']!r}: true {item['occupation']}, got {result.occupation}")
    return 0 if hit / total >= TARGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
