"""Rate limits that hold across replicas: each attempt is a document, and a limit is a count of the
recent ones. Inserting is atomic on FerretDB and MongoDB alike (a shared counter's ``$inc`` can
lose updates on FerretDB), and a count never needs a lock.

A store mixes in ``Limits`` (collection ``attempts``); a service asks ``retry_after`` before the
work and ``count_attempt`` for what counts against the limit.
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from shared.errors import RateLimited


@dataclass(frozen=True)
class Limit:
    """At most ``most`` attempts per ``window`` for one key (an account, an address, a phone)."""

    name: str
    most: int
    window: timedelta

    def key(self, subject: str) -> str:
        return f"{self.name}:{subject}"


def wait_for(limit: Limit, attempts: list[datetime], now: datetime) -> int:
    """Seconds until one more attempt is allowed (0: allowed now), given the attempts' times."""
    recent = sorted(at for at in attempts if at > now - limit.window)
    if len(recent) < limit.most:
        return 0
    freed_at = recent[len(recent) - limit.most] + limit.window  # when enough of them have aged out
    return max(1, math.ceil((freed_at - now).total_seconds()))


class Limits:
    """Store mixin: the ``attempts`` collection, one document per attempt."""

    attempts: Any

    def count_attempt(self, limit: Limit, subject: str, now: datetime) -> None:
        self.attempts.insert_one({"_id": uuid.uuid4().hex, "key": limit.key(subject), "at": now})

    def retry_after(self, limit: Limit, subject: str, now: datetime) -> int:
        key = limit.key(subject)
        # Attempts older than the window no longer count: forgotten here, so none is kept for long.
        self.attempts.delete_many({"key": key, "at": {"$lte": now - limit.window}})
        found = [doc["at"] for doc in self.attempts.find({"key": key}, {"at": 1})]
        return wait_for(limit, found, now)

    def forget_attempts(self, limit: Limit, subject: str) -> None:
        self.attempts.delete_many({"key": limit.key(subject)})

    def ensure_attempts_index(self) -> None:
        self.attempts.create_index("key")


def refuse_when_limited(store: Limits, limits: list[tuple[Limit, str]], now: datetime, message: str) -> None:
    """429 with Retry-After when any of ``limits`` (limit, subject) is reached."""
    waits = [store.retry_after(limit, subject, now) for limit, subject in limits if subject]
    longest = max(waits, default=0)
    if longest:
        raise RateLimited(message, {"retry_after_seconds": longest})
