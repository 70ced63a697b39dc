"""services/scheduling/domain.py: a counselor's hours, the slots they offer, and which time may be booked."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from services.scheduling.domain import (
    IN_THE_PAST,
    INSIDE_MINIMUM_NOTICE,
    OUTSIDE_AVAILABILITY,
    OVERLAPS_ANOTHER_SESSION,
    Availability,
    DateException,
    Interval,
    InvalidAvailability,
    SchedulingError,
    SlotUnavailable,
    WeeklyHours,
    check_availability,
    check_slot,
    open_slots,
    start_week,
    weeks_between,
    windows_on,
)

NEW_YORK = "America/New_York"
NAIROBI = "Africa/Nairobi"
TOKYO = "Asia/Tokyo"
MONDAY, SUNDAY = 0, 6
LONG_AGO = datetime(2026, 1, 1, tzinfo=UTC)
MONDAY_MORNINGS = (WeeklyHours(MONDAY, time(9), time(12)),)


def availability(**overrides):
    values = {"counselor_id": "csl_amina", "timezone": NEW_YORK, "weekly": MONDAY_MORNINGS}
    values.update(overrides)
    return Availability(**values)


def utc(*parts):
    return datetime(*parts, tzinfo=UTC)


def local(zone, *parts):
    return datetime(*parts, tzinfo=ZoneInfo(zone))


def starts(slots):
    return [slot.start for slot in slots]


def wall_clock(slots, zone):
    return [slot.start.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M") for slot in slots]


def monday_slots(av, now=LONG_AGO, busy=()):
    """Slots of Monday 2 March 2026 in the counselor's zone."""
    zone = av.timezone
    return open_slots(av, list(busy), local(zone, 2026, 3, 2), local(zone, 2026, 3, 3), now)


# --- daylight saving and time zones ------------------------------------------------------


def test_new_york_monday_slots_stay_at_nine_local_when_clocks_spring_forward():
    slots = open_slots(availability(), [], utc(2026, 3, 2), utc(2026, 3, 10), LONG_AGO)

    assert starts(slots) == [
        utc(2026, 3, 2, 14),
        utc(2026, 3, 2, 15),
        utc(2026, 3, 2, 16),
        utc(2026, 3, 9, 13),
        utc(2026, 3, 9, 14),
        utc(2026, 3, 9, 15),
    ]
    assert wall_clock(slots, NEW_YORK) == [
        "2026-03-02 09:00",
        "2026-03-02 10:00",
        "2026-03-02 11:00",
        "2026-03-09 09:00",
        "2026-03-09 10:00",
        "2026-03-09 11:00",
    ]


def test_new_york_monday_slots_stay_at_nine_local_when_clocks_fall_back():
    slots = open_slots(availability(), [], utc(2026, 10, 26), utc(2026, 11, 3), LONG_AGO)

    assert starts(slots) == [
        utc(2026, 10, 26, 13),
        utc(2026, 10, 26, 14),
        utc(2026, 10, 26, 15),
        utc(2026, 11, 2, 14),
        utc(2026, 11, 2, 15),
        utc(2026, 11, 2, 16),
    ]
    assert wall_clock(slots, NEW_YORK)[::3] == ["2026-10-26 09:00", "2026-11-02 09:00"]


@pytest.mark.parametrize(
    "monday", [date(2026, 3, 2), date(2026, 3, 9), date(2026, 10, 26), date(2026, 11, 2)]
)
def test_nairobi_counselor_keeps_the_same_utc_hours_all_year(monday):
    av = availability(timezone=NAIROBI)

    slots = open_slots(av, [], utc(monday.year, monday.month, monday.day), utc(2026, 12, 31), LONG_AGO)[:3]

    day = (monday.year, monday.month, monday.day)
    assert starts(slots) == [utc(*day, 6), utc(*day, 7), utc(*day, 8)]


def test_client_in_tokyo_sees_a_nairobi_morning_as_their_afternoon():
    slots = monday_slots(availability(timezone=NAIROBI))

    assert wall_clock(slots, TOKYO) == ["2026-03-02 15:00", "2026-03-02 16:00", "2026-03-02 17:00"]


