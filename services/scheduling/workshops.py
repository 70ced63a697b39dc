"""Workshops: one counselor's session of a type with seats, and the clients who take them (issue 15).

Entrypoints of ``SchedulingService`` (a mixin: the class is composed in ``service.py``). The rules
are seating.py's; the database is store.py's "Workshops" section.

Race-free on FerretDB as bookings are, by inserts with deterministic ids and deletes by id only:
- the workshop claims its counselor's time (the counselor claim keys, owned by the workshop id);
- a seat is a session of the client's (``workshop_id`` set), inserted with its ``session.booked``
  event after claiming one of ``seat:<workshop id>:<n>`` (n in 1..seats, tried from a random seat)
  and the client's time; those claims are listed on the session (``claims``), which is what
  cancelling it frees (never the counselor's time: that is the workshop's);
- a seat session's id is derived from the workshop, the client and how many seats the client
  took there before: a retried request finds the seat its first attempt took.
Confirmations, reminders, calendar files and cancellations of seats are the session events'.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

from services.scheduling import access, domain, meetings, retries, schemas, seating, views
from services.scheduling.store import STALE_CLAIM, AlreadyBooked
from shared.auth import Caller
from shared.errors import BadRequest, Conflict, Forbidden, NotFound, ValidationFailed
from shared.events.contracts import SESSION_BOOKED
from shared.mongo import decode_cursor, encode_cursor, now
from shared.people import participant
from shared.schemas import load
from shared.service import rpc

Doc = dict[str, Any]

STAFF = ("counselor", "branch_admin", "org_admin")
BROWSE_DEFAULT = timedelta(days=31)
BROWSE_MAX = timedelta(days=92)
GIVEN_BACK = "seat given back"
WORKSHOP_CANCELLED_REASON = "workshop cancelled"


@contextmanager
def _refusals_as_api_errors() -> Iterator[None]:
    """seating's refusals over the API: a condition of the workshop is 409 with its reason; an
    input at fault 422 naming it; a client taking a seat for another person 403; and access.py's
    refusals of whom a seat is for as booking answers them."""
    try:
        yield
    except seating.SeatForSomeoneElse as exc:
        raise Forbidden(str(exc), {exc.field: [str(exc)]}) from None
    except seating.WorkshopRefused as exc:
        if exc.reason:
            raise Conflict(str(exc), {exc.field: [str(exc)], "reason": exc.reason}) from None
        raise ValidationFailed(details={exc.field: [str(exc)]}) from None
    except access.NotAClient:
        raise ValidationFailed(details={"client_id": ["That person is not a client."]}) from None
    except access.ClientOfAnotherBranch:
        raise Forbidden("Staff of a branch book for clients of their own branch.") from None
    except access.Refused:
        raise NotFound("No such person.") from None


def _workshop_full() -> Conflict:
    return Conflict(
        "Every seat of this workshop is taken.",
        {"workshop_id": ["No seat left."], "reason": seating.WORKSHOP_FULL},
    )


def _client_busy() -> Conflict:
    return Conflict(
        "The client already has a session at that time.",
        {"start": ["Overlaps another of the client's sessions."], "reason": "client_busy"},
    )


def _counselor_time_taken() -> Conflict:
    return Conflict(
        "That time was just taken; choose another.",
        {"start": ["That time is already booked."], "reason": "slot_taken"},
    )


def _no_such_workshop() -> NotFound:
    return NotFound("No such workshop.")


def _no_such_seat() -> NotFound:
    return NotFound("No such seat.")


# As the API shows them ----------------------------------------------------------------------------


def workshop_view(doc: Doc, seats: list[Doc], zone: str, viewer_id: str) -> Doc:
    """A workshop as the API shows it, with its seats taken and left (``seats``: its seat sessions
    holding a seat) and the viewer's own seat, if they hold one."""
    mine = next((s for s in seats if s["client_id"] == viewer_id), None)
    return {
        "id": doc["_id"],
        "status": doc["status"],
        "session_type_id": doc["session_type_id"],
        "session_type": doc["session_type"],
        "counselor_id": doc["counselor_id"],
        "counselor_name": doc["counselor"]["name"],
        "branch_id": doc.get("branch_id"),
        "start": views.in_zone(doc["start"], zone),
        "end": views.in_zone(doc["end"], zone),
        "title": doc.get("title"),
        "description": doc.get("description"),
        "modality": doc["modality"],
        "location": doc.get("location"),
        "seats": doc["seats"],
        "seats_taken": len(seats),
        "seats_left": seating.seats_left(doc["seats"], len(seats)),
        "my_seat": mine["_id"] if mine else None,
        "created_at": views.in_zone(doc["created_at"], zone),
    }


