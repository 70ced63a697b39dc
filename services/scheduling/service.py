"""scheduling: entrypoints only — validate, read, decide, write, publish.

Who may do what is access.py; how sessions, notes and hours are stored, shown and told in events
is views.py; the rules of hours and sessions are domain.py; the database is store.py.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from pymongo.errors import PyMongoError

from services.scheduling import access, domain, meetings, retries, schemas, session_types, views
from services.scheduling.store import AlreadyBooked, SchedulingStore, default_session_type_id
from services.scheduling.workshops import WorkshopEntrypoints
from shared import calendar
from shared.audit import CASE_NOTES_READ, AuditTrail
from shared.auth import Caller
from shared.errors import Conflict, Forbidden, NjiaError, NotFound, TooEarly, ValidationFailed
from shared.events.contracts import SESSION_BOOKED, USER_DEACTIVATED
from shared.events.handling import on_event
from shared.ids import new_id
from shared.mongo import MongoStore, decode_cursor, encode_cursor, now
from shared.people import KeepsPeople, known_person
from shared.rpc import ServiceRpc
from shared.schemas import load
from shared.service import NjiaService, rpc
from shared.timers import every_seconds, scheduled

log = logging.getLogger(__name__)

Doc = dict[str, Any]
Rule = Callable[[access.Caller, access.SessionParties], bool]
Docs = list[Doc]
Unset = Callable[[], Conflict]
Page = tuple[Docs, str | None]

MAX_RANGE = timedelta(days=31)
DEFAULT_RANGE = timedelta(days=14)
NEARBY = timedelta(days=1)  # a branch booking reads the booked sessions this far around its start
REPORT_RANGE = timedelta(days=366)
FEED_PAST, FEED_AHEAD = timedelta(days=30), timedelta(days=180)
NO_SHOW_LOOK_BACK = timedelta(days=2)
STAFF = ("counselor", "branch_admin", "org_admin")

# What each refusal of access.py is over the API: error, message, details.
REFUSALS: dict[type[access.Refused], tuple[type[NjiaError], str | None, dict[str, list[str]] | None]] = {
    access.BookingForSomeoneElse: (
        Forbidden,
        "Clients book for themselves.",
        {"client_id": ["Leave it out, or use your own id."]},
    ),
    access.ClientNotNamed: (
        ValidationFailed,
        None,
        {"client_id": ["Staff booking for a client must name the client."]},
    ),
    access.NotAClient: (ValidationFailed, None, {"client_id": ["That person is not a client."]}),
    access.ClientOfAnotherBranch: (
        Forbidden,
        "Staff of a branch book for clients of their own branch.",
        None,
    ),
    access.CounselorOfAnotherBranch: (
        Forbidden,
        "Staff of a branch book with counselors of their own branch.",
        None,
    ),
    access.OfAnotherOrganization: (NotFound, "No such person.", None),
}


@contextmanager
def _refusals_as_api_errors() -> Iterator[None]:
    try:
        yield
    except access.Refused as exc:
        kind, message, details = REFUSALS[type(exc)]
        raise kind(message, details) from None


def _next_version(session: Doc) -> dict[str, int]:
    """The version a change gives a session: what ``_claim_change`` claims, and its event's revision."""
    return {"version": session.get("version", 0) + 1}


def _search_range(params: Doc, at: datetime) -> tuple[datetime, datetime]:
    start = max(params["from_"] or at, at)
    end = params["to"] or start + DEFAULT_RANGE
    if end <= start:
        raise ValidationFailed(details={"to": ["Must be after from (and after now)."]})
    if end - start > MAX_RANGE:
        raise ValidationFailed(details={"to": ["At most 31 days per search."]})
    return start, end


def _slot_conflict(exc: domain.SchedulingError) -> Conflict:
    return Conflict(str(exc), {"start": [str(exc)], "reason": exc.reason})


def _bookable(av: domain.Availability, start: datetime, at: datetime) -> domain.Interval:
    """The counselor's session starting at ``start`` if it may be booked (the claims then say
    whether another session holds the time); 409 saying why not otherwise."""
    try:
        return domain.check_slot(av, [], start, at)
    except domain.SlotUnavailable as exc:
        raise _slot_conflict(exc) from None


def _slot_taken() -> Conflict:
    return Conflict(
        "That time was just taken; choose another.",
        {"start": ["That time is already booked."], "reason": "slot_taken"},
    )


def _time_taken(key: str) -> Conflict:
    """A booking found ``key`` claimed by another session: the client's time, or the counselor's."""
    if key.startswith("client:"):
        return Conflict(
            "The client already has a session at that time.",
            {"start": ["Overlaps another of the client's sessions."], "reason": "client_busy"},
        )
    return _slot_taken()


def _nobody_free() -> Conflict:
    message = "No counselor of this branch is free at that time."
    return Conflict(message, {"start": [message]})


def _no_hours_to_book() -> Conflict:
    return Conflict(
        "This counselor has not opened any times yet.",
        {"start": ["No availability set."], "reason": domain.OUTSIDE_AVAILABILITY},
    )


def _no_hours_to_move() -> Conflict:
    return Conflict("The counselor has no availability.", {"reason": domain.OUTSIDE_AVAILABILITY})


def _reschedule_limit_reached(limit: int) -> Conflict:
    """A client's move past the organization's limit: "once", "{n} times", or that none is allowed."""
    times = "once" if limit == 1 else f"{limit} times"
    message = (
        f"This session has been rescheduled {times}, the most allowed; "
        "cancel and book again, or ask your counselor."
        if limit
        else "Sessions here cannot be rescheduled; cancel and book again, or ask your counselor."
    )
    return Conflict(message, {"start": ["Reschedule limit reached."], "reason": "reschedule_limit"})


def _not_of_the_clients_branch(indexes: list[int]) -> dict[str, list[str]]:
    """A share refused, naming each counselor of another branch by their place in ``counselor_ids``."""
    message = "Only counselors of the client's branch can be given the client's record."
    return {f"counselor_ids.{i}": [message] for i in indexes}


def _state_clash() -> Conflict:
    return Conflict(
        "This session was changed at the same moment; reload it and try again.", {"reason": "state_clash"}
    )


def _counselor_busy() -> Conflict:
    return Conflict(
        "That counselor has another session at that time.",
        {"counselor_id": ["Busy at the session's time."], "reason": "counselor_busy"},
    )