def test_client_in_tokyo_finds_a_nairobi_monday_evening_on_their_tuesday():
    av = availability(timezone=NAIROBI, weekly=(WeeklyHours(MONDAY, time(18), time(21)),))

    tokyo_monday = open_slots(av, [], local(TOKYO, 2026, 3, 2), local(TOKYO, 2026, 3, 3), LONG_AGO)
    tokyo_tuesday = open_slots(av, [], local(TOKYO, 2026, 3, 3), local(TOKYO, 2026, 3, 4), LONG_AGO)

    assert tokyo_monday == []
    assert wall_clock(tokyo_tuesday, TOKYO) == ["2026-03-03 00:00", "2026-03-03 01:00", "2026-03-03 02:00"]
    assert wall_clock(tokyo_tuesday, NAIROBI) == ["2026-03-02 18:00", "2026-03-02 19:00", "2026-03-02 20:00"]


def test_a_new_york_monday_evening_is_found_in_a_range_that_is_tuesday_in_utc():
    av = availability(weekly=(WeeklyHours(MONDAY, time(20), time(23)),))

    slots = open_slots(av, [], utc(2026, 3, 3, 0), utc(2026, 3, 3, 6), LONG_AGO)

    assert starts(slots) == [utc(2026, 3, 3, 1), utc(2026, 3, 3, 2), utc(2026, 3, 3, 3)]
    assert wall_clock(slots, NEW_YORK) == ["2026-03-02 20:00", "2026-03-02 21:00", "2026-03-02 22:00"]


def test_hours_on_the_spring_forward_night_offer_only_real_times():
    av = availability(weekly=(WeeklyHours(SUNDAY, time(1), time(4)),))
    night = date(2026, 3, 8)

    slots = open_slots(av, [], utc(2026, 3, 8), utc(2026, 3, 9), LONG_AGO)

    # 01:00 EST to 04:00 EDT is two real hours: room for two sessions, not three.
    assert windows_on(av, night) == [Interval(utc(2026, 3, 8, 6), utc(2026, 3, 8, 8))]
    assert starts(slots) == [utc(2026, 3, 8, 6), utc(2026, 3, 8, 7)]
    assert wall_clock(slots, NEW_YORK) == ["2026-03-08 01:00", "2026-03-08 03:00"]
    for slot in slots:
        # Reading the shown wall-clock time back gives the same instant: it is a time that really happens.
        shown = slot.start.astimezone(ZoneInfo(NEW_YORK)).replace(tzinfo=None)
        assert shown.replace(tzinfo=ZoneInfo(NEW_YORK)).astimezone(UTC) == slot.start


def test_hours_starting_in_the_skipped_hour_begin_when_the_clocks_jump():
    av = availability(exceptions=(DateException(date(2026, 3, 8), True, time(2, 30), time(4)),))

    windows = windows_on(av, date(2026, 3, 8))

    # 02:30 never happens that night; the first real time after it is 03:00 EDT.
    assert windows == [Interval(utc(2026, 3, 8, 7), utc(2026, 3, 8, 8))]
    assert wall_clock(open_slots(av, [], utc(2026, 3, 8), utc(2026, 3, 9), LONG_AGO), NEW_YORK) == [
        "2026-03-08 03:00"
    ]


def test_hours_wholly_inside_the_skipped_hour_offer_nothing():
    av = availability(exceptions=(DateException(date(2026, 3, 8), True, time(2), time(2, 55)),))

    assert windows_on(av, date(2026, 3, 8)) == []


def test_on_the_fall_back_night_the_repeated_hour_is_offered_twice():
    av = availability(weekly=(WeeklyHours(SUNDAY, time(1), time(2)),))

    slots = open_slots(av, [], utc(2026, 11, 1), utc(2026, 11, 2), LONG_AGO)

    # 01:00 is ambiguous and means its first occurrence (EDT); 02:00 EST comes two real hours later.
    assert windows_on(av, date(2026, 11, 1)) == [Interval(utc(2026, 11, 1, 5), utc(2026, 11, 1, 7))]
    assert starts(slots) == [utc(2026, 11, 1, 5), utc(2026, 11, 1, 6)]
    assert wall_clock(slots, NEW_YORK) == ["2026-11-01 01:00", "2026-11-01 01:00"]


def test_windows_are_given_in_utc():
    windows = windows_on(availability(), date(2026, 3, 2))

    assert windows == [Interval(utc(2026, 3, 2, 14), utc(2026, 3, 2, 17))]
    assert windows[0].start.tzinfo is UTC


# --- exceptions ----------------------------------------------------------------------------


def test_a_day_off_removes_the_day():
    av = availability(exceptions=(DateException(date(2026, 3, 9), False),))

    slots = open_slots(av, [], utc(2026, 3, 2), utc(2026, 3, 10), LONG_AGO)

    assert wall_clock(slots, NEW_YORK) == ["2026-03-02 09:00", "2026-03-02 10:00", "2026-03-02 11:00"]


