"""gateway: API.md's HTTP routes. Each route reads HTTP, asks the owning service, answers.

Validation and authorization happen in the owning service; the gateway checks
only HTTP concerns (JSON, size, a token being present and valid).
"""

from __future__ import annotations

from typing import Any

import eventlet
from nameko.exceptions import RemoteError
from werkzeug.wrappers import Request, Response

from services.accounts import schemas as accounts
from services.gateway.http import RouteDoc, api, json_response, read_json, read_optional_json
from services.gateway.openapi import build_spec
from services.scheduling import schemas as scheduling
from shared.errors import NjiaError, Unavailable
from shared.logs import RequestLogging
from shared.rpc import ServiceRpc
from shared.schemas import PageQuery
from shared.service import SettingsProvider

# Every service the platform needs answering before it is ready.
BACKENDS = ("accounts", "scheduling")
CALENDAR = "text/calendar"
READINESS_TIMEOUT_SECONDS = 3.0


def query_of(request: Request, schema: type[Any]) -> dict[str, str]:
    """The documented query parameters (first value of each, by their public names); others are ignored."""
    names = [field.data_key or name for name, field in schema().fields.items()]
    return {name: request.args[name] for name in names if name in request.args}


class GatewayService:
    name = "gateway"

    settings = SettingsProvider()
    request_id = RequestLogging()
    accounts_rpc = ServiceRpc("accounts")
    scheduling_rpc = ServiceRpc("scheduling")

    # Health ----------------------------------------------------------------------

    @api("GET", "/healthz", doc=RouteDoc("The gateway process is up", "health", auth=False))
    def healthz(self, request: Request) -> dict[str, str]:
        return {"status": "ok"}

    @api("GET", "/readyz", doc=RouteDoc("Every service and its database answer", "health", auth=False))
    def readyz(self, request: Request) -> Response:
        pool = eventlet.GreenPool(len(BACKENDS))
        results = dict(zip(BACKENDS, pool.imap(self._backend_state, BACKENDS), strict=True))
        ready = all(state == "ok" for state in results.values())
        body = {"status": "ready" if ready else "unavailable", "services": results}
        if not ready:
            failing = sorted(name for name, state in results.items() if state != "ok")
            body["error"] = Unavailable(
                f"Not answering: {', '.join(failing)}.", {"services": results}
            ).to_body()["error"]
        return json_response(200 if ready else 503, body)

    def _backend_state(self, backend: str) -> str:
        proxy = getattr(self, f"{backend}_rpc")
        try:
            proxy.health.call(READINESS_TIMEOUT_SECONDS)
        except (NjiaError, RemoteError) as exc:
            return f"unavailable: {exc}"[:200]
        return "ok"

    @api(
        "GET",
        "/api/v1/ping",
        doc=RouteDoc("A trivial round trip through RabbitMQ (benchmark floor)", "health", auth=False),
    )
    def ping(self, request: Request) -> dict[str, Any]:
        return self.accounts_rpc.ping()

    @api("GET", "/openapi.json", doc=RouteDoc("This document", "health", auth=False))
    def openapi(self, request: Request) -> dict[str, Any]:
        return build_spec(type(self), self.settings.public_url)

    # Accounts, organizations, branches ----------------------------------------------------

    @api(
        "POST",
        "/api/v1/organizations",
        doc=RouteDoc(
            "Open sign-up of an organization and its first admin",
            "accounts",
            status=201,
            body=accounts.CreateOrganization,
            response=accounts.OrganizationOut,
            auth=False,
            errors=(409,),
        ),
    )
    def create_organization(self, request: Request) -> dict[str, Any]:
        return self.accounts_rpc.create_organization(read_json(request))

    @api(
        "POST",
        "/api/v1/auth/token",
        doc=RouteDoc(
            "Exchange email and password for an access token",
            "accounts",
            body=accounts.TokenRequest,
            response=accounts.TokenOut,
            auth=False,
            errors=(401,),
        ),
    )
    def issue_token(self, request: Request) -> dict[str, Any]:
        return self.accounts_rpc.issue_token(read_json(request))

    @api(
        "POST",
        "/api/v1/auth/register",
        doc=RouteDoc(
            "Self sign-up of a client",
            "accounts",
            status=201,
            body=accounts.Registration,
            response=accounts.UserOut,
            auth=False,
            errors=(409,),
        ),
    )
    def register(self, request: Request) -> dict[str, Any]:
        return self.accounts_rpc.register_client(read_json(request))

    @api("GET", "/api/v1/me", doc=RouteDoc("The caller's own user", "accounts", response=accounts.UserOut))
    def me(self, request: Request) -> dict[str, Any]:
        return self.accounts_rpc.me()

    @api(
        "POST",
        "/api/v1/branches",
        doc=RouteDoc(
            "Create a branch (org admins)",
            "accounts",
            status=201,
            body=accounts.CreateBranch,
            response=accounts.BranchOut,
            errors=(403,),
        ),
    )
    def create_branch(self, request: Request) -> dict[str, Any]:
        return self.accounts_rpc.create_branch(read_json(request))

    @api(
        "GET",
        "/api/v1/branches",
        doc=RouteDoc(
            "Branches of the caller's organization",
            "accounts",
            query=accounts.BranchQuery,
            response=accounts.BranchPage,
            errors=(400,),
        ),
    )
    def list_branches(self, request: Request) -> dict[str, Any]:
        return self.accounts_rpc.list_branches(query_of(request, accounts.BranchQuery))

    @api(
        "GET",
        "/api/v1/branches/<branch_id>",
        doc=RouteDoc(
            "One branch of the caller's organization", "accounts", response=accounts.BranchOut, errors=(404,)
        ),
    )
    def get_branch(self, request: Request, branch_id: str) -> dict[str, Any]:
        return self.accounts_rpc.get_branch(branch_id)

    @api(
        "POST",
        "/api/v1/users",
        doc=RouteDoc(
            "Add a person (org admins; branch admins for their branch)",
            "accounts",
            status=201,
            body=accounts.CreateUser,
            response=accounts.UserOut,
            errors=(403, 409),
        ),
    )
    def create_user(self, request: Request) -> dict[str, Any]:
        return self.accounts_rpc.create_user(read_json(request))

    @api(
        "GET",
        "/api/v1/users",
        doc=RouteDoc(
            "People of the organization (admins)",
            "accounts",
            query=accounts.UserQuery,
            response=accounts.UserPage,
            errors=(400, 403),
        ),
    )
    def list_users(self, request: Request) -> dict[str, Any]:
        return self.accounts_rpc.list_users(query_of(request, accounts.UserQuery))

    @api(
        "GET",
        "/api/v1/users/<user_id>",
        doc=RouteDoc(
            "One person of the caller's organization", "accounts", response=accounts.UserOut, errors=(404,)
        ),
    )
    def get_user(self, request: Request, user_id: str) -> dict[str, Any]:
        return self.accounts_rpc.get_user(user_id)

    @api(
        "GET",
        "/api/v1/counselors",
        doc=RouteDoc(
            "Counselors of the organization, optionally of one branch",
            "accounts",
            query=accounts.CounselorQuery,
            response=accounts.CounselorPage,
            errors=(400,),
        ),
    )
    def list_counselors(self, request: Request) -> dict[str, Any]:
        return self.accounts_rpc.list_counselors(query_of(request, accounts.CounselorQuery))

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
            errors=(404,),
        ),
    )
    def open_slots(self, request: Request) -> dict[str, Any]:
        return self.scheduling_rpc.open_slots(query_of(request, scheduling.SlotQuery))

    @api(
        "POST",
        "/api/v1/sessions",
        doc=RouteDoc(
            "Book a session with a counselor, or with any free counselor of a branch",
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
            "Sessions the caller may see",
            "scheduling",
            query=scheduling.SessionQuery,
            response=scheduling.SessionPage,
            errors=(400,),
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
            "Move a session to another free time",
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
            "Cancel a session",
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
            "Mark a session completed or a no-show (its counselor)",
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

    # Organization reports ---------------------------------------------------------------------

    @api(
        "GET",
        "/api/v1/reports/branches",
        doc=RouteDoc(
            "Sessions, no-show rate and utilization per branch for a period (admins)",
            "reports",
            query=scheduling.ReportQuery,
            response=scheduling.ReportOut,
            errors=(403,),
        ),
    )
    def branch_report(self, request: Request) -> dict[str, Any]:
        return self.scheduling_rpc.branch_report(query_of(request, scheduling.ReportQuery))