def _inactive_counselor() -> ValidationFailed:
    return ValidationFailed(details={"counselor_id": ["That counselor is not active."]})


def _check_booked(session: Doc) -> None:
    if session["status"] != "booked":
        raise _not_booked(session, {"status": [session["status"]]})


# An error kept with an Idempotency-Key, by its code: given again to the key's retries.
ERRORS_BY_CODE = {cls.code: cls for cls in NjiaError.__subclasses__()}


def _refused_again(refusal: Doc) -> NjiaError:
    return ERRORS_BY_CODE.get(refusal["code"], Conflict)(refusal["message"], refusal["details"])


def _still_running() -> Conflict:
    return Conflict(
        "A request with this Idempotency-Key is still being processed; try again in a moment.",
        {"Idempotency-Key": ["Still being processed."], "reason": "in_progress"},
    )


@contextmanager
def _key_reuse_refused() -> Iterator[None]:
    """The IETF draft's answer to a key sent again with another request: 422 naming the key."""
    try:
        yield
    except retries.KeyReused:
        raise ValidationFailed(
            "This Idempotency-Key was sent before with another request; use a new key for a new request.",
            {"Idempotency-Key": ["Already used for a different request."]},
        ) from None


def _not_booked(session: Doc, details: Doc) -> Conflict:
    status = session["status"]
    return Conflict(f"This session is {status.replace('_', ' ')}.", {**details, "reason": "not_booked"})


def _no_such_type() -> ValidationFailed:
    return ValidationFailed(details={"session_type_id": ["No such session type."]})


def _bookable_type(kind: Doc) -> Doc:
    """``kind`` when one-to-one sessions of it are booked; 422 naming ``session_type_id`` otherwise."""
    if not kind.get("active", True):
        raise ValidationFailed(details={"session_type_id": ["This session type is no longer offered."]})
    if kind.get("seats", 1) > 1:
        workshop = "Sessions of this type are workshops: book a seat in a workshop."
        raise ValidationFailed(details={"session_type_id": [workshop]})
    return kind


def _no_phone() -> ValidationFailed:
    return ValidationFailed(
        details={"phone": ["A phone session needs the client's phone number; add it to their account."]}
    )


def _type_details(exc: domain.SchedulingError) -> ValidationFailed:
    return ValidationFailed(details={exc.field or "body": [str(exc)]})


def _not_given_by_counselor() -> ValidationFailed:
    return ValidationFailed(details={"counselor_id": ["This counselor does not give sessions of this type."]})


def _not_given_at_branch() -> ValidationFailed:
    return ValidationFailed(details={"branch_id": ["Sessions of this type are not given at this branch."]})


def _no_address() -> Conflict:
    return Conflict(
        "This branch has no address for sessions in person yet; an admin adds it to the branch.",
        {"reason": "no_address"},
    )


def _not_online() -> Conflict:
    return Conflict(
        "This session is not a video call: it is held in person or by phone.", {"reason": "not_online"}
    )


def _intake_required() -> Conflict:
    return Conflict(
        "The intake form must be complete before a session of this type is booked.",
        {"reason": "intake_required"},
    )


def _seat_not_moved() -> Conflict:
    return Conflict(
        "A workshop seat is not moved; give it back and take a seat in another workshop.",
        {"reason": "workshop_seat"},
    )


def _check_open(state: str, window: domain.Interval, zone: str) -> None:
    """A session's room opens shortly before it starts and closes when it ends."""
    if state == "too_early":
        opens_at = views.in_zone(window.start, zone)
        raise TooEarly(f"The session opens at {opens_at}.", {"opens_at": opens_at})
    if state == "closed":
        closes_at = views.in_zone(window.end, zone)
        raise Conflict("This session has ended.", {"reason": "ended", "closes_at": closes_at})


