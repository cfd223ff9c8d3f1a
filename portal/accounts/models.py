"""Accounts: users with one role each, their server-side sessions, recruiter organisations."""

from __future__ import annotations

import enum
import hashlib
from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, DateTime, Float, ForeignKey, Index, Integer, String, Text, false, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.timeutil import utcnow


class Role(enum.StrEnum):
    SEEKER = "seeker"
    RECRUITER = "recruiter"
    STAFF = "staff"


class OrganisationKind(enum.StrEnum):
    EMPLOYER = "employer"  # Japanese employer
    SUPPORT_ORG = "support_org"  # registered support organisation 登録支援機関
    OEP = "oep"  # Pakistani licensed Overseas Employment Promoter
    OTHER = "other"


class OrganisationStatus(enum.StrEnum):
    UNVERIFIED = "unverified"
    VERIFIED = "verified"
    SUSPENDED = "suspended"


class Organisation(db.Model):
    __tablename__ = "organisations"
    # One organisation per corporate number (stored normalised: 13 ASCII digits).
    __table_args__ = (Index("uq_organisations_corporate_number", "corporate_number", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), default=OrganisationKind.EMPLOYER)
    name_en: Mapped[str | None] = mapped_column(String(200))
    name_ja: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default=OrganisationStatus.UNVERIFIED, index=True)
    corporate_number: Mapped[str | None] = mapped_column(String(13))  # 法人番号
    # A number this organisation gave that another one already held when numbers became unique
    # (data from before): kept out of `corporate_number` and shown to staff as a clash.
    corporate_number_clash: Mapped[str | None] = mapped_column(String(13))
    support_org_number: Mapped[str | None] = mapped_column(String(40))  # 登録支援機関 登録番号
    oep_licence: Mapped[str | None] = mapped_column(String(40))
    address: Mapped[str | None] = mapped_column(Text)
    contact_email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    website: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # When staff last verified it. Kept when an edit sends it back to unverified, so that its
    # published postings stay up while staff check the change; cleared by a suspension.
    verified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    members: Mapped[list[User]] = relationship(back_populates="organisation")

    @property
    def publicly_visible(self) -> bool:
        """Its published postings may be shown: verified, or re-checked after an edit of a verified one."""
        return self.status == OrganisationStatus.VERIFIED or (
            self.status == OrganisationStatus.UNVERIFIED and self.verified_at is not None)

    def name(self, lang: str) -> str:
        preferred, other = (self.name_ja, self.name_en) if lang == "ja" else (self.name_en, self.name_ja)
        return preferred or other or ""


class User(db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), index=True)
    display_name: Mapped[str | None] = mapped_column(String(120))
    locale: Mapped[str | None] = mapped_column(String(10))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    # The organisation's owner invites and removes the other recruiters of the organisation.
    is_organisation_owner: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    suspended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    password_changed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    alerts_enabled: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    last_digest_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Set when the owner opened the link e-mailed to this address; needed to apply or submit a posting.
    email_confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    organisation: Mapped[Organisation | None] = relationship(back_populates="members")
    sessions: Mapped[list[UserSession]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )
    profile: Mapped[SeekerProfile | None] = relationship(cascade="all, delete-orphan", passive_deletes=True,
                                                          uselist=False)

    # Flask-Login protocol. The id Flask-Login keeps in the cookie is the *session* token, not the
    # user id: deleting the session row on logout makes a copied cookie worthless.
    session_token = None

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.suspended_at is None

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str | None:
        return self.session_token

    @property
    def label(self) -> str:
        return self.display_name or self.email

    @property
    def email_confirmed(self) -> bool:
        return self.email_confirmed_at is not None


