"""When a client is asked each outcome measure: the plan, closing a case, the follow-ups it makes;
plain data, no I/O, time passed in.

A plan says, per measure, at which points of the case it is asked: at intake, after every
session, at close, and 30, 90 or 180 days after close. A case closes when the counselor closes it,
or by itself 60 days after the client's last session. Follow-ups fall in the client's daytime
(08:00 to 19:00 where they live): one due at night waits for the morning.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

POINTS = ("intake", "every_session", "close", "close+30d", "close+90d", "close+180d")
AFTER_CLOSE = {"close": 0, "close+30d": 30, "close+90d": 90, "close+180d": 180}
DEFAULT_PLAN: dict[str, tuple[str, ...]] = {
    "career_readiness": ("intake", "close"),
    "session_pulse": ("every_session",),
    "destination": ("close+30d", "close+90d", "close+180d"),
}
IDLE_CLOSE = timedelta(days=60)  # a case with no session for this long closes by itself
REMIND_AFTER = timedelta(days=7)  # an unanswered follow-up is asked once more, a week later
DAY_STARTS, DAY_ENDS = time(8, 0), time(19, 0)
CLOSE_REASONS = ("goals_met", "client_withdrew", "referred", "no_contact", "other", "idle")


def plan_of(saved: Mapping[str, Sequence[str]] | None) -> dict[str, tuple[str, ...]]:
    """The organization's default plan with the client's own choices laid over it, per measure."""
    return {**DEFAULT_PLAN, **{key: tuple(points) for key, points in (saved or {}).items()}}


def in_daytime(moment: datetime, zone: str) -> datetime:
    """``moment``, or the next 08:00 in ``zone`` when it falls outside 08:00-19:00 there."""
    tz = ZoneInfo(zone)
    local = moment.astimezone(tz)
    if DAY_STARTS <= local.time() < DAY_ENDS:
        return moment
    day = local.date() if local.time() < DAY_STARTS else local.date() + timedelta(days=1)
    return datetime.combine(day, DAY_STARTS, tzinfo=tz)


def after_close(
    plan: Mapping[str, Sequence[str]], closed_at: datetime, zone: str
) -> list[tuple[str, str, datetime]]:
    """``(measure, point, due_at)`` of every follow-up a case closed at ``closed_at`` brings."""
    due = []
    for measure, points in sorted(plan.items()):
        for point in points:
            if point in AFTER_CLOSE:
                due.append((measure, point, in_daytime(closed_at + timedelta(days=AFTER_CLOSE[point]), zone)))
    return sorted(due, key=lambda row: (row[2], row[0]))


def at_point(plan: Mapping[str, Sequence[str]], point: str) -> list[str]:
    """The measures a plan asks at ``point`` ("intake", "every_session")."""
    return sorted(measure for measure, points in plan.items() if point in points)


def closes_by_itself(last_session_at: datetime | None, closed_at: datetime | None, now: datetime) -> bool:
    return closed_at is None and last_session_at is not None and now - last_session_at >= IDLE_CLOSE


def next_ask(due_at: datetime, sent: int, last_sent_at: datetime | None, now: datetime) -> bool:
    """Whether an unanswered follow-up is asked now: first when due, once more a week after."""
    if sent == 0:
        return now >= due_at
    return sent == 1 and last_sent_at is not None and now >= last_sent_at + REMIND_AFTER
