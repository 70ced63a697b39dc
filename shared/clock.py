"""The one source of 'now': always aware, always UTC."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_now() -> datetime:
    return datetime.now(UTC)


def to_utc(moment: datetime) -> datetime:
    """An aware datetime in UTC; naive datetimes are refused, never guessed."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("naive datetime: Njia never guesses a time zone")
    return moment.astimezone(UTC)


def isoformat(moment: datetime) -> str:
    """RFC 3339 with an explicit offset, seconds precision; naive datetimes are refused."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("naive datetime: Njia never guesses a time zone")
    return moment.isoformat(timespec="seconds")