class UserSession(db.Model):
    """One signed-in browser. Only a hash of the token is stored."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    user_agent: Mapped[str | None] = mapped_column(String(200))
    # The idle timeout counts from here; updated at most once a minute per session.
    last_seen_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=utcnow)

    user: Mapped[User] = relationship(back_populates="sessions")

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()


class SeekerProfile(db.Model):
    """What a job seeker tells us for matching. Every field is optional."""

    __tablename__ = "seeker_profiles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    city: Mapped[str | None] = mapped_column(String(120))
    province: Mapped[str | None] = mapped_column(String(40))
    education: Mapped[str | None] = mapped_column(String(20))
    jlpt_level: Mapped[str | None] = mapped_column(String(2))
    jlpt_year: Mapped[int | None] = mapped_column(Integer)
    jft_basic_score: Mapped[int | None] = mapped_column(Integer)
    jft_basic_date: Mapped[date | None] = mapped_column(Date)
    nursing_japanese_passed: Mapped[bool] = mapped_column(Boolean, default=False)
    titp_field: Mapped[str | None] = mapped_column(String(40))
    licences: Mapped[list] = mapped_column(JSON, default=list)
    languages: Mapped[str | None] = mapped_column(String(200))
    pref_sectors: Mapped[list] = mapped_column(JSON, default=list)
    pref_regions: Mapped[list] = mapped_column(JSON, default=list)
    pref_min_monthly_pay: Mapped[int | None] = mapped_column(Integer)
    pref_housing_needed: Mapped[bool] = mapped_column(Boolean, default=False)
    pref_strict: Mapped[bool] = mapped_column(Boolean, default=False)
    earliest_start: Mapped[date | None] = mapped_column(Date)
    # The CV file lives outside the web root under a generated name; only these facts are stored.
    cv_stored_name: Mapped[str | None] = mapped_column(String(80))
    cv_original_name: Mapped[str | None] = mapped_column(String(200))
    cv_mime: Mapped[str | None] = mapped_column(String(100))
    cv_size: Mapped[int | None] = mapped_column(Integer)
    cv_uploaded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    trades: Mapped[list[SeekerTrade]] = relationship(cascade="all, delete-orphan", passive_deletes=True,
                                                     order_by="SeekerTrade.id")
    skills_tests: Mapped[list[SkillsTestPass]] = relationship(cascade="all, delete-orphan", passive_deletes=True,
                                                              order_by="SkillsTestPass.id")


class SeekerTrade(db.Model):
    __tablename__ = "seeker_trades"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("seeker_profiles.user_id", ondelete="CASCADE"), index=True)
    trade_code: Mapped[str] = mapped_column(String(60))
    years: Mapped[float] = mapped_column(Float, default=0)
    navttc_level: Mapped[int | None] = mapped_column(Integer)  # NVQF level 1-8
    certificate: Mapped[str | None] = mapped_column(String(200))


class SkillsTestPass(db.Model):
    """A Specified Skilled Worker skills test passed: field, level (i or ii), date."""

    __tablename__ = "skills_test_passes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("seeker_profiles.user_id", ondelete="CASCADE"), index=True)
    sector_code: Mapped[str] = mapped_column(String(40))
    sub_area: Mapped[str | None] = mapped_column(String(40))  # business category (業務区分); None: not said
    level: Mapped[str] = mapped_column(String(3), default="i")
    passed_on: Mapped[date | None] = mapped_column(Date)


class OrganisationInvitation(db.Model):
    """An e-mailed invitation to join an organisation. Only a hash of the link's token is stored."""

    __tablename__ = "organisation_invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    organisation: Mapped[Organisation] = relationship()


class TokenPurpose(enum.StrEnum):
    PASSWORD_RESET = "password_reset"
    CONFIRM_EMAIL = "confirm_email"


class AccountToken(db.Model):
    """A single-use link sent by e-mail (password reset, address confirmation). Only a hash of the
    token is stored; the address it was sent to is kept so a changed address voids the link."""

    __tablename__ = "account_tokens"
    __table_args__ = (Index("ix_account_tokens_user_purpose", "user_id", "purpose"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    purpose: Mapped[str] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship()
