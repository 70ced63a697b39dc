"""API.md's "Scheduling virtual sessions" and "Organization reports" routes: the scheduling service."""

from __future__ import annotations

from typing import Any

from werkzeug.wrappers import Request, Response

from services.gateway.http import RouteDoc, api, query_of, read_json, read_optional_json
from services.scheduling import schemas as scheduling
from shared.rpc import ServiceRpc
from shared.schemas import PageQuery

CALENDAR = "text/calendar"


class SchedulingRoutes:
    scheduling_rpc = ServiceRpc("scheduling")

    # Scheduling virtual sessions -------------------------------------------------------------

    @api(
        "PUT",
        "/api/v1/counselors/<counselor_id>/availability",
        doc=RouteDoc(
            "Set a counselor's weekly hours, exceptions and session rules (the counselor or an admin)",
            "scheduling",
            body=scheduling.AvailabilityIn,
            response=scheduling.AvailabilityOut,
            errors=(403, 404),
        ),
    )
    def set_availability(self, request: Request, counselor_id: str) -> dict[str, Any]:
        return self.scheduling_rpc.set_availability(counselor_id, read_json(request))

    @api(
        "GET",
        "/api/v1/counselors/<counselor_id>/availability",
        doc=RouteDoc(
            "A counselor's availability", "scheduling", response=scheduling.AvailabilityOut, errors=(404,)
        ),
    )
    def get_availability(self, request: Request, counselor_id: str) -> dict[str, Any]:
        return self.scheduling_rpc.get_availability(counselor_id)

    @api(
        "GET",
        "/api/v1/slots",
        doc=RouteDoc(
            "Bookable starts of a counselor or a branch, in the time zone asked for (default the caller's)",
            "scheduling",
            query=scheduling.SlotQuery,
            response=scheduling.SlotList,
            dump=False,
            errors=(400, 404),
        ),
    )
    def open_slots(self, request: Request) -> dict[str, Any]:
        return self.scheduling_rpc.open_slots(query_of(request, scheduling.SlotQuery))

    @api(
        "POST",
        "/api/v1/sessions",
        doc=RouteDoc(
            "Book a session with a counselor, or with any free counselor of a branch. Send an "
            "Idempotency-Key header to retry safely: the same key and body get the first answer (kept "
            "24 hours), the same key with another body a 422",
            "scheduling",
            status=201,
            body=scheduling.BookingIn,
            response=scheduling.SessionOut,
            errors=(403, 404, 409),
        ),
    )
    def book_session(self, request: Request) -> dict[str, Any]:
        return self.scheduling_rpc.book_session(read_json(request))

    @api(
        "GET",
        "/api/v1/sessions",
        doc=RouteDoc(
            "Sessions the caller may see; admins ask for needs_counselor=true: those whose counselor "
            "was deactivated, waiting to be reassigned",
            "scheduling",
            query=scheduling.SessionQuery,
            response=scheduling.SessionPage,
            errors=(400, 403),
        ),
    )
    def list_sessions(self, request: Request) -> dict[str, Any]:
        return self.scheduling_rpc.list_sessions(query_of(request, scheduling.SessionQuery))

    @api(
        "GET",
        "/api/v1/sessions/<session_id>",
        doc=RouteDoc("One session", "scheduling", response=scheduling.SessionOut, errors=(404,)),
    )
    def get_session(self, request: Request, session_id: str) -> dict[str, Any]:
        return self.scheduling_rpc.get_session(session_id)

    @api(
        "POST",
        "/api/v1/sessions/<session_id>/reschedule",
        doc=RouteDoc(
            "Move a session to another free time (an Idempotency-Key makes a retry safe, as for booking)",
            "scheduling",
            body=scheduling.RescheduleIn,
            response=scheduling.SessionOut,
            errors=(404, 409),
        ),
    )
    def reschedule_session(self, request: Request, session_id: str) -> dict[str, Any]:
        return self.scheduling_rpc.reschedule_session(session_id, read_json(request))

    @api(
        "POST",
        "/api/v1/sessions/<session_id>/cancel",
        doc=RouteDoc(
            "Cancel a session (an Idempotency-Key makes a retry safe, as for booking)",
            "scheduling",
            body=scheduling.CancelIn,
            response=scheduling.SessionOut,
            errors=(404, 409),
        ),
    )
    def cancel_session(self, request: Request, session_id: str) -> dict[str, Any]:
        return self.scheduling_rpc.cancel_session(session_id, read_optional_json(request))

    @api(
        "GET",
        "/api/v1/sessions/<session_id>/join",
        doc=RouteDoc(
            "The video link, inside the join window (10 minutes before start until the end)",
            "scheduling",
            response=scheduling.JoinOut,
            errors=(404, 409, 425),
        ),
    )
    def join_session(self, request: Request, session_id: str) -> dict[str, Any]:
        return self.scheduling_rpc.join_session(session_id)

    @api(
        "POST",
        "/api/v1/sessions/<session_id>/complete",
        doc=RouteDoc(
            "Mark a session completed or a no-show (its counselor; an Idempotency-Key makes a retry safe)",
            "scheduling",
            body=scheduling.CompleteIn,
            response=scheduling.SessionOut,
            errors=(403, 404, 409),
        ),
    )
    def complete_session(self, request: Request, session_id: str) -> dict[str, Any]:
        return self.scheduling_rpc.complete_session(session_id, read_optional_json(request))

    @api(
        "POST",
        "/api/v1/sessions/<session_id>/reassign",
        doc=RouteDoc(
            "Give a booked session to another active counselor free at its time (admins who see it: "
            "an org admin any of the organization's, a branch admin their own branch's); it no longer "
            "needs a counselor, and the client and the new counselor are told (an Idempotency-Key makes "
            "a retry safe)",
            "scheduling",
            body=scheduling.ReassignIn,
            response=scheduling.SessionOut,
            errors=(403, 404, 409),
        ),
    )
    def reassign_session(self, request: Request, session_id: str) -> dict[str, Any]:
        return self.scheduling_rpc.reassign_session(session_id, read_json(request))

    @api(
        "POST",
        "/api/v1/sessions/<session_id>/notes",
        doc=RouteDoc(
            "Write a case note (the session's counselor)",
            "scheduling",
            status=201,
            body=scheduling.NoteIn,
            response=scheduling.NoteOut,
            errors=(403, 404),
        ),
    )
    def add_note(self, request: Request, session_id: str) -> dict[str, Any]:
        return self.scheduling_rpc.add_note(session_id, read_json(request))

    @api(
        "GET",
        "/api/v1/sessions/<session_id>/notes",
        doc=RouteDoc(
            "Case notes of a session (never to clients)",
            "scheduling",
            query=PageQuery,
            response=scheduling.NoteList,
            errors=(404,),
        ),
    )
    def list_notes(self, request: Request, session_id: str) -> dict[str, Any]:
        return self.scheduling_rpc.list_notes(session_id, query_of(request, PageQuery))

    @api(
        "GET",
        "/api/v1/sessions/<session_id>/calendar.ics",
        doc=RouteDoc(
            "The session as an iCalendar event (RFC 5545)",
            "scheduling",
            content_type=CALENDAR,
            errors=(404,),
            extra={"response_schema": {"type": "string"}},
        ),
    )
    def session_calendar(self, request: Request, session_id: str) -> Response:
        body = self.scheduling_rpc.session_calendar(session_id)
        return Response(
            body,
            status=200,
            mimetype=CALENDAR,
            headers={"Content-Disposition": f'attachment; filename="njia-{session_id}.ics"'},
        )

    @api(
        "GET",
        "/api/v1/counselors/<counselor_id>/calendar-feed",
        doc=RouteDoc(
            "A private iCalendar feed URL for the counselor's calendar app",
            "scheduling",
            response=scheduling.FeedOut,
            errors=(403,),
        ),
    )
    def calendar_feed_url(self, request: Request, counselor_id: str) -> dict[str, Any]:
        return self.scheduling_rpc.calendar_feed_url(counselor_id)

    @api(
        "POST",
        "/api/v1/counselors/<counselor_id>/calendar-feed/rotate",
        doc=RouteDoc(
            "End the counselor's calendar feed URL (it answers 404 from now on) and make a new one (the "
            "counselor or their admins; only the counselor is given the new URL, an admin gets null)",
            "scheduling",
            response=scheduling.RotatedFeedOut,
            errors=(403, 404),
        ),
    )
    def rotate_calendar_feed(self, request: Request, counselor_id: str) -> dict[str, Any]:
        return self.scheduling_rpc.rotate_calendar_feed(counselor_id)

    @api(
        "GET",
        "/api/v1/calendar-feeds/<token>.ics",
        doc=RouteDoc(
            "A counselor's sessions as an iCalendar feed (the URL is the secret)",
            "scheduling",
            auth=False,
            content_type=CALENDAR,
            errors=(404,),
            extra={"response_schema": {"type": "string"}},
        ),
    )
    def calendar_feed(self, request: Request, token: str) -> Response:
        return Response(self.scheduling_rpc.calendar_feed(token), status=200, mimetype=CALENDAR)

    @api(
        "PUT",
        "/api/v1/clients/<client_id>/sharing",
        doc=RouteDoc(
            "Share a client's record (case notes) with other counselors of the branch",
            "scheduling",
            body=scheduling.SharingIn,
            response=scheduling.SharingOut,
            errors=(403, 404),
        ),
    )
    def share_client_record(self, request: Request, client_id: str) -> dict[str, Any]:
        return self.scheduling_rpc.share_client_record(client_id, read_json(request))

    @api(
        "GET",
        "/api/v1/scheduling/policy",
        doc=RouteDoc(
            "The organization's late-cancel window and reschedule limit",
            "scheduling",
            response=scheduling.PolicyOut,
        ),
    )
    def get_policy(self, request: Request) -> dict[str, Any]:
        return self.scheduling_rpc.get_policy()

    @api(
        "PUT",
        "/api/v1/scheduling/policy",
        doc=RouteDoc(
            "Set the late-cancel window and reschedule limit (org admins)",
            "scheduling",
            body=scheduling.PolicyIn,
            response=scheduling.PolicyOut,
            errors=(403,),
        ),
    )
    def set_policy(self, request: Request) -> dict[str, Any]:
        return self.scheduling_rpc.set_policy(read_json(request))

    # Session types (issue 15) -----------------------------------------------------------------

    @api(
        "POST",
        "/api/v1/session-types",
        doc=RouteDoc(
            "Add a session type: its length and buffer, video / in person / phone, seats (more than one: "
            "a workshop type), branch, counselors, price, intake first (org admins; branch admins for "
            "their branch)",
            "scheduling",
            status=201,
            body=scheduling.SessionTypeIn,
            response=scheduling.SessionTypeOut,
            errors=(403,),
        ),
    )
    def create_session_type(self, request: Request) -> dict[str, Any]:
        return self.scheduling_rpc.create_session_type(read_json(request))

    @api(
        "GET",
        "/api/v1/session-types",
        doc=RouteDoc(
            "The organization's session types, its default first (everyone of the organization: the "
            "active ones; admins may ask for retired ones too)",
            "scheduling",
            query=scheduling.SessionTypeQuery,
            response=scheduling.SessionTypePage,
            errors=(400,),
        ),
    )
    def list_session_types(self, request: Request) -> dict[str, Any]:
        return self.scheduling_rpc.list_session_types(query_of(request, scheduling.SessionTypeQuery))

    @api(
        "GET",
        "/api/v1/session-types/<type_id>",
        doc=RouteDoc("One session type", "scheduling", response=scheduling.SessionTypeOut, errors=(404,)),
    )
    def get_session_type(self, request: Request, type_id: str) -> dict[str, Any]:
        return self.scheduling_rpc.get_session_type(type_id)

    @api(
        "PATCH",
        "/api/v1/session-types/<type_id>",
        doc=RouteDoc(
            "Change a session type (any of its fields; sessions booked keep their times); the default "
            "type stays one-to-one, active and offered everywhere",
            "scheduling",
            body=scheduling.SessionTypeChanges,
            response=scheduling.SessionTypeOut,
            errors=(403, 404),
        ),
    )
    def update_session_type(self, request: Request, type_id: str) -> dict[str, Any]:
        return self.scheduling_rpc.update_session_type(type_id, read_json(request))

    @api(
        "DELETE",
        "/api/v1/session-types/<type_id>",
        doc=RouteDoc(
            "Retire a session type: no longer offered (active false; PATCH active true brings it back); "
            "sessions booked keep it. The default type is never retired (409 default_type)",
            "scheduling",
            response=scheduling.SessionTypeOut,
            errors=(403, 404, 409),
        ),
    )
    def retire_session_type(self, request: Request, type_id: str) -> dict[str, Any]:
        return self.scheduling_rpc.retire_session_type(type_id)

    # Organization reports ---------------------------------------------------------------------

    @api(
        "GET",
        "/api/v1/reports/branches",
        doc=RouteDoc(
            "Sessions, no-show rate and utilization per branch for a period (admins)",
            "reports",
            query=scheduling.ReportQuery,
            response=scheduling.ReportOut,
            errors=(400, 403),
        ),
    )
    def branch_report(self, request: Request) -> dict[str, Any]:
        return self.scheduling_rpc.branch_report(query_of(request, scheduling.ReportQuery))

    # Workshops (issue 15) ---------------------------------------------------------------------

    @api(
        "POST",
        "/api/v1/workshops",
        doc=RouteDoc(
            "Hold a workshop: a session of a type with seats, at a time of the counselor's own choosing "
            "(staff may put it outside the counselor's weekly hours); the counselor's time is claimed "
            "(409 slot_taken when it is not free). A counselor for themselves, or an admin of theirs",
            "workshops",
            status=201,
            body=scheduling.WorkshopIn,
            response=scheduling.WorkshopOut,
            errors=(403, 409),
        ),
    )
    def create_workshop(self, request: Request) -> dict[str, Any]:
        return self.scheduling_rpc.create_workshop(read_json(request))

    @api(
        "GET",
        "/api/v1/workshops",
        doc=RouteDoc(
            "The organization's workshops to come, earliest first, with their seats left (anyone of the "
            "organization; cancelled ones for staff only)",
            "workshops",
            query=scheduling.WorkshopQuery,
            response=scheduling.WorkshopPage,
            errors=(400,),
        ),
    )
    def list_workshops(self, request: Request) -> dict[str, Any]:
        return self.scheduling_rpc.list_workshops(query_of(request, scheduling.WorkshopQuery))

    @api(
        "GET",
        "/api/v1/workshops/<workshop_id>",
        doc=RouteDoc("One workshop", "workshops", response=scheduling.WorkshopOut, errors=(404,)),
    )
    def get_workshop(self, request: Request, workshop_id: str) -> dict[str, Any]:
        return self.scheduling_rpc.get_workshop(workshop_id)

    @api(
        "DELETE",
        "/api/v1/workshops/<workshop_id>",
        doc=RouteDoc(
            "Cancel a workshop before it starts (its counselor or their admins): every seat's session is "
            "cancelled, each client told, and the counselor's time is free again",
            "workshops",
            body=scheduling.CancelIn,
            response=scheduling.WorkshopOut,
            errors=(403, 404, 409),
        ),
    )
    def cancel_workshop(self, request: Request, workshop_id: str) -> dict[str, Any]:
        return self.scheduling_rpc.cancel_workshop(workshop_id, read_optional_json(request))

    @api(
        "POST",
        "/api/v1/workshops/<workshop_id>/seats",
        doc=RouteDoc(
            "Take a seat (a client for themselves; the workshop's counselor or admins name client_id): "
            "the seat is a session of the client's, confirmed and reminded as any. 409 workshop_full "
            "when every seat is taken, client_busy when it overlaps the client's sessions; taking a seat "
            "the client holds answers that seat again (201)",
            "workshops",
            status=201,
            body=scheduling.SeatIn,
            response=scheduling.SeatOut,
            errors=(403, 404, 409),
        ),
    )
    def take_seat(self, request: Request, workshop_id: str) -> dict[str, Any]:
        return self.scheduling_rpc.take_seat(workshop_id, read_optional_json(request))

    @api(
        "DELETE",
        "/api/v1/workshops/<workshop_id>/seats/<client_id>",
        doc=RouteDoc(
            "Give a seat back before the workshop starts (its client, or the workshop's counselor or "
            "admins): the seat's session is cancelled and the seat free for another client",
            "workshops",
            response=scheduling.SeatOut,
            errors=(404, 409),
        ),
    )
    def give_back_seat(self, request: Request, workshop_id: str, client_id: str) -> dict[str, Any]:
        return self.scheduling_rpc.give_back_seat(workshop_id, client_id)

    @api(
        "GET",
        "/api/v1/workshops/<workshop_id>/attendees",
        doc=RouteDoc(
            "The clients holding a seat, with their attendance marks (the workshop's counselor or admins)",
            "workshops",
            query=PageQuery,
            response=scheduling.AttendeePage,
            errors=(400, 403, 404),
        ),
    )
    def list_attendees(self, request: Request, workshop_id: str) -> dict[str, Any]:
        return self.scheduling_rpc.list_attendees(workshop_id, query_of(request, PageQuery))

    @api(
        "PUT",
        "/api/v1/workshops/<workshop_id>/attendees/<client_id>",
        doc=RouteDoc(
            "Mark whether a seat holder came, from 10 minutes before the start (the workshop's counselor "
            "or admins): their seat's session is completed, or a no-show",
            "workshops",
            body=scheduling.AttendanceIn,
            response=scheduling.AttendeeOut,
            errors=(403, 404, 409),
        ),
    )
    def mark_attendance(self, request: Request, workshop_id: str, client_id: str) -> dict[str, Any]:
        return self.scheduling_rpc.mark_attendance(workshop_id, client_id, read_json(request))
