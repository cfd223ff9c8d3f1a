"""Load: locust against gunicorn on 127.0.0.1, with 100,000 postings, on PostgreSQL or SQLite.

    python bench/load_bench.py [--database-url URL] [--workers N] [--users 50] [--spawn-rate 2]
                               [--run-time 120] [--postings 100000] [--redis-url URL] [--json OUT]

What it does, in order:
1. Prepares the database as bench/search_bench.py does (100,000 published postings, seeded once and
   reused: bench/.data/search_bench.sqlite, or the schema "bench" on PostgreSQL), then adds fresh
   accounts for this run: job seekers with a profile and recruiters in the demo employer's
   organisation. Posting ids, trades, sectors and prefectures for the scenario go to a JSON file.
2. Starts gunicorn with deploy/gunicorn.conf.py and the production configuration (a throwaway
   secret; Redis rate-limit storage when --redis-url is given), N sync workers on 127.0.0.1, and
   waits for /readyz. Every worker is warmed up with a search first (each builds its search
   snapshot once after it starts; see docs/performance.md).
3. Runs bench/locustfile.py headless for --run-time seconds (a bounded run: locust stops itself),
   with --users simulated people arriving at --spawn-rate a second.
4. Prints requests per second, median, p95 and error rate per kind of request and in total, counts
   "database is locked" lines in gunicorn's log, and a Markdown table for docs/performance.md.

Only loopback addresses are used. The login limit per IP address is raised for the run (every
simulated person comes from 127.0.0.1; in production each has their own address); every other
limit stays as configured. Asserts nothing about time.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from search_bench import DEFAULT_SQLITE_URL, PG_SCHEMA, environment, make_app, prepare_database, published_count  # noqa: E402

BIN = Path(sys.executable).parent
PASSWORD = "load-test-password-2026"  # noqa: S105 - throwaway accounts in the benchmark database only


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_url(url: str) -> str:
    """The URL gunicorn's workers connect with: on PostgreSQL the benchmark schema comes first."""
    if url.startswith("postgresql"):
        joiner = "&" if "?" in url else "?"
        return f"{url}{joiner}options=-csearch_path%3D{PG_SCHEMA}"
    return url


def prepare_accounts(app, seekers: int, recruiters: int, tag: str) -> dict:
    """Fresh accounts for this run (so every run applies to postings no one applied to yet)."""
    import random

    from sqlalchemy import select

    from sqlalchemy import insert

    from portal.accounts.models import Organisation, OrganisationKind, OrganisationStatus, Role
    from portal.accounts.profiles import save_profile
    from portal.accounts.services import create_user
    from portal.db import writing
    from portal.extensions import db
    from portal.jobs.demo import _posting_values, load_demo_items
    from portal.jobs.models import Posting, PostingStatus
    from portal.taxonomy.models import Prefecture, Sector, Trade

    rng = random.Random(tag)
    with app.app_context(), writing():
        trades = sorted(db.session.scalars(select(Trade.code)))
        sectors = sorted(db.session.scalars(select(Sector.code)))
        prefectures = sorted(db.session.scalars(select(Prefecture.code)))
        posting_ids = list(db.session.scalars(
            select(Posting.id).where(Posting.status == PostingStatus.PUBLISHED).order_by(Posting.id)))
        # The recruiters' own employer, with a few dozen open postings as a real employer has (the
        # synthetic postings belong to three demo organisations with some 33,000 each).
        employer = Organisation(kind=OrganisationKind.EMPLOYER, status=OrganisationStatus.VERIFIED,
                                name_en=f"Load Test Employer {tag}", name_ja=f"負荷試験株式会社 {tag}",
                                address="愛知県名古屋市", contact_email=f"jobs-{tag}@load.example.org")
        db.session.add(employer)
        db.session.flush()
        rows = [_posting_values(item, employer.id, day_offset=number % 20,
                                organisation_names=(employer.name_en, employer.name_ja))
                for number, item in enumerate(load_demo_items()[:40])]
        own = list(db.session.scalars(insert(Posting).returning(Posting.id), rows))
        data = {"seekers": [], "recruiters": [], "trades": trades, "sectors": sectors, "prefectures": prefectures,
                "posting_ids": rng.sample(posting_ids, min(5000, len(posting_ids))), "employer_posting_ids": own}
        for number in range(seekers):
            email = f"seeker-{tag}-{number}@load.example.org"
            user = create_user(email, PASSWORD, Role.SEEKER, display_name=f"Load seeker {number}", locale="en",
                               confirmed=True)
            save_profile(user, {"jlpt_level": rng.choice(["N5", "N4", "N3"])},
                         [{"trade": rng.choice(trades), "years": rng.randint(1, 8)}], [])
            data["seekers"].append({"email": email, "password": PASSWORD})
        for number in range(recruiters):
            email = f"recruiter-{tag}-{number}@load.example.org"
            user = create_user(email, PASSWORD, Role.RECRUITER, display_name=f"Load recruiter {number}", locale="en",
                               confirmed=True)
            user.organisation_id = employer.id
            data["recruiters"].append({"email": email, "password": PASSWORD})
        db.session.commit()
    return data


