"""The delivery engine: every replica sweeps for due deliveries, and a lease per delivery makes each
one go out once (see store.py).

A ``Sender`` is built per worker from the worker's store, channels, event publisher and settings;
what lasts between sweeps (how far this container has read, the preferences it read lately, its
name as a lease owner) is ``SendingState``, kept by the ``Sending`` dependency provider: one per
container, made when the container is set up.
"""

from __future__ import annotations

import logging
import random
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import eventlet
from nameko.extensions import DependencyProvider

from services.notifications import domain, messages
from services.notifications.channels import Channels, PermanentFailure, TransientFailure
from services.notifications.store import TAKEN_OVER, NotificationsStore
from shared import calendar
from shared.config import Settings
from shared.events.contracts import NOTIFICATION_FAILED, NOTIFICATION_SENT
from shared.events.publishing import EventPublisher
from shared.mongo import now, outbox_push
from shared.people import sees_contact

log = logging.getLogger(__name__)

SWEEP_BATCH = 500  # deliveries a sweep takes on at once: the oldest due first
SWEEP_SECONDS_MAX = 60.0  # one sweep's longest run of back-to-back batches
CHANNEL_DEADLINE_SECONDS = 30
PREFERENCES_CACHE_SECONDS = 10.0
NEVER = datetime.min.replace(tzinfo=UTC)
# Emails that carry the session's .ics (a reassigned session's replaces the one its client had).
CALENDAR_KINDS = ("confirmation", "rescheduled", "cancelled", "reassigned")


@dataclass
class SendingState:
    """One container's sweeps so far (what they have read, and when they last looked back), the
    preferences it read lately, and its name as a lease owner."""

    instance: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    read_to: datetime | None = None
    looked_back_at: datetime = NEVER
    preferences: dict[str, tuple[float, domain.Preferences]] = field(default_factory=dict)


class Sending(DependencyProvider):
    """``sending`` in the service: this container's ``SendingState``."""

    def setup(self) -> None:
        self.state = SendingState()

    def get_dependency(self, worker_ctx: Any) -> SendingState:
        return self.state


