"""services/scheduling/seating.py: the rules of workshops and their seats.

One practice (``org_kisumu``, branches ``brn_north`` and ``brn_south``): Wanjiru counsels in the
north branch and holds a CV clinic of 30 seats there; Amina is a client.
"""

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from services.scheduling import seating
from services.scheduling.seating import SeatForSomeoneElse, WorkshopRefused

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
CLINIC = {
    "_id": "sty_cv",
    "org_id": "org_kisumu",
    "name": {"en": "CV clinic", "sw": "Kliniki ya CV"},
    "minutes": 90,
    "buffer_minutes": 15,
    "modality": "in_person",
    "seats": 30,
    "branch_id": None,
    "counselor_ids": None,
    "active": True,
}
HOURS = {"session_minutes": 45, "buffer_minutes": 10}


@dataclass(frozen=True)
class Caller:
    user_id: str
    role: str
    org_id: str = "org_kisumu"
    branch_id: str | None = "brn_north"


WANJIRU = Caller("usr_wanjiru", "counselor")
OTHER_COUNSELOR = Caller("usr_otieno", "counselor")
NORTH_ADMIN = Caller("usr_north_admin", "branch_admin")
SOUTH_ADMIN = Caller("usr_south_admin", "branch_admin", branch_id="brn_south")
ORG_ADMIN = Caller("usr_boss", "org_admin", branch_id=None)
STRANGER = Caller("usr_boss_elsewhere", "org_admin", org_id="org_other", branch_id=None)
AMINA = Caller("usr_amina", "client")

WORKSHOP = {
    "_id": "wks_0190a1b2c3d4aaaa",
    "org_id": "org_kisumu",
    "branch_id": "brn_north",
    "counselor_id": "usr_wanjiru",
    "start": NOW + timedelta(days=2),
    "status": "scheduled",
}


def refusal(call):
    with pytest.raises(WorkshopRefused) as caught:
        call()
    return caught.value


# Making a workshop ---------------------------------------------------------------------------


def test_a_workshop_is_of_an_active_type_of_the_organization_with_more_than_one_seat():
    assert seating.check_type_for_workshop(CLINIC, "org_kisumu") is CLINIC
    for kind, org in ((None, "org_kisumu"), (CLINIC, "org_other")):
        assert refusal(lambda k=kind, o=org: seating.check_type_for_workshop(k, o)).field == "session_type_id"
    retired = refusal(lambda: seating.check_type_for_workshop({**CLINIC, "active": False}, "org_kisumu"))
    assert "no longer offered" in str(retired)
    one_to_one = refusal(lambda: seating.check_type_for_workshop({**CLINIC, "seats": 1}, "org_kisumu"))
    assert one_to_one.field == "session_type_id" and one_to_one.reason is None


def test_a_type_of_one_branch_or_of_named_counselors_is_held_by_them_only():
    seating.check_counselor_for_type(CLINIC, "usr_wanjiru", "brn_north")
    of_north = {**CLINIC, "branch_id": "brn_north"}
    seating.check_counselor_for_type(of_north, "usr_wanjiru", "brn_north")
    assert (
        refusal(lambda: seating.check_counselor_for_type(of_north, "usr_x", "brn_south")).field
        == "counselor_id"
    )
    named = {**CLINIC, "counselor_ids": ["usr_wanjiru"]}
    seating.check_counselor_for_type(named, "usr_wanjiru", "brn_north")
    assert (
        refusal(lambda: seating.check_counselor_for_type(named, "usr_otieno", "brn_north")).field
        == "counselor_id"
    )


def test_a_workshop_lasts_its_types_length_or_the_counselors_own_when_the_type_leaves_it_to_them():
    assert seating.workshop_length(CLINIC, None) == seating.Length(90, 15)
    own = {**CLINIC, "minutes": None, "buffer_minutes": None}
    assert seating.workshop_length(own, HOURS) == seating.Length(45, 10)
    assert seating.workshop_length({**CLINIC, "buffer_minutes": None}, HOURS) == seating.Length(90, 10)
    assert refusal(lambda: seating.workshop_length(own, None)).field == "session_type_id"


def test_a_workshop_is_made_for_a_time_to_come_even_outside_the_counselors_hours():
    seating.check_start(NOW + timedelta(minutes=1), NOW)
    seating.check_start(datetime(2026, 12, 5, 23, 0, tzinfo=UTC), NOW)  # a Saturday night
    past = refusal(lambda: seating.check_start(NOW, NOW))
    assert (past.field, past.reason) == ("start", "in_the_past")


# Who may do what -----------------------------------------------------------------------------


def test_a_counselor_schedules_their_own_workshops_and_admins_those_of_their_counselors():
    allowed = [
        c
        for c in (WANJIRU, OTHER_COUNSELOR, NORTH_ADMIN, SOUTH_ADMIN, ORG_ADMIN, STRANGER, AMINA)
        if seating.may_schedule(c, "usr_wanjiru", "org_kisumu", "brn_north")
    ]
    assert allowed == [WANJIRU, NORTH_ADMIN, ORG_ADMIN]