def seat_view(session: Doc, zone: str) -> Doc:
    """A seat: its session as the API shows a session, with the workshop and the seat number."""
    return {
        **views.session_view(session, zone),
        "workshop_id": session["workshop_id"],
        "seat": session["seat"],
        "attended": seating.attended_of(session["status"]),
    }


def attendee_view(session: Doc, zone: str) -> Doc:
    return {
        "client_id": session["client_id"],
        "client_name": session["client"]["name"],
        "session_id": session["_id"],
        "seat": session["seat"],
        "status": session["status"],
        "attended": seating.attended_of(session["status"]),
        "taken_at": views.in_zone(session["created_at"], zone),
        "client_joined_at": views.in_zone(session["client_joined_at"], zone)
        if session.get("client_joined_at")
        else None,
    }


# As they are stored -------------------------------------------------------------------------------


def new_workshop(
    workshop_id: str,
    data: Doc,
    session_type: Doc,
    counselor: Doc,
    length: seating.Length,
    location: str | None,
    by: str,
    at: datetime,
) -> Doc:
    start = data["start"].astimezone(UTC)
    modality = session_type.get("modality") or "video"
    return {
        "_id": workshop_id,
        "org_id": counselor["org_id"],
        "branch_id": counselor.get("branch_id"),
        "session_type_id": session_type["_id"],
        "session_type": {"id": session_type["_id"], "name": session_type["name"]},
        "counselor_id": counselor["user_id"],
        "counselor": participant(counselor),
        "start": start,
        "end": start + timedelta(minutes=length.minutes),
        "buffer_minutes": length.buffer_minutes,
        "seats": int(session_type["seats"]),
        "title": data["title"],
        "description": data["description"],
        "modality": modality,
        "location": location if modality == "in_person" else None,
        "room": meetings.new_room_name() if modality == "video" else None,
        "status": "scheduled",
        "created_by": by,
        "created_at": at,
    }


def workshop_time(workshop: Doc) -> domain.Interval:
    return domain.Interval(workshop["start"], workshop["end"])


def counselor_keys(workshop: Doc) -> list[str]:
    """The counselor's time the workshop holds: the workshop and the buffer after it."""
    return domain.counselor_claim_keys(
        workshop["counselor_id"], workshop_time(workshop), workshop.get("buffer_minutes", 0)
    )


def seat_topic(workshop: Doc, language: str | None) -> str | None:
    """What a seat's session is about, in the client's language: the workshop's title, else its
    type's name."""
    for names in (workshop.get("title"), workshop["session_type"]["name"]):
        if names:
            return str(names.get(language or "en") or names.get("en") or next(iter(names.values())))
    return None


def new_seat(
    seat_id: str, workshop: Doc, client: Doc, seat: int, claims: list[str], by: str, at: datetime, zone: str
) -> Doc:
    """A seat: a booked session of the client's at the workshop's time, room and place."""
    session = {
        "_id": seat_id,
        "org_id": workshop["org_id"],
        "branch_id": workshop["branch_id"],
        "counselor_id": workshop["counselor_id"],
        "client_id": client["user_id"],
        "counselor": workshop["counselor"],
        "client": participant(client),
        "start": workshop["start"],
        "end": workshop["end"],
        "buffer_minutes": 0,
        "topic": seat_topic(workshop, client.get("language")),
        "status": "booked",
        "created_at": at,
        "booked_by": by,
        "room": workshop.get("room"),
        "reschedule_count": 0,
        "client_joined_at": None,
        "counselor_joined_at": None,
        "counselor_no_show_at": None,
        "session_type_id": workshop["session_type_id"],
        "session_type": workshop["session_type"],
        "modality": workshop["modality"],
        "location": workshop.get("location"),
        "workshop_id": workshop["_id"],
        "seat": seat,
        "claims": claims,
    }
    return {**session, "answers": {seat_id: seat_view(session, zone)}}


