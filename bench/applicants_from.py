"""How well imports read who a posting takes (portal/feeds/applicants.py).

    python bench/applicants_from.py

Prints, for the labelled texts of tests/fixtures/applicants_from/postings.json, the accuracy
overall and per language, the confusion (true → inferred) and every miss; then what the text alone
says of the demo postings (portal/data/demo/postings.json, whose recruiters chose the answer in the
editor) and the time per posting. Asserts nothing.
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from portal.feeds.applicants import infer_applicants_from  # noqa: E402

LABELLED = ROOT / "tests" / "fixtures" / "applicants_from" / "postings.json"
DEMO = ROOT / "portal" / "data" / "demo" / "postings.json"
TEXT_FIELDS = ("title_en", "title_ja", "description_en", "description_ja", "requirements_en", "requirements_ja")


def main() -> None:
    rows = json.loads(LABELLED.read_text(encoding="utf-8"))["postings"]
    confusion: Counter = Counter()
    per_lang: dict[str, list[int]] = {}
    misses = []
    for row in rows:
        got = infer_applicants_from([row["text"]], row["employment_type"])
        confusion[(row["expected"], got)] += 1
        right = got == row["expected"]
        per_lang.setdefault(row["lang"], [0, 0])[0] += right
        per_lang[row["lang"]][1] += 1
        if not right:
            misses.append((row["id"], row["expected"], got))
    right = sum(count for (want, got), count in confusion.items() if want == got)
    print(f"labelled texts: {right}/{len(rows)} right ({100 * right / len(rows):.1f} %)")
    for lang, (ok, total) in sorted(per_lang.items()):
        print(f"  {lang}: {ok}/{total} ({100 * ok / total:.1f} %)")
    print("confusion (true → inferred):")
    for (want, got), count in sorted(confusion.items()):
        print(f"  {want:>14} → {got:<14} {count}")
    for miss in misses:
        print("  miss:", *miss)

    demo = json.loads(DEMO.read_text(encoding="utf-8"))
    from_text = Counter()
    agree = 0
    for item in demo:
        got = infer_applicants_from([item.get(name) for name in TEXT_FIELDS], item["employment_type"])
        from_text[got] += 1
        agree += got == item["applicants_from"]
    print(f"demo postings ({len(demo)}): recruiters chose {dict(Counter(i['applicants_from'] for i in demo))}; "
          f"the text alone says {dict(from_text)}; agreeing {agree}")

    texts = [[item.get(name) for name in TEXT_FIELDS] for item in demo] * 50
    start = time.perf_counter()
    for text in texts:
        infer_applicants_from(text, "FULL_TIME")
    elapsed = time.perf_counter() - start
    print(f"speed: {1e6 * elapsed / len(texts):.0f} µs a posting ({len(texts)} postings)")


if __name__ == "__main__":
    main()
