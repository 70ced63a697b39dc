"""Scheduling's documents as others see them: the API's views (times in the viewer's zone), the
facts its events carry, calendar entries; and as its own rules see them (domain.py's hours,
access.py's parties), plus the documents a booking, a note and a counselor's hours are stored as.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from services.scheduling import access, domain, meetings, schemas
from shared import calendar
from shared.clock import isoformat
from shared.errors import BadRequest
from shared.events.contracts import (
    SESSION_CANCELLED,
    SESSION_COMPLETED,
    SESSION_COUNSELOR_NO_SHOW,
    SESSION_NO_SHOW,
    SESSION_REASSIGNED,
    SESSION_RESCHEDULED,
    SESSION_UNASSIGNED,
)
from shared.links import session_page
from shared.mongo import decode_cursor, encode_cursor
from shared.people import participant, sees_contact

AVAILABILITY_FIELDS = (
    "counselor_id",
    "timezone",
    "weekly",
    "exceptions",
    "session_minutes",
    "buffer_minutes",
    "min_notice_minutes",
    "updated_at",
)
# An open slot: (start, counselor id, end), sorted by start then counselor.
Slot = tuple[datetime, str, datetime]
# Sessions in these states took the counselor's time (a branch report's booked hours).
TIME_TAKEN = ("booked", "completed", "no_show")


def in_zone(moment: datetime, zone: str) -> str:
    return isoformat(moment.astimezone(ZoneInfo(zone)))


# As the rules see them -----------------------------------------------------------------------------


def person(doc: dict[str, Any]) -> access.Person:
    return access.Person(doc["user_id"], doc["role"], doc["org_id"], doc.get("branch_id"))


def parties(session: dict[str, Any]) -> access.SessionParties:
    return access.SessionParties(
        session["org_id"], session.get("branch_id"), session["counselor_id"], session["client_id"]
    )


def _hhmm(value: str) -> time:
    """ "09:00" as a time; "24:00", the end of a day, as ``domain.END_OF_DAY``."""
    if value == "24:00":
        return domain.END_OF_DAY
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def availability_from(doc: dict[str, Any]) -> domain.Availability:
    return domain.Availability(
        counselor_id=doc["counselor_id"],
        timezone=doc["timezone"],
        weekly=tuple(
            domain.WeeklyHours(w["weekday"], _hhmm(w["start"]), _hhmm(w["end"])) for w in doc["weekly"]
        ),
        exceptions=tuple(
            domain.DateException(
                date.fromisoformat(e["date"]),
                e["available"],
                _hhmm(e["start"]) if e.get("start") else None,
                _hhmm(e["end"]) if e.get("end") else None,
            )
            for e in doc["exceptions"]
        ),
        session_minutes=doc["session_minutes"],
        buffer_minutes=doc["buffer_minutes"],
        min_notice_minutes=doc["min_notice_minutes"],
    )


def availability_for(doc: dict[str, Any], session_type: dict[str, Any] | None) -> domain.Availability:
    """A counselor's hours offering sessions of ``session_type``: its length and buffer on the
    counselor's hours (each counselor's own where the type leaves them None, as the default does)."""
    av = availability_from(doc)
    if session_type is None:
        return av
    minutes, buffer = session_type.get("minutes"), session_type.get("buffer_minutes")
    return replace(
        av,
        session_minutes=av.session_minutes if minutes is None else minutes,
        buffer_minutes=av.buffer_minutes if buffer is None else buffer,
    )


def offers(session_type: dict[str, Any], counselor_id: str, branch_id: str | None) -> bool:
    """Whether a counselor of ``branch_id`` gives sessions of this type (its branch, its counselors)."""
    if session_type.get("branch_id") and session_type["branch_id"] != branch_id:
        return False
    allowed = session_type.get("counselor_ids")
    return allowed is None or counselor_id in allowed


def busy_of(docs: list[dict[str, Any]], counselor_id: str, skip: str | None = None) -> list[domain.Interval]:
    return [
        domain.Interval(d["start"], d["end"])
        for d in docs
        if d["counselor_id"] == counselor_id and d["_id"] != skip
    ]


def session_time(session: dict[str, Any]) -> domain.Interval:
    return domain.Interval(session["start"], session["end"])


def claim_keys(session: dict[str, Any], slot: domain.Interval, buffer_minutes: int) -> list[str]:
    """The claims that give ``slot`` to the session: its counselor's time, with the buffer, and
    its client's (claimed together, in one round trip when they are free)."""
    return domain.counselor_claim_keys(
        session["counselor_id"], slot, buffer_minutes
    ) + domain.client_claim_keys(session["client_id"], slot)


