"""The demo world for `flask --app portal seed-demo`, and synthetic postings for benchmarks.

Demo accounts are for local demonstration only: their passwords are printed and documented.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, insert, select

from portal.accounts.models import Organisation, OrganisationKind, OrganisationStatus, Role, User
from portal.accounts.services import create_user
from portal.extensions import db
from portal.jobs.indexing import derived_values
from portal.jobs.models import SUPPORT_CODES, VISA_CODES, Posting, PostingStatus, Source
from portal.taxonomy.models import MinimumWage, Prefecture
from portal.taxonomy.services import load_reference_data
from portal.timeutil import today, utcnow

DEMO_POSTINGS = Path(__file__).resolve().parent.parent / "data" / "demo" / "postings.json"
DEMO_DOMAIN = "kakehashi.example.com"


@dataclass(frozen=True)
class DemoAccount:
    role: str
    email: str
    password: str
    name: str
    organisation: str | None = None


ORGANISATIONS = {
    "employer": dict(kind=OrganisationKind.EMPLOYER, name_en="Sakura Foods Co., Ltd.", name_ja="さくらフーズ株式会社",
                     corporate_number="1180301018771", address="愛知県名古屋市中区", contact_email=f"jobs@{DEMO_DOMAIN}"),
    "support_org": dict(kind=OrganisationKind.SUPPORT_ORG, name_en="Fuji Registered Support Organisation",
                        name_ja="富士登録支援機関", support_org_number="19登-000123", address="東京都新宿区",
                        contact_email=f"support@{DEMO_DOMAIN}"),
    "oep": dict(kind=OrganisationKind.OEP, name_en="Indus Overseas Employment Promoters (Pvt) Ltd.",
                name_ja="インダス海外雇用プロモーター", oep_licence="OEP-2458/RWP", address="Rawalpindi, Punjab, Pakistan",
                contact_email=f"oep@{DEMO_DOMAIN}"),
}

ACCOUNTS = (
    DemoAccount(Role.STAFF, f"staff@{DEMO_DOMAIN}", "demo-staff-password", "Consulate Staff (demo)"),
    DemoAccount(Role.RECRUITER, f"employer@{DEMO_DOMAIN}", "demo-employer-password", "Aiko Tanaka", "employer"),
    DemoAccount(Role.RECRUITER, f"support@{DEMO_DOMAIN}", "demo-support-password", "Kenji Sato", "support_org"),
    DemoAccount(Role.RECRUITER, f"oep@{DEMO_DOMAIN}", "demo-promoter-password", "Usman Tariq", "oep"),
    DemoAccount(Role.SEEKER, f"seeker@{DEMO_DOMAIN}", "demo-seeker-password", "Bilal Ahmed"),
)


def database_is_empty() -> bool:
    return not db.session.scalar(select(func.count()).select_from(User))


def _posting_values(item: dict, organisation_id: int, day_offset: int,
                    organisation_names: tuple[str | None, str | None] = (None, None)) -> dict:
    now = utcnow()
    values = {
        "organisation_id": organisation_id,
        "employer_name_en": item["employer_en"],
        "employer_name_ja": item["employer_ja"],
        "sector_code": item["sector"],
        "sub_area": item.get("sub_area"),
        "occupation_code": item.get("occupation_isco"),
        "prefecture_code": item["prefecture"],
        "city_en": item.get("city_en"),
        "city_ja": item.get("city_ja"),
        "employment_type": item["employment_type"],
        "applicants_from": item["applicants_from"],  # every demo posting says who it takes
        "dispatch": bool(item.get("dispatch")),
        "salary_min": item["salary_min"],
        "salary_max": item.get("salary_max"),
        "salary_unit": item["salary_unit"],
        "hours_per_week": item.get("hours_per_week"),
        "japanese_level": item["japanese_level"],
        "worker_costs": item.get("worker_costs") or [],
        "openings": item.get("openings") or 1,
        "valid_through": today() + timedelta(days=item.get("valid_days") or 60),
        "source": Source.RECRUITER,
        "status": PostingStatus.PUBLISHED,
        "created_at": now - timedelta(days=day_offset, hours=1),
        "updated_at": now - timedelta(days=day_offset),
        "published_at": now - timedelta(days=day_offset),
    }
    for field in ("title", "description", "requirements", "working_hours", "days_off"):
        for lang in ("en", "ja"):
            values[f"{field}_{lang}"] = item.get(f"{field}_{lang}")
    for code in VISA_CODES:
        values[f"visa_{code}"] = code in item["visas"]
    for code in SUPPORT_CODES:
        values[f"support_{code}"] = code in item["support"]
    values.update(derived_values(values, organisation_names))
    return values


def load_demo_items() -> list[dict]:
    return json.loads(DEMO_POSTINGS.read_text(encoding="utf-8"))


def seed_world() -> list[DemoAccount]:
    """Reference data, organisations, accounts and the demo postings. Returns the accounts created."""
    load_reference_data()
    if not database_is_empty():
        return []
    organisations = {}
    for key, values in ORGANISATIONS.items():
        organisation = Organisation(status=OrganisationStatus.VERIFIED, **values)
        db.session.add(organisation)
        organisations[key] = organisation
    db.session.commit()
    for account in ACCOUNTS:
        user = create_user(account.email, account.password, account.role, display_name=account.name, locale="en",
                           confirmed=True, demo=True)
        if account.organisation:
            user.organisation_id = organisations[account.organisation].id
            user.is_organisation_owner = True  # one demo recruiter per organisation: its owner
    db.session.commit()
    rows = [
        _posting_values(item, organisations[item["posted_by"]].id, day_offset=index % 20,
                        organisation_names=(organisations[item["posted_by"]].name_en,
                                            organisations[item["posted_by"]].name_ja))
        for index, item in enumerate(load_demo_items())
    ]
    db.session.execute(insert(Posting), rows)
    db.session.commit()
    return list(ACCOUNTS)


def seed_synthetic(count: int, progress: Callable[[int], object] | None = None, seed: int = 20261127) -> None:
    """`count` published postings varied from the demo ones: other prefectures, pay, dates.

    Pay stays at or above each prefecture's minimum wage so the data stays plausible.
    """
    load_reference_data()
    rng = random.Random(seed)
    templates = load_demo_items()
    if not db.session.scalar(select(func.count()).select_from(Organisation)):
        seed_world()
    organisations = [(o.id, (o.name_en, o.name_ja)) for o in db.session.scalars(select(Organisation))]
    prefectures = list(db.session.scalars(select(Prefecture.code)))
    minimum = {w.prefecture_code: w.yen_per_hour for w in db.session.scalars(
        select(MinimumWage).where(MinimumWage.fiscal_year == select(func.max(MinimumWage.fiscal_year)).scalar_subquery())
    )}
    batch_size = 5000
    done = 0
    while done < count:
        rows = []
        for _ in range(min(batch_size, count - done)):
            item = dict(rng.choice(templates))
            item["prefecture"] = rng.choice(prefectures)
            factor = rng.uniform(0.92, 1.15)
            item["salary_min"] = int(round(item["salary_min"] * factor, -1))
            if item["salary_unit"] == "HOUR":
                item["salary_min"] = max(item["salary_min"], minimum.get(item["prefecture"], 1100))
            if item.get("salary_max"):
                item["salary_max"] = max(item["salary_min"], int(round(item["salary_max"] * factor, -1)))
            item["city_en"] = item["city_ja"] = None
            item["valid_days"] = rng.randint(10, 120)
            organisation_id, names = rng.choice(organisations)
            rows.append(_posting_values(item, organisation_id, day_offset=rng.randint(0, 90), organisation_names=names))
        db.session.execute(insert(Posting), rows)
        db.session.commit()
        done += len(rows)
        if progress:
            progress(len(rows))
