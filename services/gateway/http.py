"""The gateway's HTTP entrypoint: JSON in, JSON out, API.md's error body for every failure.

``@api(method, path, ...)`` declares a route together with what OpenAPI needs
(body, query and response schemas, whether a token is required). The entrypoint
reads the bearer token and a request id into nameko's context data (forwarded
with every RPC), dumps the handler's result through the response schema, and
maps exceptions: ``NjiaError`` to its status and code, an unanswered or failed
backing service to 503, anything else to 500 with an error id in the log.
"""

from __future__ import annotations

import functools
import json
import logging
import time
import uuid
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from eventlet.event import Event
from marshmallow import Schema
from nameko.exceptions import RemoteError
from nameko.web.handlers import HttpRequestHandler
from nameko.web.server import WebServer, WsgiApp
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge
from werkzeug.wrappers import Request, Response

from services.gateway.translations import ENGLISH, language_of, translate_error
from shared.auth import ADDRESS_KEY, IDEMPOTENCY_KEY, RECEIVED_AT_KEY, TOKEN_KEY, Tokens, bearer_token
from shared.config import load_settings
from shared.errors import (
    BadRequest,
    MethodNotAllowed,
    NjiaError,
    NotFound,
    PayloadTooLarge,
    RateLimited,
    Unavailable,
    ValidationFailed,
)
from shared.logs import REQUEST_ID_KEY
from shared.service import BROKER_GONE

log = logging.getLogger(__name__)

MAX_JSON_BYTES = 1024 * 1024
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
JSON = "application/json"


@dataclass(frozen=True)
class RouteDoc:
    """What OpenAPI says about a route; also drives query filtering and response dumping."""

    summary: str
    tag: str
    status: int = 200
    response: type[Schema] | None = None
    body: type[Schema] | None = None
    query: type[Schema] | None = None
    # Path parameters with more to say than "a string" (an enum of keys, a code's pattern); every
    # field required. Documentation only: the owning service checks them (an unknown one is 404).
    path: type[Schema] | None = None
    auth: bool = True
    errors: tuple[int, ...] = ()
    content_type: str = JSON
    extra: dict[str, Any] = field(default_factory=dict)
    # False where the owning service already answers in the documented shape and size makes a
    # second pass through marshmallow costly (slot lists); the schema still documents it.
    dump: bool = True


def json_response(status: int, payload: Any, headers: dict[str, str] | None = None) -> Response:
    return Response(json.dumps(payload, default=str), status=status, mimetype=JSON, headers=headers)


def error_response(error: NjiaError, request_id: str | None = None, language: str = ENGLISH) -> Response:
    """API.md's error body, its messages in ``language`` (``language_of`` the request)."""
    headers = {"X-Request-Id": request_id} if request_id else {}
    headers.update({"Content-Language": language, "Vary": "Accept-Language"})
    if isinstance(error, RateLimited):
        headers["Retry-After"] = str(error.retry_after)
    return json_response(error.status, translate_error(error.to_body(), language), headers)


def language_of_request(request: Request) -> str:
    return language_of(request.headers.get("Accept-Language"))


NUL = "\x00"
NUL_MESSAGE = "Text may not contain the NUL character (U+0000)."


def nul_at(value: Any, path: str = "") -> str | None:
    """Where in a parsed JSON value text holds U+0000 (``admin.name``, ``weekly.1.start``), if
    anywhere: the database cannot store it, so it is refused here, naming the field."""
    if isinstance(value, str):
        return (path or "body") if NUL in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            here = f"{path}.{key}" if path else str(key)
            if NUL in str(key):
                return here.replace(NUL, "\\u0000")
            found = nul_at(item, here)
            if found:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = nul_at(item, f"{path}.{index}" if path else str(index))
            if found:
                return found
    return None


def refuse_nul(request: Request) -> None:
    """A path id holding U+0000 names nothing (404); a query value holding it is invalid (422)."""
    if any(NUL in str(v) for v in (getattr(request, "path_values", None) or {}).values()):
        raise NotFound(f"There is nothing at {request.path.replace(NUL, '%00')}.")
    for name, value in request.args.items(multi=True):
        if NUL in name or NUL in value:
            raise ValidationFailed(details={name.replace(NUL, "\\u0000"): [NUL_MESSAGE]})


