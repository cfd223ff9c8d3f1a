"""Job search, the search API and the job page with many postings, measured in-process.

    python bench/search_bench.py [--database-url URL] [--postings 100000] [--requests 200] [--json OUT]
                                 [--profile SCENARIO]

Prints figures; asserts nothing about time (a slow machine is not a failing build). The requirement
it reports on (docs/performance.md):

    With 100,000 published postings, on SQLite and on PostgreSQL: search page (keyword + two filters,
    20 results) and GET /api/v1/jobs median <= 30 ms and p95 <= 80 ms in-process; a Japanese
    two-character query within the same bounds; job page median <= 15 ms. Report the ratio to a bare
    Flask route that renders the same template from an in-memory list.

Databases are seeded once and reused: SQLite in bench/.data/ (not committed), PostgreSQL in the
schema `bench` of the given database. Each request goes through the whole app with
`app.test_client()` (routing, locale, limiter, security headers, one database session per request),
timed with time.perf_counter() around the request and reading its body.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import platform
import pstats
import random
import secrets
import sqlite3
import statistics
import sys
import time
from dataclasses import asdict, dataclass, field
from datetime import date
from importlib import metadata
from math import ceil
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # `python bench/search_bench.py` from a checkout, installed or not

DATA_DIR = ROOT / "bench" / ".data"
DEFAULT_SQLITE = DATA_DIR / "search_bench.sqlite"
DEFAULT_SQLITE_URL = f"sqlite:///{DEFAULT_SQLITE}"  # also used by bench/match_bench.py
PG_SCHEMA = "bench"
BASE_URL = "https://localhost"  # the production config marks cookies Secure; a browser would send them back
WARMUP = 20

# English keywords with a sector where postings use them; the prefecture comes from the data.
KEYWORDS_EN = [
    ("welder", "industrial_products"), ("driver", "automobile_transport"), ("care", "nursing_care"),
    ("farm", "agriculture"), ("cook", "food_service"), ("cleaning", "building_cleaning"),
    ("factory", "food_manufacturing"), ("hotel", "accommodation"), ("mechanic", "automobile_repair"),
    ("carpenter", "construction"), ("welder", "shipbuilding"), ("factory", "industrial_products"),
    ("forestry", "forestry"), ("maintenance", "railway"), ("engineer", "it_engineering"),
]
KEYWORDS_JA2 = ["介護", "溶接", "農業", "建設", "外食", "清掃", "運転", "製造", "宿泊", "漁業", "整備", "工場"]


@dataclass
class Scenario:
    name: str
    what: str
    urls: list[str]
    median_bound: float | None = None
    p95_bound: float | None = None
    matches: list[int] = field(default_factory=list)  # postings each search matches (for the report)


@dataclass
class Figures:
    name: str
    n: int
    median: float
    p95: float
    mean: float
    queries: float  # median statements per request
    sql_ms: float  # median time inside cursor.execute per request
    matches: int | None
    bound: str
    verdict: str


# --- database -------------------------------------------------------------------------------------------

def make_app(url: str):
    from portal import create_app

    options: dict = {"pool_pre_ping": True}
    if url == DEFAULT_SQLITE_URL:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
    if url.startswith("postgresql"):
        _ensure_schema(url)
        options["connect_args"] = {"options": f"-csearch_path={PG_SCHEMA}"}
    # The production configuration, as deployed; only the secret is a throwaway one.
    return create_app({
        "ENV_NAME": "production",
        "SECRET_KEY": secrets.token_hex(32),
        "SQLALCHEMY_DATABASE_URI": url,
        "SQLALCHEMY_ENGINE_OPTIONS": options,
        "RATELIMIT_STORAGE_URI": "memory://",
        "SITE_URL": BASE_URL,  # production answers only to the site's own host (TRUSTED_HOSTS)
    })


def _ensure_schema(url: str) -> None:
    from sqlalchemy import create_engine, text

    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{PG_SCHEMA}"'))
    admin.dispose()


def published_count() -> int:
    from sqlalchemy import func, select

    from portal.extensions import db
    from portal.jobs.models import Posting, PostingStatus

    return db.session.scalar(select(func.count()).select_from(Posting).where(Posting.status == PostingStatus.PUBLISHED))


def prepare_database(app, postings: int) -> dict:
    """Schema, reference data and at least `postings` published postings (seeded only when missing)."""
    from flask_migrate import upgrade
    from sqlalchemy import text

    from portal.db import writing
    from portal.extensions import db
    from portal.jobs import demo
    from portal.taxonomy.services import load_reference_data

    info: dict = {"seeded": 0, "seed_seconds": None}
    with app.app_context(), writing():
        upgrade()
        load_reference_data()
        db.session.commit()
        have = published_count()
        if have >= postings:
            print(f"Reusing the database: {have:,} published postings.", flush=True)
            return info
        started = time.perf_counter()
        if demo.database_is_empty():
            demo.seed_world()  # as `seed-demo --postings N`: the demo world, then N synthetic postings
            missing = postings
        else:
            missing = postings - have
        print(f"Seeding {missing:,} synthetic postings (found {have:,})…", flush=True)
        done = 0
        next_report = 10_000

        def progress(batch: int) -> None:
            nonlocal done, next_report
            done += batch
            if done >= next_report or done == missing:
                print(f"  {done:,}/{missing:,} after {time.perf_counter() - started:.0f} s", flush=True)
                next_report += 10_000

        demo.seed_synthetic(missing, progress=progress, seed=20261127 + have)
        if db.engine.dialect.name == "postgresql":
            # What autovacuum would do shortly after a bulk load, done now so every run sees the same plans.
            db.session.commit()
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(text("VACUUM ANALYZE postings"))
        info["seeded"] = missing
        info["seed_seconds"] = time.perf_counter() - started
        print(f"Seeded {missing:,} postings in {info['seed_seconds']:.1f} s.", flush=True)
    return info


class SqlStats:
    """Statements and time inside cursor.execute, counted through SQLAlchemy engine events."""

    def __init__(self, engine):
        from sqlalchemy import event

        self.count = 0
        self.seconds = 0.0
        self.by_statement: dict[str, list] | None = None
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def reset(self) -> None:
        self.count = 0
        self.seconds = 0.0

    def _before(self, conn, cursor, statement, parameters, context, executemany):
        conn.info.setdefault("bench_started", []).append(time.perf_counter())

    def _after(self, conn, cursor, statement, parameters, context, executemany):
        elapsed = time.perf_counter() - conn.info["bench_started"].pop()
        self.count += 1
        self.seconds += elapsed
        if self.by_statement is not None:
            entry = self.by_statement.setdefault(" ".join(statement.split()), [0, 0.0])
            entry[0] += 1
            entry[1] += elapsed


# --- scenarios ------------------------------------------------------------------------------------------

def _cycle(items: list, count: int, rng: random.Random) -> list:
    """`count` items taken round-robin from a shuffled copy, reshuffled every round."""
    out: list = []
    while len(out) < count:
        batch = list(items)
        rng.shuffle(batch)
        out.extend(batch)
    return out[:count]


def build_scenarios(app, requests: int) -> tuple[list[Scenario], dict]:
    from sqlalchemy import func, select

    from portal.extensions import db
    from portal.jobs.models import Posting, PostingStatus
    from portal.jobs.search import SearchParams, public_condition, search

    rng = random.Random(20261127)
    total = WARMUP + requests
    with app.app_context():
        pairs = db.session.execute(
            select(Posting.sector_code, Posting.prefecture_code, func.count())
            .where(public_condition()).group_by(Posting.sector_code, Posting.prefecture_code)
        ).all()
        by_sector: dict[str, list[tuple[str, int]]] = {}
        for sector, prefecture, count in pairs:
            by_sector.setdefault(sector, []).append((prefecture, count))
        combos_en = [(q, sector, prefecture) for q, sector in KEYWORDS_EN
                     for prefecture, _ in sorted(by_sector.get(sector, []), key=lambda p: -p[1])[:12]]
        if not combos_en:
            raise SystemExit("No published postings in the keyword sectors: is the database seeded?")
        prefectures = sorted({p for _, p, _ in pairs})
        combos_ja = [(q, p) for q in KEYWORDS_JA2 for p in prefectures]
        sectors = sorted(by_sector)
        ids = list(db.session.scalars(select(Posting.id).where(Posting.status == PostingStatus.PUBLISHED)))

        en = _cycle(combos_en, total, rng)
        ja = _cycle(combos_ja, total, rng)
        ja_only = _cycle(KEYWORDS_JA2, total, rng)
        browse_sectors = _cycle(sectors, total, rng)
        job_ids = [rng.choice(ids) for _ in range(total)]

        def matches(params_list) -> list[int]:
            cache: dict = {}
            out = []
            for params in params_list[WARMUP:]:
                if params not in cache:
                    cache[params] = search(params, with_facets=False).total
                out.append(cache[params])
            db.session.rollback()
            return out

        m_en = matches([SearchParams(q=q, sector=s, prefecture=p) for q, s, p in en])
        m_ja = matches([SearchParams(q=q, prefecture=p) for q, p in ja])
        m_ja_only = matches([SearchParams(q=q) for q in ja_only])
        m_browse = matches([SearchParams(sector=s) if i % 2 else SearchParams() for i, s in enumerate(browse_sectors)])

    def qs(**args) -> str:
        return urlencode({k: v for k, v in args.items() if v is not None})

    has_api = any(rule.rule == "/api/v1/jobs" for rule in app.url_map.iter_rules())
    scenarios = [
        Scenario("search-page", "/en/jobs?q=keyword&sector=…&prefecture=…",
                 [f"/en/jobs?{qs(q=q, sector=s, prefecture=p)}" for q, s, p in en], 30, 80, m_en),
        Scenario("search-page-ja2", "/ja/jobs?q=介護&prefecture=…",
                 [f"/ja/jobs?{qs(q=q, prefecture=p)}" for q, p in ja], 30, 80, m_ja),
    ]
    if has_api:
        scenarios += [
            Scenario("api-jobs", "/api/v1/jobs?q=keyword&sector=…&prefecture=…",
                     [f"/api/v1/jobs?{qs(q=q, sector=s, prefecture=p)}" for q, s, p in en], 30, 80, m_en),
            Scenario("api-jobs-ja2", "/api/v1/jobs?q=介護",
                     [f"/api/v1/jobs?{qs(q=q)}" for q in ja_only], 30, 80, m_ja_only),
        ]
    else:
        print("NOTE: /api/v1/jobs is not registered in this checkout; the api-jobs scenarios are skipped.")
    scenarios += [
        Scenario("job-page", "/en/jobs/<id> and /ja/jobs/<id>",
                 [f"/{'ja' if i % 2 else 'en'}/jobs/{posting_id}" for i, posting_id in enumerate(job_ids)], 15, None),
        Scenario("search-page-browse", "/en/jobs and /en/jobs?sector=…",
                 [f"/en/jobs?{qs(sector=s)}" if i % 2 else "/en/jobs" for i, s in enumerate(browse_sectors)],
                 None, None, m_browse),
    ]
    # The bare route renders the search-page combination with the most matches: a full page of results.
    q, s, p = max(zip(en[WARMUP:], m_en, strict=True), key=lambda pair: pair[1])[0]
    setup = {"bare_params": SearchParams(q=q, sector=s, prefecture=p)}
    return scenarios, setup


def install_bare_route(app, state: dict) -> None:
    """/<lang>/bench-bare: public/jobs.html with the search page's context, from objects in memory.

    Registered before the first request (Flask refuses new routes afterwards); `state` is filled
    by load_bare_result().
    """
    from flask import render_template

    from portal.jobs.search import LEVEL_RANK, SORTS
    from portal.web.public import PARAM_LABELS

    def bench_bare(**_):
        result = state["result"]
        return render_template(
            "public/jobs.html",
            result=result,
            params=result.params,
            errors={},
            param_labels=PARAM_LABELS,
            ref=state["ref"],  # not reference(): that reloads from the database when its TTL runs out
            levels=list(LEVEL_RANK),
            sorts=SORTS,
        )

    app.add_url_rule("/<lang:lang>/bench-bare", endpoint="bench_bare", view_func=bench_bare)


def load_bare_result(app, params, state: dict) -> None:
    """One real SearchResult (20 postings with their organisations, facets), detached from the session."""
    from portal.extensions import db
    from portal.jobs.search import search
    from portal.taxonomy.lookup import reference

    with app.app_context():
        result = search(params)
        for posting in result.items:
            posting.organisation  # loaded by selectinload already; touched to be sure  # noqa: B018
        db.session.expunge_all()
        state["result"] = result
        state["ref"] = reference()
    print(f"Bare route renders {len(result.items)} postings of {result.total:,} "
          f"({params.q!r}, {params.sector}, prefecture {params.prefecture}) from memory.")


# --- measuring ------------------------------------------------------------------------------------------

def nearest_rank(sorted_values: list[float], pct: float) -> float:
    return sorted_values[max(0, ceil(pct / 100 * len(sorted_values)) - 1)]


def measure(app, stats: SqlStats, scenario: Scenario, profile: cProfile.Profile | None = None) -> Figures:
    clients: dict[str, object] = {}

    def client_for(url: str):
        key = url.split("/")[1]  # one browser per language (its language cookie), one for the API
        if key not in clients:
            clients[key] = app.test_client()
        return clients[key]

    def one(url: str) -> tuple[float, int, float]:
        client = client_for(url)
        stats.reset()
        started = time.perf_counter()
        response = client.get(url, base_url=BASE_URL)
        response.get_data()
        elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise SystemExit(f"{scenario.name}: {url} answered {response.status_code}")
        response.close()
        return elapsed, stats.count, stats.seconds

    for url in scenario.urls[:WARMUP]:
        one(url)
    samples = []
    if profile:
        profile.enable()
    for url in scenario.urls[WARMUP:]:
        samples.append(one(url))
    if profile:
        profile.disable()

    times = sorted(ms for ms, _, _ in ((s[0] * 1000, s[1], s[2]) for s in samples))
    median, p95, mean = statistics.median(times), nearest_rank(times, 95), statistics.fmean(times)
    bound, verdict = "-", "-"
    if scenario.median_bound is not None:
        parts = [f"median ≤ {scenario.median_bound:g}"]
        over = median > scenario.median_bound
        if scenario.p95_bound is not None:
            parts.append(f"p95 ≤ {scenario.p95_bound:g}")
            over = over or p95 > scenario.p95_bound
        bound, verdict = ", ".join(parts), ("over" if over else "ok")
    return Figures(
        name=scenario.name,
        n=len(times),
        median=median,
        p95=p95,
        mean=mean,
        queries=statistics.median(s[1] for s in samples),
        sql_ms=statistics.median(s[2] * 1000 for s in samples),
        matches=int(statistics.median(scenario.matches)) if scenario.matches else None,
        bound=bound,
        verdict=verdict,
    )


# --- report ---------------------------------------------------------------------------------------------

def environment(app, url: str, count: int) -> dict:
    from sqlalchemy import func, select, text
    from sqlalchemy.engine import make_url

    from portal.extensions import db
    from portal.jobs.models import Posting
    from portal.jobs.search import public_condition

    with app.app_context():
        dialect = db.engine.dialect.name
        postgres = db.session.scalar(text("SHOW server_version")) if dialect == "postgresql" else None
        public = db.session.scalar(select(func.count()).select_from(Posting).where(public_condition()))
    return {
        "database": make_url(url).render_as_string(hide_password=True),
        "dialect": dialect,
        "published_postings": count,
        "open_postings": public,
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "postgresql": postgres,
        "flask": metadata.version("flask"),
        "sqlalchemy": metadata.version("sqlalchemy"),
        "cpus": os.cpu_count(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "machine": f"{platform.system()} {platform.machine()}",
        "date": date.today().isoformat(),
        "commit": _commit(),
    }


def _commit() -> str | None:
    """The checked-out commit, with "+changes" when the working tree differs from it (read-only git)."""
    import subprocess

    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return head + ("+changes" if dirty else "")


def print_header(env: dict, requests: int) -> None:
    print()
    print(f"database     {env['database']} ({env['dialect']})")
    print(f"postings     {env['published_postings']:,} published, {env['open_postings']:,} open today")
    print(f"versions     Python {env['python']}, SQLite {env['sqlite']}, "
          f"PostgreSQL {env['postgresql'] or '-'}, Flask {env['flask']}, SQLAlchemy {env['sqlalchemy']}")
    print(f"machine      {env['cpus']} CPUs, {env['machine']}, load average {' '.join(map(str, env['load_average']))}, "
          f"{env['date']}")
    print(f"code         commit {env['commit'] or 'unknown'}")
    print(f"requests     {requests} per scenario after {WARMUP} warm-up requests; times in ms, in-process")
    print()


def print_line(f: Figures) -> None:
    matches = f"{f.matches:>7,}" if f.matches is not None else "      -"
    print(f"{f.name:<20} n={f.n:<4} median {f.median:7.2f}  p95 {f.p95:7.2f}  mean {f.mean:7.2f}  "
          f"sql {f.sql_ms:6.2f} ({f.queries:g} stmts)  matches {matches}  {f.verdict:<4} {f.bound}", flush=True)


def markdown(env: dict, figures: list[Figures], ratio: float | None) -> str:
    lines = [
        f"{env['dialect']}: {env['published_postings']:,} published postings, Python {env['python']}, "
        + (f"PostgreSQL {env['postgresql']}" if env["postgresql"] else f"SQLite {env['sqlite']}")
        + f", {env['cpus']} CPUs, load average {env['load_average'][0]}, commit {env['commit'] or '?'}, {env['date']}",
        "",
        "| scenario | n | median ms | p95 ms | mean ms | SQL ms (median) | statements | matches (median) | bound | result |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for f in figures:
        matches = f"{f.matches:,}" if f.matches is not None else "-"
        lines.append(f"| {f.name} | {f.n} | {f.median:.1f} | {f.p95:.1f} | {f.mean:.1f} | {f.sql_ms:.1f} | "
                     f"{f.queries:g} | {matches} | {f.bound} | {f.verdict} |")
    if ratio is not None:
        lines += ["", f"search-page median / bare-template median: **{ratio:.1f}×**"]
    return "\n".join(lines)


def print_profile(profile: cProfile.Profile, stats: SqlStats, scenario: str, requests: int) -> None:
    out = io.StringIO()
    pstats.Stats(profile, stream=out).strip_dirs().sort_stats("cumulative").print_stats(35)
    print(f"\n=== cProfile, {scenario}, {requests} requests, by cumulative time ===")
    print(out.getvalue())
    print(f"=== SQL statements in {scenario}, by total time inside cursor.execute ===")
    rows = sorted(stats.by_statement.items(), key=lambda item: -item[1][1])
    for statement, (count, seconds) in rows[:15]:
        print(f"{seconds * 1000:9.1f} ms total  {count:5d}×  {seconds * 1000 / count:7.2f} ms each  {statement[:400]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help=f"default: sqlite:///{DEFAULT_SQLITE.relative_to(ROOT)} "
                        f"(PostgreSQL: postgresql+psycopg://…; the schema {PG_SCHEMA!r} is used)")
    parser.add_argument("--postings", type=int, default=100_000, help="published postings wanted (default 100000)")
    parser.add_argument("--requests", type=int, default=200, help="measured requests per scenario (default 200)")
    parser.add_argument("--cold-keywords", action="store_true",
                        help="turn off the per-process cache of keyword matches (every search asks the database)")
    parser.add_argument("--json", metavar="OUT", help="also write the figures to this JSON file")
    parser.add_argument("--profile", metavar="SCENARIO",
                        help="run only this scenario under cProfile and print top functions and SQL statements")
    args = parser.parse_args(argv)

    url = args.database_url or DEFAULT_SQLITE_URL

    state: dict = {}
    app = make_app(url)
    install_bare_route(app, state)  # before any request: Flask refuses routes added later
    seeding = prepare_database(app, args.postings)
    with app.app_context():
        count = published_count()
        from portal.extensions import db

        stats = SqlStats(db.engine)
    scenarios, setup = build_scenarios(app, args.requests)
    load_bare_result(app, setup["bare_params"], state)
    scenarios.append(Scenario("bare-template", "/en/bench-bare: public/jobs.html from memory",
                              ["/en/bench-bare"] * (WARMUP + args.requests)))

    if args.cold_keywords:
        from portal.jobs import search as search_module

        search_module.KEYWORD_CACHE_SIZE = 0
    env = environment(app, url, count)
    env["keyword_cache"] = "off (--cold-keywords)" if args.cold_keywords else "on"
    print_header(env, args.requests)
    print(f"keywords     per-process cache of keyword matches {env['keyword_cache']}")

    if args.profile:
        chosen = [s for s in scenarios if s.name == args.profile]
        if not chosen:
            parser.error(f"--profile: one of {', '.join(s.name for s in scenarios)}")
        profile = cProfile.Profile()
        stats.by_statement = {}
        figures = measure(app, stats, chosen[0], profile)
        print_line(figures)
        print_profile(profile, stats, chosen[0].name, args.requests)
        return 0

    results = []
    for scenario in scenarios:
        figures = measure(app, stats, scenario)
        print_line(figures)
        results.append(figures)

    env["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    print(f"\nload average at the end: {' '.join(map(str, env['load_average_end']))}")
    by_name = {f.name: f for f in results}
    ratio = None
    if "search-page" in by_name and by_name["bare-template"].median > 0:
        ratio = by_name["search-page"].median / by_name["bare-template"].median
        print(f"\nsearch-page median / bare-template median: {ratio:.1f}×")
    if by_name["bare-template"].queries:
        print("WARNING: the bare route ran SQL statements; its figures are not database-free.")
    over = [f.name for f in results if f.verdict == "over"]
    print("\nAll bounds met." if not over else f"\nOver a bound: {', '.join(over)}.")

    print("\n--- Markdown (for docs/performance.md) ---\n")
    print(markdown(env, results, ratio))

    if args.json:
        Path(args.json).write_text(json.dumps({
            "environment": env,
            "seeding": seeding,
            "requests": args.requests,
            "warmup": WARMUP,
            "scenarios": [asdict(f) for f in results],
            "search_page_to_bare_ratio": ratio,
        }, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"\nWrote {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
