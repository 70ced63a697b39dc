"""Rules of counselors' hours and sessions; plain data, no I/O, time passed in.

Every instant is an aware datetime and everything returned is in UTC. Hours are
wall-clock times in the counselor's own zone, turned into instants one local date
at a time so daylight-saving changes land where the counselor expects them.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

BUCKET_MINUTES = 5
JOIN_OPENS_BEFORE = timedelta(minutes=10)

IN_THE_PAST = "in_the_past"
INSIDE_MINIMUM_NOTICE = "inside_minimum_notice"
OUTSIDE_AVAILABILITY = "outside_availability"
OVERLAPS_ANOTHER_SESSION = "overlaps_another_session"

SESSION_MINUTES_RANGE = (15, 240)
BUFFER_MINUTES_RANGE = (0, 120)
MIN_NOTICE_MINUTES_RANGE = (0, 43_200)

ONE_DAY = timedelta(days=1)
BUCKET = timedelta(minutes=BUCKET_MINUTES)
# "24:00": hours that end when the local day does. A ``time`` cannot say 24:00, so the latest one
# stands for it; it is on the grid, later than every start, and turned into the next local midnight.
END_OF_DAY = time.max


class SchedulingError(Exception):
    """A rule of scheduling was broken; ``reason`` is a short code, ``field`` names the input at fault."""

    def __init__(self, message: str, reason: str, field: str | None = None) -> None:
        super().__init__(message)
        self.reason = reason
        self.field = field


class InvalidAvailability(SchedulingError):
    pass


class SlotUnavailable(SchedulingError):
    pass


@dataclass(frozen=True)
class WeeklyHours:
    """Hours on one weekday (0 = Monday), as wall-clock times in the counselor's zone; ``end`` may be
    ``END_OF_DAY`` (24:00)."""

    weekday: int
    start: time
    end: time


@dataclass(frozen=True)
class DateException:
    """A day off (``available=False``) or changed hours (``start``/``end``) on one local date."""

    date: date
    available: bool
    start: time | None = None
    end: time | None = None


@dataclass(frozen=True)
class Availability:
    counselor_id: str
    timezone: str
    weekly: tuple[WeeklyHours, ...]
    exceptions: tuple[DateException, ...] = ()
    session_minutes: int = 45
    buffer_minutes: int = 15
    min_notice_minutes: int = 120


@dataclass(frozen=True)
class Interval:
    """[start, end) between two aware instants."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        _aware(self.start, "start")
        _aware(self.end, "end")


# --- checking availability ---------------------------------------------------------------


def check_availability(av: Availability) -> None:
    """Refuse availability that could not be scheduled against, naming the first field at fault."""
    _check_timezone(av.timezone)
    _check_weekly(av.weekly)
    _check_exceptions(av.exceptions)
    _check_minutes(
        "session_minutes", av.session_minutes, SESSION_MINUTES_RANGE, "A session", multiple_of_five=True
    )
    _check_minutes(
        "buffer_minutes", av.buffer_minutes, BUFFER_MINUTES_RANGE, "The buffer", multiple_of_five=True
    )
    _check_minutes(
        "min_notice_minutes", av.min_notice_minutes, MIN_NOTICE_MINUTES_RANGE, "The minimum notice"
    )


def _check_timezone(name: str) -> None:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise _invalid(
            f"{name!r} is not a time zone we know (try e.g. 'Africa/Nairobi').", "timezone"
        ) from None


def _check_weekly(weekly: Sequence[WeeklyHours]) -> None:
    for i, hours in enumerate(weekly):
        if not 0 <= hours.weekday <= 6:
            raise _invalid("Weekday must be 0 (Monday) to 6 (Sunday).", f"weekly.{i}.weekday")
        _check_hours(hours.start, hours.end, f"weekly.{i}")
    # Overlapping windows would offer the same hour twice; sorting puts neighbours side by side.
    by_day = sorted(range(len(weekly)), key=lambda i: (weekly[i].weekday, weekly[i].start))
    for before, after in pairwise(by_day):
        first, second = weekly[before], weekly[after]
        if first.weekday == second.weekday and second.start < first.end:
            raise _invalid(
                f"These hours overlap {hhmm(first.start)} to {hhmm(first.end)} on the same weekday.",
                f"weekly.{after}.start",
            )


