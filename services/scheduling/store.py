"""The only code that touches the scheduling database (`sessions`).

A time slot is given to exactly one session by claim documents: one per
5-minute bucket of the counselor's time (session plus buffer) and of the
client's time, each inserted with a deterministic ``_id`` — atomic on FerretDB
as on MongoDB, whatever the number of replicas. Cancelling deletes them, so the
slot is bookable again at once.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta
from typing import Any

from pymongo.errors import DuplicateKeyError, PyMongoError

from services.scheduling.domain import start_week, weeks_between
from shared.mongo import Store, now, outbox_push, page, upsert, with_outbox
from shared.people import People

log = logging.getLogger(__name__)

STALE_CLAIM = timedelta(minutes=2)
KEY_SWEEP_SECONDS = 3600.0  # expired idempotency keys are deleted this often (by each process)
WEEK_BY_WEEK = timedelta(days=62)
START_WEEK_FILED = "migration:start_week"  # longer ranges (reports, feeds) are read in one query


DEFAULT_TYPE_PREFIX = "sty_default_"


def default_session_type_id(org_id: str) -> str:
    return f"{DEFAULT_TYPE_PREFIX}{org_id}"


def default_session_type_doc(org_id: str, now: datetime) -> dict[str, Any]:
    """An organization's first type: each counselor's own length and buffer, by video, one seat."""
    return {
        "_id": default_session_type_id(org_id),
        "org_id": org_id,
        "name": {"en": "Counseling session", "sw": "Kikao cha ushauri"},
        "minutes": None,
        "buffer_minutes": None,
        "modality": "video",
        "seats": 1,
        "branch_id": None,
        "counselor_ids": None,
        "price": None,
        "requires_intake": False,
        "active": True,
        "is_default": True,
        "created_at": now,
        "updated_at": now,
    }


class AlreadyBooked(Exception):
    """A session with this id exists: an earlier attempt of the same request booked it."""


class SchedulingStore(People, Store):
    OUTBOX_COLLECTIONS = ("sessions",)

    def __init__(self, db: Any) -> None:
        super().__init__(db)
        self.sessions = db["sessions"]
        self.availability = db["availability"]
        # Hours a counselor replaced, kept with the time they were in force (branch reports).
        self.availability_history = db["availability_history"]
        self.people = db["people"]
        self.notes = db["notes"]
        self.joins = db["joins"]
        self.shares = db["shares"]
        self.policies = db["policies"]
        # Counselors' calendar feed keys: a rotation stores a new one and the old URL stops at once.
        self.feeds = db["feeds"]
        # Session types (length, buffer, modality, seats) an organization offers; one default each.
        self.session_types = db["session_types"]
        # When each counselor was last given a session ("any counselor" goes to the least recent).
        self.assignments = db["assignments"]
        # Workshops: one counselor's session with seats (their seats are sessions, with seat claims).
        self.workshops = db["workshops"]
        # Clients' Idempotency-Keys: what each request sent with one was (retries.key_record).
        self.idempotency_keys = db["idempotency_keys"]
        self.next_key_sweep = 0.0  # time.monotonic() of this process's next sweep of expired keys
        # This process's first no-show sweep reads every session still booked; later ones fewer.
        self.swept_for_no_shows = False

    def ensure_indexes(self) -> None:
        super().ensure_indexes()
        self.sessions.create_index([("counselor_id", 1), ("start", 1)])
        self.sessions.create_index([("client_id", 1), ("start", 1)])
        self.sessions.create_index([("org_id", 1), ("start", 1)])
        self.sessions.create_index([("status", 1), ("start", 1)])
        self.sessions.create_index([("branch_id", 1), ("start_week", 1)])
        self.sessions.create_index([("counselor_id", 1), ("start_week", 1)])
        self.sessions.create_index([("status", 1), ("start_week", 1)])
        self._file_sessions_by_week()
        self.availability.create_index("branch_id")
        self.availability_history.create_index("org_id")
        self.notes.create_index("session_id")
        self.session_types.create_index("org_id")
        self.ensure_workshop_indexes()

    def _file_sessions_by_week(self) -> None:
        """Sessions stored before start_week existed get it, once per database (every later write
        sets it): reading every session at each start-up would cost more as the practice grows."""
        if self.claim_owner(START_WEEK_FILED) is not None:
            return
        for doc in list(self.sessions.find({"start_week": {"$exists": False}}, {"start": 1})):
            self.sessions.update_one({"_id": doc["_id"]}, {"$set": {"start_week": start_week(doc["start"])}})
        self.claim(START_WEEK_FILED, "migration", now())

    # Availability -------------------------------------------------------------------

    def save_availability(self, doc: dict[str, Any], retired: dict[str, Any] | None) -> None:
        """The counselor's hours from now on; ``retired``, the hours they replace, kept first (by an id
        of their own: a save at the same moment that kept them too is the same version)."""
        if retired is not None:
            try:
                self.availability_history.insert_one(retired)
            except DuplicateKeyError:
                pass
        upsert(self.availability, {"_id": doc["counselor_id"]}, {**doc, "_id": doc["counselor_id"]})

    def availability_of(self, counselor_id: str) -> dict[str, Any] | None:
        return self.availability.find_one({"_id": counselor_id})

    def availability_of_branch(self, branch_id: str) -> list[dict[str, Any]]:
        return list(self.availability.find({"branch_id": branch_id}))

    def availability_of_org(self, org_id: str) -> list[dict[str, Any]]:
        return list(self.availability.find({"org_id": org_id}))

    def retired_availability_of_org(
        self, org_id: str, start: datetime, end: datetime
    ) -> list[dict[str, Any]]:
        """Hours the organization's counselors replaced that were in force some time in [start, end)."""
        when = {"valid_until": {"$gt": start}, "valid_from": {"$lt": end}}
        return list(self.availability_history.find({"org_id": org_id, **when}))

    # Sessions --------------------------------------------------------------------------

    def claim_time(self, keys: list[str], session_id: str, now: datetime) -> str | None:
        """All of ``keys`` for the session, or none; returns the key someone else holds."""
        # Counselors' time is held by sessions and by workshops (issue 15): neither is an orphan.
        return self.claim_all(keys, session_id, ("sessions", "workshops"), now, STALE_CLAIM)

    def free_time(self, keys: list[str], session_id: str) -> None:
        self.release_all(keys, session_id)

    def add_session(self, doc: dict[str, Any], events: list[dict[str, Any]]) -> None:
        """A new session with its events; AlreadyBooked when its id is taken (by an earlier attempt
        of the same request: ids are derived from it)."""
        try:
            self.sessions.insert_one(with_outbox({**doc, "start_week": start_week(doc["start"])}, events))
        except DuplicateKeyError:
            raise AlreadyBooked from None

    def session(self, session_id: str) -> dict[str, Any] | None:
        return self.sessions.find_one({"_id": session_id}, {"outbox": 0})

    def update_session(
        self, session_id: str, changes: dict[str, Any], freed: list[str], events: list[dict[str, Any]]
    ) -> None:
        """One single-document write: the change and the events it causes; then the time claims the
        change gave up are freed."""
        if "start" in changes:
            changes = {**changes, "start_week": start_week(changes["start"])}
        self.sessions.update_one({"_id": session_id}, {"$set": {**changes, **outbox_push(events)}})
        self.free_time(freed, session_id)

    def sessions_where(
        self,
        scope: dict[str, Any],
        start_from: datetime | None,
        start_before: datetime | None,
        limit: int,
        cursor: str | None,
    ) -> tuple[list[dict[str, Any]], str | None]:
        """A page of the sessions matching the equalities in ``scope`` and starting in
        [start_from, start_before) (either end open when None)."""
        query = dict(scope)
        if start_from or start_before:
            query["start"] = {}
            if start_from:
                query["start"]["$gte"] = start_from
            if start_before:
                query["start"]["$lt"] = start_before
        return page(self.sessions, query, limit, cursor)

    def sessions_between(self, query: dict[str, Any], start: datetime, end: datetime) -> list[dict[str, Any]]:
        """Sessions starting in [start, end) that match the top-level equalities in ``query``."""
        return self._starting(query, start, end, {"outbox": 0})

    def booked_from(self, equal: dict[str, Any], start: datetime) -> list[dict[str, Any]]:
        """Booked sessions starting at ``start`` or later that match the top-level equalities in
        ``equal`` (a counselor's or a client's), earliest first."""
        query = {**equal, "status": "booked", "start": {"$gte": start}}
        return sorted(self.sessions.find(query, {"outbox": 0}), key=lambda doc: doc["start"])

    def booked_where(self, equal: dict[str, Any], start: datetime, end: datetime) -> list[dict[str, Any]]:
        """Booked sessions that may touch [start, end) (none is longer than a day).

        ``equal`` holds only top-level equalities (``counselor_id`` or ``branch_id``): the
        filters FerretDB's PostgreSQL backend pushes down to the database.
        """
        query = {**equal, "status": "booked"}
        return self._starting(
            query, start - timedelta(days=1), end, {"counselor_id": 1, "start": 1, "end": 1}
        )

    def due_for_no_show(self, started_before: datetime, since: datetime | None) -> list[dict[str, Any]]:
        """Booked sessions that started before ``started_before``: since ``since``, or ever when None."""
        if since is None:
            query = {"status": "booked", "start": {"$lte": started_before}}
            return list(self.sessions.find(query, {"outbox": 0}))
        return self._starting({"status": "booked"}, since, started_before, {"outbox": 0}, inclusive=True)

    def _starting(
        self,
        query: dict[str, Any],
        start: datetime,
        end: datetime,
        fields: dict[str, int],
        inclusive: bool = False,
    ) -> list[dict[str, Any]]:
        """Week by week, so the database reads only those weeks' sessions, not every one ever booked."""
        before = {"$lte": end} if inclusive else {"$lt": end}
        when = {"start": {"$gte": start, **before}}
        if end - start > WEEK_BY_WEEK:
            return list(self.sessions.find({**query, **when}, fields))
        found: list[dict[str, Any]] = []
        for week in weeks_between(start, end):
            found.extend(self.sessions.find({**query, "start_week": week, **when}, fields))
        return found

    # Session types ---------------------------------------------------------------------------

    def session_type(self, type_id: str) -> dict[str, Any] | None:
        """The session type with this id (any organization's, active or not), or None."""
        return self.session_types.find_one({"_id": type_id})

    def default_session_type(self, org_id: str, now: datetime) -> dict[str, Any]:
        """The organization's default type, made on its first read: inserting by its fixed id is
        atomic, so replicas reading it first at once make one. Its minutes and buffer are None:
        each counselor's own session length and buffer (as before session types existed)."""
        type_id = default_session_type_id(org_id)
        doc = self.session_type(type_id)
        if doc is not None:
            return doc
        try:
            self.session_types.insert_one(default_session_type_doc(org_id, now))
        except DuplicateKeyError:
            pass  # another replica made it first
        return self.session_type(type_id) or default_session_type_doc(org_id, now)

    def session_types_of(self, org_id: str) -> list[dict[str, Any]]:
        """Every type of the organization: the default first, then the oldest first."""
        return sorted(
            self.session_types.find({"org_id": org_id}),
            key=lambda doc: (not doc.get("is_default"), doc["created_at"], doc["_id"]),
        )

    def add_session_type(self, doc: dict[str, Any]) -> dict[str, Any]:
        """A new type; of two inserts with one id (a retried request), the first is kept."""
        try:
            self.session_types.insert_one(doc)
        except DuplicateKeyError:
            pass
        return self.session_type(doc["_id"]) or doc

    def update_session_type(self, type_id: str, changes: dict[str, Any]) -> dict[str, Any] | None:
        self.session_types.update_one({"_id": type_id}, {"$set": changes})
        return self.session_type(type_id)

    # Idempotency keys ------------------------------------------------------------------------

    def keep_key(self, record: dict[str, Any]) -> tuple[dict[str, Any], bool]:
        """A client's key: ``record`` kept now (True), or the record kept when the key was first sent
        (False). Inserting by ``_id`` is atomic: of requests sending one key at once, one keeps it."""
        for _ in range(2):
            try:
                self.idempotency_keys.insert_one(record)
                return record, True
            except DuplicateKeyError:
                kept = self.idempotency_keys.find_one({"_id": record["_id"]})
            if kept is not None:
                return kept, False
        raise AssertionError("an idempotency key was deleted twice while it was being kept")

    def forget_key(self, kept: dict[str, Any]) -> None:
        """An expired key's record (unless kept anew meanwhile: that one expires later)."""
        self.idempotency_keys.delete_one({"_id": kept["_id"], "expires_at": kept["expires_at"]})

    def refuse_key(self, key_id: str, refusal: dict[str, Any]) -> None:
        self.idempotency_keys.update_one({"_id": key_id}, {"$set": {"refusal": refusal}})

    def stop_key(self, key_id: str, now: datetime) -> None:
        """The key's latest attempt failed (a 5xx): a retry need not wait for it. Best effort: when
        the database is what failed, the retry waits until the attempt cannot be running."""
        try:
            self.idempotency_keys.update_one({"_id": key_id}, {"$set": {"stopped_at": now}})
        except PyMongoError:
            log.warning("could not mark an idempotency key's attempt stopped", extra={"key_id": key_id})

    def take_over_key(self, key_id: str, request_id: str, now: datetime) -> None:
        """A retry goes on in place of an earlier attempt: later retries wait for this one."""
        change = {"$set": {"request_id": request_id, "attempted_at": now}, "$unset": {"stopped_at": ""}}
        self.idempotency_keys.update_one({"_id": key_id}, change)

    def forget_expired_keys(self, now: datetime) -> int:
        """Delete expired keys' records, once an hour per process (FerretDB has no TTL index and
        pushes no range down: this reads every key)."""
        if time.monotonic() < self.next_key_sweep:
            return 0
        self.next_key_sweep = time.monotonic() + KEY_SWEEP_SECONDS
        return int(self.idempotency_keys.delete_many({"expires_at": {"$lte": now}}).deleted_count)

    # Joins -------------------------------------------------------------------------------

    def record_join(self, session_id: str, user_id: str, role: str, now: datetime) -> None:
        join_id = f"{session_id}:{user_id}:{int(now.timestamp() * 1000)}"
        try:
            self.joins.insert_one(
                {"_id": join_id, "session_id": session_id, "user_id": user_id, "role": role, "joined_at": now}
            )
        except DuplicateKeyError:
            pass  # the same person clicked twice in one millisecond
        # The first join of each side is the session's attendance (a counselor's too, #15).
        stamp = {"client": "client_joined_at", "counselor": "counselor_joined_at"}.get(role)
        if stamp:
            self.sessions.update_one({"_id": session_id, stamp: None}, {"$set": {stamp: now}})

    # Assignments ---------------------------------------------------------------------------------

    def note_assignment(self, counselor_id: str, at: datetime) -> None:
        """The counselor was given a session at ``at`` (later than any before: times only grow)."""
        upsert(self.assignments, {"_id": counselor_id}, {"$max": {"last_assigned_at": at}})

    def last_assigned(self, counselor_ids: list[str]) -> dict[str, datetime]:
        """When each of the counselors was last given a session, for those ever given one (one read
        by ``_id`` each: FerretDB pushes no ``$in`` down)."""
        found: dict[str, datetime] = {}
        for counselor_id in counselor_ids:
            doc = self.assignments.find_one({"_id": counselor_id})
            if doc and doc.get("last_assigned_at"):
                found[counselor_id] = doc["last_assigned_at"]
        return found

    # Notes ------------------------------------------------------------------------------

    def add_note(self, note: dict[str, Any]) -> None:
        self.notes.insert_one(note)

    def notes_of(
        self, session_id: str, limit: int, cursor: str | None
    ) -> tuple[list[dict[str, Any]], str | None]:
        return page(self.notes, {"session_id": session_id}, limit, cursor)

    # Calendar feeds ---------------------------------------------------------------------------

    def feed_key(self, counselor_id: str) -> str | None:
        """The key the counselor's feed URL is signed with now; None until their first rotation."""
        doc = self.feeds.find_one({"_id": counselor_id})
        return str(doc["key"]) if doc else None

    def rotate_feed(self, counselor_id: str, key: str, now: datetime) -> str:
        """A new key for the counselor's feed; returns the key kept (of two rotations at once, the
        one written last: both callers then give out the URL that works)."""
        upsert(self.feeds, {"_id": counselor_id}, {"$set": {"key": key, "rotated_at": now}})
        return self.feed_key(counselor_id) or key

    # Sharing and policy ---------------------------------------------------------------------

    def shared_with(self, client_id: str) -> list[str]:
        doc = self.shares.find_one({"_id": client_id})
        return list(doc["counselor_ids"]) if doc else []

    def share(self, client_id: str, counselor_ids: list[str], now: datetime) -> None:
        upsert(
            self.shares,
            {"_id": client_id},
            {"_id": client_id, "counselor_ids": counselor_ids, "updated_at": now},
        )

    def policy(self, org_id: str) -> dict[str, Any]:
        doc = self.policies.find_one({"_id": org_id}) or {}
        return {
            "late_cancel_hours": doc.get("late_cancel_hours", 24),
            "max_reschedules": doc.get("max_reschedules", 2),
        }

    def set_policy(self, org_id: str, policy: dict[str, Any]) -> None:
        upsert(self.policies, {"_id": org_id}, {**policy, "_id": org_id})

    # Workshops (issue 15) ------------------------------------------------------------------------
    # A workshop's counselor time is claimed with the counselor claim keys, owned by the workshop;
    # each seat is a session (``workshop_id`` set) holding ``seat:<workshop id>:<n>`` and its client's
    # time, all listed in the session's ``claims`` (what cancelling it frees).

    def ensure_workshop_indexes(self) -> None:
        self.workshops.create_index([("org_id", 1), ("start", 1)])
        self.sessions.create_index("workshop_id")
        self.claims.create_index("workshop_id")

    def add_workshop(self, doc: dict[str, Any]) -> tuple[dict[str, Any], bool]:
        """A new workshop (True), or the one an earlier attempt of the same request made (False):
        ids are derived from the request."""
        try:
            self.workshops.insert_one(doc)
            return doc, True
        except DuplicateKeyError:
            kept = self.workshops.find_one({"_id": doc["_id"]})
        assert kept is not None, "a workshop found by its insert is never deleted"
        return kept, False

    def workshop(self, workshop_id: str) -> dict[str, Any] | None:
        return self.workshops.find_one({"_id": workshop_id})

    def workshops_from(self, equal: dict[str, Any], start: datetime, end: datetime) -> list[dict[str, Any]]:
        """Workshops starting in [start, end) matching the top-level equalities in ``equal``,
        earliest first (then by id)."""
        query = {**equal, "start": {"$gte": start, "$lt": end}}
        return sorted(self.workshops.find(query), key=lambda doc: (doc["start"], doc["_id"]))

    def workshops_between(self, org_id: str, start: datetime, end: datetime) -> list[dict[str, Any]]:
        """The organization's workshops starting in [start, end), cancelled ones included (a report
        counts the held ones; its seats taken are their seat sessions, ``workshop_id`` set)."""
        return self.workshops_from({"org_id": org_id}, start, end)

    def set_workshop_status(self, workshop_id: str, changes: dict[str, Any]) -> None:
        self.workshops.update_one({"_id": workshop_id}, {"$set": changes})

    def seat_sessions(self, workshop_id: str, held_only: bool = True) -> list[dict[str, Any]]:
        """The workshop's seat sessions (only those holding a seat, unless ``held_only`` is False),
        in the order they were taken."""
        query: dict[str, Any] = {"workshop_id": workshop_id}
        docs = self.sessions.find(query, {"outbox": 0, "answers": 0})
        held = ("booked", "completed", "no_show")
        return sorted(
            (d for d in docs if not held_only or d["status"] in held),
            key=lambda d: (d["created_at"], d["_id"]),
        )

    def seats_taken(self, workshop_id: str) -> int:
        return len(self.seat_sessions(workshop_id))

    def seat_claims(self, workshop_id: str) -> list[dict[str, Any]]:
        """The seat claims of a workshop now: ``{_id: "seat:<id>:<n>", owner, claimed_at}``."""
        return list(self.claims.find({"workshop_id": workshop_id}))

    def claim_seat(self, key: str, workshop_id: str, owner: str, now: datetime) -> bool:
        """One seat for ``owner`` (a seat session's id): True for exactly one caller of ``key``."""
        return self.claim(key, owner, now, workshop_id=workshop_id)

    def take_over_seat(self, claim: dict[str, Any], workshop_id: str, owner: str, now: datetime) -> bool:
        """A seat claimed by an attempt that never wrote its session (it crashed), once stale."""
        if self.sessions.find_one({"_id": claim["owner"]}, {"_id": 1}) is not None:
            return False
        if not self.release_if_stale(claim["_id"], STALE_CLAIM, now):
            return False
        return self.claim_seat(claim["_id"], workshop_id, owner, now)
