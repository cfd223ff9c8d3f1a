"""Matching one profile against every published posting and returning the top 20 with reasons.

    python bench/match_bench.py [--database-url URL] [--postings 100000] [--runs 30]

Uses the benchmark database of bench/search_bench.py (seeded once, then reused). Prints median and
p95 per profile; never asserts timings.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import search_bench  # noqa: E402 - reuse its database set-up

from portal.matching import engine, services  # noqa: E402

PROFILES = {
    "welder N5": engine.Profile(trades=(engine.TradeSkill("welder", 4, 3),), jlpt="N5"),
    "caregiver N4 + tests": engine.Profile(trades=(engine.TradeSkill("caregiver", 2),), jlpt="N4",
                                           nursing_japanese=True, skills_tests=frozenset({"nursing_care"})),
    "HTV driver": engine.Profile(trades=(engine.TradeSkill("htv_driver", 8),), licences=frozenset({"pk_htv"})),
    "IT graduate": engine.Profile(trades=(engine.TradeSkill("it_software", 3),), education="bachelor", jlpt="N3"),
    "no trade yet": engine.Profile(jlpt="N4"),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--postings", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{search_bench.DEFAULT_SQLITE}"
    app = search_bench.make_app(url)
    search_bench.prepare_database(app, args.postings)
    with app.app_context():
        from sqlalchemy import func, select

        from portal.extensions import db
        from portal.jobs.models import Posting
        from portal.jobs.search import public_condition

        total = db.session.scalar(select(func.count()).select_from(Posting).where(public_condition()))
        print(f"matching benchmark on {db.engine.dialect.name}: {total:,} published postings, {os.cpu_count()} CPUs")
        print("| profile | runs | median ms | p95 ms | top score | verdict of best |")
        print("|---|---:|---:|---:|---:|---|")
        for name, profile in PROFILES.items():
            services.best_matches(profile)  # warm caches
            timings = []
            for _ in range(args.runs):
                start = time.perf_counter()
                found = services.best_matches(profile, limit=20)
                timings.append((time.perf_counter() - start) * 1000)
                db.session.rollback()
            timings.sort()
            p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
            best = found[0].result if found else None
            print(f"| {name} | {len(timings)} | {statistics.median(timings):.1f} | {p95:.1f} | "
                  f"{best.score if best else '-'} | {best.eligibility if best else '-'} |")


if __name__ == "__main__":
    main()
