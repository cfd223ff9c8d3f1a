"""The demo world is realistic: every field, many prefectures, legal pay, both languages."""

from datetime import date

from sqlalchemy import func, select

from portal.accounts.models import Organisation, User
from portal.jobs import demo
from portal.jobs.models import Posting, PostingStatus
from portal.taxonomy.models import Sector
from portal.taxonomy.services import minimum_wage_on

from tests.conftest import form_token


def test_demo_world(db):
    accounts = demo.seed_world()
    assert {a.role for a in accounts} == {"staff", "recruiter", "seeker"}
    kinds = {o.kind for o in db.session.scalars(select(Organisation))}
    assert kinds == {"employer", "support_org", "oep"}
    postings = db.session.scalars(select(Posting).where(Posting.status == PostingStatus.PUBLISHED)).all()
    assert len(postings) >= 60
    ssw_fields = {s.code for s in db.session.scalars(select(Sector).where(Sector.is_ssw_field))}
    assert ssw_fields <= {p.sector_code for p in postings}
    assert len({p.prefecture_code for p in postings}) >= 20
    both = [p for p in postings if p.title_en and p.title_ja]
    only_ja = [p for p in postings if p.title_ja and not p.title_en]
    only_en = [p for p in postings if p.title_en and not p.title_ja]
    assert len(both) >= 30 and only_ja and only_en
    for posting in postings:
        assert posting.monthly_jpy and posting.valid_through > date.today()
        assert posting.text("description", "en")[0], posting.id  # at least one complete language
        wage = minimum_wage_on(posting.prefecture_code, date.today()).yen_per_hour
        if posting.salary_unit == "HOUR":
            assert posting.salary_min >= wage, (posting.id, posting.salary_min, wage)
        # Monthly pay for full-time work at least the minimum wage × standard hours.
        if posting.employment_type == "FULL_TIME":
            assert posting.monthly_jpy >= wage * 160, (posting.id, posting.monthly_jpy)


def test_seeding_twice_adds_nothing(db):
    demo.seed_world()
    count = db.session.scalar(select(func.count()).select_from(Posting))
    assert demo.seed_world() == []
    assert db.session.scalar(select(func.count()).select_from(Posting)) == count


def test_demo_accounts_can_log_in(client):
    demo.seed_world()
    for account in demo.ACCOUNTS:
        client.delete_cookie("kakehashi_session")
        response = client.post("/en/login", data={"csrf_token": form_token(client), "email": account.email,
                                                  "password": account.password})
        assert response.status_code == 302, account.email
        assert f"/{account.role}/" in response.headers["Location"]


def test_synthetic_postings(db):
    demo.seed_world()
    before = db.session.scalar(select(func.count()).select_from(Posting))
    ticks = []
    demo.seed_synthetic(1200, progress=ticks.append)
    assert db.session.scalar(select(func.count()).select_from(Posting)) == before + 1200
    assert sum(ticks) == 1200
    hourly = db.session.scalars(select(Posting).where(Posting.salary_unit == "HOUR")).all()
    for posting in hourly:
        assert posting.salary_min >= minimum_wage_on(posting.prefecture_code, date.today()).yen_per_hour


def test_home_page_counts_jobs_by_field(client, db):
    demo.seed_world()
    total = db.session.scalar(select(func.count()).select_from(Posting))
    html = client.get("/ja/").get_data(as_text=True)
    assert f"{total}件" in html and "介護" in html
    assert f"{total} open jobs in Japan" in client.get("/en/").get_data(as_text=True)


def test_users_are_not_created_by_synthetic_seed(db):
    demo.seed_synthetic(10)
    assert db.session.scalar(select(func.count()).select_from(User)) == len(demo.ACCOUNTS)