def held_keys(session: dict[str, Any]) -> list[str]:
    """The claims a session holds for its current time: a workshop seat's are listed on it (its seat
    and its client's time; the counselor's time is the workshop's, never freed with a seat)."""
    if session.get("claims") is not None:
        return list(session["claims"])
    return claim_keys(session, session_time(session), session.get("buffer_minutes", 0))


# As they are stored --------------------------------------------------------------------------------


def availability_doc(counselor: dict[str, Any], hours: dict[str, Any], at: datetime) -> dict[str, Any]:
    """A counselor's hours (``AvailabilityIn``, loaded) as stored."""
    return {
        "counselor_id": counselor["user_id"],
        "org_id": counselor["org_id"],
        "branch_id": counselor["branch_id"],
        "timezone": hours["timezone"],
        "weekly": hours["weekly"],
        "exceptions": [{**e, "date": e["date"].isoformat()} for e in hours["exceptions"]],
        "session_minutes": hours["session_minutes"],
        "buffer_minutes": hours["buffer_minutes"],
        "min_notice_minutes": hours["min_notice_minutes"],
        "updated_at": at,
        "valid_from": at,
    }


def valid_from(doc: dict[str, Any]) -> datetime:
    """Since when a counselor's hours are in force: since they were saved; hours saved before
    versions were kept, since the counselor was created (nobody works before they exist)."""
    if doc.get("valid_from"):
        return doc["valid_from"]  # type: ignore[no-any-return]
    created = _created_at(doc["counselor_id"])
    return min(created, doc["updated_at"]) if created else doc["updated_at"]


def _created_at(user_id: str) -> datetime | None:
    """When an id made by ``shared.ids.new_id`` was made: its first 12 hex digits after the prefix
    are milliseconds since the epoch."""
    try:
        return datetime.fromtimestamp(int(user_id.partition("_")[2][:12], 16) / 1000, UTC)
    except (ValueError, OverflowError, OSError):
        return None


def retired_availability(previous: dict[str, Any], at: datetime) -> dict[str, Any]:
    """Hours replaced at ``at``, as kept for the reports of the time they were in force."""
    since = valid_from(previous)
    version = f"{previous['counselor_id']}:{int(since.timestamp() * 1000)}"
    return {**previous, "_id": version, "valid_from": since, "valid_until": at}


@dataclass(frozen=True)
class Booking:
    """A request to book: the id of the session it books (the same in each of its attempts), whom
    for, when, by whom, and the time zone its answer is given in."""

    session_id: str
    client: dict[str, Any]
    booked_by: str
    start: datetime
    topic: str | None
    at: datetime
    zone: str
    # The kind of session (#15) and, in person, the branch's address.
    session_type: dict[str, Any] | None = None
    location: str | None = None


def type_name(session_type: dict[str, Any]) -> dict[str, Any]:
    """What a session and its events keep of its type: its id and its name in both languages."""
    return {"id": session_type["_id"], "name": dict(session_type["name"])}


def modality_of(session: dict[str, Any]) -> str:
    """How a session is held; sessions booked before types existed are video calls."""
    return str(session.get("modality") or "video")


