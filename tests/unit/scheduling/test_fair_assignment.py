"""services/scheduling/domain.py: "any counselor" goes to the fairest first — the week's sessions
(held and missed ones too), then the day's, then who was given one least recently; ties never fall
to the lowest id."""

from datetime import UTC, datetime, timedelta

from services.scheduling.domain import Interval, Load, day_of, fairest_first, load_of, tie_break

MONDAY = datetime(2026, 12, 7, 6, 0, tzinfo=UTC)  # 09:00 in Nairobi
DAY = day_of(MONDAY, "Africa/Nairobi")
NAIROBI_DAY = Interval(datetime(2026, 12, 6, 21, tzinfo=UTC), datetime(2026, 12, 7, 21, tzinfo=UTC))


def at(hours):
    return MONDAY + timedelta(hours=hours)


def test_the_counselor_with_the_fewest_sessions_that_week_comes_first():
    loads = [Load("csl_a", week=5, day=0), Load("csl_b", week=2, day=2), Load("csl_c", week=0, day=0)]
    assert fairest_first(loads, "ses_1") == ["csl_c", "csl_b", "csl_a"]


def test_completed_and_missed_sessions_count_and_cancelled_ones_do_not():
    week = [
        (at(1), "completed"),
        (at(2), "no_show"),
        (at(3), "booked"),
        (at(4), "cancelled"),
        (at(5), "late_cancelled"),
    ]
    assert load_of("csl_a", week, DAY, None) == Load("csl_a", week=3, day=3)


def test_on_an_equal_week_the_lighter_day_comes_first():
    busy_today = load_of("csl_a", [(at(1), "booked"), (at(30), "booked")], DAY, None)
    busy_tomorrow = load_of("csl_b", [(at(26), "booked"), (at(30), "completed")], DAY, None)
    assert (busy_today.week, busy_today.day, busy_tomorrow.week, busy_tomorrow.day) == (2, 1, 2, 0)
    assert fairest_first([busy_today, busy_tomorrow], "ses_1") == ["csl_b", "csl_a"]


def test_the_day_is_the_counselors_local_day():
    assert day_of(MONDAY, "Africa/Nairobi") == NAIROBI_DAY


def test_on_an_equal_week_and_day_the_one_given_a_session_least_recently_comes_first_and_never_before_all():
    recent = Load("csl_a", 1, 0, last_assigned_at=at(-1))
    long_ago = Load("csl_b", 1, 0, last_assigned_at=at(-48))
    never = Load("csl_z", 1, 0, last_assigned_at=None)
    assert fairest_first([recent, long_ago, never], "ses_1") == ["csl_z", "csl_b", "csl_a"]


def test_a_tie_goes_by_a_hash_of_the_session_and_counselor_not_always_to_the_lowest_id():
    tied = [Load(f"csl_{letter}", 0, 0) for letter in "abcd"]
    firsts = {fairest_first(tied, f"ses_{n}")[0] for n in range(40)}
    assert len(firsts) > 1  # the lowest id would win every time
    assert fairest_first(tied, "ses_7") == fairest_first(list(reversed(tied)), "ses_7")  # repeatable
    assert tie_break("ses_7", "csl_a") != tie_break("ses_8", "csl_a")


def test_nobody_free_is_an_empty_order():
    assert fairest_first([], "ses_1") == []
