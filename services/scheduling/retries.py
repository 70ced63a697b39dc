"""How a request that writes (booking, rescheduling, cancelling, completing) is known across its
retries; pure: hashing and dates, no I/O, time passed in.

A client that lost an answer sends the request again with the same ``Idempotency-Key`` (the IETF
draft's header): the key, scoped to the caller, names a record kept at least 24 hours holding a
fingerprint of the request and the id its first attempt chose, so the retry gets the first answer.
A replica that dies mid-call has its RPC redelivered by RabbitMQ to another replica: the redelivered
message carries the gateway's request id, and when the client sent no key the ids are derived from
it. Either way a retry uses its first attempt's ids (the session's, or the change's), so it finds
the claims that attempt took as its own, and the answer that attempt kept.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

KEPT_FOR = timedelta(hours=24)
# An attempt this recent that left no answer may still be running: a retry of it with its key
# waits (409) rather than run beside it; an older one has stopped (its replica died), or told its
# record it failed (a 5xx), and the retry goes on in its place.
MAY_STILL_RUN = timedelta(minutes=2)
ID_DIGITS = 28  # as many as shared.ids.new_id gives after its prefix
TIME_DIGITS = 12  # of which the time, as new_id writes it


class KeyReused(Exception):
    """The client sent the key before with another request (another operation, target or body)."""


@dataclass(frozen=True)
class Request:
    """What a request asks: an operation, on what (a session id, or None for a booking), with what
    body; ``prefix`` starts the id its attempt chooses (``ses`` a session, ``chg`` a change)."""

    operation: str
    target: str | None
    body: Any
    prefix: str

    @property
    def fingerprint(self) -> str:
        asked = [self.operation, self.target, self.body]
        return _digest(
            json.dumps(asked, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
        )


@dataclass(frozen=True)
class Attempt:
    """One attempt of a request: ``id``, the id every attempt of it uses (the session it books, the
    change it makes, the owner of the claims it takes); with a key, the key's record and what it says."""

    id: str
    key_id: str | None = None
    retried: bool = False  # the key was sent before
    redelivered: bool = False  # by this very request (a redelivered RPC carries its request id)
    attempted_at: datetime | None = None  # when the latest earlier attempt started
    stopped: bool = False  # that attempt failed (a 5xx): it is not running
    refusal: dict[str, Any] | None = None  # the 4xx its first attempt was given

    def may_run(self, at: datetime) -> bool:
        """Whether this attempt goes on when no earlier one left an answer: a first attempt, a
        redelivered one (the replica running it died), or a retry once the latest earlier attempt
        cannot be running."""
        if not self.retried or self.redelivered or self.stopped or self.attempted_at is None:
            return True
        return at - self.attempted_at >= MAY_STILL_RUN

    @property
    def takes_over(self) -> bool:
        """A retry sent anew (not redelivered) that goes on in place of an earlier attempt."""
        return self.retried and not self.redelivered


def by_request_id(
    request: Request, org_id: str, user_id: str, request_id: str, received_at: str | None = None
) -> Attempt:
    """A request sent without a key: its id derived from the gateway's request id (which a
    redelivered RPC carries) and what it asks, so only a redelivery of it shares the id. It starts
    with when the gateway took the request (``received_at``, carried the same way), so ids still
    sort by creation time as ``shared.ids.new_id``'s do."""
    digest = _digest("\0".join([org_id, user_id, request_id, request.fingerprint]))
    if received_at is not None and len(received_at) == TIME_DIGITS and _is_hex(received_at):
        return Attempt(f"{request.prefix}_{received_at}{digest[: ID_DIGITS - TIME_DIGITS]}")
    return Attempt(f"{request.prefix}_{digest[:ID_DIGITS]}")


def _is_hex(text: str) -> bool:
    return all(c in "0123456789abcdef" for c in text)


def key_record(
    request: Request, org_id: str, user_id: str, key: str, request_id: str, attempt_id: str, at: datetime
) -> dict[str, Any]:
    """The record a key is kept as, the first time the caller sends it: by an id derived from the
    organization, the caller and the key (the key is the caller's own: another caller's same key is
    another record)."""
    return {
        "_id": "key_" + _digest("\0".join([org_id, user_id, key])),
        "fingerprint": request.fingerprint,
        "attempt": attempt_id,
        "request_id": request_id,  # of its latest attempt, as attempted_at
        "attempted_at": at,
        "created_at": at,
        "expires_at": at + KEPT_FOR,
    }


def by_key(kept: dict[str, Any], fresh: bool, request: Request, request_id: str) -> Attempt:
    """A request sent with a key whose record is ``kept`` (``fresh``: kept just now, by this request).
    Raises KeyReused when the key was sent with another request."""
    if kept["fingerprint"] != request.fingerprint:
        raise KeyReused
    return Attempt(
        id=kept["attempt"],
        key_id=kept["_id"],
        retried=not fresh,
        redelivered=not fresh and kept.get("request_id") == request_id,
        attempted_at=kept.get("attempted_at", kept["created_at"]),
        stopped=kept.get("stopped_at") is not None,
        refusal=kept.get("refusal"),
    )


def expired(kept: dict[str, Any], at: datetime) -> bool:
    """A key's record past its time: the key may name a new request (MongoDB's TTL indexes would
    delete it; FerretDB has none, so it is checked on reading and swept)."""
    return bool(at >= kept["expires_at"])


def is_final(status: int) -> bool:
    """Whether a refusal is the request's answer, given again to its retries: a 4xx the request
    itself earned; not a 5xx (a retry may succeed), nor 401 or 429 (about the caller, not the request)."""
    return 400 <= status < 500 and status not in (401, 429)


def refusal(code: str, message: str, details: dict[str, Any]) -> dict[str, Any]:
    """A refusal as kept with the key (details as JSON text: their keys may hold dots)."""
    return {"code": code, "message": message, "details": json.dumps(details, default=str)}


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()
