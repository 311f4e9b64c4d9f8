"""The one source of 'now' (UTC), and IXON's date-time wire form."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)


def aware(value: datetime) -> datetime:
    """SQLite hands naive datetimes back; every stored time is UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


# Times a request may name: wide enough for any expiry or filter, far from the ends of what
# Python and the databases can hold (9999-12-31T23:59:59-14:00 does not fit in a UTC datetime).
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(9998, 12, 31, 23, 59, 59, tzinfo=UTC)
OUT_OF_RANGE = "must be a date-time between 1900-01-01 and 9998-12-31 (UTC)"


def in_range(value: datetime) -> datetime | None:
    """``value`` in UTC, or None when it lies outside EARLIEST..LATEST."""
    try:
        utc = aware(value).astimezone(UTC)
    except (OverflowError, ValueError):
        return None
    return utc if EARLIEST <= utc <= LATEST else None


def iso(value: datetime | None) -> str | None:
    """UTC, whole seconds, `Z` (REFERENCE.md §12.12)."""
    if value is None:
        return None
    return aware(value).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