def _check_exceptions(exceptions: Sequence[DateException]) -> None:
    seen: set[date] = set()
    for i, exception in enumerate(exceptions):
        where = f"exceptions.{i}"
        if exception.date in seen:
            raise _invalid(f"{exception.date} already has an exception.", f"{where}.date")
        seen.add(exception.date)
        if not exception.available:
            if exception.start is not None or exception.end is not None:
                extra = "start" if exception.start is not None else "end"
                raise _invalid("A day off has no hours: leave out start and end.", f"{where}.{extra}")
            continue
        if exception.start is None:
            raise _invalid("Changed hours need a start time.", f"{where}.start")
        if exception.end is None:
            raise _invalid("Changed hours need an end time.", f"{where}.end")
        _check_hours(exception.start, exception.end, where)


def _check_hours(start: time, end: time, where: str) -> None:
    if start == END_OF_DAY:  # 24:00 ends a day; it starts nothing
        raise _invalid("Hours must end after they start.", f"{where}.start")
    for name, at in (("start", start), ("end", end)):
        if not _on_grid(at):
            raise _invalid(
                f"Times must be on a {BUCKET_MINUTES}-minute grid (e.g. 09:05).", f"{where}.{name}"
            )
    if start >= end:
        raise _invalid("Hours must end after they start.", f"{where}.end")


def _on_grid(at: time) -> bool:
    return at == END_OF_DAY or (at.minute % BUCKET_MINUTES == 0 and at.second == 0 and at.microsecond == 0)


def hhmm(at: time) -> str:
    """A wall-clock time as people write it: "09:05", and "24:00" for the end of a day."""
    return "24:00" if at == END_OF_DAY else f"{at:%H:%M}"


def _check_minutes(
    field: str, value: int, bounds: tuple[int, int], what: str, *, multiple_of_five: bool = False
) -> None:
    low, high = bounds
    if not low <= value <= high:
        raise _invalid(f"{what} must be {low} to {high} minutes.", field)
    if multiple_of_five and value % BUCKET_MINUTES:
        raise _invalid(f"{what} must be a multiple of {BUCKET_MINUTES} minutes.", field)


def _invalid(message: str, field: str) -> InvalidAvailability:
    return InvalidAvailability(message, "invalid_availability", field)


# --- windows and slots ---------------------------------------------------------------------


def windows_on(av: Availability, day: date) -> list[Interval]:
    """The counselor's hours on one of their local dates, as UTC intervals."""
    zone = ZoneInfo(av.timezone)
    windows = [
        Interval(_instant(day, start, zone), _instant(day, end, zone)) for start, end in _hours_on(av, day)
    ]
    # Hours lying wholly inside a spring-forward gap collapse to nothing.
    return sorted((w for w in windows if w.start < w.end), key=lambda w: w.start)


def open_slots(
    av: Availability, busy: Sequence[Interval], start: datetime, end: datetime, now: datetime
) -> list[Interval]:
    """Bookable sessions starting in [start, end): on the window grid, past the notice, clear of busy time."""
    start, end, now = _aware(start, "start"), _aware(end, "end"), _aware(now, "now")
    earliest = max(now, now + _minutes(av.min_notice_minutes))
    return [
        slot
        for slot in _grid_slots(av, start, end)
        if slot.start >= earliest and not _overlaps_busy(av, busy, slot)
    ]


def check_slot(av: Availability, busy: Sequence[Interval], slot_start: datetime, now: datetime) -> Interval:
    """The session starting at ``slot_start`` if it may be booked; otherwise SlotUnavailable saying why."""
    slot_start, now = _aware(slot_start, "slot_start"), _aware(now, "now")
    if slot_start < now:
        raise SlotUnavailable("That time has already passed.", IN_THE_PAST, "start")
    notice = av.min_notice_minutes
    if slot_start < now + _minutes(notice):
        raise SlotUnavailable(
            f"That time is inside the counselor's minimum notice of {_in_words(notice)}.",
            INSIDE_MINIMUM_NOTICE,
            "start",
        )
    # A single instant range finds the one grid slot starting exactly then, if there is one.
    matches = _grid_slots(av, slot_start, slot_start + timedelta(microseconds=1))
    if not matches:
        raise SlotUnavailable(
            "That time is not one of the counselor's session times.", OUTSIDE_AVAILABILITY, "start"
        )
    slot = matches[0]
    if _overlaps_busy(av, busy, slot):
        gap = f" or the {av.buffer_minutes}-minute break kept around it" if av.buffer_minutes else ""
        raise SlotUnavailable(f"That time overlaps another session{gap}.", OVERLAPS_ANOTHER_SESSION, "start")
    return slot


