"""What to send, to whom, when: plain rules, no I/O, time passed in."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from shared.links import accept_invitation_page, reset_password_page, session_page
from shared.one_time import link_token

CHANNELS = ("email", "sms", "in_app")
DEFAULT_OFFSETS = (1440, 60)
MAX_OFFSET_MINUTES = 14 * 24 * 60

# Delivery statuses, as GET /api/v1/sessions/{id}/reminders shows them.
SCHEDULED, SENT, FAILED, CANCELLED, SKIPPED = "scheduled", "sent", "failed", "cancelled", "skipped"


@dataclass(frozen=True)
class Preferences:
    email: bool = True
    sms: bool = True
    in_app: bool = True
    reminder_offsets_minutes: tuple[int, ...] = DEFAULT_OFFSETS
    # False while the person's account is deactivated: nothing is planned for them, nor sent.
    active: bool = True

    def allows(self, channel: str) -> bool:
        return bool(getattr(self, channel, False))


@dataclass(frozen=True)
class Recipient:
    user_id: str
    role: str
    name: str
    email: str | None
    phone: str | None
    timezone: str
    language: str
    revision: int = 0  # the person's revision this copy was taken at (see `user.updated`)

    def reachable_by(self, channel: str) -> bool:
        if channel == "email":
            return bool(self.email)
        if channel == "sms":
            return bool(self.phone)
        return channel == "in_app"


def recipient_of(person: Mapping[str, Any]) -> Recipient:
    """A kept person (or an event's participant) as a message's recipient; copies from before
    revisions existed count as revision 0."""
    return Recipient(
        user_id=person["user_id"],
        role=person["role"],
        name=person["name"],
        email=person.get("email"),
        phone=person.get("phone"),
        timezone=person.get("timezone") or "UTC",
        language=person.get("language") or "en",
        revision=int(person.get("revision") or 0),
    )


def moment(value: Any) -> datetime:
    """A time from an event's facts: a datetime as it is, else read from its ISO text."""
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def older_than_kept(facts: Mapping[str, Any], kept: Mapping[str, Any] | None) -> bool:
    """A session event older than the one already handled (a retried `session.booked` arriving
    after `session.cancelled`)."""
    return kept is not None and int(kept.get("revision", 0)) > int(facts.get("revision", 0))


def current_recipient(planned: Recipient, kept: Recipient | None) -> Recipient:
    """Whom a planned message reaches at send time, and in which language and zone: the person as
    kept now when that copy is at least as new as the one the message was planned with (they may
    have changed their language, time zone or phone since), else the person as planned."""
    if kept is None or kept.user_id != planned.user_id or kept.revision < planned.revision:
        return planned
    return replace(kept, role=planned.role)


@dataclass(frozen=True)
class Delivery:
    """One message on one channel to one person: the unit sent exactly once."""

    id: str
    kind: str
    channel: str
    recipient_id: str
    due_at: datetime
    session_id: str | None = None
    session_start: datetime | None = None
    offset_minutes: int | None = None
    facts: dict[str, Any] = field(default_factory=dict)
    recipient: dict[str, Any] = field(default_factory=dict)  # who, in which language and time zone


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("naive datetime")
    return moment.astimezone(UTC)


def delivery_id(
    kind: str,
    session_id: str,
    start: datetime,
    recipient_id: str,
    channel: str,
    offset_minutes: int | None = None,
    version: int | None = None,
) -> str:
    """Deterministic: the same event planned twice (redelivery, two replicas) is the same delivery.

    The session's start is part of it, so a rescheduled session's reminders are new deliveries
    and the old ones can never be sent at the old time. ``version`` (the session's revision) makes
    notices that may happen more than once at one time (a session reassigned twice) distinct.
    """
    stamp = _utc(start).strftime("%Y%m%dT%H%MZ")
    offset = "" if offset_minutes is None else f":{offset_minutes}"
    again = "" if version is None else f":v{version}"
    return f"{kind}:{session_id}:{stamp}:{recipient_id}{offset}:{channel}{again}"


def plan_session_messages(
    kind: str,
    session_id: str,
    start: datetime,
    recipients: Sequence[tuple[Recipient, Preferences]],
    now: datetime,
    facts: dict[str, Any],
    version: int | None = None,
) -> list[Delivery]:
    """A notice sent now (confirmation, rescheduled, cancelled, no-show, unassigned, reassigned) on
    every channel each recipient has enabled and can be reached by."""
    return [
        Delivery(
            id=delivery_id(kind, session_id, start, person.user_id, channel, version=version),
            kind=kind,
            channel=channel,
            recipient_id=person.user_id,
            due_at=_utc(now),
            session_id=session_id,
            session_start=_utc(start),
            facts=facts,
            recipient=vars(person),
        )
        for person, prefs in recipients
        for channel in CHANNELS
        if prefs.allows(channel) and person.reachable_by(channel)
    ]


def told_of(facts: Mapping[str, Any], roles: tuple[str, ...]) -> tuple[str, ...]:
    """Which of a session's participants hear of this change. A workshop seat's session
    (``workshop_id``, #15) is the client's: its counselor holds the workshop and is told nothing per
    seat (no confirmation, reminder, move or cancellation for each of thirty seats)."""
    if facts.get("workshop_id"):
        return tuple(role for role in roles if role != "counselor")
    return roles


def plan_reminders(
    session_id: str,
    start: datetime,
    recipients: Sequence[tuple[Recipient, Preferences]],
    now: datetime,
    facts: dict[str, Any],
) -> list[Delivery]:
    """Reminders at each recipient's offsets before the start; offsets already past are left out
    (the confirmation just sent says it all)."""
    planned = []
    for person, prefs in recipients:
        for offset in sorted(set(prefs.reminder_offsets_minutes), reverse=True):
            due = _utc(start) - timedelta(minutes=offset)
            if due <= _utc(now):
                continue
            for channel in CHANNELS:
                if prefs.allows(channel) and person.reachable_by(channel):
                    planned.append(
                        Delivery(
                            id=delivery_id("reminder", session_id, start, person.user_id, channel, offset),
                            kind="reminder",
                            channel=channel,
                            recipient_id=person.user_id,
                            due_at=due,
                            session_id=session_id,
                            session_start=_utc(start),
                            offset_minutes=offset,
                            facts={**facts, "offset_minutes": offset},
                            recipient=vars(person),
                        )
                    )
    return planned


def plan_webhooks(
    envelope: Mapping[str, Any], hooks: Sequence[Mapping[str, Any]], now: datetime
) -> list[Delivery]:
    """The event, due now, to each of its organization's webhooks that wants it."""
    facts = envelope["data"]
    return [
        Delivery(
            id=f"webhook:{hook['_id']}:{envelope['event_id']}",
            kind="webhook",
            channel="webhook",
            recipient_id=hook["_id"],
            due_at=now,
            session_id=facts.get("session_id"),
            facts={"webhook_id": hook["_id"], "envelope": envelope},
        )
        for hook in hooks
    ]


SUMMARY_CHANNELS = ("email", "in_app")


def plan_assessment_summaries(
    facts: Mapping[str, Any], counselors: Sequence[tuple[Recipient, Preferences]], now: datetime
) -> list[Delivery]:
    """A client's finished assessment, summed up for each of their counselors in the app and by
    email: once per result, counselor and channel however often the event is handled."""
    summary = {
        "result_id": facts["result_id"],
        "key": facts["key"],
        "title": facts["title"],
        "code": facts.get("code"),
        "top_matches": [match["title"] for match in facts.get("top_matches") or ()],
        "client_name": facts["client"]["name"],
        "result_path": facts["result_path"],
    }
    return [
        Delivery(
            id=f"assessment_summary:{facts['result_id']}:{person.user_id}:{channel}",
            kind="assessment_summary",
            channel=channel,
            recipient_id=person.user_id,
            due_at=_utc(now),
            facts=summary,
            recipient=vars(person),
        )
        for person, prefs in counselors
        for channel in SUMMARY_CHANNELS
        if prefs.allows(channel) and person.reachable_by(channel)
    ]


ADMIN_CHANNELS = ("email", "in_app")


def plan_counselor_no_show(
    facts: Mapping[str, Any], admins: Sequence[tuple[Recipient, Preferences]], now: datetime
) -> list[Delivery]:
    """A video session whose counselor never joined (#15), told to the admins (by email and in the
    app): once per session and admin, however often the event is handled. The message names the
    counselor and the client by first name only: what is kept of the client is their id and first
    name, never how to reach them."""
    start = moment(facts["start"])
    client = facts["client"]
    first = (str(client.get("name") or "").split() or [""])[0]
    kept = {
        **{key: facts.get(key) for key in NO_SHOW_FACTS},
        "counselor": {key: facts["counselor"].get(key) for key in ("user_id", "role", "name")},
        "client": {"user_id": client["user_id"], "role": client.get("role", "client"), "name": first},
    }
    return [
        Delivery(
            id=delivery_id("counselor_no_show", facts["session_id"], start, person.user_id, channel),
            kind="counselor_no_show",
            channel=channel,
            recipient_id=person.user_id,
            due_at=_utc(now),
            session_id=facts["session_id"],
            session_start=_utc(start),
            facts=kept,
            recipient=vars(person),
        )
        for person, prefs in admins
        for channel in ADMIN_CHANNELS
        if prefs.allows(channel) and person.reachable_by(channel)
    ]


# What the admins' notice of a counselor's no-show keeps of the session's facts.
NO_SHOW_FACTS = (
    "session_id",
    "org_id",
    "branch_id",
    "status",
    "start",
    "end",
    "join_path",
    "modality",
    "session_type",
    "revision",
)


def agenda_entries(sessions: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """A counselor's day as their agenda lists it, from the sessions kept (oldest first): how and
    where each is held (a join link for video only), and a workshop once, with how many of its seats
    are taken (each seat is a session of its own, #15)."""
    entries: list[dict[str, Any]] = []
    workshops: dict[str, dict[str, Any]] = {}
    for session in sessions:
        modality = session.get("modality") or "video"
        entry: dict[str, Any] = {
            "start": session["start"].isoformat(),
            "end": session["end"].isoformat(),
            "session_id": session["_id"],
            "client_name": session.get("client_name", ""),
            "topic": session.get("topic"),
            "modality": modality,
            "location": session.get("location"),
            "client_phone": session.get("client_phone"),
        }
        if modality == "video":
            entry["join_path"] = session_page(session["_id"])
        workshop = session.get("workshop_id")
        if workshop:
            if workshop in workshops:
                workshops[workshop]["seats"] += 1
                continue
            entry.update(seats=1, session_type=session.get("session_type"), client_name="", client_phone=None)
            workshops[workshop] = entry
        entries.append(entry)
    return entries


# Account messages (#14) -------------------------------------------------------------------------

# Sent whatever the recipient's channel preferences: they are about the account's safety, or reach
# someone who has no account yet.
ACCOUNT_KINDS = ("invitation", "password_reset", "sign_in_throttled")
# Messages carrying a single-use link. The delivery keeps the nonce; the link is made when the
# message is sent (``one_time_link``) and exists only in the email or SMS: never stored, never
# in the app's inbox.
LINK_PAGES = {"invitation": accept_invitation_page, "password_reset": reset_password_page}


def nonce_tag(nonce: str) -> str:
    """A short digest of a link's nonce: what a delivery id carries (never the nonce itself)."""
    return hashlib.sha256(nonce.encode()).hexdigest()[:16]


def one_time_link(kind: str, facts: Mapping[str, Any], secret: str, public_url: str) -> str:
    """The link of an invitation or a password reset, made from the nonce the delivery keeps."""
    token = link_token(secret, kind, facts["record_id"], facts["nonce"])
    return public_url.rstrip("/") + LINK_PAGES[kind](token)


def plan_invitation(facts: Mapping[str, Any], now: datetime) -> list[Delivery]:
    """The invitation by email when it has an address, else by SMS. Each sending (a resend has a new
    nonce) is a delivery of its own; the same event handled twice is the same delivery."""
    channel = "email" if facts.get("email") else "sms"
    invitee = Recipient(
        user_id=facts["invitation_id"],
        role=facts["role"],
        name=facts["name"],
        email=facts.get("email"),
        phone=facts.get("phone"),
        timezone=facts.get("timezone") or "UTC",
        language=facts.get("language") or "en",
    )
    kept = {
        "record_id": facts["invitation_id"],
        "nonce": facts["nonce"],
        "org_name": facts["org_name"],
        "inviter_name": facts["inviter_name"],
        "invited_role": facts["role"],
        "expires_at": facts["expires_at"],
    }
    delivery = f"invitation:{facts['invitation_id']}:{nonce_tag(facts['nonce'])}:{channel}"
    return (
        [_account_message(delivery, "invitation", channel, invitee, kept, now)]
        if invitee.reachable_by(channel)
        else []
    )


def plan_password_reset(
    facts: Mapping[str, Any], person: Recipient, requested_at: datetime, now: datetime
) -> list[Delivery]:
    """The reset link, by email only (whoever holds the account's address may choose its password)."""
    valid = max(1, round((moment(facts["expires_at"]) - requested_at).total_seconds() / 60))
    kept = {
        "record_id": facts["reset_id"],
        "nonce": facts["nonce"],
        "expires_at": facts["expires_at"],
        "valid_minutes": valid,
    }
    delivery = f"password_reset:{facts['reset_id']}:{nonce_tag(facts['nonce'])}:email"
    return [_account_message(delivery, "password_reset", "email", person, kept, now)] if person.email else []


def plan_sign_in_throttled(facts: Mapping[str, Any], person: Recipient, now: datetime) -> list[Delivery]:
    """The account's owner hears that sign-in was paused, by email and in the app (no link: they
    reset their password from the sign-in page if it was not them)."""
    stamp = _utc(moment(facts["at"])).strftime("%Y%m%dT%H%M%SZ")
    kept = {key: facts[key] for key in ("failures", "retry_after_seconds", "at")}
    return [
        _account_message(
            f"sign_in_throttled:{person.user_id}:{stamp}:{channel}",
            "sign_in_throttled",
            channel,
            person,
            kept,
            now,
        )
        for channel in SUMMARY_CHANNELS
        if person.reachable_by(channel)
    ]


def _account_message(
    delivery: str, kind: str, channel: str, person: Recipient, facts: dict[str, Any], now: datetime
) -> Delivery:
    return Delivery(
        id=delivery,
        kind=kind,
        channel=channel,
        recipient_id=person.user_id,
        due_at=_utc(now),
        facts=facts,
        recipient=vars(person),
    )


def when_due(now: datetime, session_start: datetime | None, session_status: str | None) -> str:
    """A due reminder is sent, even late, while its session is booked and not yet started;
    otherwise it is skipped (recorded, never silently dropped)."""
    if session_status not in (None, "booked"):
        return CANCELLED
    if session_start is not None and _utc(now) >= _utc(session_start):
        return SKIPPED
    return "send"


class Viewer(Protocol):
    """Who asks (``shared.auth.Caller``, which domain code does not import)."""

    user_id: str
    org_id: str
    role: str
    branch_id: str | None


def sees_reminders(viewer: Viewer, session: Mapping[str, Any] | None) -> bool:
    """A session's reminders are seen by its counselor, its branch's admins and its organization's
    admins; a session of another organization is as unknown as one never booked."""
    return (
        session is not None
        and session["org_id"] == viewer.org_id
        and (
            viewer.role == "org_admin"
            or (viewer.role == "branch_admin" and session["branch_id"] == viewer.branch_id)
            or session["counselor_id"] == viewer.user_id
        )
    )


def webhook_stopped(hook: Mapping[str, Any] | None, event_type: str) -> str | None:
    """Why a planned webhook delivery is no longer sent, or None to send it. Read at send time, so
    removing, pausing or narrowing a webhook stops deliveries already planned: they are cancelled,
    not failed (the receiver did nothing wrong, and the failure count is left alone)."""
    if hook is None:
        return "webhook removed"
    if not hook.get("active"):
        return "webhook turned off"
    if event_type not in hook.get("events", ()):
        return f"webhook no longer subscribed to {event_type}"
    return None


def webhook_changes(hook: Mapping[str, Any], changes: Mapping[str, Any], now: datetime) -> dict[str, Any]:
    """What an admin's change writes: turned on, its failure count starts again at 0 (and it was
    enabled now, if it was off); turned off, it was disabled now."""
    written = {**changes, "updated_at": now}
    if changes.get("active") is True:
        written["consecutive_failures"] = 0
        if not hook["active"]:
            written.update({"enabled_at": now, "disabled_at": None})
    elif changes.get("active") is False and hook["active"]:
        written["disabled_at"] = now
    return written


def retry_delay(attempt: int, base_seconds: float, cap_seconds: float = 3600) -> float:
    """Doubling waits after transient failures: base, 2 x base, 4 x base, … up to the cap."""
    return float(min(cap_seconds, base_seconds * (2 ** max(0, attempt - 1))))


def next_attempt(delivery: Mapping[str, Any]) -> datetime:
    """When a scheduled delivery is next tried: its planned time (``due_at``) until an attempt fails,
    then the retry's (``next_attempt_at``). Deliveries stored before retries were kept apart have
    no ``next_attempt_at``: their ``due_at`` is it."""
    moment: datetime = delivery.get("next_attempt_at") or delivery["due_at"]
    return moment


DUE_BUCKET_SECONDS = 10


def due_bucket(moment: datetime) -> str:
    """Due deliveries are looked up by their 10-second bucket: an equality the database can use, and
    narrow enough that a sweep never reads a minute's worth of messages that are not due yet. A
    delivery's bucket is that of its next attempt (see ``next_attempt``)."""
    utc = _utc(moment)
    return utc.strftime("%Y%m%d%H%M") + f"{utc.second - utc.second % DUE_BUCKET_SECONDS:02d}"


def buckets_between(start: datetime, end: datetime) -> list[str]:
    """The due buckets from the one holding ``start`` up to the one holding ``end``, oldest first."""
    first = _utc(start).replace(microsecond=0)
    first -= timedelta(seconds=first.second % DUE_BUCKET_SECONDS)
    count = max(0, int((_utc(end) - first).total_seconds() // DUE_BUCKET_SECONDS))
    return [due_bucket(first + timedelta(seconds=DUE_BUCKET_SECONDS * n)) for n in range(count + 1)]


LOOK_BACK = timedelta(hours=1)


def buckets_to_sweep(now: datetime, read_to: datetime | None, look_back: bool) -> list[str] | None:
    """Which due buckets a sweep reads. Everything on a process's first sweep (messages missed while
    every replica was down); the last hour on a look-back (a crashed holder's message, found once
    its lease expires); else the buckets since the last complete sweep, and the one before it (a
    message planned due "now" just after that bucket was read)."""
    if read_to is None:
        return None
    if look_back:
        return buckets_between(now - LOOK_BACK, now)
    return buckets_between(read_to - timedelta(seconds=DUE_BUCKET_SECONDS), now)


def check_offsets(offsets: Sequence[int]) -> list[int]:
    """Distinct offsets, largest first; raises ValueError naming the problem."""
    if len(offsets) > 5:
        raise ValueError("At most 5 reminder offsets.")
    for offset in offsets:
        if not 1 <= offset <= MAX_OFFSET_MINUTES:
            raise ValueError("Each offset is between 1 minute and 14 days (20160 minutes).")
    return sorted(set(offsets), reverse=True)


def reply_handled(action: str, session_id: str) -> dict[str, Any]:
    """An SMS reply acted on: the client's next session confirmed or cancelled."""
    return {"handled": True, "action": action, "session_id": session_id}


def reply_refused(
    reason: str, action: str | None = None, session_id: str | None = None, message: str | None = None
) -> dict[str, Any]:
    """An SMS reply not acted on, and why (with what it asked for, when that was known)."""
    answer: dict[str, Any] = {"handled": False, "reason": reason}
    extra = {"action": action, "session_id": session_id, "message": message}
    return {**answer, **{key: value for key, value in extra.items() if value is not None}}


def sms_reply_record(
    reply_id: str, form: Mapping[str, Any], answer: Mapping[str, Any], at: datetime
) -> dict[str, Any]:
    """What is kept of an SMS reply and what became of it: the gateway's fields as received, less
    any NUL character (PostgreSQL, under FerretDB, stores none)."""
    return {
        "_id": reply_id,
        "form": {key: str(value).replace("\x00", "") for key, value in form.items()},
        "received_at": at,
        "outcome": "handled" if answer["handled"] else "refused",
        "answer": dict(answer),
    }


def parse_reply(text: str) -> str | None:
    """A client's SMS reply: 1/YES/NDIO confirms the next session, 2/NO/HAPANA cancels it."""
    word = text.strip().split()[0].upper() if text.strip() else ""
    if word in ("1", "NDIO", "YES", "Y"):
        return "confirm"
    if word in ("2", "HAPANA", "NO", "N"):
        return "cancel"
    return None