def new_session(
    booking: Booking, counselor: dict[str, Any], slot: domain.Interval, buffer_minutes: int
) -> dict[str, Any]:
    """A session as booked, keeping the answer its request gets (``answers``, for its retries)."""
    session = {
        "_id": booking.session_id,
        "org_id": counselor["org_id"],
        "branch_id": counselor["branch_id"],
        "counselor_id": counselor["user_id"],
        "client_id": booking.client["user_id"],
        "counselor": participant(counselor),
        "client": participant(booking.client),
        "start": slot.start,
        "end": slot.end,
        "buffer_minutes": buffer_minutes,
        "topic": booking.topic,
        "status": "booked",
        "created_at": booking.at,
        "booked_by": booking.booked_by,
        "room": meetings.new_room_name(),
        "reschedule_count": 0,
        "client_joined_at": None,
        "counselor_joined_at": None,
        "counselor_no_show_at": None,
        "session_type_id": None,
        "session_type": None,
        "modality": "video",
        "location": None,
        "workshop_id": None,
    }
    kind = booking.session_type
    if kind is not None:
        video = kind["modality"] == "video"
        session.update(
            session_type_id=kind["_id"],
            session_type=type_name(kind),
            modality=kind["modality"],
            location=None if video else booking.location,
            room=session["room"] if video else None,
        )
    return {**session, "answers": {booking.session_id: session_view(session, booking.zone)}}


def kept_answer(session: dict[str, Any], attempt_id: str) -> dict[str, Any] | None:
    """The answer the request whose attempts have ``attempt_id`` got when it booked or changed the
    session (a session keeps one per such request), if it did."""
    answer: dict[str, Any] | None = (session.get("answers") or {}).get(attempt_id)
    return answer


def new_note(note_id: str, session: dict[str, Any], text: str, at: datetime) -> dict[str, Any]:
    """A case note by the session's counselor."""
    return {
        "_id": note_id,
        "session_id": session["_id"],
        "counselor_id": session["counselor_id"],
        "client_id": session["client_id"],
        "org_id": session["org_id"],
        "branch_id": session["branch_id"],
        "text": text,
        "created_at": at,
    }


@dataclass(frozen=True)
class Change:
    """A change of a booked session: its ``fields`` as stored, the event it causes (its type and
    the facts it adds to the session's), the time claims it takes first (``claimed``; of those,
    ``new_claims`` the session did not hold yet) and those it frees once written."""

    fields: dict[str, Any]
    event_type: str
    facts: dict[str, Any] = field(default_factory=dict)
    claimed: list[str] = field(default_factory=list)
    new_claims: list[str] = field(default_factory=list)
    freed: list[str] = field(default_factory=list)


def rescheduled(
    session: dict[str, Any], slot: domain.Interval, buffer_minutes: int, by: str, at: datetime
) -> Change:
    """Moved to ``slot``: the new time is claimed first; the old time no longer covered is freed."""
    new_keys = claim_keys(session, slot, buffer_minutes)
    moved = {
        "start": slot.start,
        "end": slot.end,
        "buffer_minutes": buffer_minutes,
        "reschedule_count": session.get("reschedule_count", 0) + 1,
        "updated_at": at,
    }
    before = {"previous_start": session["start"], "previous_end": session["end"], "rescheduled_by": by}
    old_keys = held_keys(session)
    new_claims = [k for k in new_keys if k not in set(old_keys)]
    freed = [k for k in old_keys if k not in set(new_keys)]
    return Change(moved, SESSION_RESCHEDULED, before, new_keys, new_claims, freed)


def cancelled(session: dict[str, Any], late: bool, reason: str | None, by: str, at: datetime) -> Change:
    """Cancelled (late, when a client cancels inside the policy's hours): its time is free again."""
    status = "late_cancelled" if late else "cancelled"
    fields = {"status": status, "cancel_reason": reason, "cancelled_by": by, "cancelled_at": at}
    facts = {"cancelled_by": by, "reason": reason, "late": late}
    return Change(fields, SESSION_CANCELLED, facts, freed=held_keys(session))