def is_open(av: Availability, busy: Sequence[Interval], slot_start: datetime, now: datetime) -> bool:
    """Whether the session starting at ``slot_start`` may be booked (``check_slot`` gives it)."""
    try:
        check_slot(av, busy, slot_start, now)
    except SlotUnavailable:
        return False
    return True


def available_minutes(av: Availability, start: datetime, end: datetime) -> int:
    """Minutes of the counselor's hours falling inside [start, end)."""
    start, end = _aware(start, "start"), _aware(end, "end")
    total = timedelta()
    for window in _windows_between(av, start, end):
        total += max(timedelta(), min(window.end, end) - max(window.start, start))
    return total // timedelta(minutes=1)


def _grid_slots(av: Availability, start: datetime, end: datetime) -> list[Interval]:
    """Every session the windows offer starting in [start, end), before notice and busy time."""
    slots = [
        slot
        for day in _local_days(av, start, end)
        for slot in _slots_on(av, day)
        if start <= slot.start < end
    ]
    return sorted(slots, key=lambda slot: slot.start)


@functools.lru_cache(maxsize=4096)  # about 12 MB at most: a month of 130 counselors
def _slots_on(av: Availability, day: date) -> tuple[Interval, ...]:
    """The sessions one local date offers. Kept: every slot search asks for the same days again, and
    the answer depends on nothing but the (immutable) availability and the date."""
    session = _minutes(av.session_minutes)
    step = session + _minutes(av.buffer_minutes)
    slots = []
    for window in windows_on(av, day):
        at = window.start
        while at + session <= window.end:
            slots.append(Interval(at, at + session))
            at += step
    return tuple(slots)


def _local_days(av: Availability, start: datetime, end: datetime) -> Iterator[date]:
    zone = ZoneInfo(av.timezone)
    # A UTC range touches up to two local dates at each end; one more day either side
    # covers zones whose clocks jump across midnight.
    day = start.astimezone(zone).date() - ONE_DAY
    last = end.astimezone(zone).date() + ONE_DAY
    while day <= last:
        yield day
        day += ONE_DAY


def _windows_between(av: Availability, start: datetime, end: datetime) -> Iterator[Interval]:
    for day in _local_days(av, start, end):
        yield from windows_on(av, day)


def _hours_on(av: Availability, day: date) -> list[tuple[time, time]]:
    """Wall-clock hours on a local date: an exception for the date replaces the weekly hours."""
    exception = next((e for e in av.exceptions if e.date == day), None)
    if exception is None:
        return [(h.start, h.end) for h in av.weekly if h.weekday == day.weekday()]
    if not exception.available or exception.start is None or exception.end is None:
        return []
    return [(exception.start, exception.end)]


def _overlaps_busy(av: Availability, busy: Sequence[Interval], slot: Interval) -> bool:
    buffer = _minutes(av.buffer_minutes)
    return any(slot.start < b.end + buffer and b.start - buffer < slot.end for b in busy)


def _instant(day: date, at: time, zone: ZoneInfo) -> datetime:
    """A wall-clock time on a local date as a UTC instant.

    An ambiguous time (clocks going back) is its first occurrence; a time the clocks
    skip (going forward) is the instant they jump, the first real time after it.
    ``END_OF_DAY`` is the next date's midnight (the same rules apply to it).
    """
    if at == END_OF_DAY:
        day, at = day + ONE_DAY, time(0)
    wall = datetime.combine(day, at).replace(tzinfo=zone, fold=0)
    instant = wall.astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) == wall.replace(tzinfo=None):
        return instant
    # In a gap, fold=1 reads the wall time with the later offset, landing before the jump.
    return _jump_between(wall.replace(fold=1).astimezone(UTC), instant, zone)


