"""Rules of workshops and their seats: plain data, no I/O, time passed in.

A workshop is one counselor's session of a type with more than one seat (a CV clinic, a school
career day). Its counselor's time is claimed as a one-to-one session's is, owned by the workshop;
each seat is a session of its own for the client who takes it, holding one seat claim
(``seat:<workshop id>:<n>``, n in 1..seats) and the client's time. Who may do what with a
workshop is decided here too, from the caller and the facts at stake (as access.py does for
sessions).
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from services.scheduling.access import BRANCH_ADMIN, CLIENT, ORG_ADMIN, Caller

MAX_SEATS = 500
# A seat session's id is derived from the workshop and the client: a retried request finds the seat
# its first attempt took. A seat given back leaves its (cancelled) session; taking a seat again
# makes the next one, up to this many times per client and workshop.
MAX_TAKES = 20
# Attendance is taken from when the room opens (as joining: 10 minutes before the start).
REGISTER_OPENS_BEFORE = timedelta(minutes=10)

WORKSHOP_FULL = "workshop_full"
WORKSHOP_CANCELLED = "workshop_cancelled"
WORKSHOP_STARTED = "workshop_started"
NOT_STARTED = "not_started"
TOO_MANY_TAKES = "too_many_takes"
SEAT_GIVEN_BACK = "seat_given_back"
HELD = ("booked", "completed", "no_show")  # a seat session in these states holds its seat


class WorkshopRefused(Exception):
    """A workshop cannot be made, or a seat taken, as asked: ``field`` names the input at fault and
    ``reason`` is a short code (None for a plain invalid input)."""

    def __init__(self, message: str, field: str, reason: str | None = None) -> None:
        super().__init__(message)
        self.field = field
        self.reason = reason


class SeatForSomeoneElse(WorkshopRefused):
    """A client named another person as the one taking the seat."""


@dataclass(frozen=True)
class Length:
    """How long a workshop is and the counselor's break kept after it."""

    minutes: int
    buffer_minutes: int


# --- making a workshop ------------------------------------------------------------------------


def check_type_for_workshop(session_type: Mapping[str, Any] | None, org_id: str) -> Mapping[str, Any]:
    """The session type a workshop is of: the organization's, active, with more than one seat."""
    if session_type is None or session_type.get("org_id") != org_id:
        raise WorkshopRefused("No such session type.", "session_type_id")
    if not session_type.get("active", True):
        raise WorkshopRefused("This session type is no longer offered.", "session_type_id")
    if int(session_type.get("seats") or 1) <= 1:
        raise WorkshopRefused("A workshop needs a session type with more than one seat.", "session_type_id")
    return session_type


def check_counselor_for_type(
    session_type: Mapping[str, Any], counselor_id: str, branch_id: str | None
) -> None:
    """A type of one branch is held by that branch's counselors; a type naming counselors, by them."""
    if session_type.get("branch_id") and session_type["branch_id"] != branch_id:
        raise WorkshopRefused("This session type is offered by another branch.", "counselor_id")
    named = session_type.get("counselor_ids")
    if named and counselor_id not in named:
        raise WorkshopRefused("This counselor does not hold sessions of this type.", "counselor_id")


def workshop_length(session_type: Mapping[str, Any], hours: Mapping[str, Any] | None) -> Length:
    """The type's minutes and buffer; for a type that leaves them to each counselor (None), the
    counselor's own session length and buffer from their hours."""
    minutes, buffer = session_type.get("minutes"), session_type.get("buffer_minutes")
    if minutes is None or buffer is None:
        if hours is None:
            raise WorkshopRefused(
                "This counselor has not set a session length; choose a type with its own length.",
                "session_type_id",
            )
        minutes = hours["session_minutes"] if minutes is None else minutes
        buffer = hours["buffer_minutes"] if buffer is None else buffer
    return Length(int(minutes), int(buffer))


def check_start(start: datetime, now: datetime) -> None:
    """A workshop is made for a time to come. Staff may put it outside the counselor's weekly hours
    (a school career day on a Saturday) and inside their minimum notice: only the counselor's other
    sessions (the claims) stand in its way."""
    if start <= now:
        raise WorkshopRefused("That time has already passed.", "start", "in_the_past")


# --- who may do what --------------------------------------------------------------------------


def may_schedule(caller: Caller, counselor_id: str, counselor_org: str, counselor_branch: str | None) -> bool:
    """Make a workshop held by a counselor: that counselor, the admins of their branch, the
    organization's admins."""
    if caller.org_id != counselor_org:
        return False
    if caller.role == ORG_ADMIN or caller.user_id == counselor_id:
        return True
    return caller.role == BRANCH_ADMIN and caller.branch_id == counselor_branch