CLIENT_DEACTIVATED_REASON = "client account deactivated"


def cancelled_for_deactivated_client(session: dict[str, Any], by: str, at: datetime) -> Change:
    """A deactivated client's future session, cancelled by Njia (``by``: the admin who deactivated
    them): its time is free again; its event's ``cause`` tells notifications to tell the counselor
    only (the client asked nothing)."""
    change = cancelled(session, False, CLIENT_DEACTIVATED_REASON, by, at)
    return replace(change, facts={**change.facts, "cause": "client_deactivated"})


def unassigned(by: str, at: datetime) -> Change:
    """A deactivated counselor's future session: booked still, every claim kept (the client's time is
    held, and the counselor's until it is given to another), waiting for a counselor."""
    fields = {"needs_counselor": True, "unassigned_at": at, "updated_at": at}
    facts = {"reason": "counselor_deactivated", "unassigned_by": by}
    return Change(fields, SESSION_UNASSIGNED, facts)


def reassigned(session: dict[str, Any], counselor: dict[str, Any], by: str, at: datetime) -> Change:
    """Given to ``counselor`` at the same time: their time (with the session's buffer) is claimed
    first; the previous counselor's is freed once written. No longer waiting for a counselor."""
    buffer, slot = session.get("buffer_minutes", 0), session_time(session)
    new_keys = domain.counselor_claim_keys(counselor["user_id"], slot, buffer)
    old_keys = domain.counselor_claim_keys(session["counselor_id"], slot, buffer)
    fields = {
        "counselor_id": counselor["user_id"],
        "counselor": participant(counselor),
        "branch_id": counselor["branch_id"],
        "needs_counselor": False,
        "reassigned_at": at,
        "updated_at": at,
    }
    facts = {"previous_counselor": session["counselor"], "reassigned_by": by}
    freed = [k for k in old_keys if k not in set(new_keys)]
    return Change(fields, SESSION_REASSIGNED, facts, new_keys, new_keys, freed)


def counselor_missed(at: datetime) -> Change:
    """The counselor never joined the video session: recorded (once: its event is claimed with the
    session's version, and a recorded one is never recorded again); its status is left as it is."""
    return Change({"counselor_no_show_at": at, "updated_at": at}, SESSION_COUNSELOR_NO_SHOW)


def swept_for_no_shows(session: dict[str, Any]) -> bool:
    """The sweep settles video sessions only: staff mark those in person, by phone and workshop seats."""
    return modality_of(session) == "video" and not session.get("workshop_id")


def settled(no_show: bool, at: datetime) -> Change:
    """Completed, or a no-show; its time stays taken."""
    if no_show:
        return Change({"status": "no_show", "settled_at": at}, SESSION_NO_SHOW)
    return Change({"status": "completed", "settled_at": at}, SESSION_COMPLETED)


def answered(change: Change, session: dict[str, Any], attempt_id: str, zone: str) -> Change:
    """``change``, keeping with the session the answer its request gets: the session as changed."""
    view = session_view({**session, **change.fields}, zone)
    return replace(change, fields={**change.fields, f"answers.{attempt_id}": view})


# As the API shows them -----------------------------------------------------------------------------


def session_view(doc: dict[str, Any], zone: str) -> dict[str, Any]:
    """A session as API.md shows it, its times in the viewer's time zone."""
    return {
        "id": doc["_id"],
        "status": doc["status"],
        "counselor_id": doc["counselor_id"],
        "client_id": doc["client_id"],
        "branch_id": doc.get("branch_id"),
        "start": in_zone(doc["start"], zone),
        "end": in_zone(doc["end"], zone),
        "topic": doc.get("topic"),
        "created_at": in_zone(doc["created_at"], zone),
        "reschedule_count": doc.get("reschedule_count", 0),
        "cancel_reason": doc.get("cancel_reason"),
        "counselor_name": doc["counselor"]["name"],
        "client_name": doc["client"]["name"],
        "needs_counselor": bool(doc.get("needs_counselor", False)),
        "session_type_id": doc.get("session_type_id"),
        "session_type": doc.get("session_type"),
        "modality": modality_of(doc),
        "location": doc.get("location"),
        "attendance": {
            "client_joined_at": _maybe_in_zone(doc.get("client_joined_at"), zone),
            "counselor_joined_at": _maybe_in_zone(doc.get("counselor_joined_at"), zone),
        },
        "counselor_no_show": doc.get("counselor_no_show_at") is not None,
        "workshop_id": doc.get("workshop_id"),
    }


