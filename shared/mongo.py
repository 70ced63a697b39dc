"""MongoStore: the dependency that gives a service its own database.

One ``MongoClient`` per container (created in ``setup``, closed in ``stop``),
always ``tz_aware=True``; the service's store class is built around that
client's database and asked to create its indexes before the first worker
runs. Stores subclass ``Store`` and are the only code touching collections.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from nameko.extensions import DependencyProvider
from pymongo import MongoClient
from pymongo.collection import Collection
from pymongo.database import Database
from pymongo.errors import (
    BulkWriteError,
    CollectionInvalid,
    DuplicateKeyError,
    OperationFailure,
    PyMongoError,
)

from shared.clock import utc_now
from shared.config import load_settings
from shared.errors import BadRequest, Unavailable


def connect(uri: str, **options: Any) -> MongoClient[dict[str, Any]]:
    """The one way Njia opens MongoDB: aware datetimes, bounded waits."""
    options.setdefault("serverSelectionTimeoutMS", 5000)
    options.setdefault("connectTimeoutMS", 5000)
    options.setdefault("socketTimeoutMS", 30000)
    options.setdefault("appname", "njia")
    return MongoClient(uri, tz_aware=True, **options)


def database_name(prefix: str, service_database: str) -> str:
    return f"{prefix}{service_database}"


NAMESPACE_EXISTS = 48  # the collection was created meanwhile (another replica starting)


class Store:
    """Base of every service's store: claims, event inbox, outbox and dead letters.

    Claims, leases and inbox entries are documents with deterministic ``_id``s:
    inserting one is atomic on FerretDB as on MongoDB (the loser gets a
    duplicate-key error), while conditional updates are not on FerretDB.
    """

    # Collections whose documents may carry an ``outbox`` of unpublished events.
    OUTBOX_COLLECTIONS: tuple[str, ...] = ()

    def __init__(self, db: Database[dict[str, Any]]) -> None:
        self.db = db
        self.claims = db["claims"]
        self.inbox = db["event_inbox"]
        self.failed_events = db["failed_events"]
        self.next_full_relay = 0.0  # when this process next reads every outbox (time.monotonic)

    def ensure_indexes(self) -> None:
        """Subclasses add their own; these serve the shared machinery."""
        self.ensure_collections()
        self.failed_events.create_index([("status", 1), ("next_attempt_at", 1)])
        for name in self.OUTBOX_COLLECTIONS:
            self.db[name].create_index("outbox_pending")

    def ensure_collections(self) -> None:
        """Create every collection the store uses now, at start-up.

        On FerretDB's PostgreSQL backend creating a collection takes a registry-wide lock
        while it waits for a database connection; under load (connections held by open
        cursors whose next batch waits for that lock) that can deadlock. So no collection
        is ever created implicitly by a first write while the platform takes traffic.
        """
        existing = set(self.db.list_collection_names())
        for name in sorted({c.name for c in vars(self).values() if isinstance(c, Collection)} - existing):
            try:
                self.db.create_collection(name)
            except CollectionInvalid:
                pass  # another replica created it first
            except OperationFailure as exc:
                if exc.code != NAMESPACE_EXISTS:
                    raise

    def ping(self) -> None:
        self.db.command("ping")

    # Claims -----------------------------------------------------------------

    def claim(self, key: str, owner: str, now: datetime, **extra: Any) -> bool:
        """True for exactly one caller of the same ``key``."""
        try:
            self.claims.insert_one({"_id": key, "owner": owner, "claimed_at": now, **extra})
        except DuplicateKeyError:
            return False
        return True

    def claim_all(
        self,
        keys: list[str],
        owner: str,
        owner_collection: str | tuple[str, ...],
        now: datetime,
        stale_after: timedelta,
    ) -> str | None:
        """Claim every key for ``owner``, or none: returns the first key someone else holds.

        Keys ``owner`` already holds count as claimed (a reschedule overlapping its old time).
        A key held by an owner that was never written (a crash between claim and write) is
        taken over once older than ``stale_after``; owners are looked for in ``owner_collection``
        (one, or several when keys of one kind are held by documents of several: a counselor's
        time by a session or by a workshop).
        """
        collections = (owner_collection,) if isinstance(owner_collection, str) else owner_collection
        taken: list[str] = []
        try:  # the common case in one round trip
            self.claims.insert_many(
                [{"_id": k, "owner": owner, "claimed_at": now} for k in keys], ordered=True
            )
            return None
        except BulkWriteError as exc:
            first_failed = min((err["index"] for err in exc.details.get("writeErrors", [])), default=0)
            taken, keys = list(keys[:first_failed]), list(keys[first_failed:])
        for key in keys:
            if self.claim(key, owner, now):
                taken.append(key)
                continue
            holder = self.claim_owner(key)
            if holder == owner:
                continue
            orphaned = holder and all(
                self.db[name].find_one({"_id": holder}, {"_id": 1}) is None for name in collections
            )
            if orphaned and self.release_if_stale(key, stale_after, now) and self.claim(key, owner, now):
                taken.append(key)
                continue
            self.release_all(taken, owner)
            return key
        return None

    def release_all(self, keys: list[str], owner: str) -> None:
        # One delete per key: FerretDB pushes no `$in` down, so a delete_many would scan every claim.
        for key in keys:
            self.claims.delete_one({"_id": key, "owner": owner})

    def claim_owner(self, key: str) -> str | None:
        doc = self.claims.find_one({"_id": key}, {"owner": 1})
        return doc["owner"] if doc else None

    def release(self, key: str, owner: str | None = None) -> bool:
        query: dict[str, Any] = {"_id": key}
        if owner is not None:
            query["owner"] = owner
        return self.claims.delete_one(query).deleted_count == 1

    def release_if_stale(self, key: str, older_than: timedelta, now: datetime) -> bool:
        """Free a claim whose owner never finished (a crash between claim and write)."""
        return (
            self.claims.delete_one({"_id": key, "claimed_at": {"$lt": now - older_than}}).deleted_count == 1
        )

    # Event inbox (idempotent handling) --------------------------------------

    def event_seen(self, key: str) -> bool:
        return self.inbox.find_one({"_id": key}, {"_id": 1}) is not None

    def mark_event_seen(self, key: str, now: datetime) -> None:
        try:
            self.inbox.insert_one({"_id": key, "handled_at": now})
        except DuplicateKeyError:
            pass  # a redelivered copy finished first: same outcome

    # Outbox -----------------------------------------------------------------

    def outbox_delivered(self, collection: str, doc_id: Any, event_id: str) -> None:
        # The outbox is a map by event id: FerretDB's $pull matches whole elements only.
        coll = self.db[collection]
        if event_id:
            coll.update_one({"_id": doc_id}, {"$unset": {f"outbox.{event_id}": ""}})
        coll.update_one({"_id": doc_id, "outbox": {}}, {"$set": {"outbox_pending": False}})

    def outbox_only_event_sent(self, collection: str, doc_id: Any, event_id: str) -> None:
        """For documents whose outbox held exactly this one event: clear it in a single write."""
        self.db[collection].update_one(
            {"_id": doc_id}, {"$unset": {f"outbox.{event_id}": ""}, "$set": {"outbox_pending": False}}
        )

    def pending_outbox(self, everything: bool = False) -> Iterator[tuple[str, Any, list[dict[str, Any]]]]:
        """Documents flagged ``outbox_pending``; with ``everything``, any whose outbox holds an event,
        flag or not (FerretDB updates read, change and write back a whole document, so a flag cleared
        by one writer can hide an event another pushed at the same moment)."""
        query: dict[str, Any] = {} if everything else {"outbox_pending": True}
        for name in self.OUTBOX_COLLECTIONS:
            # Read the batch whole: a cursor left open holds a FerretDB connection (see ensure_collections).
            for doc in list(self.db[name].find(query, {"outbox": 1, "outbox_pending": 1})):
                pending = sorted((doc.get("outbox") or {}).values(), key=lambda e: e["event_id"])
                if pending or doc.get("outbox_pending"):
                    yield name, doc["_id"], pending

    # Failed events (bounded redelivery, then dead letters) --------------------

    def record_failed_event(
        self, key: str, handler: str, envelope: dict[str, Any], error: str, now: datetime, retry_in: float
    ) -> None:
        upsert(
            self.failed_events,
            {"_id": key},
            {
                "$setOnInsert": {"handler": handler, "envelope": envelope, "first_failed_at": now},
                "$set": {
                    "status": "retrying",
                    "last_error": error[-2000:],
                    "last_failed_at": now,
                    "next_attempt_at": now + timedelta(seconds=retry_in),
                },
                "$inc": {"attempts": 1},
            },
        )

    def failed_event(self, key: str) -> dict[str, Any] | None:
        return self.failed_events.find_one({"_id": key})

    def failed_events_due(self, now: datetime, limit: int = 50) -> list[dict[str, Any]]:
        return list(
            self.failed_events.find({"status": "retrying", "next_attempt_at": {"$lte": now}}).limit(limit)
        )

    def mark_failed_event(self, key: str, status: str, now: datetime) -> None:
        self.failed_events.update_one({"_id": key}, {"$set": {"status": status, "settled_at": now}})

    def dead_letters(self, limit: int = 200) -> list[dict[str, Any]]:
        return list(self.failed_events.find({"status": "dead"}).sort("_id", 1).limit(limit))

    def revive_failed_event(self, key: str, now: datetime) -> bool:
        result = self.failed_events.update_one(
            {"_id": key, "status": "dead"},
            {
                "$set": {"status": "retrying", "attempts": 0, "next_attempt_at": now},
                "$inc": {"generation": 1},
            },
        )
        return result.modified_count == 1


UPSERT_ATTEMPTS = 3


def upsert(collection: Collection[dict[str, Any]], query: dict[str, Any], change: dict[str, Any]) -> Any:
    """``replace_one`` (a plain document) or ``update_one`` (``$`` operators) with ``upsert=True``,
    safe when two writers create the same document at once: FerretDB (and MongoDB, rarely) lets both
    try the insert, and the loser's duplicate-key error is retried, when the document exists, as an
    update of it."""
    write = collection.update_one if any(key.startswith("$") for key in change) else collection.replace_one
    for attempt in range(UPSERT_ATTEMPTS):
        try:
            return write(query, change, upsert=True)
        except DuplicateKeyError:
            if attempt == UPSERT_ATTEMPTS - 1:
                raise
    return None  # not reached: the last attempt returns or raises


def with_outbox(doc: dict[str, Any], events: list[dict[str, Any]]) -> dict[str, Any]:
    """``doc`` carrying the events its write causes, to be written in the same single-document write."""
    return {**doc, "outbox": {e["event_id"]: e for e in events}, "outbox_pending": bool(events)}


def outbox_push(events: list[dict[str, Any]]) -> dict[str, Any]:
    """The ``$set`` part of an update that adds ``events`` to a document's outbox."""
    return {**{f"outbox.{e['event_id']}": e for e in events}, "outbox_pending": True} if events else {}


