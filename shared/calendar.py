"""Sessions as iCalendar (RFC 5545): one session's event, a counselor's subscription feed.

Pure functions: no I/O, and time comes in as ``now``. The icalendar library does the
escaping (commas, semicolons, newlines), line folding and CRLF line endings.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from icalendar import Alarm, Calendar, Event, vCalAddress, vDuration, vText

PRODID = "-//Njia//Njia career counseling//EN"
UID_DOMAIN = "njia"
# ORGANIZER must be an address: where the organizer's own is not for the reader, one that reaches
# nobody (the reserved .invalid domain, RFC 2606).
HIDDEN_ORGANIZER_EMAIL = "counselor@njia.invalid"
ALARM_BEFORE = timedelta(minutes=15)
FEED_REFRESH = timedelta(minutes=15)
FEED_TOKEN_PURPOSE = "calendar-feed:"
FEED_SIGNATURE_HEX_CHARS = 32

# Njia session status -> iCalendar VEVENT STATUS.
EVENT_STATUS = {
    "booked": "CONFIRMED",
    "completed": "CONFIRMED",
    "no_show": "CONFIRMED",
    "cancelled": "CANCELLED",
    "late_cancelled": "CANCELLED",
}


@dataclass(frozen=True)
class CalendarEntry:
    """What a calendar needs to know about one session."""

    session_id: str
    start: datetime
    end: datetime
    summary: str
    description: str
    organizer_name: str
    organizer_email: str
    attendee_name: str
    attendee_email: str | None
    join_page_url: str
    status: str
    sequence: int = 0  # bumps on reschedule so calendar apps update the event
    # Where it is held (#15): an address, or the phone rule; None for a video call (its join page).
    location: str | None = None
    online: bool = True  # a video call: the page is where to join
    language: str = "en"

    def __post_init__(self) -> None:
        _require_aware(self.start, "start")
        _require_aware(self.end, "end")
        if self.end <= self.start:
            raise ValueError("end must be after start")
        if self.status not in EVENT_STATUS:
            raise ValueError(f"unknown session status {self.status!r}")
        if self.sequence < 0:
            raise ValueError("sequence must not be negative")


def session_calendar(entry: CalendarEntry, now: datetime) -> bytes:
    """One session as a VCALENDAR (METHOD PUBLISH) holding its VEVENT."""
    calendar = _new_calendar()
    calendar.add_component(_session_event(entry, now))
    ics: bytes = calendar.to_ical()
    return ics


def counselor_feed(counselor_name: str, entries: Sequence[CalendarEntry], now: datetime) -> bytes:
    """A counselor's sessions as one subscribable VCALENDAR, one VEVENT per entry."""
    calendar = _new_calendar()
    calendar.add("x-wr-calname", f"Njia — {counselor_name}")
    calendar.add("refresh-interval", vDuration(FEED_REFRESH), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(FEED_REFRESH))
    for entry in entries:
        calendar.add_component(_session_event(entry, now))
    ics: bytes = calendar.to_ical()
    return ics


def feed_token(secret: str, counselor_id: str) -> str:
    """A private, unguessable token for a counselor's feed URL that needs no storage."""
    if not secret:
        raise ValueError("the feed secret must not be empty")
    if not counselor_id:
        raise ValueError("counselor_id must not be empty")
    return f"{counselor_id}.{_feed_signature(secret, counselor_id)}"


def counselor_of_feed_token(secret: str, token: str) -> str | None:
    """The counselor id a genuine feed token was made for; None for anything else."""
    if not secret:
        raise ValueError("the feed secret must not be empty")
    counselor_id, dot, signature = token.rpartition(".")
    if not dot or not counselor_id:
        return None
    expected = _feed_signature(secret, counselor_id)
    if not hmac.compare_digest(expected.encode(), signature.encode()):
        return None
    return counselor_id


def _feed_signature(secret: str, counselor_id: str) -> str:
    digest = hmac.new(secret.encode(), (FEED_TOKEN_PURPOSE + counselor_id).encode(), hashlib.sha256)
    return digest.hexdigest()[:FEED_SIGNATURE_HEX_CHARS]


def _new_calendar() -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    return calendar


