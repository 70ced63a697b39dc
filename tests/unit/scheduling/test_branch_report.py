"""views.branch_report_row: utilization from the hours in force at the time, version by version."""

from datetime import UTC, datetime, timedelta

from services.scheduling import views
from shared.ids import new_id

NORTH, SOUTH = "brn_north", "brn_south"
BRANCH = {"id": NORTH, "name": "North"}
MONDAY = datetime(2026, 3, 2, tzinfo=UTC)
WEEK = timedelta(days=7)


def hours(start: str, end: str, branch=NORTH, counselor_id="usr_0190000000000000000000000000", **extra):
    return {
        "counselor_id": counselor_id,
        "org_id": "org_a",
        "branch_id": branch,
        "timezone": "UTC",
        "weekly": [{"weekday": day, "start": start, "end": end} for day in range(7)],
        "exceptions": [],
        "session_minutes": 60,
        "buffer_minutes": 0,
        "min_notice_minutes": 0,
        "updated_at": extra.get("valid_from", MONDAY),
        **extra,
    }


def session(start: datetime, minutes=60, status="completed"):
    return {"branch_id": NORTH, "status": status, "start": start, "end": start + timedelta(minutes=minutes)}


def test_each_week_counts_the_hours_then_in_force():
    # Ten hours a day in the first week, two a day since the second.
    old = hours("08:00", "18:00", valid_from=MONDAY - WEEK, valid_until=MONDAY)
    new = hours("08:00", "10:00", valid_from=MONDAY)
    last_week = views.branch_report_row(
        BRANCH, [session(MONDAY - 2 * timedelta(days=1))], [old, new], MONDAY - WEEK, MONDAY
    )
    this_week = views.branch_report_row(BRANCH, [], [old, new], MONDAY, MONDAY + WEEK)
    both = views.branch_report_row(BRANCH, [], [old, new], MONDAY - WEEK, MONDAY + WEEK)

    assert last_week["available_hours"] == 70 and last_week["utilization"] == round(1 / 70, 4)
    assert this_week["available_hours"] == 14
    assert both["available_hours"] == 84


def test_a_change_in_the_middle_of_a_day_splits_that_day():
    old = hours("08:00", "18:00", valid_from=MONDAY - WEEK, valid_until=MONDAY + timedelta(hours=12))
    new = hours("08:00", "10:00", valid_from=MONDAY + timedelta(hours=12))

    monday = views.branch_report_row(BRANCH, [], [old, new], MONDAY, MONDAY + timedelta(days=1))

    assert monday["available_hours"] == 4  # 08:00-12:00 under the old hours; the new ones were over by then


def test_no_hours_count_before_the_first_were_set():
    first = hours("08:00", "18:00", valid_from=MONDAY)

    row = views.branch_report_row(BRANCH, [], [first], MONDAY - WEEK, MONDAY + timedelta(days=1))

    assert row["available_hours"] == 10


def test_hours_kept_before_versions_count_from_the_counselors_creation():
    created = MONDAY + timedelta(days=3)
    counselor_id = f"usr_{int(created.timestamp() * 1000):012x}{'0' * 16}"
    legacy = hours("08:00", "18:00", counselor_id=counselor_id, updated_at=MONDAY + WEEK)

    row = views.branch_report_row(BRANCH, [], [legacy], MONDAY, MONDAY + WEEK)

    assert row["available_hours"] == 40  # Thursday to Sunday


def test_a_counselor_who_moved_branch_counts_where_they_worked_then():
    north = hours("08:00", "18:00", valid_from=MONDAY - WEEK, valid_until=MONDAY)
    south = hours("08:00", "18:00", branch=SOUTH, valid_from=MONDAY)

    row = views.branch_report_row(BRANCH, [], [north, south], MONDAY - WEEK, MONDAY + WEEK)

    assert row["available_hours"] == 70


def test_a_retired_version_is_kept_under_its_own_id_with_its_period():
    counselor_id = new_id("usr")
    current = {**hours("08:00", "18:00", counselor_id=counselor_id, valid_from=MONDAY), "_id": counselor_id}

    retired = views.retired_availability(current, MONDAY + WEEK)

    assert retired["_id"] != counselor_id and retired["_id"].startswith(counselor_id)
    assert (retired["valid_from"], retired["valid_until"]) == (MONDAY, MONDAY + WEEK)