def _maybe_in_zone(moment: datetime | None, zone: str) -> str | None:
    return in_zone(moment, zone) if moment is not None else None


def availability_view(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: doc[k] for k in AVAILABILITY_FIELDS}


def note_view(note: dict[str, Any], zone: str) -> dict[str, Any]:
    return {
        "id": note["_id"],
        "session_id": note["session_id"],
        "counselor_id": note["counselor_id"],
        "client_id": note["client_id"],
        "text": note["text"],
        "created_at": in_zone(note["created_at"], zone),
    }


def slots_of(
    docs: list[dict[str, Any]],
    booked: list[dict[str, Any]],
    start: datetime,
    end: datetime,
    at: datetime,
    session_type: dict[str, Any] | None = None,
) -> list[Slot]:
    """The open slots of the counselors whose hours are ``docs`` in [start, end), earliest first:
    (start, counselor id, end); sessions of ``session_type`` (its length and buffer) when given."""
    items = []
    for doc in docs:
        av = availability_for(doc, session_type)
        for slot in domain.open_slots(av, busy_of(booked, av.counselor_id), start, end, at):
            items.append((slot.start, av.counselor_id, slot.end))
    items.sort()
    return items


def free_at(
    docs: list[dict[str, Any]],
    booked: list[dict[str, Any]],
    start: datetime,
    at: datetime,
    session_type: dict[str, Any],
) -> list[domain.Availability]:
    """The counselors (their hours for ``session_type``) free for a session starting at ``start``."""
    return [
        av
        for av in (availability_for(d, session_type) for d in docs)
        if domain.is_open(av, busy_of(booked, av.counselor_id), start, at)
    ]


def latest(*moments: datetime | None) -> datetime | None:
    return max((m for m in moments if m is not None), default=None)


def load(
    av: domain.Availability, week: list[dict[str, Any]], start: datetime, kept: datetime | None
) -> domain.Load:
    """A counselor's load for "any counselor": the week's and day's sessions (their zone) and when
    they were last given one (kept, or the latest booking seen in the week)."""
    seen = latest(*(s.get("created_at") for s in week))
    return domain.load_of(
        av.counselor_id, as_loads(week), domain.day_of(start, av.timezone), latest(kept, seen)
    )


def as_loads(sessions: list[dict[str, Any]]) -> list[tuple[datetime, str]]:
    """A counselor's sessions as "any counselor" weighs them, (start, status): a workshop once, however
    many of its seats are taken (its first seat still held stands for it)."""
    seen: set[str] = set()
    weighed = []
    for session in sorted(sessions, key=lambda s: s["start"]):
        workshop = session.get("workshop_id")
        if workshop:
            if workshop in seen or session["status"] in domain.NOT_COUNTED:
                continue
            seen.add(workshop)
        weighed.append((session["start"], session["status"]))
    return weighed


def slot_position(cursor: str | None) -> tuple[datetime, str] | None:
    """The (start, counselor id) of the last slot a page gave, read from its cursor; 400 naming
    ``cursor`` for any cursor Njia did not give out."""
    text = decode_cursor(cursor)
    if text is None:
        return None
    millis, _, counselor_id = text.partition("|")
    try:
        start = datetime.fromtimestamp(int(millis) / 1000, UTC)
    except (ValueError, OverflowError, OSError):
        start = None
    if start is None or not counselor_id:
        raise BadRequest("The cursor is not one Njia gave out.", {"cursor": ["Unknown cursor."]})
    return start, counselor_id