def may_see(caller: Caller, workshop: Mapping[str, Any]) -> bool:
    """Everyone of the organization browses its workshops (clients choose one to attend)."""
    return bool(workshop["org_id"] == caller.org_id)


def may_manage(caller: Caller, workshop: Mapping[str, Any]) -> bool:
    """See the attendees, mark attendance, seat clients, cancel: the workshop's counselor, the
    admins of its branch, the organization's admins."""
    if workshop["org_id"] != caller.org_id:
        return False
    if caller.role == ORG_ADMIN or caller.user_id == workshop["counselor_id"]:
        return True
    return caller.role == BRANCH_ADMIN and caller.branch_id == workshop.get("branch_id")


def client_for_seat(caller: Caller, client_id: str | None) -> str:
    """Whose seat: a client's own (naming nobody or themselves); staff name the client."""
    if caller.role == CLIENT:
        if client_id and client_id != caller.user_id:
            raise SeatForSomeoneElse("Clients take seats for themselves.", "client_id")
        return caller.user_id
    if not client_id:
        raise WorkshopRefused("Staff seating a client must name the client.", "client_id")
    return client_id


def may_give_back(caller: Caller, workshop: Mapping[str, Any], client_id: str) -> bool:
    """A seat is given back by its client, or by staff who manage the workshop."""
    return caller.user_id == client_id or may_manage(caller, workshop)


# --- seats ------------------------------------------------------------------------------------


def seat_key(workshop_id: str, seat: int) -> str:
    return f"seat:{workshop_id}:{seat}"


def seat_of_key(key: str) -> int:
    return int(key.rpartition(":")[2])


def seat_order(seats: int, first: int) -> list[int]:
    """Seats 1..seats starting at ``first`` and wrapping around: requests starting at different
    seats rarely try the same one, so most take a seat at their first insert."""
    if not 1 <= first <= seats:
        raise ValueError(f"first seat {first} is not one of 1..{seats}")
    return [(first - 1 + i) % seats + 1 for i in range(seats)]


def random_first_seat(seats: int, rng: random.Random | None = None) -> int:
    return (rng or random).randint(1, seats)


def seats_to_try(seats: int, first: int, held: Collection[int]) -> list[int]:
    """Seats in the order to try them, those seen held by others last (they may be given back)."""
    order = seat_order(seats, first)
    return [s for s in order if s not in held] + [s for s in order if s in held]


def seat_session_id(workshop_id: str, client_id: str, take: int) -> str:
    """The id of the client's ``take``-th seat in the workshop (0 first): sortable by the workshop's
    creation (its id's time digits) and the same in every attempt of one request."""
    digest = hashlib.sha256(f"{workshop_id}\0{client_id}\0{take}".encode()).hexdigest()
    made = workshop_id.partition("_")[2][:12]
    return f"ses_{made}{digest[:16]}"


def next_take(statuses: Iterable[str | None]) -> tuple[int, bool]:
    """Given the states of the client's seat sessions take 0, 1, ... (None: no such session, and
    the list stops there), the take to use and whether the client already holds a seat with it."""
    take = 0
    for take, status in enumerate(statuses):
        if status is None:
            return take, False
        if status in HELD:
            return take, True
    raise WorkshopRefused(
        "This seat was taken and given back too often; ask the workshop's counselor.",
        "client_id",
        TOO_MANY_TAKES,
    )


def check_open_for_seats(workshop: Mapping[str, Any], now: datetime) -> None:
    """Seats are taken and given back until the workshop starts, never in a cancelled one."""
    if workshop["status"] == "cancelled":
        raise WorkshopRefused("This workshop was cancelled.", "workshop_id", WORKSHOP_CANCELLED)
    if now >= workshop["start"]:
        raise WorkshopRefused("This workshop has already started.", "workshop_id", WORKSHOP_STARTED)


def check_register_open(workshop: Mapping[str, Any], now: datetime) -> None:
    """Attendance is marked from 10 minutes before the start (the room opens) onwards."""
    if workshop["status"] == "cancelled":
        raise WorkshopRefused("This workshop was cancelled.", "workshop_id", WORKSHOP_CANCELLED)
    if now < workshop["start"] - REGISTER_OPENS_BEFORE:
        raise WorkshopRefused(
            "Attendance is marked from 10 minutes before the workshop starts.", "attended", NOT_STARTED
        )


def seats_left(seats: int, taken: int) -> int:
    return max(0, seats - taken)


def attended_of(status: str) -> bool | None:
    """A seat session's attendance mark: True (completed), False (no-show), None (not marked)."""
    return {"completed": True, "no_show": False}.get(status)


def fill_rate(seats: int, taken: int) -> float:
    """Share of a workshop's seats taken (a report's figure); 0.0 for none offered."""
    return round(taken / seats, 4) if seats > 0 else 0.0
