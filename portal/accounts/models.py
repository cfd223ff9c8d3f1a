"""Accounts: users with one role each, their server-side sessions, recruiter organisations."""

from __future__ import annotations

import enum
import hashlib
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, Text
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

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), default=OrganisationKind.EMPLOYER)
    name_en: Mapped[str | None] = mapped_column(String(200))
    name_ja: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default=OrganisationStatus.UNVERIFIED, index=True)
    corporate_number: Mapped[str | None] = mapped_column(String(13))  # 法人番号
    support_org_number: Mapped[str | None] = mapped_column(String(40))  # 登録支援機関 登録番号
    oep_licence: Mapped[str | None] = mapped_column(String(40))
    address: Mapped[str | None] = mapped_column(Text)
    contact_email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    website: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    members: Mapped[list[User]] = relationship(back_populates="organisation")

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
    suspended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    password_changed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    organisation: Mapped[Organisation | None] = relationship(back_populates="members")
    sessions: Mapped[list[UserSession]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )

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


class UserSession(db.Model):
    """One signed-in browser. Only a hash of the token is stored."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    user_agent: Mapped[str | None] = mapped_column(String(200))

    user: Mapped[User] = relationship(back_populates="sessions")

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()