def _jump_between(before: datetime, after: datetime, zone: ZoneInfo) -> datetime:
    """The instant the zone's offset changes, by halving [before, after] down to a second."""
    offset_after = after.astimezone(zone).utcoffset()
    low, high = int(before.timestamp()), int(after.timestamp())
    while high - low > 1:
        middle = (low + high) // 2
        if datetime.fromtimestamp(middle, zone).utcoffset() == offset_after:
            high = middle
        else:
            low = middle
    return datetime.fromtimestamp(high, UTC)


# --- claims --------------------------------------------------------------------------------


def counselor_claim_keys(counselor_id: str, slot: Interval, buffer_minutes: int) -> list[str]:
    """Keys a booking claims for the counselor: the session and the buffer after it."""
    until = slot.end + _minutes(buffer_minutes)
    return [f"counselor:{counselor_id}:{bucket:%Y%m%dT%H%MZ}" for bucket in _buckets(slot.start, until)]


def client_claim_keys(client_id: str, slot: Interval) -> list[str]:
    """Keys a booking claims for the client: the session itself (clients need no buffer)."""
    return [f"client:{client_id}:{bucket:%Y%m%dT%H%MZ}" for bucket in _buckets(slot.start, slot.end)]


def _buckets(start: datetime, end: datetime) -> list[datetime]:
    """UTC 5-minute buckets touching [start, end): any two overlapping ranges share one."""
    at = _aware(start, "start").astimezone(UTC)
    end = _aware(end, "end")
    bucket = at.replace(minute=at.minute - at.minute % BUCKET_MINUTES, second=0, microsecond=0)
    buckets = []
    while bucket < end:
        buckets.append(bucket)
        bucket += BUCKET
    return buckets


# --- sessions ------------------------------------------------------------------------------


def start_week(start: datetime) -> str:
    """The UTC week (its Monday) a session starts in: sessions are looked up by week, an equality the
    database can use (FerretDB pushes no range condition down)."""
    day = start.astimezone(UTC).date()
    return (day - timedelta(days=day.weekday())).strftime("%Y%m%d")