def read_json(request: Request) -> Any:
    """The request body as JSON, or the 400/413 API.md names."""
    mimetype = (request.mimetype or "").lower()
    if mimetype != JSON and not mimetype.endswith("+json"):
        raise BadRequest(
            "Send the body as JSON with Content-Type: application/json.",
            {"content_type": [f"Expected application/json, got {request.mimetype or 'nothing'}."]},
        )
    raw = request.get_data(cache=True)
    if not raw.strip():
        raise BadRequest("The request body is empty; send a JSON object.", {"body": ["Empty body."]})
    try:
        body = json.loads(raw)
        # Lone surrogates ("\ud800") parse as JSON but no database or hash can store them.
        json.dumps(body, ensure_ascii=False).encode("utf-8")
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadRequest("The request body is not valid JSON.", {"body": [str(exc)[:200]]}) from None
    except UnicodeEncodeError:
        raise BadRequest(
            "The body holds text that is not valid Unicode.", {"body": ["Invalid Unicode."]}
        ) from None
    where = nul_at(body)
    if where:
        raise ValidationFailed(details={where: [NUL_MESSAGE]})
    return body


def query_of(request: Request, schema: type[Schema]) -> dict[str, str]:
    """The documented query parameters (first value of each, by their public names); others are ignored."""
    names = [field.data_key or name for name, field in schema().fields.items()]
    return {name: request.args[name] for name in names if name in request.args}


def read_optional_json(request: Request) -> Any:
    """A JSON body where one may be left out entirely (``{}`` then)."""
    if not request.get_data(cache=True).strip():
        return {}
    return read_json(request)


def client_address(request: Request, forwarded_hops: int) -> str:
    """Who sent the request: the peer, or with ``forwarded_hops`` trusted proxies in front (a load
    balancer, an ingress) the address the outermost of them saw, from X-Forwarded-For (the hops a
    client adds itself come before those and are never trusted)."""
    if forwarded_hops:
        hops = [h.strip() for h in request.headers.get("X-Forwarded-For", "").split(",") if h.strip()]
        if len(hops) >= forwarded_hops:
            return hops[-forwarded_hops][:64]
    return request.remote_addr or "unknown"


def idempotency_key(header: str) -> str:
    """The client's Idempotency-Key (the IETF draft's header): a retry with the same key and body
    gets the first answer. Quoted or not; printable ASCII, at most 255 characters."""
    key = header.strip().strip('"')
    if not 0 < len(key) <= 255 or not key.isascii() or not key.isprintable():
        raise BadRequest(
            "The Idempotency-Key header must be 1 to 255 printable ASCII characters.",
            {"Idempotency-Key": ["1 to 255 printable ASCII characters."]},
        )
    return key


class ApiServer(WebServer):
    """nameko's web server, with JSON 404/405 and the request id taken from headers."""

    forwarded_hops = 0

    def setup(self) -> None:
        super().setup()
        self.forwarded_hops = load_settings(self.container.config).forwarded_hops

    def get_wsgi_app(self) -> Any:
        return ApiWsgiApp(self)

    def context_data_from_headers(self, request: Request) -> dict[str, Any]:
        incoming = request.headers.get("X-Request-Id", "")
        request_id = incoming if 0 < len(incoming) <= 64 and incoming.isprintable() else uuid.uuid4().hex
        data = {
            REQUEST_ID_KEY: request_id,
            ADDRESS_KEY: client_address(request, self.forwarded_hops),
            RECEIVED_AT_KEY: f"{int(time.time() * 1000):012x}",
        }
        token = bearer_token(request.headers.get("Authorization"))
        if token:
            data[TOKEN_KEY] = token
        return data


class ApiWsgiApp(WsgiApp):
    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ, shallow=True)
        language = language_of_request(request)
        adapter = self.url_map.bind_to_environ(environ)
        try:
            provider, values = adapter.match()
        except HTTPException as exc:
            code = exc.code or 404
            if code == 405:
                allowed = ", ".join(sorted(getattr(exc, "valid_methods", None) or []))
                err: NjiaError = MethodNotAllowed(
                    f"{request.method} is not allowed on {request.path}.", {"allowed": allowed}
                )
                response = error_response(err, language=language)
                if allowed:
                    response.headers["Allow"] = allowed
            elif code == 404:
                response = error_response(NotFound(f"There is nothing at {request.path}."), language=language)
            else:
                response = error_response(BadRequest(exc.description or "Bad request."), language=language)
            return response(environ, start_response)
        request.path_values = values  # type: ignore[attr-defined]  # nameko reads it
        request.max_content_length = provider.max_body
        length = request.content_length
        if length is not None and length > provider.max_body:
            response = error_response(
                PayloadTooLarge(f"The body is over the {provider.max_body // 1024} KiB limit."),
                language=language,
            )
            return response(environ, start_response)
        return provider.handle_request(request)(environ, start_response)


