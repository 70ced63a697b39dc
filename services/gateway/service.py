"""gateway: API.md's HTTP routes. Each route reads HTTP, asks the owning service, answers.

Routes live in ``routes/<service>.py``, one mixin per owning service. Validation and
authorization happen in the owning service; the gateway checks only HTTP concerns
(JSON, size, a token being present and valid).
"""

from __future__ import annotations

from typing import Any

import eventlet
from nameko.exceptions import RemoteError
from werkzeug.wrappers import Request, Response

from services.gateway.http import RouteDoc, api, json_response
from services.gateway.openapi import build_spec
from services.gateway.routes.accounts import AccountsRoutes
from services.gateway.routes.assessments import AssessmentsRoutes
from services.gateway.routes.notifications import NotificationsRoutes
from services.gateway.routes.profiles import ProfilesRoutes
from services.gateway.routes.scheduling import SchedulingRoutes
from services.gateway.routes.web import WebRoutes
from shared.config import BACKENDS
from shared.errors import NjiaError, Unavailable
from shared.logs import RequestLogging
from shared.service import SettingsProvider

READINESS_TIMEOUT_SECONDS = 3.0


class GatewayService(
    AccountsRoutes, SchedulingRoutes, NotificationsRoutes, ProfilesRoutes, AssessmentsRoutes, WebRoutes
):
    name = "gateway"

    settings = SettingsProvider()
    request_id = RequestLogging()

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
        except Exception as exc:  # a probe: a broker not yet set up (no RPC exchange) is "not ready"
            return f"unavailable: {type(exc).__name__}"
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