def seat_facts(session: Doc) -> Doc:
    """What every event of a seat's session says besides the session's facts: how and where it is
    held, and that it is a workshop seat (notifications tells its client, not the counselor)."""
    return {
        "modality": session.get("modality", "video"),
        "location": session.get("location"),
        "session_type": session.get("session_type"),
        "workshop_id": session["workshop_id"],
    }


def _position(cursor: str | None) -> tuple[int, str] | None:
    """The (start in ms, id) of the last workshop a page gave, read from its cursor."""
    text = decode_cursor(cursor)
    if text is None:
        return None
    millis, _, workshop_id = text.partition("|")
    if not millis.isdigit() or not workshop_id:
        raise BadRequest("The cursor is not one Njia gave out.", {"cursor": ["Unknown cursor."]})
    return int(millis), workshop_id


def _millis(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


class WorkshopEntrypoints:
    """Mixed into ``SchedulingService``: uses its ``store``, ``events``, ``auth``, ``accounts_rpc``,
    and its ``_person``, ``_named_counselor``, ``_zone``, ``_attempt``, ``_replay``, ``_answered``
    and ``_change``."""

    store: Any
    events: Any
    auth: Any
    accounts_rpc: Any
    _person: Any
    _named_counselor: Any
    _zone: Any
    _attempt: Any
    _replay: Any
    _answered: Any
    _change: Any

    # Shared steps -------------------------------------------------------------------------------

    def _workshop(self, workshop_id: str, caller: Caller) -> Doc:
        """The workshop if the caller's organization holds it; 404 otherwise, as if none."""
        workshop = self.store.workshop(workshop_id)
        if workshop is None or not seating.may_see(caller, workshop):
            raise _no_such_workshop()
        return workshop

    def _managed_workshop(self, workshop_id: str, caller: Caller) -> Doc:
        workshop = self._workshop(workshop_id, caller)
        if not seating.may_manage(caller, workshop):
            raise Forbidden("Only the workshop's counselor and its admins do this.")
        return workshop

    def _takes(self, workshop_id: str, client_id: str) -> Iterator[Doc | None]:
        """The client's seat sessions in the workshop, take by take, then None."""
        for take in range(seating.MAX_TAKES):
            yield self.store.session(seating.seat_session_id(workshop_id, client_id, take))

    def _seat_of(self, workshop_id: str, client_id: str) -> tuple[str, Doc | None]:
        """The id of the client's seat session to use now, and that session if they hold a seat."""
        sessions: list[Doc | None] = []

        def states() -> Iterator[str | None]:
            for doc in self._takes(workshop_id, client_id):
                sessions.append(doc)
                yield doc["status"] if doc else None
                if doc is None:
                    return

        with _refusals_as_api_errors():
            take, held = seating.next_take(states())
        return seating.seat_session_id(workshop_id, client_id, take), sessions[take] if held else None

    def _latest_seat(self, workshop_id: str, client_id: str) -> Doc | None:
        """The client's last seat session in the workshop, held or given back."""
        latest = None
        for doc in self._takes(workshop_id, client_id):
            if doc is None:
                break
            latest = doc
        return latest

    def _location(self, session_type: Doc, branch_id: str | None) -> str | None:
        """Where an in-person workshop is held: its branch's address."""
        if session_type.get("modality") != "in_person" or not branch_id:
            return None
        address = self.accounts_rpc.get_branch(branch_id).get("address")
        return str(address) if address else None

    # Making and reading workshops ---------------------------------------------------------------

    @rpc
    def create_workshop(self, body: Doc) -> Doc:
        """A workshop held by a counselor (that counselor, or an admin of theirs): its counselor's time
        (the type's length and buffer, or the counselor's own) is claimed, or 409 ``slot_taken``. Staff
        may put it outside the counselor's weekly hours and inside their minimum notice."""
        caller = self.auth.caller(*STAFF)
        data = load(schemas.WorkshopIn(), body)
        attempt = self._attempt(caller, retries.Request("create_workshop", None, body, "wks"))
        kept = self.store.workshop(attempt.id)
        zone = self._zone(caller)
        answer = self._replay(attempt, self._view(kept, zone, caller) if kept else None)
        if answer is not None:
            return answer
        with self._answered(attempt):
            counselor = self._named_counselor(data["counselor_id"], caller)
            if not seating.may_schedule(
                caller, counselor["user_id"], counselor["org_id"], counselor.get("branch_id")
            ):
                raise Forbidden("Counselors make workshops for themselves; admins for their counselors.")
            at = now()
            with _refusals_as_api_errors():
                session_type = seating.check_type_for_workshop(
                    self.store.session_type(data["session_type_id"]), caller.org_id
                )
                seating.check_counselor_for_type(
                    session_type, counselor["user_id"], counselor.get("branch_id")
                )
                length = seating.workshop_length(
                    session_type, self.store.availability_of(counselor["user_id"])
                )
                seating.check_start(data["start"], at)
            location = self._location(dict(session_type), counselor.get("branch_id"))
            workshop = new_workshop(
                attempt.id, data, dict(session_type), counselor, length, location, caller.user_id, at
            )
            if self.store.claim_time(counselor_keys(workshop), workshop["_id"], at):  # its own, if a retry's
                raise _counselor_time_taken()
            workshop, _ = self.store.add_workshop(workshop)
            return self._view(workshop, zone, caller)

    def _view(self, workshop: Doc, zone: str, caller: Caller) -> Doc:
        return workshop_view(workshop, self.store.seat_sessions(workshop["_id"]), zone, caller.user_id)

    @rpc
    def get_workshop(self, workshop_id: str) -> Doc:
        caller = self.auth.caller()
        return self._view(self._workshop(workshop_id, caller), self._zone(caller), caller)

    @rpc
    def list_workshops(self, query: Doc | None = None) -> Doc:
        """The organization's workshops to come, by start: everyone of the organization browses them
        (clients those still held; staff cancelled ones too); ``branch_id`` narrows to a branch's."""
        caller = self.auth.caller()
        params = load(schemas.WorkshopQuery(), query or {})
        after = _position(params["cursor"])
        at = now()
        start = params["from_"] or at
        end = params["to"] or start + BROWSE_DEFAULT
        if end <= start:
            raise ValidationFailed(details={"to": ["Must be after from."]})
        if end - start > BROWSE_MAX:
            raise ValidationFailed(details={"to": ["At most 92 days per search."]})
        equal: Doc = {"org_id": caller.org_id}
        if params["branch_id"]:
            equal["branch_id"] = params["branch_id"]
        found = [
            w
            for w in self.store.workshops_from(equal, start, end)
            if w["status"] == "scheduled" or caller.role in STAFF
        ]
        if after is not None:
            found = [w for w in found if (_millis(w["start"]), w["_id"]) > after]
        shown = found[: params["limit"]]
        last = shown[-1] if len(found) > params["limit"] else None
        zone = self._zone(caller)
        return {
            "items": [self._view(w, zone, caller) for w in shown],
            "next_cursor": encode_cursor(f"{_millis(last['start'])}|{last['_id']}") if last else None,
        }

    # Seats --------------------------------------------------------------------------------------

    @rpc
    def take_seat(self, workshop_id: str, body: Doc | None = None) -> Doc:
        """A seat for a client (a client's own; staff who manage the workshop name the client): 201
        the seat's session. Taking a seat the client holds answers that seat again (201)."""
        caller = self.auth.caller()
        data = load(schemas.SeatIn(), body or {})
        workshop = self._workshop(workshop_id, caller)
        with _refusals_as_api_errors():
            client_id = seating.client_for_seat(caller, data["client_id"])
        if caller.role != "client" and not seating.may_manage(caller, workshop):
            raise Forbidden("Only the workshop's counselor and its admins seat clients.")
        client = self._person(client_id, caller)
        with _refusals_as_api_errors():
            access.check_client_for_booking(caller, views.person(client))
        zone = (client.get("timezone") or "UTC") if caller.user_id == client_id else self._zone(caller)
        at = now()
        seat_id, held = self._seat_of(workshop_id, client_id)
        if held is not None:
            return seat_view(held, zone)
        with _refusals_as_api_errors():
            seating.check_open_for_seats(workshop, at)
        # The seat first: when the workshop is full (most requests of a rush) one read answers.
        seat = self._claim_a_seat(workshop, seat_id, at)
        if seat is None:
            raise _workshop_full()
        client_keys = domain.client_claim_keys(client_id, workshop_time(workshop))
        if self.store.claim_time(client_keys, seat_id, at):
            self.store.free_time([seating.seat_key(workshop_id, seat)], seat_id)
            raise _client_busy()
        claims = [seating.seat_key(workshop_id, seat), *client_keys]
        session = new_seat(seat_id, workshop, client, seat, claims, caller.user_id, at, zone)
        taken = self._record_seat(session, claims, caller.user_id, at, zone)
        self._unless_cancelled_meanwhile(taken, caller.user_id)
        return seat_view(taken, zone)

    def _claim_a_seat(self, workshop: Doc, seat_id: str, at: datetime) -> int | None:
        """A seat of the workshop for the seat session ``seat_id``: the one an earlier attempt of
        the request claimed, else a free one tried from a random seat; a seat whose claimer crashed
        before writing its session is taken over once stale. None when every seat is held."""
        workshop_id, seats = workshop["_id"], workshop["seats"]
        claims = self.store.seat_claims(workshop_id)
        for claim in claims:
            if claim["owner"] == seat_id:
                return seating.seat_of_key(claim["_id"])
        held = {seating.seat_of_key(c["_id"]) for c in claims}
        for seat in seating.seats_to_try(seats, seating.random_first_seat(seats), held):
            if seat in held:
                break  # seats seen held are held still but for a seat given back meanwhile: rare
            if self.store.claim_seat(seating.seat_key(workshop_id, seat), workshop_id, seat_id, at):
                return seat
        for claim in claims:
            stale = claim["claimed_at"] < at - STALE_CLAIM
            if stale and self.store.take_over_seat(claim, workshop_id, seat_id, at):
                return seating.seat_of_key(claim["_id"])
        return None

    def _record_seat(self, session: Doc, claims: list[str], by: str, at: datetime, zone: str) -> Doc:
        """The seat's session with its `session.booked` (one outbox write, as a booking's); when an
        attempt of the same request wrote it first, that session, once the claims this attempt took
        that it does not hold are freed."""
        facts = {**views.facts(session), **seat_facts(session), "booked_by": by}
        events = [self.events.new(SESSION_BOOKED, facts, at)]
        try:
            self.events.record(
                self.store,
                "sessions",
                session["_id"],
                events,
                partial(self.store.add_session, session),
                fresh=True,
            )
        except AlreadyBooked:
            first = self.store.session(session["_id"])
            assert first is not None, "a session found by its insert is not deleted"
            kept = set(views.held_keys(first)) if first["status"] == "booked" else set()
            self.store.free_time([k for k in claims if k not in kept], session["_id"])
            return first
        return session

    def _unless_cancelled_meanwhile(self, seat: Doc, by: str) -> None:
        """A seat written while its workshop was being cancelled: the cancellation may have listed the
        seats before this one was written, so the seat cancels itself."""
        workshop = self.store.workshop(seat["workshop_id"])
        if workshop is not None and workshop["status"] == "cancelled" and seat["status"] == "booked":
            self._cancel_seat(seat, WORKSHOP_CANCELLED_REASON, by, now())

    def _cancel_seat(self, seat: Doc, reason: str, by: str, at: datetime, owner: str | None = None) -> Doc:
        """Cancel a seat's session (`session.cancelled` with the workshop's id): its seat and its
        client's time are free again (``views.held_keys``: the claims listed on it)."""
        change = views.cancelled(seat, False, reason, by, at)
        change = replace(change, facts={**change.facts, **seat_facts(seat)})
        return self._change(seat, change, at, owner or f"{seat['_id']}:{seat.get('version', 0)}:cancel")

    @rpc
    def give_back_seat(self, workshop_id: str, client_id: str) -> Doc:
        """The client gives their seat back (or staff who manage the workshop do for them) until the
        workshop starts: the seat's session is cancelled and the seat is free for another client.
        Sent again, it answers the seat given back (200)."""
        caller = self.auth.caller()
        workshop = self._workshop(workshop_id, caller)
        if not seating.may_give_back(caller, workshop, client_id):
            raise _no_such_seat()
        zone = self._zone(caller)
        _, held = self._seat_of(workshop_id, client_id)
        if held is None:
            latest = self._latest_seat(workshop_id, client_id)
            if latest is None:
                raise _no_such_seat()
            return seat_view(latest, zone)
        if held["status"] != "booked":
            raise Conflict(
                "Attendance is already marked for this seat.",
                {"reason": "not_booked"},
            )
        at = now()
        with _refusals_as_api_errors():
            seating.check_open_for_seats(workshop, at)
        return seat_view(self._cancel_seat(held, GIVEN_BACK, caller.user_id, at), zone)

    # Attendance ---------------------------------------------------------------------------------

    @rpc
    def list_attendees(self, workshop_id: str, query: Doc | None = None) -> Doc:
        """The clients holding a seat, in the order they took it, with their attendance marks (staff
        who manage the workshop)."""
        caller = self.auth.caller(*STAFF)
        params = load(schemas.PageQuery(), query or {})
        workshop = self._managed_workshop(workshop_id, caller)
        seats = self.store.seat_sessions(workshop["_id"])
        after = decode_cursor(params["cursor"])
        if after is not None:
            ids = [s["_id"] for s in seats]
            if after not in ids:
                raise BadRequest("The cursor is not one Njia gave out.", {"cursor": ["Unknown cursor."]})
            seats = seats[ids.index(after) + 1 :]
        shown = seats[: params["limit"]]
        zone = self._zone(caller)
        return {
            "items": [attendee_view(s, zone) for s in shown],
            "next_cursor": encode_cursor(shown[-1]["_id"]) if len(seats) > params["limit"] else None,
        }

    @rpc
    def mark_attendance(self, workshop_id: str, client_id: str, body: Doc) -> Doc:
        """Mark whether a seat holder came (staff who manage the workshop), from 10 minutes before
        the start: their seat's session is completed, or a no-show; a mark may be changed."""
        caller = self.auth.caller(*STAFF)
        data = load(schemas.AttendanceIn(), body)
        workshop = self._managed_workshop(workshop_id, caller)
        _, seat = self._seat_of(workshop_id, client_id)
        if seat is None:
            raise _no_such_seat()
        at = now()
        with _refusals_as_api_errors():
            seating.check_register_open(workshop, at)
        zone = self._zone(caller)
        if seating.attended_of(seat["status"]) is data["attended"]:
            return attendee_view(seat, zone)
        change = views.settled(not data["attended"], at)
        change = replace(change, facts={**change.facts, **seat_facts(seat)})
        attempt = self._attempt(caller, retries.Request("mark_attendance", seat["_id"], body, "chg"))
        return attendee_view(self._change(seat, change, at, attempt.id), zone)

    @rpc
    def cancel_workshop(self, workshop_id: str, body: Doc | None = None) -> Doc:
        """Cancel a workshop before it starts (staff who manage it): every seat's session is cancelled
        (its client is told), then the counselor's time is free again. Sent again, it answers the
        cancelled workshop."""
        caller = self.auth.caller(*STAFF)
        data = load(schemas.CancelIn(), body or {})
        workshop = self._managed_workshop(workshop_id, caller)
        zone, at = self._zone(caller), now()
        if workshop["status"] != "cancelled":
            with _refusals_as_api_errors():
                seating.check_open_for_seats(workshop, at)
            changes = {"status": "cancelled", "cancelled_at": at, "cancelled_by": caller.user_id}
            self.store.set_workshop_status(workshop_id, {**changes, "cancel_reason": data["reason"]})
            workshop = {**workshop, **changes}
        reason = data["reason"] or WORKSHOP_CANCELLED_REASON
        for seat in self.store.seat_sessions(workshop_id):
            if seat["status"] == "booked":
                try:
                    self._cancel_seat(seat, reason, caller.user_id, at)
                except Conflict:
                    continue  # given back at the same moment
        self.store.free_time(counselor_keys(workshop), workshop_id)
        return self._view(workshop, zone, caller)
