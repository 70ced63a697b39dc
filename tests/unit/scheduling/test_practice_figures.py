"""views.practice_figures (#15): a branch's sessions by session type and by modality, its counselors'
no-shows and its workshops' fill; views.as_loads: a workshop weighs once for "any counselor"."""

from datetime import UTC, datetime, timedelta

from services.scheduling import views

NORTH = "brn_north"
MONDAY = datetime(2026, 3, 2, 9, tzinfo=UTC)
DEFAULT = "sty_default_org_a"
TYPES = {
    DEFAULT: {"_id": DEFAULT, "name": {"en": "Consultation", "sw": "Mashauriano"}},
    "sty_visit": {"_id": "sty_visit", "name": {"en": "Visit", "sw": "Ziara"}},
    "sty_clinic": {"_id": "sty_clinic", "name": {"en": "CV clinic", "sw": "Kliniki ya CV"}},
}


def session(status="completed", **fields):
    return {
        "branch_id": NORTH,
        "status": status,
        "start": MONDAY,
        "end": MONDAY + timedelta(hours=1),
        **fields,
    }


def workshop(workshop_id, seats, status="scheduled", branch_id=NORTH):
    return {"_id": workshop_id, "branch_id": branch_id, "seats": seats, "status": status}


def test_sessions_are_counted_by_type_and_modality_and_older_sessions_are_of_the_default_type():
    sessions = [
        session(),  # booked before session types: the default, by video
        session("no_show", session_type_id=DEFAULT, modality="video"),
        session(session_type_id="sty_visit", modality="in_person"),
        session("no_show", session_type_id="sty_visit", modality="in_person"),
        session("no_show", session_type_id="sty_visit", modality="in_person"),
    ]
    figures = views.practice_figures(NORTH, sessions, views.ReportExtras(TYPES, DEFAULT))
    assert figures["by_session_type"] == [
        {
            "session_type_id": "sty_visit",
            "name": {"en": "Visit", "sw": "Ziara"},
            "sessions": 3,
            "no_shows": 2,
        },
        {"session_type_id": DEFAULT, "name": TYPES[DEFAULT]["name"], "sessions": 2, "no_shows": 1},
    ]
    assert figures["by_modality"] == {
        "video": {"sessions": 2, "no_shows": 1},
        "in_person": {"sessions": 3, "no_shows": 2},
        "phone": {"sessions": 0, "no_shows": 0},
    }


def test_counselor_no_shows_are_the_sessions_recorded_so():
    sessions = [session(counselor_no_show_at=MONDAY), session(counselor_no_show_at=None), session()]
    assert views.practice_figures(NORTH, sessions, views.ReportExtras())["counselor_no_shows"] == 1


def test_workshop_fill_counts_seats_held_of_workshops_not_cancelled_at_the_branch():
    seats = [
        session("booked", workshop_id="wks_1", session_type_id="sty_clinic"),
        session("completed", workshop_id="wks_1", session_type_id="sty_clinic"),
        session("cancelled", workshop_id="wks_1", session_type_id="sty_clinic"),  # given back
        session("cancelled", workshop_id="wks_gone", session_type_id="sty_clinic"),
    ]
    extras = views.ReportExtras(
        TYPES,
        DEFAULT,
        [
            workshop("wks_1", 10),
            workshop("wks_gone", 30, "cancelled"),
            workshop("wks_south", 5, branch_id="s"),
        ],
    )
    assert views.practice_figures(NORTH, seats, extras)["workshops"] == {
        "held": 1,
        "seats": 10,
        "seats_taken": 2,
        "fill_rate": 0.2,
    }
    assert views.practice_figures(NORTH, [], views.ReportExtras())["workshops"]["fill_rate"] == 0.0


def test_a_workshop_weighs_once_however_many_seats_are_taken():
    later = MONDAY + timedelta(hours=3)
    sessions = [
        session("cancelled", workshop_id="wks_1"),
        session("booked", workshop_id="wks_1"),
        session("booked", workshop_id="wks_1"),
        {**session("booked"), "start": later},
    ]
    assert views.as_loads(sessions) == [(MONDAY, "booked"), (later, "booked")]
