"""When outcome measures are asked (services/assessments/follow_ups.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from services.assessments import follow_ups

NAIROBI = "Africa/Nairobi"  # UTC+3


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_the_default_plan_asks_readiness_at_intake_and_close_and_where_they_are_after() -> None:
    plan = follow_ups.plan_of(None)

    assert follow_ups.at_point(plan, "intake") == ["career_readiness"]
    assert follow_ups.at_point(plan, "every_session") == ["session_pulse"]
    assert plan["destination"] == ("close+30d", "close+90d", "close+180d")


def test_a_counselors_plan_replaces_the_default_for_that_measure_only() -> None:
    plan = follow_ups.plan_of({"career_readiness": ["intake", "every_session", "close"]})

    assert follow_ups.at_point(plan, "every_session") == ["career_readiness", "session_pulse"]
    assert plan["destination"] == follow_ups.DEFAULT_PLAN["destination"]


def test_follow_ups_due_at_night_wait_for_the_clients_morning() -> None:
    late = utc("2026-03-10T18:30:00")  # 21:30 in Nairobi
    early = utc("2026-03-10T02:00:00")  # 05:00 in Nairobi
    day = utc("2026-03-10T09:00:00")  # noon

    assert follow_ups.in_daytime(late, NAIROBI) == utc("2026-03-11T05:00:00")  # 08:00 next day
    assert follow_ups.in_daytime(early, NAIROBI) == utc("2026-03-10T05:00:00")
    assert follow_ups.in_daytime(day, NAIROBI) == day


def test_closing_a_case_brings_the_after_close_follow_ups_in_order() -> None:
    closed = utc("2026-03-10T09:00:00")

    due = follow_ups.after_close(follow_ups.plan_of(None), closed, NAIROBI)

    assert [(m, p) for m, p, _ in due] == [
        ("career_readiness", "close"),
        ("destination", "close+30d"),
        ("destination", "close+90d"),
        ("destination", "close+180d"),
    ]
    assert [d for _, _, d in due][1:] == [closed + timedelta(days=n) for n in (30, 90, 180)]


def test_a_case_closes_by_itself_sixty_days_after_the_last_session() -> None:
    last = utc("2026-01-01T10:00:00")

    assert not follow_ups.closes_by_itself(last, None, last + timedelta(days=59))
    assert follow_ups.closes_by_itself(last, None, last + timedelta(days=60))
    assert not follow_ups.closes_by_itself(last, last, last + timedelta(days=90))
    assert not follow_ups.closes_by_itself(None, None, last)


def test_an_unanswered_follow_up_is_asked_once_more_a_week_later_then_never() -> None:
    due = utc("2026-04-09T06:00:00")

    assert not follow_ups.next_ask(due, 0, None, due - timedelta(minutes=1))
    assert follow_ups.next_ask(due, 0, None, due)
    assert not follow_ups.next_ask(due, 1, due, due + timedelta(days=6))
    assert follow_ups.next_ask(due, 1, due, due + timedelta(days=7))
    assert not follow_ups.next_ask(due, 2, due + timedelta(days=7), due + timedelta(days=30))
