"""Fault drill: PostgreSQL stops and starts again while gunicorn serves traffic.

    python bench/drill_postgres_restart.py [--database-url URL] [--workers 4] [--down 6] [--threads 6]

Run as root on a machine whose PostgreSQL cluster this drill may stop (it uses pg_ctlcluster; the
local cluster of this machine and CI). It:
1. starts gunicorn (production configuration, N workers) on the benchmark database of
   bench/search_bench.py (schema "bench"), warms every worker up;
2. sends requests from a few threads to 127.0.0.1 only, for a bounded time: search pages and job
   pages in English and Japanese, and /readyz;
3. after 8 s stops PostgreSQL (fast shutdown: open connections are cut), keeps it down for --down
   seconds after the shutdown completed, starts it again, and keeps sending requests for 12 s more;
4. prints what people got in each phase: statuses, the slowest answer while the database was down,
   whether the 503 page was the translated one, how long after PostgreSQL came back the first page
   was served, how many answers failed after that, and whether gunicorn restarted any worker.

Expected (docs/operations.md): while down, every page answers 503 with the page in the reader's
language, at once (a refused connection fails immediately; connect_timeout bounds a silent host);
after the start, pages are served again within a second or two without restarting anything, and
no request fails on a stale pooled connection (pool_pre_ping replaces it).
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from load_bench import free_port, start_gunicorn, stop, wait_ready, warm_up  # noqa: E402
from search_bench import make_app, prepare_database  # noqa: E402

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
TRANSLATED_503 = {"en": "Service unavailable", "ja": "サービスを利用できません"}


def cluster() -> tuple[str, str]:
    listing = subprocess.run(["pg_lsclusters", "--no-header"], capture_output=True, text=True, check=True).stdout
    version, name = listing.split()[:2]
    return version, name


def pg_ctl(action: str, check: bool = True) -> None:
    version, name = cluster()
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, name, action, *(
        ["-m", "fast"] if action == "stop" else [])], check=check, capture_output=not check)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--down", type=float, default=6.0, help="seconds PostgreSQL stays stopped")
    parser.add_argument("--threads", type=int, default=6)
    args = parser.parse_args(argv)

    app = make_app(args.database_url)
    prepare_database(app, 1000)  # reuses the benchmark schema when it is already seeded
    with app.app_context():
        from sqlalchemy import select

        from portal.extensions import db
        from portal.jobs.models import Posting, PostingStatus

        ids = list(db.session.scalars(select(Posting.id).where(Posting.status == PostingStatus.PUBLISHED).limit(2000)))
        db.engine.dispose()

    work = Path(subprocess.run(["mktemp", "-d"], capture_output=True, text=True, check=True).stdout.strip())
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log_path = work / "gunicorn.log"
    server = start_gunicorn(args.database_url, args.workers, port, None, log_path)
    events: list[tuple[float, str, int, float, bool]] = []  # (time, lang, status, seconds, translated 503)
    phase = {"down_at": None, "starting_at": None, "up_at": None}
    stopping = threading.Event()

    def visitor(seed: int) -> None:
        rng = random.Random(seed)
        session = requests.Session()
        while not stopping.is_set():
            lang = rng.choice(["en", "ja"])
            path = rng.choice([f"/{lang}/jobs?q=welder", f"/{lang}/jobs/{rng.choice(ids)}", "/readyz"])
            started = time.monotonic()
            try:
                response = session.get(base + path, timeout=30)
                status, body = response.status_code, response.text
            except requests.RequestException:
                status, body = 0, ""
            elapsed = time.monotonic() - started
            translated = status == 503 and (path == "/readyz" or TRANSLATED_503[lang] in body)
            events.append((started, path, status, elapsed, translated))
            time.sleep(0.05)

    try:
        wait_ready(base, server)
        warm_up(base, args.workers)
        boots_before = log_path.read_text().count("Booting worker")
        threads = [threading.Thread(target=visitor, args=(n,), daemon=True) for n in range(args.threads)]
        for thread in threads:
            thread.start()
        time.sleep(8)
        print("Stopping PostgreSQL…", flush=True)
        pg_ctl("stop")  # returns once the server has shut down
        phase["down_at"] = time.monotonic()
        time.sleep(args.down)
        print("Starting PostgreSQL…", flush=True)
        phase["starting_at"] = time.monotonic()
        pg_ctl("start")  # returns once the server accepts connections
        phase["up_at"] = time.monotonic()
        time.sleep(12)
        stopping.set()
        for thread in threads:
            thread.join()
        boots_after = log_path.read_text().count("Booting worker")
    finally:
        stopping.set()
        pg_ctl("start", check=False)  # never leave the machine without its database (already up: a no-op error)
        stop(server)

    down_at, starting_at, up_at = phase["down_at"], phase["starting_at"], phase["up_at"]
    before = [e for e in events if e[0] < down_at]
    during = [e for e in events if down_at <= e[0] and e[0] + e[3] < starting_at]  # wholly while it was down
    after = [e for e in events if e[0] >= up_at]
    pages_during = [e for e in during if e[1] != "/readyz" and e[2] == 503]
    first_ok = min((e[0] + e[3] for e in after if e[2] == 200 and e[1] != "/readyz"), default=None)
    settled = [e for e in after if first_ok is not None and e[0] >= first_ok]

    def statuses(items) -> str:
        return ", ".join(f"{status or 'no answer'}: {n}" for status, n in sorted(Counter(e[2] for e in items).items()))

    print()
    print(f"before the stop        {len(before)} requests ({statuses(before)}; the stop cuts some mid-request)")
    print(f"while stopped ({args.down:.0f} s)  {len(during)} requests ({statuses(during)}); "
          f"503 pages in the reader's language: {sum(e[4] for e in pages_during)}/{len(pages_during)}; "
          f"slowest answer {max((e[3] for e in during), default=0) * 1000:.0f} ms")
    starting = [e for e in events if e not in during and down_at <= e[0] < up_at]
    print(f"while starting         {len(starting)} requests ({statuses(starting)})")
    print(f"after the start        {len(after)} requests ({statuses(after)})")
    if first_ok is not None:
        print(f"first page served      {(first_ok - up_at) * 1000:.0f} ms after pg_ctlcluster start returned")
        print(f"after that             {len(settled)} requests ({statuses(settled)})")
    else:
        print("first page served      never (the app did not recover)")
    print(f"gunicorn workers booted during the drill: {boots_after - boots_before}")
    print(f"server errors (500) in the whole drill: {sum(1 for e in events if e[2] == 500)}")
    print(f"gunicorn log: {log_path}")
    failed = (first_ok is None or any(e[2] != 200 for e in settled) or any(e[2] == 500 for e in events)
              or boots_after != boots_before or not all(e[4] for e in pages_during)
              or any(e[2] != 503 for e in during))
    print("\nDrill result: " + ("as expected" if not failed else "NOT as expected"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