def test_changed_hours_replace_the_weekly_hours_that_day():
    av = availability(exceptions=(DateException(date(2026, 3, 9), True, time(14), time(16)),))

    slots = open_slots(av, [], utc(2026, 3, 9), utc(2026, 3, 10), LONG_AGO)

    assert wall_clock(slots, NEW_YORK) == ["2026-03-09 14:00", "2026-03-09 15:00"]


def test_changed_hours_open_a_day_without_weekly_hours():
    av = availability(exceptions=(DateException(date(2026, 3, 14), True, time(10), time(11)),))

    slots = open_slots(av, [], utc(2026, 3, 14), utc(2026, 3, 15), LONG_AGO)

    assert wall_clock(slots, NEW_YORK) == ["2026-03-14 10:00"]


# --- buffers, busy time, notice ------------------------------------------------------------


def test_45_minute_sessions_with_15_minute_buffer_start_an_hour_apart():
    av = availability(weekly=(WeeklyHours(MONDAY, time(9), time(17)),))

    slots = monday_slots(av)

    assert [slot.start.astimezone(ZoneInfo(NEW_YORK)).hour for slot in slots] == list(range(9, 17))
    assert all(slot.end - slot.start == timedelta(minutes=45) for slot in slots)


def test_30_minute_sessions_without_buffer_start_every_half_hour():
    av = availability(session_minutes=30, buffer_minutes=0, weekly=(WeeklyHours(MONDAY, time(9), time(11)),))

    assert wall_clock(monday_slots(av), NEW_YORK) == [
        "2026-03-02 09:00",
        "2026-03-02 09:30",
        "2026-03-02 10:00",
        "2026-03-02 10:30",
    ]


def test_a_session_that_would_run_past_the_end_of_the_hours_is_not_offered():
    av = availability(weekly=(WeeklyHours(MONDAY, time(9), time(10, 30)),))

    assert wall_clock(monday_slots(av), NEW_YORK) == ["2026-03-02 09:00"]


def test_a_booked_session_leaves_its_neighbours_open():
    booked = Interval(local(NEW_YORK, 2026, 3, 2, 10), local(NEW_YORK, 2026, 3, 2, 10, 45))

    slots = monday_slots(availability(), busy=[booked])

    assert wall_clock(slots, NEW_YORK) == ["2026-03-02 09:00", "2026-03-02 11:00"]


def test_busy_time_blocks_neighbouring_slots_by_the_buffer():
    busy = Interval(local(NEW_YORK, 2026, 3, 2, 9, 50), local(NEW_YORK, 2026, 3, 2, 10))

    slots = monday_slots(availability(), busy=[busy])

    # Neither 09:00-09:45 nor 10:00-10:45 touches 09:50-10:00, but both fall within 15 minutes of it.
    assert wall_clock(slots, NEW_YORK) == ["2026-03-02 11:00"]


def test_a_session_ending_inside_the_buffer_blocks_the_next_slot():
    busy = Interval(local(NEW_YORK, 2026, 3, 2, 8), local(NEW_YORK, 2026, 3, 2, 8, 50))

    slots = monday_slots(availability(), busy=[busy])

    assert wall_clock(slots, NEW_YORK) == ["2026-03-02 10:00", "2026-03-02 11:00"]


@pytest.mark.parametrize(
    ("now_local", "expected"),
    [
        ((7, 0), ["09:00", "10:00", "11:00"]),
        ((7, 1), ["10:00", "11:00"]),
        ((8, 0), ["10:00", "11:00"]),
        ((9, 30), []),
    ],
)
def test_slots_inside_the_minimum_notice_are_not_offered(now_local, expected):
    now = local(NEW_YORK, 2026, 3, 2, *now_local)

    slots = monday_slots(availability(), now=now)

    assert [shown[-5:] for shown in wall_clock(slots, NEW_YORK)] == expected


@pytest.mark.parametrize(
    ("now_local", "expected"),
    [((9, 0), ["09:00", "10:00", "11:00"]), ((9, 1), ["10:00", "11:00"]), ((10, 30), ["11:00"])],
)
def test_slots_are_never_in_the_past_even_without_notice(now_local, expected):
    now = local(NEW_YORK, 2026, 3, 2, *now_local)

    slots = monday_slots(availability(min_notice_minutes=0), now=now)

    assert [shown[-5:] for shown in wall_clock(slots, NEW_YORK)] == expected


