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
from services.gateway.http import RouteDoc, api, json_response, read_json
from services.gateway.openapi import build_spec
from shared.errors import NjiaError, Unavailable
from shared.logs import RequestLogging
from shared.rpc import ServiceRpc
from shared.service import SettingsProvider

# Every service the platform needs answering before it is ready.
BACKENDS = ("accounts",)
READINESS_TIMEOUT_SECONDS = 3.0


def query_of(request: Request, schema: type[Any]) -> dict[str, str]:
    """The documented query parameters (first value of each); others are ignored."""
    known = schema().fields
    return {name: request.args[name] for name in known if name in request.args}


class GatewayService:
    name = "gateway"

    settings = SettingsProvider()
    request_id = RequestLogging()
    accounts_rpc = ServiceRpc("accounts")

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