def test_everyone_of_the_organization_browses_its_workshops_and_nobody_else():
    assert all(seating.may_see(c, WORKSHOP) for c in (AMINA, WANJIRU, OTHER_COUNSELOR, SOUTH_ADMIN))
    assert not seating.may_see(STRANGER, WORKSHOP)


def test_attendees_are_managed_by_the_workshops_counselor_and_its_admins():
    managers = [
        c
        for c in (WANJIRU, OTHER_COUNSELOR, NORTH_ADMIN, SOUTH_ADMIN, ORG_ADMIN, STRANGER, AMINA)
        if seating.may_manage(c, WORKSHOP)
    ]
    assert managers == [WANJIRU, NORTH_ADMIN, ORG_ADMIN]


def test_a_client_takes_a_seat_for_themselves_and_staff_name_the_client():
    assert seating.client_for_seat(AMINA, None) == "usr_amina"
    assert seating.client_for_seat(AMINA, "usr_amina") == "usr_amina"
    with pytest.raises(SeatForSomeoneElse):
        seating.client_for_seat(AMINA, "usr_baraka")
    assert seating.client_for_seat(NORTH_ADMIN, "usr_baraka") == "usr_baraka"
    assert refusal(lambda: seating.client_for_seat(NORTH_ADMIN, None)).field == "client_id"


def test_a_seat_is_given_back_by_its_client_or_the_workshops_managers():
    assert seating.may_give_back(AMINA, WORKSHOP, "usr_amina")
    assert not seating.may_give_back(AMINA, WORKSHOP, "usr_baraka")
    assert seating.may_give_back(WANJIRU, WORKSHOP, "usr_amina")
    assert not seating.may_give_back(SOUTH_ADMIN, WORKSHOP, "usr_amina")


# Seats ---------------------------------------------------------------------------------------


def test_seats_are_tried_from_the_first_one_chosen_wrapping_around_each_once():
    assert seating.seat_order(5, 4) == [4, 5, 1, 2, 3]
    assert seating.seat_order(5, 1) == [1, 2, 3, 4, 5]
    with pytest.raises(ValueError):
        seating.seat_order(5, 6)
    rng = random.Random(7)
    firsts = {seating.random_first_seat(30, rng) for _ in range(200)}
    assert firsts <= set(range(1, 31)) and len(firsts) > 20  # requests spread over the seats


def test_seats_seen_held_are_tried_last():
    assert seating.seats_to_try(5, 2, {2, 4}) == [3, 5, 1, 2, 4]


def test_a_seat_key_names_its_workshop_and_number():
    key = seating.seat_key("wks_1", 12)
    assert key == "seat:wks_1:12" and seating.seat_of_key(key) == 12


def test_a_seats_session_id_is_the_same_for_each_attempt_and_differs_per_client_and_take():
    first = seating.seat_session_id(WORKSHOP["_id"], "usr_amina", 0)
    assert first == seating.seat_session_id(WORKSHOP["_id"], "usr_amina", 0)
    assert first.startswith("ses_0190a1b2c3d4")  # sorts by the workshop's creation
    others = {
        seating.seat_session_id(WORKSHOP["_id"], "usr_baraka", 0),
        seating.seat_session_id(WORKSHOP["_id"], "usr_amina", 1),
        seating.seat_session_id("wks_0190a1b2c3d4bbbb", "usr_amina", 0),
    }
    assert first not in others and len(others) == 3


def test_the_take_to_use_is_the_seat_held_or_the_first_never_made():
    assert seating.next_take([None]) == (0, False)
    assert seating.next_take(["booked"]) == (0, True)
    assert seating.next_take(["cancelled", "cancelled", None]) == (2, False)
    assert seating.next_take(["cancelled", "no_show"]) == (1, True)
    too_many = refusal(lambda: seating.next_take(["cancelled"] * seating.MAX_TAKES))
    assert too_many.reason == seating.TOO_MANY_TAKES


def test_seats_are_taken_and_given_back_until_the_workshop_starts_never_once_cancelled():
    seating.check_open_for_seats(WORKSHOP, NOW)
    started = refusal(lambda: seating.check_open_for_seats(WORKSHOP, WORKSHOP["start"]))
    assert started.reason == seating.WORKSHOP_STARTED
    cancelled = refusal(lambda: seating.check_open_for_seats({**WORKSHOP, "status": "cancelled"}, NOW))
    assert cancelled.reason == seating.WORKSHOP_CANCELLED


def test_attendance_is_marked_from_ten_minutes_before_the_start():
    seating.check_register_open(WORKSHOP, WORKSHOP["start"] - timedelta(minutes=10))
    seating.check_register_open(WORKSHOP, WORKSHOP["start"] + timedelta(hours=5))
    early = refusal(lambda: seating.check_register_open(WORKSHOP, WORKSHOP["start"] - timedelta(minutes=11)))
    assert (early.field, early.reason) == ("attended", seating.NOT_STARTED)


def test_seats_left_attendance_marks_and_fill_rate():
    assert seating.seats_left(30, 12) == 18 and seating.seats_left(30, 31) == 0
    assert [seating.attended_of(s) for s in ("booked", "completed", "no_show")] == [None, True, False]
    assert seating.fill_rate(30, 12) == 0.4 and seating.fill_rate(0, 0) == 0.0
