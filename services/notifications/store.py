"""The only code that touches the notifications database.

Every message is a delivery document with a deterministic ``_id`` (see
``domain.delivery_id``): planning the same event twice plans nothing new.
Sending is claimed by inserting a lease document ``lease:<delivery id>`` —
atomic on FerretDB as on MongoDB — that a successor may take over once it
has expired (deleting an expired lease by ``_id`` succeeds for one caller only).
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo.errors import BulkWriteError, DuplicateKeyError

from services.notifications.domain import (
    CANCELLED,
    SCHEDULED,
    Delivery,
    Preferences,
    due_bucket,
    next_attempt,
)
from shared.errors import BadRequest
from shared.limits import Limits
from shared.mongo import Store, decode_cursor, encode_cursor, page, upsert
from shared.people import People

FRESH, TAKEN_OVER = "fresh", "taken_over"  # how a lease was had
# A reminder's place in its session's list: when it falls due (UTC, sortable as text), then its id.
REMINDER_POSITION = re.compile(r"\d{8}T\d{6}\.\d{6}\|.+")


def phone_key(phone: str) -> str:
    """The phones index is keyed by a digest, not the number: a key appears in the database's own
    error lines (a duplicate key), and a phone number must not appear in any log."""
    return "phone:" + hashlib.sha256(phone.encode()).hexdigest()[:32]


class NotificationsStore(People, Limits, Store):
    OUTBOX_COLLECTIONS = ("deliveries",)

    def __init__(self, db: Any) -> None:
        super().__init__(db)
        self.deliveries = db["deliveries"]
        self.people = db["people"]
        self.preferences = db["preferences"]
        self.sessions = db["sessions"]
        self.in_app = db["inbox"]
        self.webhooks = db["webhooks"]
        self.phones = db["phones"]
        self.sms_replies = db["sms_replies"]
        self.attempts = db["attempts"]  # SMS replies acted on, for the limit per number

    def ensure_indexes(self) -> None:
        super().ensure_indexes()
        self.deliveries.create_index([("status", 1), ("due_bucket", 1)])
        self.deliveries.create_index("session_id")
        self.in_app.create_index([("user_id", 1), ("created_at", -1)])
        self.webhooks.create_index("org_id")
        self.ensure_attempts_index()

    # People, preferences and sessions kept from events ------------------------------------------

    def remember_person(self, person: dict[str, Any]) -> bool:
        before = self.people.find_one({"_id": person["user_id"]}, {"phone": 1})
        if not super().remember_person(person):
            return False  # the kept copy is newer: its phone stays the one replies come from
        old_phone = before.get("phone") if before else None
        if old_phone and old_phone != person.get("phone"):
            # Replies from a number the person gave up are no longer theirs.
            self.phones.delete_one({"_id": phone_key(old_phone), "user_id": person["user_id"]})
        if person.get("phone"):
            key = phone_key(person["phone"])
            upsert(self.phones, {"_id": key}, {"_id": key, "user_id": person["user_id"]})
        return True

    def person_by_phone(self, phone: str) -> dict[str, Any] | None:
        doc = self.phones.find_one({"_id": phone_key(phone)})
        return self.person(doc["user_id"]) if doc else None

    def sms_reply(self, reply_id: str) -> dict[str, Any] | None:
        return self.sms_replies.find_one({"_id": reply_id})

    def record_sms_reply(self, doc: dict[str, Any]) -> None:
        """Kept once: the same reply answered twice at once keeps the first record."""
        try:
            self.sms_replies.insert_one(doc)
        except DuplicateKeyError:
            pass

    def org_admins(self, org_id: str) -> list[dict[str, Any]]:
        return list(self.people.find({"org_id": org_id, "role": "org_admin"}, {"_id": 0}))

    def branch_admins(self, org_id: str, branch_id: str | None) -> list[dict[str, Any]]:
        """The branch's admins as kept from accounts' events (none for no branch)."""
        if not branch_id:
            return []
        found = self.people.find(
            {"org_id": org_id, "role": "branch_admin", "branch_id": branch_id}, {"_id": 0}
        )
        return list(found)

    def preferences_of(self, user_id: str) -> Preferences:
        doc = self.preferences.find_one({"_id": user_id})
        if not doc:
            return Preferences()
        channels = doc.get("channels", {})
        return Preferences(
            email=channels.get("email", True),
            sms=channels.get("sms", True),
            in_app=channels.get("in_app", True),
            reminder_offsets_minutes=tuple(
                doc.get("reminder_offsets_minutes", Preferences().reminder_offsets_minutes)
            ),
            active=doc.get("active", True),
        )

    def save_preferences(self, user_id: str, prefs: Preferences, now: datetime) -> None:
        """The person's choices; whether their account is active (``set_active``) stays as it is."""
        choices = {
            "channels": {"email": prefs.email, "sms": prefs.sms, "in_app": prefs.in_app},
            "reminder_offsets_minutes": list(prefs.reminder_offsets_minutes),
            "updated_at": now,
        }
        upsert(self.preferences, {"_id": user_id}, {"$set": choices})

    def set_active(self, user_id: str, active: bool, at: datetime) -> bool:
        """Deactivated or reactivated at ``at``, kept with the person's preferences (read with them at
        every planning and sending); a change older than the one kept (events reordered) is ignored."""
        kept = self.preferences.find_one({"_id": user_id}, {"active_since": 1}) or {}
        if kept.get("active_since") is not None and kept["active_since"] > at:
            return False
        upsert(self.preferences, {"_id": user_id}, {"$set": {"active": active, "active_since": at}})
        return True

    def remember_session(self, facts: dict[str, Any], start: datetime, end: datetime) -> None:
        upsert(
            self.sessions,
            {"_id": facts["session_id"]},
            {
                "_id": facts["session_id"],
                "org_id": facts["org_id"],
                "branch_id": facts["branch_id"],
                "counselor_id": facts["counselor"]["user_id"],
                "client_id": facts["client"]["user_id"],
                "status": facts["status"],
                "start": start,
                "end": end,
                "topic": facts.get("topic"),
                "client_name": facts["client"]["name"],
                "counselor_name": facts["counselor"]["name"],
                "revision": facts.get("revision", 0),
                # How and where (#15), for the counselor's agenda.
                "modality": facts.get("modality") or "video",
                "location": facts.get("location"),
                "client_phone": facts["client"].get("phone"),
                "workshop_id": facts.get("workshop_id"),
                "session_type": facts.get("session_type"),
            },
        )

    def confirm_session_by_client(self, session_id: str, now: datetime) -> None:
        """The client answered an SMS to say they will come."""
        self.sessions.update_one({"_id": session_id}, {"$set": {"confirmed_by_client_at": now}})

    def session(self, session_id: str) -> dict[str, Any] | None:
        return self.sessions.find_one({"_id": session_id})

    def next_session_of_client(self, client_id: str, now: datetime) -> dict[str, Any] | None:
        upcoming = [
            s for s in self.sessions.find({"client_id": client_id, "status": "booked"}) if s["start"] > now
        ]
        return min(upcoming, key=lambda s: s["start"]) if upcoming else None

    def sessions_of_counselor_between(
        self, counselor_id: str, start: datetime, end: datetime
    ) -> list[dict[str, Any]]:
        docs = self.sessions.find({"counselor_id": counselor_id, "status": "booked"})
        return sorted((s for s in docs if start <= s["start"] < end), key=lambda s: s["start"])

    def counselors(self) -> list[dict[str, Any]]:
        return list(self.people.find({"role": "counselor"}, {"_id": 0}))

    # Deliveries ------------------------------------------------------------------------------------

    def plan(self, deliveries: list[Delivery], now: datetime) -> int:
        """Store planned deliveries; those already planned (same id) are left as they are."""
        if not deliveries:
            return 0
        docs = [
            {
                "_id": d.id,
                "kind": d.kind,
                "channel": d.channel,
                "recipient_id": d.recipient_id,
                "session_id": d.session_id,
                "session_start": d.session_start,
                "offset_minutes": d.offset_minutes,
                "due_at": d.due_at,
                "due_bucket": due_bucket(d.due_at),
                "status": SCHEDULED,
                "attempts": 0,
                "facts": d.facts,
                "recipient": d.recipient,
                "planned_at": now,
            }
            for d in deliveries
        ]
        try:
            return len(self.deliveries.insert_many(docs, ordered=False).inserted_ids)
        except BulkWriteError as exc:
            return int(exc.details.get("nInserted", 0))

    def due(self, buckets: list[str] | None, now: datetime, limit: int) -> list[dict[str, Any]]:
        """Scheduled deliveries whose next attempt is due by now, oldest first: those filed under
        ``buckets`` (each is filed under its next attempt's), or all of them when ``buckets`` is None
        (a replica's first look, after downtime). A retry waits in its bucket with its planned
        ``due_at`` already past, so the time is checked here on the next attempt's."""
        fields = {"_id": 1, "due_at": 1, "next_attempt_at": 1}
        found: list[dict[str, Any]] = []
        if buckets is None:
            # A next attempt is never before the planned time: the ones due now are among these.
            planned = self.deliveries.find({"status": SCHEDULED, "due_at": {"$lte": now}}, fields)
            found = [d for d in planned if next_attempt(d) <= now]
        for bucket in buckets or ():
            in_bucket = self.deliveries.find({"status": SCHEDULED, "due_bucket": bucket}, fields)
            found.extend(d for d in in_bucket if next_attempt(d) <= now)
            if len(found) >= limit:
                break
        return sorted(found, key=next_attempt)[:limit]

    def delivery(self, delivery_id: str) -> dict[str, Any] | None:
        return self.deliveries.find_one({"_id": delivery_id})

    def set_delivery(self, delivery_id: str, changes: dict[str, Any]) -> None:
        """A delivery's bucket follows its next attempt (or its planned time, changed)."""
        when = changes.get("next_attempt_at") or changes.get("due_at")
        if when is not None:
            changes = {**changes, "due_bucket": due_bucket(when)}
        self.deliveries.update_one({"_id": delivery_id}, {"$set": changes})

    def cancel_scheduled(self, session_id: str, now: datetime, kind: str | None = None) -> int:
        """A cancelled session's planned messages to people, but for the notices of its cancellation:
        the same event handled twice at once (published, and relayed from the outbox) must not
        cancel what its first handling planned. Webhook deliveries stay: a receiver hears every
        event of the session, its cancellation included (seen lost in CI to that double handling)."""
        query: dict[str, Any] = {"session_id": session_id, "status": SCHEDULED}
        query["kind"] = kind if kind else {"$nin": ["cancelled", "webhook"]}
        return self.deliveries.update_many(
            query, {"$set": {"status": "cancelled", "settled_at": now}}
        ).modified_count

    def cancel_to_recipient(self, recipient_id: str, reason: str, now: datetime) -> int:
        """Every message still planned for the person (a deactivated account), with the reason."""
        return self.deliveries.update_many(
            {"recipient_id": recipient_id, "status": SCHEDULED},
            {"$set": {"status": CANCELLED, "settled_at": now, "last_error": reason}},
        ).modified_count

    def cancel_session_messages_to(self, session_id: str, recipient_id: str, now: datetime) -> int:
        """What is still planned about a session for one of its former participants (a counselor it
        was taken from)."""
        return self.deliveries.update_many(
            {"session_id": session_id, "recipient_id": recipient_id, "status": SCHEDULED},
            {"$set": {"status": CANCELLED, "settled_at": now, "last_error": "no longer their session"}},
        ).modified_count

    def refresh_reminders(self, session_id: str, facts: dict[str, Any]) -> int:
        """Reminders still planned for a session tell it as it is now (its counselor, after a
        reassignment): each keeps its own offset."""
        changes = {f"facts.{key}": facts[key] for key in ("counselor", "branch_id", "revision")}
        return self.deliveries.update_many(
            {"session_id": session_id, "kind": "reminder", "status": SCHEDULED}, {"$set": changes}
        ).modified_count

    def cancel_other_reminders(self, session_id: str, start: datetime, now: datetime) -> int:
        query = {
            "session_id": session_id,
            "kind": "reminder",
            "status": SCHEDULED,
            "session_start": {"$ne": start},
        }
        return self.deliveries.update_many(
            query, {"$set": {"status": "cancelled", "settled_at": now}}
        ).modified_count

    def rearm(self, delivery_ids: list[str]) -> int:
        """Reminders cancelled by a move away from this time, scheduled again for the move back."""
        rearmed = 0
        for delivery_id in delivery_ids:  # one by _id each: FerretDB pushes no `$in` down
            rearmed += self.deliveries.update_one(
                {"_id": delivery_id, "status": "cancelled"}, {"$set": {"status": SCHEDULED, "attempts": 0}}
            ).modified_count
        return rearmed

    def reminders_of_session(
        self, session_id: str, limit: int, cursor: str | None
    ) -> tuple[list[dict[str, Any]], str | None]:
        """One page of a session's reminders in the order they fall due (then by id), and the cursor
        of the next. A session has a few dozen at most: they are read whole and cut here."""
        after = _reminder_after(cursor)
        docs = sorted(
            self.deliveries.find({"session_id": session_id, "kind": "reminder"}), key=_reminder_position
        )
        if after is not None:
            docs = [d for d in docs if _reminder_position(d) > after]
        if len(docs) > limit:
            return docs[:limit], encode_cursor(_reminder_position(docs[limit - 1]))
        return docs, None

    # Leases -----------------------------------------------------------------------------------------

    def take_lease(self, delivery_id: str, owner: str, now: datetime, seconds: float) -> str | None:
        """``FRESH`` when the delivery was free, ``TAKEN_OVER`` when a holder's lease had expired
        (it stopped mid-send: its message may have gone out), None when someone holds it."""
        key = f"lease:{delivery_id}"
        lease = {
            "_id": key,
            "owner": owner,
            "claimed_at": now,
            "expires_at": now + timedelta(seconds=seconds),
        }
        try:
            self.claims.insert_one(lease)
            return FRESH
        except DuplicateKeyError:
            pass
        # A crashed holder's lease expires; exactly one successor deletes it and takes over.
        if self.claims.delete_one({"_id": key, "expires_at": {"$lt": now}}).deleted_count != 1:
            return None
        try:
            self.claims.insert_one(lease)
        except DuplicateKeyError:
            return None
        return TAKEN_OVER

    def drop_lease(self, delivery_id: str, owner: str) -> None:
        self.claims.delete_one({"_id": f"lease:{delivery_id}", "owner": owner})

    # In-app inbox and webhooks ------------------------------------------------------------------------

    def deliver_in_app(
        self,
        delivery_id: str,
        user_id: str,
        subject: str,
        text: str,
        kind: str,
        session_id: str | None,
        now: datetime,
    ) -> None:
        try:  # the delivery's id is the notification's: a second attempt cannot duplicate it
            self.in_app.insert_one(
                {
                    "_id": delivery_id,
                    "user_id": user_id,
                    "kind": kind,
                    "subject": subject,
                    "text": text,
                    "session_id": session_id,
                    "created_at": now,
                    "read": False,
                }
            )
        except DuplicateKeyError:
            pass

    def inbox_of(
        self, user_id: str, limit: int, cursor: str | None
    ) -> tuple[list[dict[str, Any]], str | None]:
        return page(self.in_app, {"user_id": user_id}, limit, cursor)

    def add_webhook(self, doc: dict[str, Any]) -> None:
        self.webhooks.insert_one(doc)

    def webhooks_for(self, org_id: str, event_type: str) -> list[dict[str, Any]]:
        return [
            w for w in self.webhooks.find({"org_id": org_id, "active": True}) if event_type in w["events"]
        ]

    def webhook(self, webhook_id: str) -> dict[str, Any] | None:
        return self.webhooks.find_one({"_id": webhook_id})

    def webhooks_of(
        self, org_id: str, limit: int, cursor: str | None
    ) -> tuple[list[dict[str, Any]], str | None]:
        """One page of the organization's webhooks, oldest first (ids sort by creation time)."""
        return page(self.webhooks, {"org_id": org_id}, limit, cursor)

    def set_webhook(self, webhook_id: str, changes: dict[str, Any]) -> bool:
        """False when there is no such webhook (removed meanwhile)."""
        return self.webhooks.update_one({"_id": webhook_id}, {"$set": changes}).matched_count == 1

    def remove_webhook(self, webhook_id: str) -> bool:
        """True for the one caller whose delete removed it (deleting by ``_id`` is atomic)."""
        return self.webhooks.delete_one({"_id": webhook_id}).deleted_count == 1

    def cancel_webhook_deliveries(self, webhook_id: str, reason: str, now: datetime) -> int:
        """Its planned deliveries (retries included) are cancelled; those already settled stay."""
        return self.deliveries.update_many(
            {"recipient_id": webhook_id, "channel": "webhook", "status": SCHEDULED},
            {"$set": {"status": CANCELLED, "settled_at": now, "last_error": reason}},
        ).modified_count


def _reminder_position(doc: dict[str, Any]) -> str:
    return f"{doc['due_at'].astimezone(UTC):%Y%m%dT%H%M%S.%f}|{doc['_id']}"


def _reminder_after(cursor: str | None) -> str | None:
    """The position a reminders cursor names; 400 naming ``cursor`` for one Njia did not give out."""
    after = decode_cursor(cursor)
    if after is not None and not REMINDER_POSITION.fullmatch(after):
        raise BadRequest("The cursor is not one Njia gave out.", {"cursor": ["Unknown cursor."]})
    return after
