"""Import throughput: a 10,000-item indeed-xml feed and a 10,000-page jsonld site, served on 127.0.0.1.

    python bench/import_bench.py [--database-url URL] [--items 10000] [--pages 10000]

Prints figures (no pass/fail). Politeness limits are lifted for the benchmark (16 parallel requests,
no delay); everything else is the production path: the guarded fetcher, parsers, normalisers,
classifier and the one-transaction store.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
import tempfile
import logging
import multiprocessing
import time
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import create_engine, func, select, text
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from portal import create_app  # noqa: E402
from portal.extensions import db  # noqa: E402
from portal.feeds.http import fetcher_from_config  # noqa: E402
from portal.feeds.models import ImportSource  # noqa: E402
from portal.feeds.services import add_source, run_source  # noqa: E402
from portal.jobs.models import Posting  # noqa: E402

TITLES = [("溶接工（特定技能）", "愛知県"), ("介護職員", "大阪府"), ("Truck driver", "Saitama"), ("農業スタッフ", "北海道"),
          ("Cook at a ramen shop", "Fukuoka"), ("ビル清掃スタッフ", "東京都"), ("ホテル客室係", "京都府"),
          ("自動車整備士", "静岡県"), ("造船溶接工", "長崎県"), ("CNC machinist", "Gunma")]


def indeed_feed(count: int) -> bytes:
    rng = random.Random(1)
    parts = ['<?xml version="1.0" encoding="utf-8"?><source><publisher>bench</publisher>']
    for i in range(count):
        title, region = TITLES[i % len(TITLES)]
        parts.append(
            f"<job><title><![CDATA[{title} {i}]]></title><referencenumber>B{i}</referencenumber>"
            f"<url>http://127.0.0.1/jobs/{i}</url><company>株式会社ベンチ{i % 300}</company><state>{region}</state>"
            f"<country>JP</country><description><![CDATA[<p>{title}の仕事です。寮あり。社会保険完備。"
            f"日本語能力試験N4以上。特定技能1号。</p>]]></description>"
            f"<salary>月給{rng.randint(18, 28)}万円〜{rng.randint(29, 35)}万円</salary><jobtype>正社員</jobtype></job>")
    parts.append("</source>")
    return "".join(parts).encode()


def job_page(i: int) -> bytes:
    title, region = TITLES[i % len(TITLES)]
    data = {"@context": "https://schema.org", "@type": "JobPosting", "title": f"{title} {i}",
            "description": f"<p>{title}の仕事です。</p>", "identifier": {"@type": "PropertyValue", "value": f"P{i}"},
            "datePosted": "2026-11-1", "validThrough": (date.today() + timedelta(days=60)).isoformat(),
            "employmentType": "正社員", "hiringOrganization": {"@type": "Organization", "name": f"株式会社ページ{i % 300}"},
            "jobLocation": {"@type": "Place", "address": {"@type": "PostalAddress", "addressRegion": region,
                                                           "addressCountry": "JP"}},
            "baseSalary": {"@type": "MonetaryAmount", "currency": "JPY",
                           "value": {"@type": "QuantitativeValue", "minValue": 210000, "unitText": "MONTH"}}}
    return (f'<!doctype html><html><head><script type="application/ld+json">{json.dumps(data, ensure_ascii=False)}'
            f"</script></head><body>{title}</body></html>").encode()


class Site:
    """A local job site: /feed.xml, /sitemap.xml and /jobs/<n>, served by a separate process so that
    the site's work does not compete with the importer for this process's interpreter lock."""

    def __init__(self, items: int, pages: int):
        self.feed = indeed_feed(items)
        self.pages = pages
        self.requests = multiprocessing.Value("i", 0)
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.process = multiprocessing.Process(target=self.server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def sitemap(self) -> bytes:
        urls = "".join(f"<url><loc>{self.base}/jobs/{i}</loc><lastmod>2026-11-01</lastmod></url>"
                       for i in range(self.pages))
        return (f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                f"{urls}</urlset>").encode()

    def app(self, environ, start_response):
        request = Request(environ)
        with self.requests.get_lock():
            self.requests.value += 1
        path = request.path
        if path == "/feed.xml":
            response = Response(self.feed, content_type="application/xml")
        elif path == "/sitemap.xml":
            response = Response(self.sitemap(), content_type="application/xml")
        elif path.startswith("/jobs/"):
            response = Response(job_page(int(path.rsplit("/", 1)[1])), content_type="text/html; charset=utf-8")
        else:
            response = Response("", status=404)
        return response(environ, start_response)

    def __enter__(self):
        self.process.start()
        self.server.socket.close()  # the child process serves it
        return self

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.join()


def make_app(database_url: str | None):
    options = {"pool_pre_ping": True}
    if database_url and database_url.startswith("postgresql"):
        admin = create_engine(database_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text("DROP SCHEMA IF EXISTS bench_import CASCADE"))
            connection.execute(text("CREATE SCHEMA bench_import"))
        admin.dispose()
        options["connect_args"] = {"options": "-csearch_path=bench_import"}
        url = database_url
    else:
        url = f"sqlite:///{tempfile.mkdtemp()}/import-bench.db"
    app = create_app({"ENV_NAME": "test", "SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": options,
                      "PORTAL_FETCH_ALLOWED_HOSTS": "127.0.0.1", "PORTAL_FETCH_PER_HOST_CONCURRENCY": 16,
                      "PORTAL_FETCH_MIN_DELAY": 0, "PORTAL_FETCH_MAX_BYTES": 64 * 1024 * 1024})
    with app.app_context():
        from flask_migrate import upgrade

        from portal.taxonomy.services import load_reference_data

        upgrade()
        load_reference_data()
    return app, url


def timed_run(source_id, fetcher):
    start = time.perf_counter()
    run = run_source(source_id, fetcher)
    return time.perf_counter() - start, run


def main() -> None:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--pages", type=int, default=10_000)
    args = parser.parse_args()
    app, url = make_app(args.database_url)
    with app.app_context(), Site(args.items, args.pages) as site:
        engine = db.engine.dialect.name
        print(f"import benchmark on {engine} ({url.split('@')[-1]}), Python {platform.python_version()}, "
              f"{os.cpu_count()} CPUs")
        fetcher = fetcher_from_config(app.config)
        xml = add_source("bench-xml", f"{site.base}/feed.xml", "indeed-xml")
        seconds, run = timed_run(xml.id, fetcher)
        print(f"indeed-xml first import : {run.new:>6} new in {seconds:6.2f} s = {run.new / seconds:8.0f} postings/s "
              f"(skipped {run.skipped}, status {run.status})")
        db.session.get(ImportSource, xml.id).next_run_at = None
        db.session.commit()
        seconds, run = timed_run(xml.id, fetcher)
        print(f"indeed-xml second import: {run.unchanged:>6} unchanged in {seconds:6.2f} s (status {run.status})")

        site_source = add_source("bench-jsonld", f"{site.base}/sitemap.xml", "jsonld", max_concurrency=16,
                                 delay_seconds=0)
        seconds, run = timed_run(site_source.id, fetcher)
        print(f"jsonld first import     : {run.fetched:>6} fetched, {run.new} new in {seconds:6.2f} s = "
              f"{run.fetched / seconds:8.0f} pages/s (errors {run.errors}, status {run.status})")
        before = site.requests.value
        seconds, run = timed_run(site_source.id, fetcher)
        print(f"jsonld second import    : {run.fetched:>6} fetched, {run.unchanged} unchanged pages in {seconds:6.2f} s "
              f"({site.requests.value - before} requests to the site, status {run.status})")
        total = db.session.scalar(select(func.count()).select_from(Posting))
        print(f"postings stored: {total}")


if __name__ == "__main__":
    main()
