"""The audit log's rules: entries chained by hash, one chain per organization. No I/O.

Entry ``n`` of an organization (``seq`` 1, 2, 3, ...) carries ``previous_hash``, the ``hash`` of
entry ``n - 1`` (entry 1 carries the organization's genesis hash), and its own ``hash``: SHA-256
over a canonical JSON of every field it shows, ``previous_hash`` and ``seq`` included. Changing a
stored entry breaks its own hash; removing one leaves a gap in ``seq`` (and a ``previous_hash``
that matches nothing); moving one breaks the ``previous_hash`` of the entry after it.
``verify`` walks a chain and names the first entry that does not hold.

What a hash chain cannot show by itself: the newest entries removed together (the chain just
looks shorter; the audit service keeps the head it last wrote and ``verify`` compares), or the
whole chain rewritten by someone with write access to the database who recomputes every hash.
Against the second, keep the head hashes ``njia-admin audit verify`` prints somewhere else.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any


class UnreadableEntry(ValueError):
    """A stored entry is missing a field or holds one of the wrong kind."""


@dataclass(frozen=True)
class Record:
    """What a service recorded (``audit.recorded``): not yet in the chain."""

    id: str
    org_id: str
    at: datetime
    action: str
    actor_id: str | None = None
    subject_id: str | None = None
    branch_id: str | None = None
    request_id: str | None = None
    ip: str | None = None


@dataclass(frozen=True)
class Link:
    """The end of a chain a new entry hangs from."""

    seq: int
    hash: str


@dataclass(frozen=True)
class Entry:
    record: Record
    seq: int
    previous_hash: str
    hash: str

    @property
    def id(self) -> str:
        return self.record.id

    @property
    def link(self) -> Link:
        return Link(self.seq, self.hash)


@dataclass(frozen=True)
class Broken:
    """The first entry of a chain that does not hold, and why."""

    org_id: str
    entry_id: str
    seq: int
    reason: str


def to_millisecond(moment: datetime) -> datetime:
    """UTC, to the millisecond: what MongoDB stores, so the hash of a stored entry is stable."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("naive datetime: Njia never guesses a time zone")
    moment = moment.astimezone(UTC)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def genesis_hash(org_id: str) -> str:
    """What the first entry of an organization's chain points back to."""
    return hashlib.sha256(f"njia audit chain of {org_id}".encode()).hexdigest()


def canonical_time(moment: datetime) -> str:
    return to_millisecond(moment).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def entry_hash(record: Record, seq: int, previous_hash: str) -> str:
    fields = {
        "id": record.id,
        "org_id": record.org_id,
        "seq": seq,
        "at": canonical_time(record.at),
        "action": record.action,
        "actor_id": record.actor_id,
        "subject_id": record.subject_id,
        "branch_id": record.branch_id,
        "request_id": record.request_id,
        "ip": record.ip,
        "previous_hash": previous_hash,
    }
    text = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def chained(record: Record, end: Link | None) -> Entry:
    """``record`` as the entry after ``end`` (the first of the chain when ``end`` is None)."""
    record = Record(**{**vars(record), "at": to_millisecond(record.at)})
    seq = end.seq + 1 if end else 1
    previous = end.hash if end else genesis_hash(record.org_id)
    return Entry(record, seq, previous, entry_hash(record, seq, previous))


def entry_of(fields: Mapping[str, Any]) -> Entry:
    """An entry from its stored fields (``id`` for the entry's id); ``UnreadableEntry`` if any is
    missing or of the wrong kind (a stored entry someone changed by hand)."""
    try:
        record = Record(
            id=_text(fields["id"]),
            org_id=_text(fields["org_id"]),
            at=_moment(fields["at"]),
            action=_text(fields["action"]),
            **{name: _optional_text(fields.get(name)) for name in _OPTIONAL},
        )
        return Entry(record, _whole(fields["seq"]), _text(fields["previous_hash"]), _text(fields["hash"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise UnreadableEntry(str(exc)) from None


_OPTIONAL = ("actor_id", "subject_id", "branch_id", "request_id", "ip")


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected text, found {type(value).__name__}")
    return value


def _optional_text(value: Any) -> str | None:
    return None if value is None else _text(value)


def _whole(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"expected a whole number, found {type(value).__name__}")
    return value


def _moment(value: Any) -> datetime:
    if not isinstance(value, datetime):
        raise TypeError(f"expected a time, found {type(value).__name__}")
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Verified:
    """A chain that holds: how many entries, and its end (None for an empty chain)."""

    org_id: str
    entries: int
    end: Link | None


def verify(
    org_id: str, stored: Iterable[Mapping[str, Any]], head_seq: int | None = None
) -> Verified | Broken:
    """Walk an organization's entries in ``seq`` order and name the first that does not hold.
    ``head_seq``: the highest ``seq`` the audit service remembers writing (entries beyond the end
    of the chain that were removed show as a shorter chain than that)."""
    end: Link | None = None
    last_id = ""
    for fields in stored:
        entry_id = str(fields.get("id", "?"))
        try:
            entry = entry_of(fields)
        except UnreadableEntry as exc:
            return Broken(org_id, entry_id, _seq_of(fields), f"the entry cannot be read: {exc}")
        problem = _problem(org_id, entry, end)
        if problem:
            return Broken(org_id, entry.id, entry.seq, problem)
        end, last_id = entry.link, entry.id
    if head_seq is not None and head_seq > (end.seq if end else 0):
        reached = end.seq if end else 0
        reason = f"the chain ends at seq {reached}, but entries up to seq {head_seq} were written"
        return Broken(org_id, last_id or "-", reached, reason)
    return Verified(org_id, end.seq if end else 0, end)


def _problem(org_id: str, entry: Entry, end: Link | None) -> str | None:
    """Why ``entry`` does not follow ``end``, or None when it does."""
    expected_seq = end.seq + 1 if end else 1
    expected_previous = end.hash if end else genesis_hash(org_id)
    if entry.record.org_id != org_id:
        return f"the entry names organization {entry.record.org_id}, not {org_id}"
    if entry.seq != expected_seq:
        return f"seq {expected_seq} is missing: the entry before this one was removed"
    if entry.previous_hash != expected_previous:
        return "previous_hash is not the hash of the entry before it (entries removed or moved)"
    if entry_hash(entry.record, entry.seq, entry.previous_hash) != entry.hash:
        return "the entry was changed after it was written (its hash does not match its contents)"
    return None


def _seq_of(fields: Mapping[str, Any]) -> int:
    seq = fields.get("seq")
    return seq if isinstance(seq, int) and not isinstance(seq, bool) else 0


# Who sees what -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """The part of the log a caller may read: their organization, and for a branch admin their
    branch (entries about people of that branch)."""

    org_id: str
    branch_id: str | None = None


def reader_scope(role: str, org_id: str, branch_id: str | None) -> Scope | None:
    """None when the role may not read the log at all."""
    if role == "org_admin":
        return Scope(org_id)
    if role == "branch_admin" and branch_id:
        return Scope(org_id, branch_id)
    return None
