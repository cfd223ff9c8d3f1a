"""Time helpers: everything is stored in UTC and formatted by Babel at render time."""

from datetime import UTC, date, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    return utcnow().date()


def as_utc(value: datetime) -> datetime:
    """SQLite returns naive datetimes for timezone-aware columns; they were written as UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)
