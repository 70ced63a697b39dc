"""services/scheduling/domain.py: claims on a slot, joining, cancelling, no-shows, weeks and reports."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from services.scheduling.domain import (
    Availability,
    DateException,
    Interval,
    WeeklyHours,
    available_minutes,
    client_claim_keys,
    counselor_claim_keys,
    is_late_cancel,
    join_state,
    join_window,
    no_show_rate,
    should_mark_no_show,
    utilization,
    week_of,
)

NEW_YORK = "America/New_York"
NAIROBI = "Africa/Nairobi"


def utc(*parts):
    return datetime(*parts, tzinfo=UTC)


def session_at(hour, minute=0, minutes=45):
    start = utc(2026, 3, 2, hour, minute)
    return Interval(start, start + timedelta(minutes=minutes))


# --- claims --------------------------------------------------------------------------------


def test_a_45_minute_session_with_15_minute_buffer_claims_12_counselor_buckets():
    keys = counselor_claim_keys("csl_amina", session_at(14), buffer_minutes=15)

    assert len(keys) == 12
    assert keys[0] == "counselor:csl_amina:20260302T1400Z"
    assert keys[-1] == "counselor:csl_amina:20260302T1455Z"
    assert len(set(keys)) == 12


def test_a_45_minute_session_claims_9_client_buckets():
    keys = client_claim_keys("cli_baraka", session_at(14))

    assert len(keys) == 9
    assert keys[0] == "client:cli_baraka:20260302T1400Z"
    assert keys[-1] == "client:cli_baraka:20260302T1440Z"


def test_overlapping_sessions_share_a_claim():
    first, second = session_at(14), session_at(14, 30)

    assert set(counselor_claim_keys("c", first, 15)) & set(counselor_claim_keys("c", second, 15))
    assert set(client_claim_keys("k", first)) & set(client_claim_keys("k", second))


def test_a_session_starting_inside_anothers_buffer_shares_a_counselor_claim():
    first, second = session_at(14), session_at(14, 50)

    assert set(counselor_claim_keys("c", first, 15)) & set(counselor_claim_keys("c", second, 15))


def test_back_to_back_sessions_separated_by_the_buffer_share_no_claim():
    first, second = session_at(14), session_at(15)

    assert not set(counselor_claim_keys("c", first, 15)) & set(counselor_claim_keys("c", second, 15))
    assert not set(client_claim_keys("k", first)) & set(client_claim_keys("k", second))


def test_claims_are_the_same_whatever_zone_the_slot_is_written_in():
    in_utc = session_at(14)
    in_nairobi = Interval(
        in_utc.start.astimezone(ZoneInfo(NAIROBI)), in_utc.end.astimezone(ZoneInfo(NAIROBI))
    )

    assert counselor_claim_keys("c", in_nairobi, 15) == counselor_claim_keys("c", in_utc, 15)
    assert client_claim_keys("k", in_nairobi) == client_claim_keys("k", in_utc)


def test_a_start_off_the_grid_claims_the_bucket_it_falls_in():
    keys = client_claim_keys("k", session_at(14, 3))

    assert keys[0] == "client:k:20260302T1400Z"
    assert keys[-1] == "client:k:20260302T1445Z"


# --- joining -------------------------------------------------------------------------------

START, END = utc(2026, 3, 2, 14), utc(2026, 3, 2, 14, 45)


@pytest.mark.parametrize(
    ("now", "state"),
    [
        (utc(2026, 3, 2, 13, 49, 59), "too_early"),
        (utc(2026, 3, 2, 13, 50), "open"),
        (START, "open"),
        (utc(2026, 3, 2, 14, 44, 59), "open"),
        (END, "closed"),
        (utc(2026, 3, 3), "closed"),
    ],
)
def test_a_session_can_be_joined_from_ten_minutes_before_until_it_ends(now, state):
    assert join_state(now, START, END) == state


def test_the_join_window_opens_ten_minutes_early_and_closes_at_the_end():
    assert join_window(START, END) == Interval(utc(2026, 3, 2, 13, 50), END)


# --- cancelling and no-shows ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("before_start", "late"),
    [
        (timedelta(hours=25), False),
        (timedelta(hours=24), False),
        (timedelta(hours=23, minutes=59, seconds=59), True),
        (timedelta(minutes=5), True),
    ],
)
def test_cancelling_within_the_organizations_notice_is_a_late_cancel(before_start, late):
    assert is_late_cancel(START - before_start, START, late_cancel_hours=24) is late


@pytest.mark.parametrize(
    ("after_start", "status", "client_joined", "no_show"),
    [
        (timedelta(minutes=15), "booked", False, True),
        (timedelta(hours=3), "booked", False, True),
        (timedelta(minutes=14, seconds=59), "booked", False, False),
        (timedelta(minutes=15), "booked", True, False),
        (timedelta(minutes=15), "completed", False, False),
        (timedelta(minutes=15), "cancelled", False, False),
    ],
)
def test_a_booked_client_who_never_joins_is_a_no_show_after_the_grace_period(
    after_start, status, client_joined, no_show
):
    assert should_mark_no_show(START + after_start, START, status, client_joined, grace_minutes=15) is no_show


def test_naive_times_are_refused_for_session_rules():
    with pytest.raises(ValueError):
        join_state(datetime(2026, 3, 2, 14), START, END)
    with pytest.raises(ValueError):
        is_late_cancel(START, datetime(2026, 3, 2, 14), 24)


# --- weeks and picking a counselor ---------------------------------------------------------


def test_the_week_with_spring_forward_is_167_hours():
    week = week_of(utc(2026, 3, 8, 12), NEW_YORK)

    assert week == Interval(utc(2026, 3, 2, 5), utc(2026, 3, 9, 4))
    assert week.end - week.start == timedelta(hours=167)


def test_the_week_with_fall_back_is_169_hours():
    week = week_of(utc(2026, 11, 1, 12), NEW_YORK)

    assert week == Interval(utc(2026, 10, 26, 4), utc(2026, 11, 2, 5))
    assert week.end - week.start == timedelta(hours=169)


def test_a_week_begins_at_local_monday_midnight():
    # Sunday 22:00 UTC is already Monday 01:00 in Nairobi.
    week = week_of(utc(2026, 3, 8, 22), NAIROBI)

    assert week == Interval(utc(2026, 3, 8, 21), utc(2026, 3, 15, 21))
    assert week_of(utc(2026, 3, 8, 20, 59), NAIROBI).end == week.start


# --- reports -------------------------------------------------------------------------------


def counselor(**overrides):
    values = {
        "counselor_id": "csl_amina",
        "timezone": NEW_YORK,
        "weekly": (WeeklyHours(0, time(9), time(12)), WeeklyHours(6, time(1), time(4))),
    }
    values.update(overrides)
    return Availability(**values)


def test_available_minutes_add_up_the_hours_in_the_range():
    # Monday 09-12 (180) and, on the spring-forward Sunday, 01:00 EST to 04:00 EDT (120).
    week = week_of(utc(2026, 3, 4), NEW_YORK)

    assert available_minutes(counselor(), week.start, week.end) == 300


def test_available_minutes_count_only_the_part_of_a_window_inside_the_range():
    assert available_minutes(counselor(), utc(2026, 3, 2, 14, 30), utc(2026, 3, 2, 15, 30)) == 60


def test_a_day_off_has_no_available_minutes():
    av = counselor(exceptions=(DateException(date(2026, 3, 2), False),))

    assert available_minutes(av, utc(2026, 3, 2), utc(2026, 3, 3)) == 0


@pytest.mark.parametrize(
    ("booked", "available", "expected"), [(60, 180, 0.3333), (180, 180, 1.0), (0, 180, 0.0), (45, 0, 0.0)]
)
def test_utilization_is_booked_over_available_minutes(booked, available, expected):
    assert utilization(booked, available) == expected


@pytest.mark.parametrize(
    ("no_show", "completed", "expected"),
    [(1, 2, 0.3333), (1, 7, 0.125), (0, 5, 0.0), (0, 0, 0.0), (3, 0, 1.0)],
)
def test_no_show_rate_is_missed_over_held_or_missed_sessions(no_show, completed, expected):
    assert no_show_rate(no_show, completed) == expected