def test_only_slots_starting_inside_the_asked_range_are_listed():
    slots = open_slots(availability(), [], utc(2026, 3, 2, 14, 30), utc(2026, 3, 2, 16), LONG_AGO)

    assert starts(slots) == [utc(2026, 3, 2, 15)]


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="now"):
        open_slots(availability(), [], utc(2026, 3, 2), utc(2026, 3, 3), datetime(2026, 1, 1))
    with pytest.raises(ValueError):
        check_slot(availability(), [], datetime(2026, 3, 2, 14), LONG_AGO)
    with pytest.raises(ValueError):
        Interval(datetime(2026, 3, 2, 14), utc(2026, 3, 2, 15))


# --- checking one time before booking ------------------------------------------------------


def test_a_bookable_time_gives_the_session_in_utc():
    session = check_slot(availability(), [], local(NEW_YORK, 2026, 3, 2, 10), LONG_AGO)

    assert session == Interval(utc(2026, 3, 2, 15), utc(2026, 3, 2, 15, 45))
    assert session.start.tzinfo is UTC


def test_a_time_given_in_the_clients_zone_is_the_same_slot():
    nairobi = availability(timezone=NAIROBI)

    session = check_slot(nairobi, [], local(TOKYO, 2026, 3, 2, 15), LONG_AGO)

    assert session.start == local(NAIROBI, 2026, 3, 2, 9)


# The counselor is busy all Monday; it is 09:00 in New York (14:00 UTC) with 2 hours' notice.
NOW = utc(2026, 3, 2, 14)
BUSY_ALL_DAY = [Interval(utc(2026, 3, 2, 13), utc(2026, 3, 2, 18))]


@pytest.mark.parametrize(
    ("slot_start", "reason"),
    [
        (utc(2026, 3, 2, 13, 10), IN_THE_PAST),  # also off the grid and busy
        (utc(2026, 3, 2, 15, 10), INSIDE_MINIMUM_NOTICE),  # also off the grid and busy
        (utc(2026, 3, 2, 16, 10), OUTSIDE_AVAILABILITY),  # also busy
        (utc(2026, 3, 2, 16), OVERLAPS_ANOTHER_SESSION),
    ],
)
def test_an_unbookable_time_is_refused_with_the_first_reason_that_applies(slot_start, reason):
    with pytest.raises(SlotUnavailable) as caught:
        check_slot(availability(), BUSY_ALL_DAY, slot_start, NOW)

    assert caught.value.reason == reason
    assert caught.value.field == "start"


def test_minimum_notice_is_explained_in_hours():
    with pytest.raises(SlotUnavailable) as caught:
        check_slot(availability(), [], utc(2026, 3, 2, 15), NOW)

    assert str(caught.value) == "That time is inside the counselor's minimum notice of 2 hours."


@pytest.mark.parametrize(
    ("av", "slot_start"),
    [
        (availability(), local(NEW_YORK, 2026, 3, 2, 9, 30)),  # between grid starts
        (availability(), local(NEW_YORK, 2026, 3, 2, 12)),  # after the hours
        (availability(), local(NEW_YORK, 2026, 3, 3, 9)),  # a Tuesday, no hours
        (availability(weekly=(WeeklyHours(MONDAY, time(9), time(10, 30)),)), local(NEW_YORK, 2026, 3, 2, 10)),
        (availability(exceptions=(DateException(date(2026, 3, 2), False),)), local(NEW_YORK, 2026, 3, 2, 9)),
    ],
    ids=["off-grid", "after-hours", "no-hours-that-day", "does-not-fit", "day-off"],
)
def test_a_time_that_is_not_a_session_start_is_outside_availability(av, slot_start):
    with pytest.raises(SlotUnavailable) as caught:
        check_slot(av, [], slot_start, LONG_AGO)

    assert caught.value.reason == OUTSIDE_AVAILABILITY


def test_a_time_next_to_a_booked_session_with_its_buffer_kept_is_bookable():
    booked = Interval(utc(2026, 3, 2, 15), utc(2026, 3, 2, 15, 45))

    assert check_slot(availability(), [booked], utc(2026, 3, 2, 16), LONG_AGO).start == utc(2026, 3, 2, 16)
    with pytest.raises(SlotUnavailable, match="15-minute break"):
        check_slot(availability(), [booked], utc(2026, 3, 2, 15), LONG_AGO)


def test_the_spring_forward_slot_after_the_jump_is_bookable():
    av = availability(weekly=(WeeklyHours(SUNDAY, time(1), time(4)),))

    session = check_slot(av, [], local(NEW_YORK, 2026, 3, 8, 3), LONG_AGO)

    assert session.start == utc(2026, 3, 8, 7)


# --- checking availability -----------------------------------------------------------------

DAY = date(2026, 12, 25)