def weeks_between(start: datetime, end: datetime) -> list[str]:
    """The UTC weeks from the one holding ``start`` to the one holding ``end``, in order."""
    first, last = start.astimezone(UTC).date(), end.astimezone(UTC).date()
    monday = first - timedelta(days=first.weekday())
    return [(monday + timedelta(weeks=n)).strftime("%Y%m%d") for n in range((last - monday).days // 7 + 1)]


def join_window(start: datetime, end: datetime) -> Interval:
    """When a session may be joined: from 10 minutes before its start until its end."""
    return Interval(_utc(start, "start") - JOIN_OPENS_BEFORE, _utc(end, "end"))


def join_state(now: datetime, start: datetime, end: datetime) -> str:
    """Whether a session can be joined at ``now``: "too_early", "open" or "closed"."""
    now = _aware(now, "now")
    window = join_window(start, end)
    if now < window.start:
        return "too_early"
    return "open" if now < window.end else "closed"


def is_late_cancel(now: datetime, start: datetime, late_cancel_hours: int) -> bool:
    """Cancelling closer to the start than the organization's notice counts as a late cancel."""
    return _aware(now, "now") > _aware(start, "start") - timedelta(hours=late_cancel_hours)


def should_mark_no_show(
    now: datetime, start: datetime, status: str, client_joined: bool, grace_minutes: int
) -> bool:
    """A booked session whose client never joined becomes a no-show once the grace period is over."""
    due = _aware(now, "now") >= _aware(start, "start") + _minutes(grace_minutes)
    return status == "booked" and not client_joined and due


def week_of(moment: datetime, timezone: str) -> Interval:
    """The local Monday-to-Monday week holding ``moment``; 167 or 169 hours long across a DST change."""
    zone = ZoneInfo(timezone)
    local_day = _aware(moment, "moment").astimezone(zone).date()
    monday = local_day - timedelta(days=local_day.weekday())
    return Interval(_instant(monday, time(0), zone), _instant(monday + 7 * ONE_DAY, time(0), zone))


def should_mark_counselor_no_show(
    now: datetime, start: datetime, status: str, counselor_joined: bool, recorded: bool, grace_minutes: int
) -> bool:
    """A booked video session whose counselor never joined by the end of the grace period: recorded
    once (``recorded``: it was already). A session settled by then had its counselor."""
    due = _aware(now, "now") >= _aware(start, "start") + _minutes(grace_minutes)
    return status == "booked" and not counselor_joined and not recorded and due


# --- any counselor: the fairest first --------------------------------------------------------------

# Sessions that took a counselor's time, held or missed: what a fair share counts (not cancelled ones).
NOT_COUNTED = frozenset({"cancelled", "late_cancelled"})


@dataclass(frozen=True)
class Load:
    """How much a counselor free at a time already has: sessions that week and that day (every
    status but cancelled), and when they were last given a session (None: never)."""

    counselor_id: str
    week: int
    day: int
    last_assigned_at: datetime | None = None


def load_of(
    counselor_id: str,
    sessions: Sequence[tuple[datetime, str]],
    day: Interval,
    last_assigned_at: datetime | None,
) -> Load:
    """A counselor's load from their week's sessions as (start, status)."""
    counted = [start for start, status in sessions if status not in NOT_COUNTED]
    today = sum(1 for start in counted if day.start <= start < day.end)
    return Load(counselor_id, len(counted), today, last_assigned_at)


def day_of(moment: datetime, timezone: str) -> Interval:
    """The local day (midnight to midnight) holding ``moment``."""
    zone = ZoneInfo(timezone)
    local_day = _aware(moment, "moment").astimezone(zone).date()
    return Interval(_instant(local_day, time(0), zone), _instant(local_day + ONE_DAY, time(0), zone))


NEVER = datetime.min.replace(tzinfo=UTC)


def fairest_first(loads: Sequence[Load], session_id: str) -> list[str]:
    """Counselor ids in the order a session for "any counselor" is offered to them: the fewest
    sessions that week first, then that day, then the one given a session least recently (never
    first); a tie left after that goes by a hash of the session and counselor ids: the same for
    every attempt of one booking, and not always the same counselor (as the lowest id would be)."""
    ordered = sorted(
        loads,
        key=lambda load: (
            load.week,
            load.day,
            load.last_assigned_at or NEVER,
            tie_break(session_id, load.counselor_id),
        ),
    )
    return [load.counselor_id for load in ordered]


def tie_break(session_id: str, counselor_id: str) -> str:
    return hashlib.sha256(f"{session_id}:{counselor_id}".encode()).hexdigest()


# --- session types ---------------------------------------------------------------------------------


def check_session_type(minutes: int | None, buffer_minutes: int | None, seats: int) -> None:
    """A type's length and buffer keep to the counselors' own rules (None: each counselor's own); a
    workshop type (more than one seat) has a length of its own."""
    if minutes is not None:
        _check_minutes("minutes", minutes, SESSION_MINUTES_RANGE, "A session", multiple_of_five=True)
    elif seats > 1:
        raise _invalid("A workshop type needs a length of its own.", "minutes")
    if buffer_minutes is not None:
        _check_minutes(
            "buffer_minutes", buffer_minutes, BUFFER_MINUTES_RANGE, "The buffer", multiple_of_five=True
        )


# --- reports -------------------------------------------------------------------------------


def utilization(booked_minutes: int, available: int) -> float:
    """Share of available minutes that were booked; 0.0 when the counselor offered none."""
    return round(booked_minutes / available, 4) if available > 0 else 0.0


def no_show_rate(no_show: int, completed: int) -> float:
    """Share of held-or-missed sessions the client missed; 0.0 when there were none."""
    held_or_missed = no_show + completed
    return round(no_show / held_or_missed, 4) if held_or_missed > 0 else 0.0


# --- small helpers -------------------------------------------------------------------------


def _aware(moment: datetime, name: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime, got naive {moment.isoformat()}")
    return moment


def _utc(moment: datetime, name: str) -> datetime:
    return _aware(moment, name).astimezone(UTC)


def _minutes(minutes: int) -> timedelta:
    return timedelta(minutes=minutes)


def _in_words(minutes: int) -> str:
    """120 → "2 hours", 1440 → "1 day", 90 → "90 minutes": notice as a person would say it."""
    for unit, size in (("day", 1440), ("hour", 60)):
        if minutes >= size and minutes % size == 0:
            count = minutes // size
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return f"{minutes} minute{'s' if minutes != 1 else ''}"
