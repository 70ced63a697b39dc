"""A counselor who works until midnight says so with "24:00": as the API reads it (schemas.py), stores
and shows it (views.py) and schedules against it (domain.py), across time zones and clock changes."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from marshmallow import ValidationError

from services.scheduling import domain, schemas, views

COUNSELOR = {"user_id": "usr_amina", "org_id": "org_a", "branch_id": "brn_a"}
AT = datetime(2026, 1, 1, tzinfo=UTC)
SATURDAY = 5


def stored(**body):
    hours = {"timezone": "Africa/Nairobi", "weekly": [], "session_minutes": 60, "buffer_minutes": 0}
    hours = schemas.AvailabilityIn().load({**hours, **body})
    doc = views.availability_doc(COUNSELOR, hours, AT)
    domain.check_availability(views.availability_from(doc))
    return doc


def local_starts(doc, day_start, day_end):
    zone = ZoneInfo(doc["timezone"])
    slots = domain.open_slots(views.availability_from(doc), [], day_start, day_end, AT)
    return [(s.start.astimezone(zone).strftime("%a %H:%M"), s.end - s.start) for s in slots]


def test_hours_ending_at_24_00_are_accepted_and_shown_back_as_24_00():
    doc = stored(weekly=[{"weekday": SATURDAY, "start": "20:00", "end": "24:00"}])

    assert views.availability_view(doc)["weekly"] == [{"weekday": SATURDAY, "start": "20:00", "end": "24:00"}]


def test_slots_run_up_to_midnight():
    doc = stored(weekly=[{"weekday": SATURDAY, "start": "22:00", "end": "24:00"}], session_minutes=30)
    nairobi = ZoneInfo("Africa/Nairobi")

    slots = local_starts(doc, datetime(2026, 3, 7, tzinfo=nairobi), datetime(2026, 3, 9, tzinfo=nairobi))

    assert [when for when, _ in slots] == ["Sat 22:00", "Sat 22:30", "Sat 23:00", "Sat 23:30"]


def test_a_changed_day_may_end_at_midnight_too():
    doc = stored(exceptions=[{"date": "2026-03-04", "start": "23:00", "end": "24:00"}])
    nairobi = ZoneInfo("Africa/Nairobi")

    slots = local_starts(doc, datetime(2026, 3, 4, tzinfo=nairobi), datetime(2026, 3, 5, 6, tzinfo=nairobi))

    assert slots == [("Wed 23:00", timedelta(hours=1))]
    assert views.availability_view(doc)["exceptions"][0]["end"] == "24:00"


def test_a_whole_day_is_00_00_to_24_00():
    doc = stored(weekly=[{"weekday": SATURDAY, "start": "00:00", "end": "24:00"}], session_minutes=240)
    nairobi = ZoneInfo("Africa/Nairobi")

    slots = local_starts(doc, datetime(2026, 3, 7, tzinfo=nairobi), datetime(2026, 3, 8, tzinfo=nairobi))

    assert [when for when, _ in slots] == [
        "Sat 00:00",
        "Sat 04:00",
        "Sat 08:00",
        "Sat 12:00",
        "Sat 16:00",
        "Sat 20:00",
    ]


def test_midnight_skipped_by_the_clocks_ends_the_day_when_they_jump():
    # Santiago: on 6 September 2026 the clocks go from 00:00 straight to 01:00.
    doc = stored(
        timezone="America/Santiago", weekly=[{"weekday": SATURDAY, "start": "22:00", "end": "24:00"}]
    )

    slots = domain.open_slots(
        views.availability_from(doc),
        [],
        datetime(2026, 9, 5, tzinfo=UTC),
        datetime(2026, 9, 7, tzinfo=UTC),
        AT,
    )

    assert [s.start for s in slots] == [
        datetime(2026, 9, 6, 2, tzinfo=UTC),
        datetime(2026, 9, 6, 3, tzinfo=UTC),
    ]
    assert slots[-1].end == datetime(2026, 9, 6, 4, tzinfo=UTC)  # the instant the clocks jump


def test_midnight_after_the_clocks_go_back_is_the_later_one():
    # Santiago: on 4 April 2026 the clocks go back from 24:00 to 23:00, so 23:00 comes twice.
    doc = stored(
        timezone="America/Santiago", weekly=[{"weekday": SATURDAY, "start": "22:00", "end": "24:00"}]
    )

    slots = domain.open_slots(
        views.availability_from(doc),
        [],
        datetime(2026, 4, 4, tzinfo=UTC),
        datetime(2026, 4, 6, tzinfo=UTC),
        AT,
    )

    assert [s.start.hour for s in slots] == [1, 2, 3]  # 22:00 -03, 23:00 -03, 23:00 -04 (UTC hours)
    assert slots[-1].end == datetime(2026, 4, 5, 4, tzinfo=UTC)


def test_available_minutes_count_the_hour_before_midnight():
    doc = stored(weekly=[{"weekday": SATURDAY, "start": "23:00", "end": "24:00"}])
    nairobi = ZoneInfo("Africa/Nairobi")
    av = views.availability_from(doc)

    assert (
        domain.available_minutes(
            av, datetime(2026, 3, 7, tzinfo=nairobi), datetime(2026, 3, 9, tzinfo=nairobi)
        )
        == 60
    )


@pytest.mark.parametrize(
    ("hours", "field"),
    [
        ({"weekday": 0, "start": "24:00", "end": "24:00"}, "start"),
        ({"weekday": 0, "start": "09:00", "end": "24:05"}, "end"),
        ({"weekday": 0, "start": "09:00", "end": "25:00"}, "end"),
    ],
)
def test_24_00_ends_a_day_and_nothing_else(hours, field):
    with pytest.raises(ValidationError) as refused:
        schemas.AvailabilityIn().load({"timezone": "UTC", "weekly": [hours]})
    assert field in refused.value.messages["weekly"][0]


def test_hours_overlapping_hours_until_midnight_name_24_00():
    weekly = [
        {"weekday": SATURDAY, "start": "18:00", "end": "24:00"},
        {"weekday": SATURDAY, "start": "20:00", "end": "22:00"},
    ]
    with pytest.raises(domain.InvalidAvailability) as refused:
        stored(weekly=weekly)
    assert "18:00 to 24:00" in str(refused.value)