def slots_after(items: list[Slot], position: tuple[datetime, str] | None) -> list[Slot]:
    """The sorted slots after ``position`` (by start, then counselor): where a page begins."""
    if position is None:
        return items
    return items[bisect_right(items, position, key=lambda slot: (slot[0], slot[1])) :]


def slots_view(items: list[Slot], zone: str, limit: int) -> dict[str, Any]:
    """The first ``limit`` of ``items``, in ``zone``, and the cursor of the page after them."""
    tz = ZoneInfo(zone)
    shown = items[:limit]
    last = shown[-1] if len(items) > limit else None
    return {
        "items": [
            {"counselor_id": c, "start": isoformat(s.astimezone(tz)), "end": isoformat(e.astimezone(tz))}
            for s, c, e in shown
        ],
        "next_cursor": encode_cursor(f"{int(last[0].timestamp() * 1000)}|{last[1]}") if last else None,
        "timezone": zone,
    }


def join_view(url: str, window: domain.Interval, zone: str) -> dict[str, Any]:
    return {
        "url": url,
        "provider": "jitsi",
        "opens_at": in_zone(window.start, zone),
        "closes_at": in_zone(window.end, zone),
    }


def _minutes_in_force(hours: dict[str, Any], start: datetime, end: datetime) -> int:
    """The minutes a version of a counselor's hours offered in [start, end), while it was in force."""
    since = max(start, valid_from(hours))
    until = min(end, hours.get("valid_until") or end)
    return domain.available_minutes(availability_from(hours), since, until) if since < until else 0


@dataclass(frozen=True)
class ReportExtras:
    """What a branch report adds from beyond its sessions (#15): the organization's session types (to
    name them), its default type's id (sessions booked before types were of it) and its workshops in
    the period (``store.workshops_between``)."""

    types: dict[str, dict[str, Any]] = field(default_factory=dict)
    default_type_id: str | None = None
    workshops: list[dict[str, Any]] = field(default_factory=list)


MODALITIES = ("video", "in_person", "phone")
SEAT_GIVEN_BACK = ("cancelled", "late_cancelled")


def _figures(sessions: list[dict[str, Any]]) -> dict[str, int]:
    return {"sessions": len(sessions), "no_shows": sum(1 for s in sessions if s["status"] == "no_show")}


def practice_figures(branch_id: str, sessions: list[dict[str, Any]], extras: ReportExtras) -> dict[str, Any]:
    """A branch's sessions by session type and by modality, its counselors' no-shows and its
    workshops' fill (seats taken: seat sessions not given back), from its own ``sessions``."""
    by_type: dict[str, list[dict[str, Any]]] = {}
    for s in sessions:
        by_type.setdefault(s.get("session_type_id") or extras.default_type_id or "default", []).append(s)
    rows = []
    for type_id, of_type in by_type.items():
        kind = extras.types.get(type_id)
        name = kind["name"] if kind else (of_type[0].get("session_type") or {}).get("name") or {}
        rows.append({"session_type_id": type_id, "name": dict(name), **_figures(of_type)})
    workshops = [
        w for w in extras.workshops if w.get("branch_id") == branch_id and w.get("status") != "cancelled"
    ]
    held_ids = {w["_id"] for w in workshops}
    seats = sum(int(w.get("seats") or 0) for w in workshops)
    taken = sum(
        1 for s in sessions if s.get("workshop_id") in held_ids and s["status"] not in SEAT_GIVEN_BACK
    )
    return {
        "by_session_type": sorted(rows, key=lambda row: (-row["sessions"], row["session_type_id"])),
        "by_modality": {m: _figures([s for s in sessions if modality_of(s) == m]) for m in MODALITIES},
        "counselor_no_shows": sum(1 for s in sessions if s.get("counselor_no_show_at") is not None),
        "workshops": {
            "held": len(workshops),
            "seats": seats,
            "seats_taken": taken,
            "fill_rate": round(taken / seats, 4) if seats else 0.0,
        },
    }


