"""The job seeker's profile: saving the form, the CV file, and everything we hold (export)."""

from __future__ import annotations

from pathlib import Path

from flask import current_app


from portal.accounts import cv
from portal.accounts.models import SeekerProfile, SeekerTrade, SkillsTestPass, User
from portal.extensions import db
from portal.timeutil import utcnow


def cv_directory() -> Path:
    """Outside the web root (static/ is the only folder served)."""
    return Path(current_app.config.get("CV_DIRECTORY") or Path(current_app.instance_path) / "cvs")


def get_profile(user: User) -> SeekerProfile | None:
    return db.session.get(SeekerProfile, user.id)


def get_or_create_profile(user: User) -> SeekerProfile:
    profile = get_profile(user)
    if profile is None:
        profile = SeekerProfile(user_id=user.id, licences=[], pref_sectors=[], pref_regions=[])
        db.session.add(profile)
        db.session.flush()
    return profile


PLAIN_FIELDS = ("education", "jlpt_level", "jlpt_year", "jft_basic_score", "jft_basic_date", "nursing_japanese_passed",
                "titp_field", "licences", "languages", "city", "province", "pref_sectors", "pref_regions",
                "pref_min_monthly_pay", "pref_housing_needed", "pref_strict", "earliest_start")


def save_profile(user: User, values: dict, trades: list[dict], tests: list[dict]) -> SeekerProfile:
    """Replace the profile with what the form holds (empty strings become None)."""
    profile = get_or_create_profile(user)
    for name in PLAIN_FIELDS:
        value = values.get(name)
        setattr(profile, name, None if value == "" else value)
    profile.licences = list(values.get("licences") or [])
    profile.pref_sectors = list(values.get("pref_sectors") or [])
    profile.pref_regions = list(values.get("pref_regions") or [])
    profile.nursing_japanese_passed = bool(values.get("nursing_japanese_passed"))
    profile.pref_housing_needed = bool(values.get("pref_housing_needed"))
    profile.pref_strict = bool(values.get("pref_strict"))
    profile.trades = [
        SeekerTrade(trade_code=row["trade"], years=row.get("years") or 0,
                    navttc_level=int(row["navttc_level"]) if row.get("navttc_level") else None,
                    certificate=row.get("certificate") or None)
        for row in trades if row.get("trade")
    ]
    profile.skills_tests = [
        SkillsTestPass(sector_code=row["sector"], sub_area=_sub_area(row["sector"], row.get("sub_area")),
                       level=row.get("level") or "i", passed_on=row.get("passed_on"))
        for row in tests if row.get("sector")
    ]
    profile.updated_at = utcnow()
    db.session.commit()
    return profile


def _sub_area(sector: str, value: str | None) -> str | None:
    """The category code of a form's "<sector>/<code>" (the form checked that it is this sector's)."""
    if not value:
        return None
    prefix, _, code = value.partition("/")
    return code if prefix == sector and code else None


def set_cv(user: User, content: bytes, original_name: str) -> SeekerProfile:
    checked = cv.check(content)  # raises cv.CVError
    profile = get_or_create_profile(user)
    old = profile.cv_stored_name
    profile.cv_stored_name = cv.store(cv_directory(), content, checked)
    profile.cv_original_name = cv.clean_file_name(original_name, checked.mime)
    profile.cv_mime = checked.mime
    profile.cv_size = checked.size
    profile.cv_uploaded_at = utcnow()
    db.session.commit()
    cv.remove(cv_directory(), old)
    return profile


def remove_cv(user: User) -> None:
    profile = get_profile(user)
    if profile is None or not profile.cv_stored_name:
        return
    old = profile.cv_stored_name
    profile.cv_stored_name = profile.cv_original_name = profile.cv_mime = None
    profile.cv_size = None
    profile.cv_uploaded_at = None
    db.session.commit()
    cv.remove(cv_directory(), old)


def export(user: User) -> dict:
    """Everything the portal holds about this person, for them to download (JSON)."""
    profile = get_profile(user)
    data: dict = {
        "account": {"email": user.email, "role": user.role, "display_name": user.display_name,
                    "preferred_language": user.locale, "created_at": user.created_at.isoformat()},
        "sessions": [{"created_at": s.created_at.isoformat(), "browser": s.user_agent} for s in user.sessions],
        "profile": None,
    }
    if profile is not None:
        data["profile"] = profile_data(profile)
    if user.role == "seeker":
        from portal.applications.services import export as export_applications

        data["applications"] = export_applications(user)
    return data


def profile_data(profile: SeekerProfile) -> dict:
    """The profile as plain JSON values (the export, and the copy sent with an application)."""
    fields = {name: getattr(profile, name) for name in PLAIN_FIELDS}
    return {
        **{k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in fields.items()},
        "trades": [{"trade": t.trade_code, "years": t.years, "navttc_level": t.navttc_level,
                    "certificate": t.certificate} for t in profile.trades],
        "skills_tests": [{"sector": t.sector_code, "sub_area": t.sub_area, "level": t.level,
                          "passed_on": t.passed_on.isoformat() if t.passed_on else None}
                         for t in profile.skills_tests],
        "cv": {"file_name": profile.cv_original_name, "type": profile.cv_mime, "size": profile.cv_size}
        if profile.cv_stored_name else None,
    }


def delete_files(user: User) -> None:
    """Called before an account is deleted: the CV file goes with it."""
    profile = get_profile(user)
    if profile is not None:
        cv.remove(cv_directory(), profile.cv_stored_name)