class SchedulingService(WorkshopEntrypoints, KeepsPeople, NjiaService):
    name = "scheduling"
    store: SchedulingStore = MongoStore(SchedulingStore, "sessions")  # type: ignore[assignment]
    accounts_rpc = ServiceRpc("accounts")
    assessments_rpc = ServiceRpc("assessments")  # whether a client's intake is complete (#15)
    audit = AuditTrail()

    # People ----------------------------------------------------------------------------------

    def _person(self, user_id: str, caller: Caller) -> Doc:
        return known_person(self.store, self.accounts_rpc, user_id, caller)

    def _counselor(self, counselor_id: str, caller: Caller) -> Doc:
        person = self._person(counselor_id, caller)
        if person["role"] != "counselor":
            raise NotFound("No such counselor.")
        return person

    def _zone(self, caller: Caller) -> str:
        """The caller's own time zone: what they see times in unless they ask for another."""
        return str(self._person(caller.user_id, caller).get("timezone") or "UTC")

    # Availability --------------------------------------------------------------------------------

    @rpc
    def set_availability(self, counselor_id: str, body: Doc) -> Doc:
        caller = self.auth.caller()
        counselor = self._counselor(counselor_id, caller)
        if not access.may_manage_availability(caller, views.person(counselor)):
            raise Forbidden("Only the counselor or their admins manage this availability.")
        doc = views.availability_doc(counselor, load(schemas.AvailabilityIn(), body), now())
        try:
            domain.check_availability(views.availability_from(doc))
        except domain.InvalidAvailability as exc:
            raise ValidationFailed(details={exc.field or "body": [str(exc)]}) from None
        previous = self.store.availability_of(counselor_id)
        retired = views.retired_availability(previous, doc["updated_at"]) if previous else None
        self.store.save_availability(doc, retired)
        return views.availability_view(doc)

    @rpc
    def get_availability(self, counselor_id: str) -> Doc:
        caller = self.auth.caller()
        self._counselor(counselor_id, caller)
        doc = self.store.availability_of(counselor_id)
        if doc is None:
            raise NotFound("This counselor has not set their availability yet.")
        return views.availability_view(doc)

    def _branch_hours(self, branch_id: str, caller: Caller, session_type: Doc) -> list[Doc]:
        """The hours of a branch's counselors giving sessions of ``session_type``, of the caller's
        organization only; 422 naming ``branch_id`` when the type is not given at the branch."""
        if session_type.get("branch_id") and session_type["branch_id"] != branch_id:
            raise _not_given_at_branch()
        return [
            d
            for d in self.store.availability_of_branch(branch_id)
            if d["org_id"] == caller.org_id and views.offers(session_type, d["counselor_id"], branch_id)
        ]

    def _slot(
        self, counselor_id: str, start: datetime, at: datetime, unset: Unset, session_type: Doc | None = None
    ) -> tuple[domain.Availability, domain.Interval]:
        """The counselor's hours for ``session_type`` and their session starting at ``start``, if bookable."""
        doc = self.store.availability_of(counselor_id)
        if doc is None:
            raise unset()
        av = views.availability_for(doc, session_type)
        return av, _bookable(av, start, at)

    # Session types (#15) ---------------------------------------------------------------------------

    def _session_type(self, type_id: str, caller: Caller) -> Doc:
        """A type of the caller's organization (its default made on its first read); 404 otherwise."""
        if type_id == default_session_type_id(caller.org_id):
            return self.store.default_session_type(caller.org_id, now())
        doc = self.store.session_type(type_id)
        if doc is None or doc["org_id"] != caller.org_id:
            raise NotFound("No such session type.")
        return doc

    def _type_to_book(self, type_id: str | None, caller: Caller) -> Doc:
        """The type a booking (or a search for times) is of: the default when it names none; 422
        naming ``session_type_id`` for one that is unknown, retired, or a workshop's."""
        if type_id is None:
            return self.store.default_session_type(caller.org_id, now())
        try:
            kind = self._session_type(type_id, caller)
        except NotFound:
            raise _no_such_type() from None
        return _bookable_type(kind)

    def _type_of(self, session: Doc) -> Doc | None:
        """The type a booked session is of (retired since or not): its length when it moves. None for
        a session of the default type or booked before types: each counselor's own length."""
        type_id = session.get("session_type_id")
        return self.store.session_type(type_id) if type_id else None

    def _where(self, session_type: Doc, client: Doc, branch_id: str | None) -> str | None:
        """Where it is held: the branch's address in person (409 ``no_address`` without); 422 ``phone``."""
        if session_types.needs_phone(session_type, client):
            raise _no_phone()
        if session_type.get("modality", "video") != "in_person":
            return None
        address = session_types.address_of(self.accounts_rpc.get_branch(branch_id) if branch_id else {})
        if not address:
            raise _no_address()
        return address

    def _check_intake(self, session_type: Doc, client: Doc) -> None:
        """A type that requires intake is booked once the client's intake form is complete
        (assessments knows; a form never set counts as complete)."""
        if not session_type.get("requires_intake"):
            return
        if not self.assessments_rpc.intake_status(client["user_id"]).get("complete"):
            raise _intake_required()

    def _check_type(self, doc: Doc, caller: Caller) -> None:
        """A type's length, buffer, seats, branch and counselors; 422 naming the field at fault."""
        try:
            domain.check_session_type(doc.get("minutes"), doc.get("buffer_minutes"), doc.get("seats", 1))
        except domain.SchedulingError as exc:
            raise _type_details(exc) from None
        self._check_type_branch(doc.get("branch_id"))
        counselors = [self._counselor_or_none(c, caller) for c in doc.get("counselor_ids") or []]
        if wrong := session_types.counselor_faults(doc.get("branch_id"), counselors):
            raise ValidationFailed(details=wrong)

    def _check_type_branch(self, branch_id: str | None) -> None:
        if not branch_id:
            return
        try:
            self.accounts_rpc.get_branch(branch_id)
        except NotFound:
            raise ValidationFailed(details={"branch_id": ["No such branch in your organization."]}) from None

    def _counselor_or_none(self, counselor_id: str, caller: Caller) -> Doc | None:
        try:
            return self._counselor(counselor_id, caller)
        except NotFound:
            return None

    def _check_default_type(self, doc: Doc) -> None:
        """The default type is what a booking naming none is of: one-to-one, active, everywhere."""
        wrong = session_types.default_type_faults(doc)
        if wrong:
            raise ValidationFailed(details=wrong)

    def _manage_type(self, caller: Caller, branch_id: str | None) -> None:
        if not access.may_manage_session_type(caller, branch_id):
            raise Forbidden("Branch admins manage the session types of their own branch.")

    @rpc
    def create_session_type(self, body: Doc) -> Doc:
        caller = self.auth.caller("org_admin", "branch_admin")
        data = load(schemas.SessionTypeIn(), body)
        if caller.role == "branch_admin" and data["branch_id"] is None:
            data["branch_id"] = caller.branch_id  # a branch admin's types are their branch's
        self._manage_type(caller, data["branch_id"])
        self._check_type(data, caller)
        at = now()
        self.store.default_session_type(caller.org_id, at)  # an organization's types start with it
        request = retries.Request("create_session_type", None, body, "sty")
        type_id = retries.by_request_id(
            request, caller.org_id, caller.user_id, self.request_id, self.auth.received_at
        ).id  # a redelivered request makes the same type, once
        doc = self.store.add_session_type(session_types.new_type_doc(type_id, caller.org_id, data, at))
        return session_types.type_view(doc, self._zone(caller))

    @rpc
    def list_session_types(self, query: Doc | None = None) -> Doc:
        caller = self.auth.caller()
        params = load(schemas.SessionTypeQuery(), query or {})
        self.store.default_session_type(caller.org_id, now())
        everything = params["include_inactive"] and access.sees_inactive_session_types(caller)
        docs = session_types.listed(
            self.store.session_types_of(caller.org_id), params["branch_id"], everything
        )
        shown, last = session_types.page_after(docs, decode_cursor(params["cursor"]), params["limit"])
        zone = self._zone(caller)
        return {
            "items": [session_types.type_view(d, zone) for d in shown],
            "next_cursor": encode_cursor(last) if last else None,
        }

    @rpc
    def get_session_type(self, type_id: str) -> Doc:
        caller = self.auth.caller()
        doc = self._session_type(type_id, caller)
        if not doc.get("active", True) and not access.sees_inactive_session_types(caller):
            raise NotFound("No such session type.")
        return session_types.type_view(doc, self._zone(caller))

    @rpc
    def update_session_type(self, type_id: str, body: Doc) -> Doc:
        caller = self.auth.caller("org_admin", "branch_admin")
        doc = self._session_type(type_id, caller)
        self._manage_type(caller, doc.get("branch_id"))
        data = load(schemas.SessionTypeChanges(), body)
        if not data:
            raise ValidationFailed(details={"body": ["Give at least one field to change."]})
        changes = session_types.changed(doc, data, now())
        merged = {**doc, **changes}
        self._manage_type(caller, merged.get("branch_id"))  # a branch admin keeps it their branch's
        if doc.get("is_default"):
            self._check_default_type(merged)
        self._check_type(merged, caller)
        updated = self.store.update_session_type(type_id, changes) or merged
        return session_types.type_view(updated, self._zone(caller))

    @rpc
    def retire_session_type(self, type_id: str) -> Doc:
        """DELETE: the type is no longer offered (``active`` false; sessions booked keep it and it can
        be brought back with PATCH); the default type is never retired (409 ``default_type``)."""
        caller = self.auth.caller("org_admin", "branch_admin")
        doc = self._session_type(type_id, caller)
        self._manage_type(caller, doc.get("branch_id"))
        if doc.get("is_default"):
            raise Conflict(
                "The default type is what a booking naming no type is of; it is not retired.",
                {"reason": "default_type"},
            )
        at = now()
        updated = self.store.update_session_type(type_id, {"active": False, "updated_at": at}) or doc
        return session_types.type_view(updated, self._zone(caller))

    # Slots ---------------------------------------------------------------------------------------

    @rpc
    def open_slots(self, query: Doc) -> Doc:
        caller = self.auth.caller()
        params = load(schemas.SlotQuery(), query)
        after = views.slot_position(params["cursor"])
        at = now()
        start, end = _search_range(params, at)
        zone = params["tz"] or self._zone(caller)
        kind = self._type_to_book(params["session_type_id"], caller)
        if params["counselor_id"]:
            counselor = self._counselor(params["counselor_id"], caller)
            if not views.offers(kind, counselor["user_id"], counselor.get("branch_id")):
                raise _not_given_by_counselor()
            docs = [d for d in [self.store.availability_of(params["counselor_id"])] if d]
            booked = self._taken({"counselor_id": params["counselor_id"]}, start, end)
        else:
            docs = self._branch_hours(params["branch_id"], caller, kind)
            booked = self._taken({"branch_id": params["branch_id"]}, start, end) if docs else []
        slots = views.slots_after(views.slots_of(docs, booked, start, end, at, kind), after)
        return views.slots_view(slots, zone, params["limit"])

    # Booking -------------------------------------------------------------------------------------

    @rpc
    def book_session(self, body: Doc) -> Doc:
        caller = self.auth.caller()
        data = load(schemas.BookingIn(), body)
        attempt = self._attempt(caller, retries.Request("book_session", None, body, "ses"))
        answer = self._replay(attempt, self._booked_answer(attempt) if attempt.retried else None)
        if answer is not None:
            return answer
        with self._answered(attempt):
            kind = self._type_to_book(data["session_type_id"], caller)
            with _refusals_as_api_errors():
                client = self._client_for_booking(caller, data["client_id"])
                counselors = self._counselors_for_booking(caller, data, attempt.id, kind)
            branch_id = data["branch_id"] or (counselors[0].get("branch_id") if counselors else None)
            location = self._where(kind, client, branch_id)
            self._check_intake(kind, client)
            booking = replace(
                self._booking(attempt.id, caller, client, data), session_type=kind, location=location
            )
            error = _nobody_free()
            for counselor in counselors:  # a named counselor, or the branch's free ones, fairest first
                try:
                    answer = self._book_with(counselor, booking)
                except Conflict as exc:
                    if exc.details.get("reason") == "client_busy" or data["counselor_id"]:
                        raise
                    error = exc
                    continue
                if not data["counselor_id"]:
                    self._assigned(counselor["user_id"], booking.at)
                return answer
            raise error

    def _booking(self, session_id: str, caller: Caller, client: Doc, data: Doc) -> views.Booking:
        zone = client["timezone"] if caller.user_id == client["user_id"] else self._zone(caller)
        return views.Booking(session_id, client, caller.user_id, data["start"], data["topic"], now(), zone)

    def _client_for_booking(self, caller: Caller, client_id: str | None) -> Doc:
        client = self._person(access.client_to_book_for(caller, client_id), caller)
        access.check_client_for_booking(caller, views.person(client))
        return client

    def _counselors_for_booking(self, caller: Caller, data: Doc, session_id: str, kind: Doc) -> list[Doc]:
        if not data["counselor_id"]:
            access.check_branch_for_booking(caller, data["branch_id"])
            return self._branch_counselors_fairly(data["branch_id"], caller, data["start"], session_id, kind)
        counselor = self._counselor(data["counselor_id"], caller)
        access.check_counselor_for_booking(caller, views.person(counselor))
        if not views.offers(kind, counselor["user_id"], counselor.get("branch_id")):
            raise _not_given_by_counselor()
        return [counselor]

    def _branch_counselors_fairly(
        self, branch_id: str, caller: Caller, start: datetime, session_id: str, session_type: Doc
    ) -> Docs:
        """The branch's counselors giving ``session_type`` free at ``start``, fairest first."""
        docs = self._branch_hours(branch_id, caller, session_type)
        if not docs:
            raise NotFound("No counselor of this branch has set availability.")
        free = views.free_at(docs, self._taken_near(branch_id, start, session_id), start, now(), session_type)
        fairest = domain.fairest_first(self._loads(free, start, session_id), session_id)
        return [self._counselor(counselor_id, caller) for counselor_id in fairest]

    def _taken_near(self, branch_id: str, start: datetime, session_id: str) -> Docs:
        """The branch's counselors' time taken around ``start``, the booking's own session aside."""
        taken = self._taken({"branch_id": branch_id}, start - NEARBY, start + NEARBY)
        return [b for b in taken if b["_id"] != session_id]

    def _taken(self, equal: Doc, start: datetime, end: datetime) -> Docs:
        """Counselors' time taken around [start, end) (``equal``: a counselor's or a branch's): booked
        sessions, and workshops not cancelled, whose time is the counselor's before any seat is taken."""
        booked = self.store.booked_where(equal, start, end)
        workshops = self.store.workshops_from(equal, start - NEARBY, end)
        return booked + [w for w in workshops if w.get("status") != "cancelled"]

    def _loads(self, free: list[domain.Availability], start: datetime, session_id: str) -> list[domain.Load]:
        """Each free counselor's sessions of that week and day (in their zone; every status but
        cancelled) and when they were last given one: kept per counselor, or seen in the week read."""
        kept = self.store.last_assigned([av.counselor_id for av in free])
        return [
            views.load(av, self._week_of(av, start, session_id), start, kept.get(av.counselor_id))
            for av in free
        ]

    def _week_of(self, av: domain.Availability, start: datetime, session_id: str) -> Docs:
        """The counselor's sessions in the week (their zone) holding ``start``, ``session_id`` aside."""
        week = domain.week_of(start, av.timezone)
        found = self.store.sessions_between({"counselor_id": av.counselor_id}, week.start, week.end)
        return [s for s in found if s["_id"] != session_id]

    def _book_with(self, counselor: Doc, booking: views.Booking) -> Doc:
        """Book the session with ``counselor``: its claims, then the session with its event; the answer."""
        kind, unset = booking.session_type, _no_hours_to_book
        av, slot = self._slot(counselor["user_id"], booking.start, booking.at, unset, kind)
        session = views.new_session(booking, counselor, slot, av.buffer_minutes)
        keys = views.claim_keys(session, slot, av.buffer_minutes)
        taken = self.store.claim_time(keys, session["_id"], booking.at)  # its own, if a retry's
        if taken:
            raise _time_taken(taken)
        return self._record_booking(session, keys, booking)

    def _record_booking(self, session: Doc, keys: list[str], booking: views.Booking) -> Doc:
        """The session with its event (its outbox holds just that one: cleared in one write once sent)."""
        events = [self.events.new(SESSION_BOOKED, views.booked_facts(session, booking), booking.at)]
        add = partial(self.store.add_session, session)
        try:
            self.events.record(self.store, "sessions", session["_id"], events, add, fresh=True)
        except AlreadyBooked:  # nothing published: the first attempt's event is in its outbox
            return self._booked_before(booking, keys)
        return session["answers"][session["_id"]]

    def _assigned(self, counselor_id: str, at: datetime) -> None:
        """Kept for fairness: "any counselor" goes to the one Njia gave a session least recently (a
        client choosing a counselor is no assignment). Best effort, as the session is booked already
        (a week's sessions say it too, when this is lost)."""
        try:
            self.store.note_assignment(counselor_id, at)
        except PyMongoError:
            log.warning(
                "could not keep when a counselor was last assigned", extra={"counselor_id": counselor_id}
            )

    def _booked_before(self, booking: views.Booking, keys: list[str]) -> Doc:
        """The session an earlier attempt of this request booked (the RPC redelivered, or sent again with
        its key): its answer, once the claims this attempt took that the session does not hold are freed."""
        booked = self.store.session(booking.session_id)
        assert booked is not None, "a session found by its insert is not deleted"
        held = set(views.held_keys(booked)) if booked["status"] == "booked" else set()
        self.store.free_time([k for k in keys if k not in held], booking.session_id)
        return views.kept_answer(booked, booking.session_id) or views.session_view(booked, booking.zone)

    def _booked_answer(self, attempt: retries.Attempt) -> Doc | None:
        session = self.store.session(attempt.id)
        return views.kept_answer(session, attempt.id) if session else None

    # Retried requests ----------------------------------------------------------------------------

    def _attempt(self, caller: Caller, request: retries.Request) -> retries.Attempt:
        """How this request is known across its retries: by the client's Idempotency-Key when it sent one
        (one insert), else by the gateway's request id, which a redelivered RPC carries (no I/O)."""
        key = self.auth.idempotency_key
        if key is None:
            return retries.by_request_id(
                request, caller.org_id, caller.user_id, self.request_id, self.auth.received_at
            )
        return self._keyed_attempt(caller, request, key)

    def _keyed_attempt(self, caller: Caller, request: retries.Request, key: str) -> retries.Attempt:
        first = new_id(request.prefix)  # the id of its attempts, if this is the first
        record = retries.key_record(
            request, caller.org_id, caller.user_id, key, self.request_id, first, now()
        )
        with _key_reuse_refused():
            return retries.by_key(*self._kept_key(record), request, self.request_id)

    def _kept_key(self, record: Doc) -> tuple[Doc, bool]:
        """The key's record: ``record`` kept now (True), or the one kept before, unless expired."""
        kept, fresh = self.store.keep_key(record)
        if not fresh and retries.expired(kept, record["created_at"]):
            self.store.forget_key(kept)
            kept, fresh = self.store.keep_key(record)
        return kept, fresh

    def _replay(self, attempt: retries.Attempt, answer: Doc | None) -> Doc | None:
        """A retried request's first answer (a refusal kept with its key, or the answer kept with its
        session); None when this attempt goes on; 409 while an earlier attempt may still be running."""
        if attempt.refusal:
            raise _refused_again(attempt.refusal)
        if answer is None and not attempt.may_run(now()):
            raise _still_running()
        if answer is None and attempt.key_id and attempt.takes_over:
            self.store.take_over_key(attempt.key_id, self.request_id, now())
        return answer

    @contextmanager
    def _answered(self, attempt: retries.Attempt) -> Iterator[None]:
        """How a request sent with a key ended, kept with the key (``_settle_key``)."""
        try:
            yield
        except Exception as exc:
            if attempt.key_id:
                self._settle_key(attempt.key_id, exc)
            raise

    def _settle_key(self, key_id: str, exc: Exception) -> None:
        """A refusal is kept: the key's retries get it too. A failure of ours (a 5xx) marks the attempt
        stopped: the key's retries go on at once rather than wait for it."""
        if isinstance(exc, NjiaError) and retries.is_final(exc.status):
            self.store.refuse_key(key_id, retries.refusal(exc.code, exc.message, exc.details))
        else:
            self.store.stop_key(key_id, now())

    # Reading sessions ----------------------------------------------------------------------------

    def _visible(self, session_id: str, caller: Caller, may: Rule = access.can_see_session) -> Doc:
        """The session if the caller may see it (or do what ``may`` asks); else 404, as if none."""
        session = self.store.session(session_id)
        if session is None or not may(caller, views.parties(session)):
            raise NotFound("No such session.")
        return session

    @rpc
    def get_session(self, session_id: str) -> Doc:
        caller = self.auth.caller()
        return views.session_view(self._visible(session_id, caller), self._zone(caller))

    @rpc
    def list_sessions(self, query: Doc | None = None) -> Doc:
        caller = self.auth.caller()
        params = load(schemas.SessionQuery(), query or {})
        waiting = params["needs_counselor"]
        if waiting is not None and not access.may_list_waiting(caller):
            raise Forbidden("Only admins list the sessions waiting for a counselor.")
        scope = access.session_scope(caller, {k: params[k] for k in ("status", "counselor_id", "client_id")})
        if scope is None:
            return {"items": [], "next_cursor": None}
        found: Doc = (
            {**scope} if waiting is None else {**scope, "needs_counselor": True if waiting else {"$ne": True}}
        )
        docs, next_cursor = self.store.sessions_where(
            found, params["from_"], params["to"], params["limit"], params["cursor"]
        )
        zone = self._zone(caller)
        return {"items": [views.session_view(d, zone) for d in docs], "next_cursor": next_cursor}

    # Changing sessions ---------------------------------------------------------------------------

    def _to_change(self, session_id: str, caller: Caller, attempt: retries.Attempt) -> tuple[Doc, Doc | None]:
        """The session a request changes, and the answer an earlier attempt of that request got, if
        one did (its answer then, whatever the session's state now)."""
        session = self._visible(session_id, caller)
        return session, self._replay(attempt, views.kept_answer(session, attempt.id))

    def _claim_change(self, session: Doc, at: datetime, owner: str) -> str:
        """One change per version of a session: conditional updates are not atomic on FerretDB,
        inserting ``change:<id>:<version>`` is. The loser of two simultaneous changes gets 409; an
        earlier attempt of the same request (``owner``) that stopped before writing is no rival."""
        key = f"change:{session['_id']}:{session.get('version', 0)}"
        if not self.store.claim(key, owner, at) and self.store.claim_owner(key) != owner:
            raise _state_clash()
        return key

    def _change(self, session: Doc, change: views.Change, at: datetime, owner: str) -> Doc:
        self._claim_change(session, at, owner)
        return self._write_change(session, change, at)

    def _write_change(self, session: Doc, change: views.Change, at: datetime) -> Doc:
        """Write a claimed change with its event in the outbox (and free the time it gives up),
        publish the event and clear it; returns the session as changed."""
        fields = {**change.fields, **_next_version(session)}
        event = self.events.new(change.event_type, {**views.facts({**session, **fields}), **change.facts}, at)
        write = partial(self.store.update_session, session["_id"], fields, change.freed)
        self.events.record(self.store, "sessions", session["_id"], [event], write)
        return {**session, **fields}

    def _move(self, session: Doc, change: views.Change, at: datetime, owner: str) -> Doc:
        """Claim the change, then the new time (the old is freed once the move is written): a move
        that fails leaves the session as it was, and a rival change never frees time this one holds."""
        key = self._claim_change(session, at, owner)
        if self.store.claim_time(change.claimed, session["_id"], at):
            self.store.release(key, owner)  # the session's version is free to change again
            raise _slot_taken()
        return self._write_change(session, change, at)

    def _check_reschedule_limit(self, session: Doc) -> None:
        limit = self.store.policy(session["org_id"])["max_reschedules"]
        if session.get("reschedule_count", 0) >= limit:
            raise _reschedule_limit_reached(limit)

    @rpc
    def reschedule_session(self, session_id: str, body: Doc) -> Doc:
        caller = self.auth.caller()
        data = load(schemas.RescheduleIn(), body)
        attempt = self._attempt(caller, retries.Request("reschedule_session", session_id, body, "chg"))
        session, answer = self._to_change(session_id, caller, attempt)
        if answer is not None:
            return answer
        with self._answered(attempt):
            _check_booked(session)
            if session.get("workshop_id"):
                raise _seat_not_moved()
            at = now()
            if access.bound_by_policy(caller):
                self._check_reschedule_limit(session)
            av, slot = self._slot(
                session["counselor_id"], data["start"], at, _no_hours_to_move, self._type_of(session)
            )
            change, zone = (
                views.rescheduled(session, slot, av.buffer_minutes, caller.user_id, at),
                self._zone(caller),
            )
            moved = self._move(session, views.answered(change, session, attempt.id, zone), at, attempt.id)
            return views.session_view(moved, zone)

    @rpc
    def cancel_session(self, session_id: str, body: Doc | None = None) -> Doc:
        caller = self.auth.caller()
        data = load(schemas.CancelIn(), body or {})
        attempt = self._attempt(caller, retries.Request("cancel_session", session_id, body or {}, "chg"))
        session, answer = self._to_change(session_id, caller, attempt)
        if answer is not None:
            return answer
        with self._answered(attempt):
            _check_booked(session)
            at = now()
            late = access.bound_by_policy(caller) and domain.is_late_cancel(
                at, session["start"], self.store.policy(session["org_id"])["late_cancel_hours"]
            )
            change, zone = (
                views.cancelled(session, late, data["reason"], caller.user_id, at),
                self._zone(caller),
            )
            changed = self._change(session, views.answered(change, session, attempt.id, zone), at, attempt.id)
            return views.session_view(changed, zone)

    @rpc
    def complete_session(self, session_id: str, body: Doc | None = None) -> Doc:
        caller = self.auth.caller(*STAFF)
        data = load(schemas.CompleteIn(), body or {})
        attempt = self._attempt(caller, retries.Request("complete_session", session_id, body or {}, "chg"))
        session, answer = self._to_change(session_id, caller, attempt)
        if answer is not None:
            return answer
        with self._answered(attempt):
            _check_booked(session)
            if not access.may_settle(caller, views.parties(session)):
                raise NotFound("No such session.")
            at = now()
            if at < session["start"]:
                raise Conflict(
                    "A session can be completed once it has started.",
                    {"reason": "not_started", "start": ["Not started yet."]},
                )
            change, zone = views.settled(data["no_show"], at), self._zone(caller)
            changed = self._change(session, views.answered(change, session, attempt.id, zone), at, attempt.id)
            return views.session_view(changed, zone)

    # Deactivated people and sessions waiting for a counselor ----------------------------------------

    @on_event("accounts", USER_DEACTIVATED)
    def handle_user_deactivated(self, envelope: Doc) -> None:
        """A counselor's future sessions stay booked and wait for another counselor (their clients are
        told, by `session.unassigned`); a client's are cancelled (their counselor is told, by
        `session.cancelled`). A handling that stopped half-way is retried: sessions done are skipped.
        Reactivating a counselor changes nothing here: sessions still waiting keep waiting (admins
        decide, by reassigning them, to this counselor again or another)."""
        facts, at = envelope["data"], now()
        owner = f"deactivated:{envelope['event_id']}"
        if facts["role"] == "counselor":
            for session in self.store.booked_from({"counselor_id": facts["user_id"]}, at):
                if not session.get("needs_counselor"):
                    self._change(session, views.unassigned(facts["by"], at), at, owner)
        elif facts["role"] == "client":
            for session in self.store.booked_from({"client_id": facts["user_id"]}, at):
                change = views.cancelled_for_deactivated_client(session, facts["by"], at)
                self._change(session, change, at, owner)

    @rpc
    def reassign_session(self, session_id: str, body: Doc) -> Doc:
        """Give a booked session to another active counselor free at its time (admins who see it); it no
        longer waits for a counselor. The client and the new counselor are told (`session.reassigned`)."""
        caller = self.auth.caller("branch_admin", "org_admin")
        data = load(schemas.ReassignIn(), body)
        attempt = self._attempt(caller, retries.Request("reassign_session", session_id, body, "chg"))
        session, answer = self._to_change(session_id, caller, attempt)
        if answer is not None:
            return answer
        with self._answered(attempt):
            _check_booked(session)
            if session.get("workshop_id"):  # a seat's counselor is its workshop's
                raise _seat_not_moved()
            counselor = self._active_counselor(data["counselor_id"], caller)
            at, zone = now(), self._zone(caller)
            change = views.answered(
                views.reassigned(session, counselor, caller.user_id, at), session, attempt.id, zone
            )
            try:
                moved = self._move(session, change, at, attempt.id)
            except Conflict as exc:
                raise _counselor_busy() if exc.details.get("reason") == "slot_taken" else exc from None
            return views.session_view(moved, zone)

    def _active_counselor(self, counselor_id: str, caller: Caller) -> Doc:
        """A counselor the caller may give sessions to, active now (accounts knows: asked each time)."""
        counselor = self._named_counselor(counselor_id, caller)
        with _refusals_as_api_errors():
            access.check_counselor_for_reassigning(caller, views.person(counselor))
        if self.accounts_rpc.person(counselor_id).get("status", "active") != "active":
            raise _inactive_counselor()
        return counselor

    def _named_counselor(self, counselor_id: str, caller: Caller) -> Doc:
        """The counselor a request's body names; 422 naming ``counselor_id`` for anyone else."""
        try:
            return self._counselor(counselor_id, caller)
        except NotFound:
            raise ValidationFailed(details={"counselor_id": ["No such counselor."]}) from None

    @scheduled(trigger=every_seconds("no_show_sweep_seconds"))
    def mark_no_shows(self) -> None:
        """Sessions whose client never joined within the grace period become no-shows, once."""
        at = now()
        grace = self.settings.no_show_grace_minutes
        started_before = at - timedelta(minutes=grace)
        # A process's first sweep reads every session still booked (some may have waited through
        # downtime); later ones read the last two days.
        since = started_before - NO_SHOW_LOOK_BACK if self.store.swept_for_no_shows else None
        for session in self.store.due_for_no_show(started_before, since):
            if not views.swept_for_no_shows(session):
                continue  # in person, by phone, a workshop seat: staff mark those
            try:
                session = self._counselor_no_show(session, at, grace)
                joined = session.get("client_joined_at") is not None
                if not domain.should_mark_no_show(at, session["start"], session["status"], joined, grace):
                    continue
                self._change(session, views.settled(no_show=True, at=at), at, new_id("chg"))
            except Conflict:
                continue  # another replica's sweep, or the counselor, settled it first
        self.store.swept_for_no_shows = True
        self.store.forget_expired_keys(at)  # FerretDB has no TTL index (retries.expired)

    def _counselor_no_show(self, session: Doc, at: datetime, grace: int) -> Doc:
        """A video session whose counselor never joined: recorded, `session.counselor_no_show` published
        once (a change claimed with the session's version; a session waiting for a counselor has none)."""
        joined = session.get("counselor_joined_at") is not None
        recorded = session.get("counselor_no_show_at") is not None or bool(session.get("needs_counselor"))
        if not domain.should_mark_counselor_no_show(
            at, session["start"], session["status"], joined, recorded, grace
        ):
            return session
        return self._change(session, views.counselor_missed(at), at, new_id("chg"))

    # Joining -------------------------------------------------------------------------------------

    @rpc
    def join_session(self, session_id: str) -> Doc:
        caller = self.auth.caller()
        session = self._visible(session_id, caller, access.may_join)
        at = now()
        if session["status"] != "booked":
            raise _not_booked(session, {})
        if views.modality_of(session) != "video" or not session.get("room"):
            raise _not_online()
        window = domain.join_window(session["start"], session["end"])
        zone = self._zone(caller)
        _check_open(domain.join_state(at, session["start"], session["end"]), window, zone)
        person = session["client"] if caller.user_id == session["client_id"] else session["counselor"]
        url = meetings.join_url(
            self.settings.jitsi_base_url,
            session["room"],
            participant_id=caller.user_id,
            participant_name=person["name"],
            participant_email=person.get("email"),
            moderator=caller.user_id == session["counselor_id"],
            expires_at=session["end"],
            now=at,
            app_id=self.settings.jitsi_app_id or None,
            app_secret=self.settings.jitsi_app_secret or None,
        )
        self.store.record_join(session_id, caller.user_id, person["role"], at)
        return views.join_view(url, window, zone)

    # Calendar ------------------------------------------------------------------------------------

    @rpc
    def session_calendar(self, session_id: str) -> str:
        caller = self.auth.caller()
        session = self._visible(session_id, caller)
        language = str(self._person(caller.user_id, caller).get("language") or "en")
        entry = views.calendar_entry(session, self.settings.public_url, caller.user_id, caller.role, language)
        return calendar.session_calendar(entry, now()).decode()

    @rpc
    def calendar_feed_url(self, counselor_id: str) -> dict[str, str]:
        caller = self.auth.caller()
        if not access.may_get_calendar_feed(caller, counselor_id):
            raise Forbidden("Only the counselor gets their private calendar feed.")
        return {"url": self._feed_url(counselor_id, self.store.feed_key(counselor_id))}

    def _feed_url(self, counselor_id: str, key: str | None) -> str:
        token = calendar.feed_token(views.feed_secret(self.settings.jwt_secret, key), counselor_id)
        return f"{self.settings.public_url}/api/v1/calendar-feeds/{token}.ics"

    @rpc
    def rotate_calendar_feed(self, counselor_id: str) -> dict[str, str | None]:
        """A new feed URL; the old one answers 404 from now on. The counselor gets the new URL; an admin
        who ends a leaked one gets none (the feed is the counselor's alone: they fetch it again)."""
        caller = self.auth.caller()
        counselor = self._counselor(counselor_id, caller)
        if not access.may_rotate_calendar_feed(caller, views.person(counselor)):
            raise Forbidden("Only the counselor or their admins end this calendar feed.")
        key = self.store.rotate_feed(counselor_id, new_id("feed"), now())
        if not access.may_get_calendar_feed(caller, counselor_id):
            return {"url": None}
        return {"url": self._feed_url(counselor_id, key)}

    @rpc
    def calendar_feed(self, token: str) -> str:
        """No token header here: calendar apps prove themselves with the private feed token."""
        owner = views.feed_owner(token)
        secret = views.feed_secret(self.settings.jwt_secret, self.store.feed_key(owner) if owner else None)
        counselor_id = calendar.counselor_of_feed_token(secret, token)
        if counselor_id is None:
            raise NotFound("No such calendar feed.")
        at = now()
        sessions = self.store.sessions_between(
            {"counselor_id": counselor_id}, at - FEED_PAST, at + FEED_AHEAD
        )
        name = sessions[0]["counselor"]["name"] if sessions else "counselor"
        # The counselor's own feed: read by the counselor's calendar app.
        url = self.settings.public_url
        entries = [views.calendar_entry(s, url, counselor_id, "counselor") for s in sessions]
        return calendar.counselor_feed(name, entries, at).decode()

    # Case notes ----------------------------------------------------------------------------------

    @rpc
    def add_note(self, session_id: str, body: Doc) -> Doc:
        caller = self.auth.caller("counselor")
        session = self._visible(session_id, caller, access.may_write_notes)
        data = load(schemas.NoteIn(), body)
        note = views.new_note(new_id("note"), session, data["text"], now())
        self.store.add_note(note)
        return views.note_view(note, self._zone(caller))

    def _may_read_notes(self, caller: access.Caller, session: access.SessionParties) -> bool:
        shared_with = partial(self.store.shared_with, session.client_id)
        return access.may_read_notes(caller, session, shared_with)

    @rpc
    def list_notes(self, session_id: str, query: Doc | None = None) -> Doc:
        caller = self.auth.caller()
        session = self._visible(session_id, caller, self._may_read_notes)
        params = load(schemas.PageQuery(), query or {})
        notes, next_cursor = self.store.notes_of(session_id, params["limit"], params["cursor"])
        # Every read of a client's case notes is in the audit log (its subject: the client), recorded
        # before they are handed back: a read the log could not take (503) does not happen.
        self.audit.record(
            CASE_NOTES_READ,
            session["client_id"],
            org_id=session["org_id"],
            branch_id=session.get("branch_id"),
        )
        zone = self._zone(caller)
        return {"items": [views.note_view(n, zone) for n in notes], "next_cursor": next_cursor}

    @rpc
    def share_client_record(self, client_id: str, body: Doc) -> Doc:
        caller = self.auth.caller()
        client = self._person(client_id, caller)
        if client["role"] != "client":
            raise NotFound("No such client.")
        if not access.may_share_record(caller, views.person(client)):
            raise Forbidden("The client or their admins decide who sees the client's record.")
        data = load(schemas.SharingIn(), body)
        counselors = [self._counselor(cid, caller) for cid in data["counselor_ids"]]
        elsewhere = [
            i
            for i, c in enumerate(counselors)
            if not access.may_share_with(views.person(client), views.person(c))
        ]
        if elsewhere:
            raise ValidationFailed(details=_not_of_the_clients_branch(elsewhere))
        kept = list(dict.fromkeys(c["user_id"] for c in counselors))
        self.store.share(client_id, kept, now())
        return {"client_id": client_id, "counselor_ids": kept}

    # Policy and reports --------------------------------------------------------------------------

    @rpc
    def get_policy(self) -> Doc:
        caller = self.auth.caller()
        return self.store.policy(caller.org_id)

    @rpc
    def set_policy(self, body: Doc) -> Doc:
        caller = self.auth.caller("org_admin")
        data = load(schemas.PolicyIn(), body)
        self.store.set_policy(caller.org_id, data)
        return self.store.policy(caller.org_id)

    @rpc
    def branch_report(self, query: Doc) -> Doc:
        caller = self.auth.caller("org_admin", "branch_admin")
        params = load(schemas.ReportQuery(), query)
        start, end = params["from_"], params["to"]
        if end <= start or end - start > REPORT_RANGE:
            raise ValidationFailed(details={"to": ["Must be after from, and at most a year later."]})
        branches, next_cursor = self._report_branches(caller, params["limit"], params["cursor"])
        sessions = self.store.sessions_between({"org_id": caller.org_id}, start, end)
        availability = [
            *self.store.availability_of_org(caller.org_id),
            *self.store.retired_availability_of_org(caller.org_id, start, end),
        ]
        extras = views.ReportExtras(
            {t["_id"]: t for t in self.store.session_types_of(caller.org_id)},
            default_session_type_id(caller.org_id),
            self.store.workshops_between(caller.org_id, start, end),
        )
        return {
            "items": [
                views.branch_report_row(branch, sessions, availability, start, end, extras)
                for branch in branches
                if access.may_see_branch_report(caller, branch["id"])
            ],
            "next_cursor": next_cursor,
        }

    def _report_branches(self, caller: Caller, limit: int, cursor: str | None) -> Page:
        """A page of the branches a report shows: an org admin's, paged by accounts (its cursor is the
        report's); a branch admin's own, on one page (a cursor there is not one we gave out)."""
        if caller.role == "org_admin":
            page = self.accounts_rpc.list_branches({"limit": limit, "cursor": cursor})
            return page["items"], page["next_cursor"]
        if decode_cursor(cursor) is not None or not caller.branch_id:
            return [], None
        return [self.accounts_rpc.get_branch(caller.branch_id)], None