class MongoStore(DependencyProvider):
    """``store = MongoStore(AccountsStore, "accounts")`` in a service class."""

    def __init__(self, store_class: type[Store], database: str) -> None:
        self.store_class = store_class
        self.database = database
        self.client: MongoClient[dict[str, Any]] | None = None
        self.store: Store | None = None

    def setup(self) -> None:
        settings = load_settings(self.container.config)
        self.client = connect(settings.mongo_uri)
        db = self.client[database_name(settings.mongo_db_prefix, self.database)]
        self.store = self.store_class(db)
        try:
            self.store.ensure_indexes()
        except PyMongoError as exc:
            raise Unavailable(f"database for {self.database} is not reachable: {exc}") from exc

    def stop(self) -> None:
        if self.client is not None:
            self.client.close()
            self.client = None

    kill = stop

    def get_dependency(self, worker_ctx: Any) -> Store:
        assert self.store is not None, "MongoStore used before setup"
        return self.store


def now() -> datetime:
    """Mongo keeps milliseconds: round-trip-safe 'now' for stored timestamps."""
    moment = utc_now()
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def encode_cursor(last_id: str) -> str:
    return base64.urlsafe_b64encode(last_id.encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> str | None:
    if not cursor:
        return None
    try:
        # Strict: the lenient decoder drops unknown characters, so "%%%" would read as the first page.
        last_id = base64.b64decode(cursor + "=" * (-len(cursor) % 4), altchars=b"-_", validate=True).decode()
        if not last_id or not last_id.isprintable():
            raise ValueError("not a cursor")
        return last_id
    except (ValueError, UnicodeDecodeError):
        raise BadRequest("The cursor is not one Njia gave out.", {"cursor": ["Unknown cursor."]}) from None


def page(
    collection: Collection[dict[str, Any]], query: dict[str, Any], limit: int, cursor: str | None
) -> tuple[list[dict[str, Any]], str | None]:
    """One page in ``_id`` order (ids sort by creation time) and the cursor of the next."""
    after = decode_cursor(cursor)
    if after is not None:
        query = {**query, "_id": {"$gt": after}}
    docs = list(collection.find(query).sort("_id", 1).limit(limit + 1))
    if len(docs) > limit:
        return docs[:limit], encode_cursor(str(docs[limit - 1]["_id"]))
    return docs, None
