"""The audit database: entries (one chain per organization) and each chain's last known head.

Appending is race-free without transactions or locks. An entry's ``_id`` is the record's event
id, and a unique index on ``(org_id, seq)`` admits one entry per place in a chain: inserting a
document is atomic on FerretDB as on MongoDB, so of two writers (two replicas, or two workers of
one) hanging an entry after the same end, one wins and the other reads the new end and tries
again; a record delivered twice finds its ``_id`` taken and is not appended again.

``heads`` holds, per organization, the end of the chain as last written: where an append starts
looking (by ``_id``, fast on every FerretDB backend) before it steps forward over entries written
meanwhile. It may lag behind the chain (two writers updating it at once on FerretDB), never run
ahead of it, so ``verify`` can also tell when the newest entries were removed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pymongo import ASCENDING, DESCENDING
from pymongo.errors import DuplicateKeyError

from services.audit import domain
from shared.errors import BadRequest
from shared.mongo import Store, decode_cursor, encode_cursor

APPEND_ATTEMPTS = 100


class AuditStore(Store):
    def __init__(self, db: Any) -> None:
        super().__init__(db)
        self.entries = db["entries"]
        self.heads = db["heads"]

    def ensure_indexes(self) -> None:
        super().ensure_indexes()
        self.entries.create_index([("org_id", ASCENDING), ("seq", ASCENDING)], unique=True)
        for name in ("subject_id", "actor_id", "action", "branch_id"):
            self.entries.create_index([("org_id", ASCENDING), (name, ASCENDING)])

    # Appending ------------------------------------------------------------------------------

    def append(self, record: domain.Record) -> domain.Entry:
        """``record`` as the next entry of its organization's chain; the entry already written when
        this record was appended before (redelivery)."""
        for _ in range(APPEND_ATTEMPTS):
            existing = self.entry(record.id)
            if existing is not None:
                return existing
            entry = domain.chained(record, self.chain_end(record.org_id))
            try:
                self.entries.insert_one(_document(entry))
            except DuplicateKeyError:
                continue  # another writer took this place (or wrote this very record): look again
            self._advance_head(entry)
            return entry
        # Other writers kept taking the next place: the handler fails and the event is retried later.
        raise RuntimeError(f"no free place in the chain of {record.org_id} after {APPEND_ATTEMPTS} tries")

    def chain_end(self, org_id: str) -> domain.Link | None:
        """The last entry of the chain: from the remembered head, forward over newer entries."""
        head = self.heads.find_one({"_id": org_id})
        end = domain.Link(head["seq"], head["hash"]) if head else None
        while True:
            following = self.entries.find_one({"org_id": org_id, "seq": (end.seq if end else 0) + 1})
            if following is None:
                return end
            end = domain.Link(following["seq"], following["hash"])

    def _advance_head(self, entry: domain.Entry) -> None:
        org_id, link = entry.record.org_id, entry.link
        moved = self.heads.update_one(
            {"_id": org_id, "seq": {"$lt": link.seq}}, {"$set": {"seq": link.seq, "hash": link.hash}}
        )
        if moved.matched_count:
            return
        try:
            self.heads.insert_one({"_id": org_id, "seq": link.seq, "hash": link.hash})
        except DuplicateKeyError:
            pass  # the head is there, at this entry or past it

    def entry(self, entry_id: str) -> domain.Entry | None:
        doc = self.entries.find_one({"_id": entry_id})
        return domain.entry_of(_fields(doc)) if doc else None

    # Reading -------------------------------------------------------------------------------------

    def page(
        self, scope: domain.Scope, filters: dict[str, Any], limit: int, cursor: str | None
    ) -> tuple[list[dict[str, Any]], str | None]:
        """Newest first: one page of the entries in ``scope`` matching ``filters`` (``subject_id``,
        ``actor_id``, ``action``: equal; ``from``/``to``: ``at`` in [from, to))."""
        query: dict[str, Any] = {"org_id": scope.org_id}
        if scope.branch_id:
            query["branch_id"] = scope.branch_id
        query |= {name: filters[name] for name in ("subject_id", "actor_id", "action") if filters.get(name)}
        query |= _time_range(filters.get("from"), filters.get("to"))
        before = _seq_of_cursor(decode_cursor(cursor))
        if before is not None:
            query["seq"] = {"$lt": before}
        docs = list(self.entries.find(query).sort("seq", DESCENDING).limit(limit + 1))
        if len(docs) > limit:
            return [_fields(d) for d in docs[:limit]], encode_cursor(str(docs[limit - 1]["seq"]))
        return [_fields(d) for d in docs], None

    def organizations(self) -> list[str]:
        """Every organization with a chain (or a head: a chain whose every entry was removed)."""
        found = {str(org) for org in self.entries.distinct("org_id")}
        return sorted(found | {str(doc["_id"]) for doc in self.heads.find({}, {"_id": 1})})

    def chain(self, org_id: str) -> list[dict[str, Any]]:
        """Every entry of the chain, in ``seq`` order, as stored (read whole: no cursor left open)."""
        return [_fields(doc) for doc in self.entries.find({"org_id": org_id}).sort("seq", ASCENDING)]

    def head_seq(self, org_id: str) -> int | None:
        head = self.heads.find_one({"_id": org_id})
        return head.get("seq") if head else None


def _document(entry: domain.Entry) -> dict[str, Any]:
    record = entry.record
    return {
        "_id": record.id,
        "org_id": record.org_id,
        "seq": entry.seq,
        "at": record.at,
        "action": record.action,
        "actor_id": record.actor_id,
        "subject_id": record.subject_id,
        "branch_id": record.branch_id,
        "request_id": record.request_id,
        "ip": record.ip,
        "previous_hash": entry.previous_hash,
        "hash": entry.hash,
    }


def _fields(doc: dict[str, Any]) -> dict[str, Any]:
    fields = {key: value for key, value in doc.items() if key != "_id"}
    return {"id": doc["_id"], **fields}


def _time_range(start: datetime | None, end: datetime | None) -> dict[str, Any]:
    bounds = {**({"$gte": start} if start else {}), **({"$lt": end} if end else {})}
    return {"at": bounds} if bounds else {}


def _seq_of_cursor(value: str | None) -> int | None:
    if value is None:
        return None
    if not (value.isascii() and value.isdigit() and len(value) <= 15):
        raise BadRequest("The cursor is not one Njia gave out.", {"cursor": ["Unknown cursor."]})
    return int(value)