class ApiEndpoint(HttpRequestHandler):
    server = ApiServer()

    def __init__(self, method: str, url: str, doc: RouteDoc, max_body: int = MAX_JSON_BYTES, **kwargs: Any):
        kwargs.setdefault("expected_exceptions", (NjiaError,))
        self.doc = doc
        self.max_body = max_body
        super().__init__(method, url, **kwargs)

    def setup(self) -> None:
        super().setup()
        self.tokens = Tokens.from_settings(load_settings(self.container.config))

    def handle_request(self, request: Request) -> Response:
        request.shallow = False
        context = self.server.context_data_from_headers(request)
        request_id = context[REQUEST_ID_KEY]
        try:
            refuse_nul(request)
            if "Idempotency-Key" in request.headers:
                context[IDEMPOTENCY_KEY] = idempotency_key(request.headers["Idempotency-Key"])
            if self.doc.auth:
                self.tokens.verify(context.get(TOKEN_KEY))  # 401 here, before any service is asked
            args, kwargs = self.get_entrypoint_parameters(request)
            self.check_signature(args, kwargs)
            done = Event()
            self.container.spawn_worker(
                self, args, kwargs, context_data=context, handle_result=partial(self._done, done)
            )
            result = done.wait()
            response = self.response_from_result(result)
        except Exception as exc:  # every failure becomes API.md's error body
            response = self.response_from_exception(exc, request_id, language_of_request(request))
        response.headers["X-Request-Id"] = request_id
        response.headers.setdefault("Cache-Control", "no-store")
        return response

    @staticmethod
    def _done(event: Any, worker_ctx: Any, result: Any, exc_info: Any) -> tuple[Any, Any]:
        event.send(result, exc_info)
        return result, exc_info

    def response_from_result(self, result: Any) -> Response:
        if isinstance(result, Response):
            return result
        payload = self.doc.response().dump(result) if self.doc.response and self.doc.dump else result
        return json_response(self.doc.status, payload)

    def response_from_exception(
        self, exc: Exception, request_id: str | None = None, language: str = ENGLISH
    ) -> Response:
        return error_response(self.error_from_exception(exc, request_id), request_id, language)

    def error_from_exception(self, exc: Exception, request_id: str | None) -> NjiaError:
        if isinstance(exc, NjiaError):
            return exc
        if isinstance(exc, RequestEntityTooLarge):
            return PayloadTooLarge(f"The body is over the {self.max_body // 1024} KiB limit.")
        if isinstance(exc, HTTPException) and exc.code and exc.code < 500:
            return BadRequest(exc.description or "Bad request.")
        if isinstance(exc, RemoteError):
            # A backing service failed (its database away, or a bug): retryable, never a silent loss.
            log.error("backing service failed", extra={"error": str(exc)[:500]})
            return Unavailable(details={"error_id": request_id})
        if isinstance(exc, BROKER_GONE):
            # RabbitMQ away or restarting: the request was not answered; a retry will be (503, not 500).
            log.warning("broker unavailable", extra={"error": type(exc).__name__})
            return Unavailable(details={"error_id": request_id})
        error_id = request_id or uuid.uuid4().hex
        log.exception("unexpected error in gateway", extra={"error_id": error_id})
        return NjiaError(
            "Something went wrong on our side; quote the error id if you contact us.", {"error_id": error_id}
        )


def _checking_sign_in(fn: Any) -> Any:
    """``fn`` run only for a token that still counts (``services.gateway.access``)."""

    @functools.wraps(fn)
    def checked(self: Any, request: Request, *args: Any, **kwargs: Any) -> Any:
        self.sign_ins.check(self.accounts_rpc)
        return fn(self, request, *args, **kwargs)

    return checked


def api(method: str, url: str, *, doc: RouteDoc, **kwargs: Any) -> Any:
    """Declare a route; one that needs a token first checks it still counts."""

    def decorate(fn: Any) -> Any:
        target = _checking_sign_in(fn) if doc.auth else fn
        return ApiEndpoint.decorator(method, url, doc=doc, **kwargs)(target)

    return decorate
