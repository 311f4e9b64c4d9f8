"""The one source of 'now' (UTC), and IXON's date-time wire form."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)


def aware(value: datetime) -> datetime:
    """SQLite hands naive datetimes back; every stored time is UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def iso(value: datetime | None) -> str | None:
    """UTC, whole seconds, `Z` (REFERENCE.md §12.12)."""
    if value is None:
        return None
    return aware(value).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
