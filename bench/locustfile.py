"""The load scenario for bench/load_bench.py: who visits Kakehashi and what they do.

Run by bench/load_bench.py, which prepares the database and the accounts, starts gunicorn and passes
this file the accounts and posting ids through the KAKEHASHI_LOAD_DATA file (JSON). Only 127.0.0.1.

The mix, per 10 simulated people: 6 anonymous visitors (search in English and Japanese with
filters, job pages, quick match, the home page), 3 signed-in job seekers (matches, search, job page,
apply, their applications) and 1 recruiter (dashboard, writes a posting and sends it for review,
reads the applicants). Everyone waits 1–3 s between pages, as a person reading would.
"""

from __future__ import annotations

import json
import os
import random
import re
from itertools import count

from locust import HttpUser, between, task
from requests.cookies import RequestsCookieJar

DATA = json.loads(open(os.environ["KAKEHASHI_LOAD_DATA"], encoding="utf-8").read())  # noqa: SIM115
POSTING_IDS: list[int] = DATA["posting_ids"]
EMPLOYER_POSTING_IDS: list[int] = DATA["employer_posting_ids"]  # the simulated recruiters' own jobs
KEYWORDS_EN = ["welder", "driver", "care", "farm", "cook", "cleaning", "factory", "hotel", "mechanic", "carpenter"]
KEYWORDS_JA = ["介護", "溶接", "農業", "建設", "外食", "清掃", "運転", "製造", "宿泊", "整備"]
SECTORS: list[str] = DATA["sectors"]
PREFECTURES: list[str] = DATA["prefectures"]
TRADES: list[str] = DATA["trades"]
JAPANESE = ["none", "N5", "JFT_BASIC", "N4", "N3"]
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')

_seekers = iter(DATA["seekers"])
_recruiters = iter(DATA["recruiters"])
_postings_written = count(1)


class LoopbackAsTls(RequestsCookieJar):
    """Keeps the site's Secure cookies usable over plain HTTP to 127.0.0.1.

    In production TLS ends at the reverse proxy in front of gunicorn, and the production
    configuration (used here unchanged) marks the session cookie Secure. The load client talks to
    gunicorn directly, standing where the proxy stands, so it sends the cookies back as a browser on
    https would: each cookie is stored without its Secure flag.
    """

    def set_cookie(self, cookie, *args, **kwargs):
        cookie.secure = False
        return super().set_cookie(cookie, *args, **kwargs)


class Visitor(HttpUser):
    abstract = True
    wait_time = between(1, 3)

    def on_start(self) -> None:
        self.client.cookies = LoopbackAsTls()
        self.lang = random.choice(["en", "ja"])

    def search(self) -> None:
        if random.random() < 0.5:
            keyword = random.choice(KEYWORDS_JA if self.lang == "ja" else KEYWORDS_EN)
        else:
            keyword = random.choice(KEYWORDS_EN + KEYWORDS_JA)
        params = {"q": keyword}
        if random.random() < 0.6:
            params["sector"] = random.choice(SECTORS)
        if random.random() < 0.4:
            params["prefecture"] = random.choice(PREFECTURES)
        if random.random() < 0.2:
            params["page"] = "2"
        self.client.get(f"/{self.lang}/jobs", params=params, name="search page")

    def job_page(self) -> int:
        posting_id = random.choice(POSTING_IDS)
        self.client.get(f"/{self.lang}/jobs/{posting_id}", name="job page")
        return posting_id

    def log_in(self, account: dict) -> None:
        page = self.client.get(f"/{self.lang}/login", name="login form")
        token = CSRF.search(page.text).group(1)
        with self.client.post(f"/{self.lang}/login", name="log in", allow_redirects=False, catch_response=True,
                              data={"csrf_token": token, "email": account["email"],
                                    "password": account["password"]}) as response:
            if response.status_code != 302:
                response.failure(f"log in answered {response.status_code}")

    def form_token(self, path: str, name: str) -> str | None:
        page = self.client.get(path, name=name)
        found = CSRF.search(page.text)
        return found.group(1) if found else None


class AnonymousVisitor(Visitor):
    weight = 6

    @task(5)
    def search_jobs(self) -> None:
        self.search()

    @task(4)
    def read_a_job(self) -> None:
        self.job_page()

    @task(2)
    def quick_match(self) -> None:
        params = {"trade": random.choice(TRADES), "years": str(random.randint(0, 8)),
                  "japanese": random.choice(JAPANESE)}
        self.client.get(f"/{self.lang}/match", params=params, name="quick match")

    @task(1)
    def home(self) -> None:
        self.client.get(f"/{self.lang}/", name="home page")


class SignedInSeeker(Visitor):
    weight = 3

    def on_start(self) -> None:
        super().on_start()
        self.account = next(_seekers)
        self.applied: set[int] = set()
        self.log_in(self.account)

    @task(3)
    def matches(self) -> None:
        self.client.get(f"/{self.lang}/seeker/matches", name="my matches")

    @task(3)
    def search_jobs(self) -> None:
        self.search()

    @task(3)
    def read_a_job(self) -> None:
        self.job_page()

    @task(2)
    def apply(self) -> None:
        # Half the applications go to the simulated recruiters' employer, so they have applicants to read.
        posting_id = random.choice(EMPLOYER_POSTING_IDS if random.random() < 0.5 else POSTING_IDS)
        if posting_id in self.applied:  # a person applies once; the portal would say so
            return
        self.applied.add(posting_id)
        token = self.form_token(f"/{self.lang}/jobs/{posting_id}", "job page")
        if token is None:
            return
        with self.client.post(f"/{self.lang}/seeker/jobs/{posting_id}/apply", name="apply", allow_redirects=False,
                              catch_response=True,
                              data={"csrf_token": token, "cover_note": "I have three years of experience.",
                                    "include_cv": "y"}) as response:
            if response.status_code != 302:
                response.failure(f"apply answered {response.status_code}")
            elif "/applications/" not in response.headers.get("Location", ""):
                response.failure(f"apply did not lead to the application: {response.headers.get('Location')}")

    @task(1)
    def my_applications(self) -> None:
        self.client.get(f"/{self.lang}/seeker/applications", name="my applications")


class Recruiter(Visitor):
    weight = 1

    def on_start(self) -> None:
        super().on_start()
        self.account = next(_recruiters)
        self.log_in(self.account)

    @task(3)
    def dashboard(self) -> None:
        self.client.get(f"/{self.lang}/recruiter/", name="recruiter dashboard")

    @task(2)
    def write_a_posting(self) -> None:
        token = self.form_token(f"/{self.lang}/recruiter/postings/new", "posting editor")
        if token is None:
            return
        number = next(_postings_written)
        data = {
            "csrf_token": token, "submit_review": "1",
            "title_en": f"Welder, load test {number}", "title_ja": f"溶接工（負荷試験 {number}）",
            "description_en": "Semi-automatic welding of steel frames in Aichi. Dormitory provided.",
            "description_ja": "愛知県で鉄骨の半自動溶接を行います。寮があります。",
            "sector_code": "industrial_products", "prefecture_code": "23", "salary_min": "240000",
            "salary_unit": "MONTH", "visa_ssw1": "y", "support_housing": "y", "employment_type": "FULL_TIME",
        }
        with self.client.post(f"/{self.lang}/recruiter/postings/new", name="submit a posting", data=data,
                              allow_redirects=False, catch_response=True) as response:
            if response.status_code != 302:
                response.failure(f"the editor answered {response.status_code}")

    @task(2)
    def applicants(self) -> None:
        self.client.get(f"/{self.lang}/recruiter/applicants", name="recruiter applicants")