class Sender:
    def __init__(
        self,
        store: NotificationsStore,
        channels: Channels,
        events: EventPublisher,
        settings: Settings,
        state: SendingState,
    ) -> None:
        self.store = store
        self.channels = channels
        self.events = events
        self.settings = settings
        self.state = state

    def send_due(self) -> None:
        """Sweep until nothing more is due (or a minute has gone)."""
        stop_at = time.monotonic() + SWEEP_SECONDS_MAX
        # A full batch means more are due: sweep again at once rather than at the next tick.
        while self.sweep() == SWEEP_BATCH and time.monotonic() < stop_at:
            pass

    def sweep(self) -> int:
        """Send one batch of due deliveries; returns how many were due."""
        at, sweeping = now(), self.state
        look_back = at - sweeping.looked_back_at > timedelta(seconds=self.settings.delivery_lease_seconds / 2)
        buckets = domain.buckets_to_sweep(at, sweeping.read_to, look_back)
        due = self.store.due(buckets, at, SWEEP_BATCH)
        if len(due) < SWEEP_BATCH:
            sweeping.read_to = at
            if look_back or buckets is None:
                sweeping.looked_back_at = at
        # Replicas sweep the same buckets: a shuffled order spreads them over different messages.
        random.shuffle(due)
        pool = eventlet.GreenPool(self.settings.delivery_concurrency)
        for doc in due:
            pool.spawn_n(self._deliver_safely, doc["_id"])
        pool.waitall()
        return len(due)

    def _deliver_safely(self, delivery_id: str) -> None:
        try:
            self.deliver(delivery_id)
        except Exception:  # one broken delivery must not stop the sweep
            log.exception(
                "delivery crashed; its lease will expire and a successor retries",
                extra={"delivery_id": delivery_id},
            )

    def deliver(self, delivery_id: str) -> str | None:
        """Send one delivery if it is due and nobody else holds it: its outcome, or None."""
        at = now()
        owner = f"{self.state.instance}:{uuid.uuid4().hex[:8]}"  # this attempt's, not the container's
        lease = self.store.take_lease(delivery_id, owner, at, self.settings.delivery_lease_seconds)
        if lease is None:
            return None
        outcome = None
        try:
            doc = self.store.delivery(delivery_id)
            if doc is None or doc["status"] != domain.SCHEDULED or domain.next_attempt(doc) > at:
                return None  # another replica finished it, or a retry is not due yet
            if lease == TAKEN_OVER:
                # Its holder stopped mid-send, so the recipient may already have it (under the same
                # Message-ID or clientRef): that attempt is counted, and the delivery says so.
                changes = {"attempts": doc.get("attempts", 0) + 1, "possible_duplicate": True}
                self.store.set_delivery(delivery_id, changes)
                doc = {**doc, **changes}
            outcome = self._send(doc, at)
            return outcome
        finally:
            # A settled delivery keeps its lease (nobody needs it again): one write less per message.
            if outcome in (None, "retry"):
                self.store.drop_lease(delivery_id, owner)

    def forget_preferences(self, user_id: str) -> None:
        """The person changed them: read them again at the next send."""
        self.state.preferences.pop(user_id, None)

    def _send(self, doc: dict[str, Any], at: datetime) -> str:
        if doc["kind"] == "reminder":
            # A cancelled or moved session has already cancelled its reminders (re-read above).
            verdict = domain.when_due(at, doc.get("session_start"), None)
            if verdict != "send":
                return self._settle(
                    doc,
                    verdict,
                    at,
                    reason="session already started" if verdict == "skipped" else "session no longer booked",
                )
        hook = None
        if doc["channel"] == "webhook":
            # Removed, paused or no longer subscribed since this was planned: cancelled, not failed.
            hook = self.store.webhook(doc["facts"]["webhook_id"])
            stopped = domain.webhook_stopped(hook, doc["facts"]["envelope"]["event_type"])
            if stopped:
                return self._settle(doc, domain.CANCELLED, at, reason=stopped)
        elif doc["kind"] not in domain.ACCOUNT_KINDS:
            stopped = self._stopped_by_recipient(doc)
            if stopped:
                return self._settle(doc, domain.CANCELLED, at, reason=stopped)
        attempts = doc.get("attempts", 0) + 1
        try:
            # An overall deadline: a receiver that trickles its answer must not hold a worker.
            # Within half the lease, so no successor takes over a send that is still running.
            deadline = min(CHANNEL_DEADLINE_SECONDS, self.settings.delivery_lease_seconds / 2)
            with eventlet.Timeout(deadline, TransientFailure("no answer within the deadline")):
                reference = self._through_channel(doc, at, hook)
        except TransientFailure as exc:
            if attempts >= self.settings.delivery_max_attempts:
                return self._settle(doc, domain.FAILED, at, reason=str(exc), attempts=attempts)
            retry_at = at + timedelta(
                seconds=domain.retry_delay(attempts, self.settings.delivery_retry_seconds)
            )
            # The planned time stays in due_at (the API shows it; lateness is measured from it).
            self.store.set_delivery(
                doc["_id"], {"attempts": attempts, "next_attempt_at": retry_at, "last_error": str(exc)[:500]}
            )
            self._webhook_failed(doc)
            return "retry"
        except PermanentFailure as exc:
            return self._settle(doc, domain.FAILED, at, reason=str(exc), attempts=attempts)
        except Exception as exc:  # a bug, not a channel: fail it visibly rather than retry it forever
            log.exception("message could not be built", extra={"delivery_id": doc["_id"]})
            return self._settle(doc, domain.FAILED, at, reason=f"internal error: {exc!r}", attempts=attempts)
        return self._settle(doc, domain.SENT, at, attempts=attempts, reference=reference)

    def _stopped_by_recipient(self, doc: dict[str, Any]) -> str | None:
        """Why the recipient no longer gets this message (their account deactivated, or the channel
        turned off), or None. Account messages go whatever the preferences."""
        prefs = self._preferences(doc["recipient_id"])
        if not prefs.active:
            return "recipient deactivated"
        if not prefs.allows(doc["channel"]):
            return f"{doc['channel']} turned off by the recipient"
        return None

    def _preferences(self, user_id: str) -> domain.Preferences:
        """Read at send time, so a channel turned off stops planned reminders; kept a few seconds."""
        cache = self.state.preferences
        cached = cache.get(user_id)
        at = time.monotonic()
        if cached and cached[0] > at:
            return cached[1]
        prefs = self.store.preferences_of(user_id)
        cache[user_id] = (at + PREFERENCES_CACHE_SECONDS, prefs)
        return prefs

    def _settle(
        self,
        doc: dict[str, Any],
        status: str,
        at: datetime,
        reason: str | None = None,
        attempts: int | None = None,
        reference: str | None = None,
    ) -> str:
        changes: dict[str, Any] = {"status": status, "settled_at": at}
        if attempts is not None:
            changes["attempts"] = attempts
        if reason:
            changes["last_error"] = reason[:500]
        events = []
        base = {
            "delivery_id": doc["_id"],
            "kind": doc["kind"],
            "channel": doc["channel"],
            "recipient_id": doc.get("recipient_id"),
            "session_id": doc.get("session_id"),
            "attempts": attempts or doc.get("attempts", 0),
        }
        if status == domain.SENT:
            changes.update({"sent_at": at, "reference": reference})
            late = max(0.0, (at - doc["due_at"]).total_seconds())
            events.append(
                self.events.new(NOTIFICATION_SENT, {**base, "sent_at": at, "late_seconds": late}, at)
            )
            if doc["channel"] == "webhook":
                self.store.set_webhook(doc["facts"]["webhook_id"], {"consecutive_failures": 0})
        elif status == domain.FAILED:
            events.append(self.events.new(NOTIFICATION_FAILED, {**base, "reason": reason or "failed"}, at))
            self._webhook_failed(doc)
        # The outcome already happened (the message is out), so its event may go first: one write per
        # message instead of two. Only an event the broker did not take waits in the outbox for the
        # relay. Dying between the two sends the message again, and its event: both say so.
        unpublished = [event for event in events if not self.events.publish(event)]
        self.store.set_delivery(doc["_id"], {**changes, **outbox_push(unpublished)})
        return status

    def _through_channel(self, doc: dict[str, Any], at: datetime, hook: dict[str, Any] | None) -> str:
        if doc["channel"] == "webhook":
            if hook is None:
                raise PermanentFailure("webhook removed")
            return str(
                self.channels.webhooks.post(hook["url"], hook["secret"], doc["facts"]["envelope"], doc["_id"])
            )
        facts = doc["facts"]
        planned = domain.Recipient(**doc["recipient"])
        # The person may have changed their language, zone or phone since this was planned.
        kept = self.store.person(planned.user_id)
        person = domain.current_recipient(planned, domain.recipient_of(kept) if kept else None)
        if not person.reachable_by(doc["channel"]):
            raise PermanentFailure(f"the recipient has no address for {doc['channel']} any more")
        if doc["kind"] in domain.LINK_PAGES and doc["channel"] in ("email", "sms"):
            # The single-use link exists only in the message: made now from the nonce, never stored.
            link = domain.one_time_link(
                doc["kind"], facts, self.settings.jwt_secret, self.settings.public_url
            )
            facts = {**facts, "link": link}
        message = messages.render(doc["kind"], person.language, facts, vars(person), self.settings.public_url)
        if doc["channel"] == "in_app":
            self.store.deliver_in_app(
                doc["_id"],
                person.user_id,
                message.subject,
                message.text,
                doc["kind"],
                doc.get("session_id"),
                at,
            )
            return doc["_id"]
        if doc["channel"] == "sms":
            if not self.channels.sms.enabled:
                raise PermanentFailure("SMS is not configured (NJIA_SMS_API_KEY)")
            return self.channels.sms.send(person.phone or "", message.sms, doc["_id"])
        attachment = None
        if doc["kind"] in CALENDAR_KINDS and doc.get("session_id"):
            attachment = ("njia-session.ics", self._ics(facts, person, at), "text/calendar")
        return self.channels.mailer.send(
            person.email or "", message.subject, message.text, message.html, doc["_id"], attachment
        )

    def _ics(self, facts: dict[str, Any], reader: domain.Recipient, at: datetime) -> bytes:
        """The session's calendar file as ``reader`` may see it, in their language: the counselor's
        email as the organizer's address only where ``sees_contact`` allows (the counselor, not the
        client); its LOCATION says where the session is held."""
        counselor_id = facts["counselor"]["user_id"]
        entry = calendar.counseling_session(
            facts["session_id"],
            domain.moment(facts["start"]),
            domain.moment(facts["end"]),
            facts["counselor"],
            facts["client"],
            facts.get("topic"),
            facts["status"],
            f"{self.settings.public_url}{facts['join_path']}",
            # Each change of the session is a newer version: calendar apps replace the event.
            sequence=int(facts.get("revision") or 0),
            organizer_contact=sees_contact(reader.user_id, reader.role, counselor_id),
            # Where (#15): LOCATION is the branch's address, the phone rule, or the join page.
            modality=facts.get("modality") or "video",
            location=facts.get("location"),
            language=messages.language_of(reader.language),
        )
        return calendar.session_calendar(entry, at)

    def _webhook_failed(self, doc: dict[str, Any]) -> None:
        if doc["channel"] != "webhook":
            return
        hook = self.store.webhook(doc["facts"]["webhook_id"])
        if hook is None or not hook["active"]:
            return
        failures = hook.get("consecutive_failures", 0) + 1
        changes: dict[str, Any] = {"consecutive_failures": failures}
        if failures >= self.settings.webhook_max_failures:
            changes.update({"active": False, "disabled_at": now()})
            for admin in self.store.org_admins(hook["org_id"]):
                # Once per time it is turned off: each turning back on starts a new round.
                since = hook.get("enabled_at") or hook["created_at"]
                subject, text = messages.webhook_disabled(admin.get("language"), hook["url"], failures)
                self.store.deliver_in_app(
                    f"webhook-disabled:{hook['_id']}:{since.isoformat()}:{admin['user_id']}",
                    admin["user_id"],
                    subject,
                    text,
                    "webhook_disabled",
                    None,
                    now(),
                )
        self.store.set_webhook(hook["_id"], changes)