def start_gunicorn(url: str, workers: int, port: int, redis_url: str | None, log_path: Path) -> subprocess.Popen:
    env = {key: value for key, value in os.environ.items() if key not in ("REDIS_URL", "DATABASE_URL")}
    env.update({
        "PORTAL_ENV": "production",
        "SECRET_KEY": secrets.token_hex(32),
        "DATABASE_URL": server_url(url),
        "WEB_CONCURRENCY": str(workers),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "LOGIN_LIMIT_PER_IP": "10000 per minute",  # all simulated people share 127.0.0.1
        "MAIL_OUTBOX": str(log_path.parent / "outbox"),
        "CV_DIRECTORY": str(log_path.parent / "cvs"),
    })
    if redis_url:
        env["REDIS_URL"] = redis_url
    log = open(log_path, "wb")  # noqa: SIM115 - closed with the process
    return subprocess.Popen([str(BIN / "gunicorn"), "-c", str(ROOT / "deploy" / "gunicorn.conf.py"), "wsgi:app"],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def wait_ready(base: str, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}; see its log")
        try:
            if requests.get(f"{base}/readyz", timeout=10).status_code == 200:
                return
        except requests.RequestException:  # not listening yet, or a worker still starting
            pass
        time.sleep(0.3)
    raise SystemExit("gunicorn did not become ready in time")


def warm_up(base: str, workers: int) -> None:
    """Enough searches that every worker has built its snapshot before the measured run."""
    for _ in range(workers * 6):
        requests.get(f"{base}/en/jobs", params={"q": "welder"}, timeout=60)


def stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def run_locust(base: str, data_path: Path, users: int, spawn_rate: float, run_time: int, prefix: Path) -> None:
    env = dict(os.environ, KAKEHASHI_LOAD_DATA=str(data_path))
    subprocess.run([str(BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
                    "--host", base, "--users", str(users), "--spawn-rate", str(spawn_rate),
                    "--run-time", f"{run_time}s", "--stop-timeout", "10", "--csv", str(prefix), "--only-summary",
                    "--loglevel", "WARNING"], env=env, check=False, timeout=run_time + 120)


def read_stats(prefix: Path) -> list[dict]:
    with open(f"{prefix}_stats.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    out = []
    for row in rows:
        requests_count = int(row["Request Count"])
        failures = int(row["Failure Count"])
        out.append({
            "name": row["Name"] if row["Name"] != "Aggregated" else "all requests",
            "method": row["Type"],
            "requests": requests_count,
            "failures": failures,
            "error_rate": failures / requests_count * 100 if requests_count else 0.0,
            "rps": float(row["Requests/s"]),
            "median": float(row["Median Response Time"] or 0),
            "p95": float(row["95%"] or 0),
            "p99": float(row["99%"] or 0),
            "max": float(row["Max Response Time"] or 0),
        })
    return out


def markdown(env: dict, args, figures: list[dict], locked: int, errors_logged: int) -> str:
    lines = [
        f"{env['dialect']}, {args.workers} gunicorn workers, {args.users} users, {args.run_time} s, "
        f"{env['published_postings']:,} postings, Redis rate limits: {'yes' if args.redis_url else 'no'}, "
        f"commit {env['commit']}, {env['date']}",
        "",
        "| request | count | req/s | median ms | p95 ms | p99 ms | errors |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for f in figures:
        lines.append(f"| {f['method']} {f['name']} | {f['requests']:,} | {f['rps']:.1f} | {f['median']:.0f} | "
                     f"{f['p95']:.0f} | {f['p99']:.0f} | {f['error_rate']:.2f} % |")
    lines.append("")
    lines.append(f"\"database is locked\" in gunicorn's log: {locked}; server errors logged: {errors_logged}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help="default: the SQLite file of bench/search_bench.py")
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers (default 4 on PostgreSQL, 2 on SQLite)")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=float, default=2.0,
                        help="people arriving per second (default 2: all 50 within 25 s)")
    parser.add_argument("--run-time", type=int, default=120, help="seconds of load (default 120)")
    parser.add_argument("--postings", type=int, default=100_000)
    parser.add_argument("--redis-url", help="rate-limit storage (e.g. redis://127.0.0.1:6379/14); memory if absent")
    parser.add_argument("--json", metavar="OUT", help="also write the figures to this JSON file")
    args = parser.parse_args(argv)

    url = args.database_url or DEFAULT_SQLITE_URL
    if args.workers is None:
        args.workers = 4 if url.startswith("postgresql") else 2
    app = make_app(url)
    prepare_database(app, args.postings)
    tag = secrets.token_hex(3)
    seekers = args.users * 3 // 10 + 5  # a SignedInSeeker takes one account each; a few spare
    recruiters = args.users // 10 + 3
    print(f"Creating {seekers} job seekers and {recruiters} recruiters for run {tag}…", flush=True)
    data = prepare_accounts(app, seekers, recruiters, tag)
    with app.app_context():
        from portal.extensions import db

        db.engine.dispose()
    env = environment(app, url, len(data["posting_ids"]))
    with app.app_context():
        env["published_postings"] = published_count()

    work = Path(tempfile.mkdtemp(prefix="kakehashi-load-"))
    data_path = work / "load-data.json"
    data_path.write_text(json.dumps(data), encoding="utf-8")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log_path = work / "gunicorn.log"
    server = start_gunicorn(url, args.workers, port, args.redis_url, log_path)
    try:
        wait_ready(base, server)
        warm_up(base, args.workers)
        load_before = os.getloadavg()[0]
        print(f"Running locust: {args.users} users, {args.run_time} s, against {args.workers} workers on "
              f"{env['dialect']} (load average before {load_before:.2f})…", flush=True)
        run_locust(base, data_path, args.users, args.spawn_rate, args.run_time, work / "locust")
    finally:
        stop(server)
    log = log_path.read_text(encoding="utf-8", errors="replace")
    locked = log.count("database is locked")
    errors_logged = sum(1 for line in log.splitlines() if '"level": "ERROR"' in line or "[ERROR]" in line)
    figures = read_stats(work / "locust")
    print()
    for f in figures:
        print(f"{f['method']:<5} {f['name']:<22} n={f['requests']:<6} {f['rps']:6.1f}/s  median {f['median']:5.0f} ms  "
              f"p95 {f['p95']:5.0f} ms  p99 {f['p99']:5.0f} ms  errors {f['error_rate']:.2f} %")
    print()
    print(markdown(env, args, figures, locked, errors_logged))
    print(f"\ngunicorn log and locust CSV files: {work}")
    if args.json:
        Path(args.json).write_text(json.dumps({"environment": env, "figures": figures, "database_is_locked": locked,
                                               "server_errors_logged": errors_logged}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
