"""gateway: API.md's HTTP routes. Each route reads HTTP, asks the owning service, answers.

Routes live in ``routes/<service>.py``, one mixin per owning service. Validation and
authorization happen in the owning service; the gateway checks only HTTP concerns
(JSON, size, a token being present and valid).
"""

from __future__ import annotations

from typing import Any

import eventlet
from kombu import Connection
from marshmallow import Schema, fields, validate
from nameko.events import BROADCAST, event_handler
from nameko.exceptions import RemoteError
from werkzeug.wrappers import Request, Response

from services.gateway.access import SignInCheck, SignIns
from services.gateway.http import RouteDoc, api, json_response, language_of_request
from services.gateway.openapi import build_spec
from services.gateway.routes.accounts import AccountsRoutes
from services.gateway.routes.assessments import AssessmentsRoutes
from services.gateway.routes.audit import AuditRoutes
from services.gateway.routes.notifications import NotificationsRoutes
from services.gateway.routes.profiles import ProfilesRoutes
from services.gateway.routes.scheduling import SchedulingRoutes
from services.gateway.routes.security import SecurityRoutes
from services.gateway.routes.web import WebRoutes
from services.gateway.translations import translate_error
from shared.config import BACKENDS
from shared.errors import NjiaError, Unavailable
from shared.events.contracts import USER_ACCESS_CHANGED
from shared.events.envelope import validate_envelope
from shared.logs import RequestLogging
from shared.service import SettingsProvider

READINESS_TIMEOUT_SECONDS = 3.0
METRICS = "text/plain; version=0.0.4"


class ReadinessQuery(Schema):
    require = fields.String(
        validate=validate.OneOf(["all"]),
        metadata={"description": "`all`: ready only when every service and its database answer"},
    )


def broker_state(amqp_uri: str) -> str:
    """``ok`` when RabbitMQ takes a connection now."""
    try:
        with Connection(amqp_uri, connect_timeout=READINESS_TIMEOUT_SECONDS) as conn:
            conn.connect()
    except Exception as exc:  # any failure to connect is "not answering"
        return f"unavailable: {type(exc).__name__}"
    return "ok"


def metrics_text(health: dict[str, Any]) -> str:
    lines = [
        "# HELP njia_up Whether the part answers (1) or not (0).",
        "# TYPE njia_up gauge",
        f'njia_up{{part="broker"}} {int(health["broker"] == "ok")}',
    ]
    lines += [f'njia_up{{part="{name}"}} {int(state == "ok")}' for name, state in health["services"].items()]
    return "\n".join(lines) + "\n"


class GatewayService(
    AccountsRoutes,
    SecurityRoutes,
    SchedulingRoutes,
    NotificationsRoutes,
    ProfilesRoutes,
    AssessmentsRoutes,
    AuditRoutes,
    WebRoutes,
):
    name = "gateway"

    settings = SettingsProvider()
    request_id = RequestLogging()
    sign_ins: SignInCheck = SignIns()  # type: ignore[assignment]

    # Standing of people ----------------------------------------------------------

    @event_handler("accounts", USER_ACCESS_CHANGED, handler_type=BROADCAST, reliable_delivery=False)
    def handle_access_changed(self, envelope: dict[str, Any]) -> None:
        """Every replica hears each change of a person's standing (its own queue, gone with it)."""
        self.sign_ins.learn(validate_envelope(envelope)["data"])

    # Health ----------------------------------------------------------------------

    @api("GET", "/healthz", doc=RouteDoc("The gateway process is up", "health", auth=False))
    def healthz(self, request: Request) -> dict[str, str]:
        return {"status": "ok"}

    @api(
        "GET",
        "/readyz",
        doc=RouteDoc(
            "Whether this gateway takes traffic: it and the broker answer (200, `degraded` when a "
            "service does not); `?require=all` also needs every service and its database",
            "health",
            auth=False,
            query=ReadinessQuery,
            errors=(503,),
        ),
    )
    def readyz(self, request: Request) -> Response:
        # One service down must not take every gateway out of its load balancer (booking would die
        # with profiles): readiness is the gateway and its broker; each service is shown beside it.
        health = self._health()
        down = sorted(name for name, state in health["services"].items() if state != "ok")
        ready = health["broker"] == "ok" and not (down and request.args.get("require") == "all")
        body = {**health, "status": "ready" if not down else "degraded" if ready else "unavailable"}
        if not ready:
            failing = ["broker"] if health["broker"] != "ok" else down
            error = Unavailable(f"Not answering: {', '.join(failing)}.", health).to_body()
            body["error"] = translate_error(error, language_of_request(request))["error"]
        return json_response(200 if ready else 503, body)

    @api(
        "GET",
        "/metrics",
        doc=RouteDoc("Health as Prometheus metrics", "health", auth=False, content_type=METRICS),
    )
    def metrics(self, request: Request) -> Response:
        health = self._health()
        return Response(metrics_text(health), status=200, content_type=METRICS)

    def _health(self) -> dict[str, Any]:
        pool = eventlet.GreenPool(len(BACKENDS) + 1)
        broker = pool.spawn(broker_state, self.settings.amqp_uri)
        services = dict(zip(BACKENDS, pool.imap(self._backend_state, BACKENDS), strict=True))
        return {"broker": broker.wait(), "services": services}

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