def test_well_formed_availability_is_accepted():
    check_availability(
        availability(
            weekly=(
                WeeklyHours(MONDAY, time(9), time(12)),
                WeeklyHours(MONDAY, time(12), time(17)),  # touching is not overlapping
                WeeklyHours(SUNDAY, time(0), time(23, 55)),
            ),
            exceptions=(
                DateException(DAY, False),
                DateException(date(2026, 12, 26), True, time(10), time(12)),
            ),
        )
    )


@pytest.mark.parametrize(
    "overrides",
    [
        {"session_minutes": 15, "buffer_minutes": 0, "min_notice_minutes": 0},
        {"session_minutes": 240, "buffer_minutes": 120, "min_notice_minutes": 43_200},
    ],
    ids=["lowest", "highest"],
)
def test_the_edges_of_the_allowed_minutes_are_accepted(overrides):
    check_availability(availability(**overrides))


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"timezone": "Mars/Olympus_Mons"}, "timezone"),
        ({"timezone": ""}, "timezone"),
        ({"weekly": (WeeklyHours(7, time(9), time(12)),)}, "weekly.0.weekday"),
        ({"weekly": (WeeklyHours(-1, time(9), time(12)),)}, "weekly.0.weekday"),
        ({"weekly": (WeeklyHours(0, time(9), time(12)), WeeklyHours(1, time(12), time(9)))}, "weekly.1.end"),
        ({"weekly": (WeeklyHours(0, time(9), time(9)),)}, "weekly.0.end"),
        ({"weekly": (WeeklyHours(0, time(9, 7), time(12)),)}, "weekly.0.start"),
        ({"weekly": (WeeklyHours(0, time(9), time(12, 0, 30)),)}, "weekly.0.end"),
        (
            {
                "weekly": (
                    WeeklyHours(0, time(9), time(12)),
                    WeeklyHours(1, time(9), time(12)),
                    WeeklyHours(0, time(11), time(13)),
                )
            },
            "weekly.2.start",
        ),
        (
            {"exceptions": (DateException(DAY, False), DateException(DAY, True, time(9), time(10)))},
            "exceptions.1.date",
        ),
        ({"exceptions": (DateException(DAY, False, start=time(9)),)}, "exceptions.0.start"),
        ({"exceptions": (DateException(DAY, False, end=time(9)),)}, "exceptions.0.end"),
        ({"exceptions": (DateException(DAY, True, end=time(12)),)}, "exceptions.0.start"),
        ({"exceptions": (DateException(DAY, True, start=time(9)),)}, "exceptions.0.end"),
        ({"exceptions": (DateException(DAY, True, time(12), time(9)),)}, "exceptions.0.end"),
        ({"exceptions": (DateException(DAY, True, time(9, 1), time(10)),)}, "exceptions.0.start"),
        ({"session_minutes": 10}, "session_minutes"),
        ({"session_minutes": 245}, "session_minutes"),
        ({"session_minutes": 47}, "session_minutes"),
        ({"buffer_minutes": -5}, "buffer_minutes"),
        ({"buffer_minutes": 125}, "buffer_minutes"),
        ({"buffer_minutes": 7}, "buffer_minutes"),
        ({"min_notice_minutes": -1}, "min_notice_minutes"),
        ({"min_notice_minutes": 43_201}, "min_notice_minutes"),
    ],
)
def test_unusable_availability_is_refused_naming_the_field(overrides, field):
    with pytest.raises(InvalidAvailability) as caught:
        check_availability(availability(**overrides))

    assert caught.value.field == field
    assert caught.value.reason == "invalid_availability"
    assert isinstance(caught.value, SchedulingError)
    assert str(caught.value).endswith(".")


def test_a_session_is_filed_under_the_utc_week_it_starts_in():
    nairobi = ZoneInfo("Africa/Nairobi")
    # Monday 01:30 in Nairobi is still Sunday in UTC: the week before.
    assert start_week(datetime(2026, 3, 2, 1, 30, tzinfo=nairobi)) == "20260223"
    assert start_week(datetime(2026, 3, 2, 3, 0, tzinfo=nairobi)) == "20260302"
    assert start_week(datetime(2026, 3, 8, 23, 59, tzinfo=UTC)) == "20260302"


def test_the_weeks_between_two_moments_include_both_ends_across_a_year():
    start = datetime(2026, 12, 30, 23, 0, tzinfo=UTC)  # a Wednesday
    assert weeks_between(start, start + timedelta(days=6)) == ["20261228", "20270104"]
    assert weeks_between(start, start) == ["20261228"]
    assert len(weeks_between(start, start + timedelta(days=14))) == 3