def branch_report_row(
    branch: dict[str, Any],
    sessions: list[dict[str, Any]],
    availability: list[dict[str, Any]],
    start: datetime,
    end: datetime,
    extras: ReportExtras | None = None,
) -> dict[str, Any]:
    """One branch's figures over [start, end), from the organization's sessions and its counselors'
    hours: every version in force then (current and retired), each over the time it was in force."""
    mine = [s for s in sessions if s["branch_id"] == branch["id"]]
    count = {status: sum(1 for s in mine if s["status"] == status) for status in schemas.STATUSES}
    booked_minutes = sum(
        int((s["end"] - s["start"]).total_seconds() // 60) for s in mine if s["status"] in TIME_TAKEN
    )
    available = sum(_minutes_in_force(a, start, end) for a in availability if a["branch_id"] == branch["id"])
    return {
        "branch_id": branch["id"],
        "name": branch["name"],
        "sessions": len(mine),
        "completed": count["completed"],
        "cancelled": count["cancelled"] + count["late_cancelled"],
        "late_cancelled": count["late_cancelled"],
        "no_show": count["no_show"],
        "no_show_rate": domain.no_show_rate(count["no_show"], count["completed"]),
        "utilization": domain.utilization(booked_minutes, available),
        "booked_hours": round(booked_minutes / 60, 2),
        "available_hours": round(available / 60, 2),
        **practice_figures(branch["id"], mine, extras or ReportExtras()),
    }


# As events and calendars carry them ------------------------------------------------------------------


def facts(session: dict[str, Any]) -> dict[str, Any]:
    """What every session event says of the session (its ``revision`` is the session's version)."""
    return {
        "session_id": session["_id"],
        "org_id": session["org_id"],
        "branch_id": session["branch_id"],
        "status": session["status"],
        "start": session["start"],
        "end": session["end"],
        "topic": session.get("topic"),
        "counselor": session["counselor"],
        "client": session["client"],
        "join_path": session_page(session["_id"]),
        "modality": modality_of(session),
        "location": session.get("location"),
        "session_type": session.get("session_type"),
        "workshop_id": session.get("workshop_id"),
        "revision": session.get("version", 0),
    }


def booked_facts(session: dict[str, Any], booking: Booking) -> dict[str, Any]:
    """What ``session.booked`` says."""
    return {**facts(session), "booked_by": booking.booked_by}


def calendar_entry(
    session: dict[str, Any], public_url: str, viewer_id: str, viewer_role: str, language: str = "en"
) -> calendar.CalendarEntry:
    """The session as the viewer's calendar shows it: the counselor's email as the organizer's
    address only where ``sees_contact`` allows (staff, the counselor), as the users API does; where
    it is held (the address, the phone rule, the join page) in the viewer's ``language``."""
    contact = sees_contact(viewer_id, viewer_role, session["counselor_id"])
    return calendar.counseling_session(
        session["_id"],
        session["start"],
        session["end"],
        session["counselor"],
        session["client"],
        session.get("topic"),
        session["status"],
        public_url + session_page(session["_id"]),
        # The session's version, as the files notifications attach carry it: every change (a move, a
        # new counselor) is a newer version, which calendar apps put in place of the old.
        session.get("version", 0),
        organizer_contact=contact,
        modality=modality_of(session),
        location=session.get("location"),
        language=language,
    )


def feed_secret(secret: str, key: str | None) -> str:
    """What signs a counselor's feed URL: the platform secret, and the counselor's feed key once they
    rotated it (none before: the URL they had from the start keeps working until a rotation)."""
    return f"{secret}:{key}" if key else secret


def feed_owner(token: str) -> str:
    """The counselor a feed token names (not yet checked: the signature says whether it is theirs)."""
    return token.rpartition(".")[0]