def _session_event(entry: CalendarEntry, now: datetime) -> Event:
    _require_aware(now, "now")
    event = Event()
    event.add("uid", f"{entry.session_id}@{UID_DOMAIN}")
    event.add("dtstamp", now.astimezone(UTC))
    event.add("dtstart", entry.start.astimezone(UTC))
    event.add("dtend", entry.end.astimezone(UTC))
    event.add("summary", entry.summary)
    event.add("description", _description(entry))
    event.add("url", entry.join_page_url)
    event.add("location", entry.location or entry.join_page_url)
    event.add("organizer", _address(entry.organizer_email, entry.organizer_name))
    if entry.attendee_email:
        attendee = _address(entry.attendee_email, entry.attendee_name)
        attendee.params["ROLE"] = "REQ-PARTICIPANT"
        event.add("attendee", attendee)
    event.add("status", EVENT_STATUS[entry.status])
    event.add("sequence", entry.sequence)
    if EVENT_STATUS[entry.status] != "CANCELLED":
        # No reminder for a session that will not happen.
        event.add_component(_alarm(entry))
    return event


def _description(entry: CalendarEntry) -> str:
    words = WORDS.get(entry.language, WORDS["en"])
    page = f"{words['join' if entry.online else 'page']}: {entry.join_page_url}"
    where = f"{words['where']}: {entry.location}\n\n" if entry.location else ""
    return f"{entry.description}\n\n{where}{page}" if entry.description else f"{where}{page}"


def _address(email: str, name: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    if name:
        address.params["CN"] = vText(name)
    return address


def _alarm(entry: CalendarEntry) -> Alarm:
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("trigger", -ALARM_BEFORE)
    alarm.add("description", entry.summary)
    return alarm


def _require_aware(moment: datetime, name: str) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got a naive datetime")


# The calendar's own words, in the reader's language (#15: English and Kiswahili).
WORDS: dict[str, dict[str, str]] = {
    "en": {
        "summary": "Career counseling: {counselor} with {client}",
        "session": "Career counseling session",
        "join": "Join",
        "page": "Session page",
        "where": "Where",
        "phone": "Phone call: {counselor} calls {client} on {phone}",
        "phone_unknown": "Phone call: {counselor} calls {client}",
    },
    "sw": {
        "summary": "Ushauri wa taaluma: {counselor} na {client}",
        "session": "Kikao cha ushauri wa taaluma",
        "join": "Jiunge",
        "page": "Ukurasa wa kikao",
        "where": "Wapi",
        "phone": "Simu: {counselor} atampigia {client} kwa nambari {phone}",
        "phone_unknown": "Simu: {counselor} atampigia {client}",
    },
}


def where_held(
    modality: str,
    location: str | None,
    counselor: dict[str, Any],
    client: dict[str, Any],
    language: str = "en",
) -> str | None:
    """Where a session is held as its calendar's LOCATION says it: the branch's address in person, the
    phone rule for a phone call (the counselor calls the client's number), None for a video call."""
    if modality == "in_person":
        return location
    if modality != "phone":
        return None
    words = WORDS.get(language, WORDS["en"])
    phone = client.get("phone")
    rule = words["phone"] if phone else words["phone_unknown"]
    return rule.format(counselor=counselor["name"], client=client["name"], phone=phone)


def counseling_session(
    session_id: str,
    start: datetime,
    end: datetime,
    counselor: dict[str, Any],
    client: dict[str, Any],
    topic: str | None,
    status: str,
    join_page_url: str,
    sequence: int = 0,
    organizer_contact: bool = True,
    modality: str = "video",
    location: str | None = None,
    language: str = "en",
) -> CalendarEntry:
    """A Njia session as a calendar entry: the counselor organizes, the client attends.
    ``organizer_contact``: whether the reader may see the counselor's email (see
    ``shared.people.sees_contact``); if not, the organizer is named without it. ``modality`` and
    ``location`` (a session's, as its events carry them) say where: the address in person, the
    phone rule by phone, the join page for a video call; ``language`` the reader's (en or sw)."""
    words = WORDS.get(language, WORDS["en"])
    return CalendarEntry(
        session_id=session_id,
        start=start,
        end=end,
        summary=words["summary"].format(counselor=counselor["name"], client=client["name"]),
        description=topic or words["session"],
        organizer_name=counselor["name"],
        organizer_email=(counselor.get("email") if organizer_contact else None) or HIDDEN_ORGANIZER_EMAIL,
        attendee_name=client["name"],
        attendee_email=client.get("email"),
        join_page_url=join_page_url,
        status=status,
        sequence=sequence,
        location=where_held(modality, location, counselor, client, language),
        online=modality == "video",
        language=language if language in WORDS else "en",
    )
