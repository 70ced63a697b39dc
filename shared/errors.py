"""Njia's errors: one class per API.md error code, round-tripping over nameko RPC.

A service raises ``NotFound("no such branch")``; nameko serializes it, the
caller's proxy re-raises the same class (``deserialize_to_instance``), and the
gateway turns it into API.md's body ``{"error": {code, message, details}}``.
"""

from __future__ import annotations

import json
from typing import Any

from nameko.exceptions import deserialize_to_instance


class NjiaError(Exception):
    status = 500
    code = "internal_error"
    default_message = "Something went wrong on our side."

    def __init__(self, message: str | None = None, details: dict[str, Any] | str | None = None):
        # A string is how details arrive over RPC (see below).
        parsed = json.loads(details) if isinstance(details, str) else details
        self.message = message or self.default_message
        self.details: dict[str, Any] = dict(parsed or {})
        # nameko turns every non-string in exception args into text; JSON keeps numbers numbers.
        super().__init__(self.message, json.dumps(self.details, default=str))

    def to_body(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message, "details": self.details}}

    def __str__(self) -> str:
        return self.message


@deserialize_to_instance
class BadRequest(NjiaError):
    status, code = 400, "bad_request"
    default_message = "The request could not be read."


@deserialize_to_instance
class Unauthorized(NjiaError):
    status, code = 401, "unauthorized"
    default_message = "Sign in to continue."


@deserialize_to_instance
class Forbidden(NjiaError):
    status, code = 403, "forbidden"
    default_message = "You are not allowed to do that."


@deserialize_to_instance
class NotFound(NjiaError):
    status, code = 404, "not_found"
    default_message = "Not found."


@deserialize_to_instance
class MethodNotAllowed(NjiaError):
    status, code = 405, "method_not_allowed"
    default_message = "That method is not allowed on this path."


@deserialize_to_instance
class Conflict(NjiaError):
    status, code = 409, "conflict"
    default_message = "That clashes with the current state."


@deserialize_to_instance
class PayloadTooLarge(NjiaError):
    status, code = 413, "payload_too_large"
    default_message = "The request body is too large."


@deserialize_to_instance
class ValidationFailed(NjiaError):
    """422: ``details`` maps each field name to a list of messages."""

    status, code = 422, "validation_error"
    default_message = "Some fields are not valid."


@deserialize_to_instance
class TooEarly(NjiaError):
    status, code = 425, "too_early"
    default_message = "Too early."


@deserialize_to_instance
class RateLimited(NjiaError):
    status, code = 429, "rate_limited"
    default_message = "Too many requests; try again shortly."

    @property
    def retry_after(self) -> int:
        return int(self.details.get("retry_after_seconds", 60))


@deserialize_to_instance
class Unavailable(NjiaError):
    status, code = 503, "unavailable"
    default_message = "A part of Njia is not answering; please retry shortly."


def field_errors(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """Flatten marshmallow's nested messages into ``{"admin.email": ["..."]}``."""
    flat: dict[str, list[str]] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            if key == "_schema":
                name = prefix or "body"
            for inner, texts in field_errors(value, name).items():
                flat.setdefault(inner, []).extend(texts)
    elif isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        flat[prefix or "body"] = list(messages)
    elif isinstance(messages, list):
        for item in messages:
            for inner, texts in field_errors(item, prefix).items():
                flat.setdefault(inner, []).extend(texts)
    else:
        flat[prefix or "body"] = [str(messages)]
    return flat
