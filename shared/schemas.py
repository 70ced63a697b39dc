"""Marshmallow helpers every service's boundary uses."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from marshmallow import Schema, ValidationError, fields, validate

from shared.errors import ValidationFailed, field_errors

LANGUAGES = ("en", "sw")
MAX_PAGE = 200
DEFAULT_PAGE = 50
# Zones that name the host's own setting or a placeholder are not places.
_NOT_PLACES = {"localtime", "Factory", "posixrules"}
TIME_ZONES = frozenset(
    z for z in available_timezones() if z not in _NOT_PLACES and not z.startswith(("posix/", "right/"))
)


class StrictSchema(Schema):
    """Unknown fields are errors (marshmallow's default): a typo is never silently ignored."""


def load(schema: Schema, data: Any) -> Any:
    """Validate ``data`` or raise 422 with every bad field named."""
    if not isinstance(data, dict):
        raise ValidationFailed("The body must be a JSON object.", {"body": ["Must be a JSON object."]})
    try:
        return schema.load(data)
    except ValidationError as exc:
        raise ValidationFailed(details=field_errors(exc.messages)) from None


def is_timezone(name: str) -> bool:
    if name not in TIME_ZONES:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def documented(defaults: dict[str, Any], kwargs: dict[str, Any]) -> dict[str, Any]:
    """``kwargs`` for a field whose OpenAPI ``metadata`` starts from ``defaults`` (a field's own
    ``metadata=`` adds to them or overrides them)."""
    return {**kwargs, "metadata": {**defaults, **kwargs.get("metadata", {})}}


# What the document says of a time zone. A regular expression cannot tell a known zone from a made-up
# one (an enum of ~600 names would swamp the document), so the pattern is the names' shape, the format
# names the rule for generators that know it, and the example shows one.
TIME_ZONE_FORMAT = "iana-time-zone"
_AREAS = sorted({z.split("/")[0] for z in TIME_ZONES if "/" in z})
TIME_ZONE_PATTERN = (
    rf"^(?:(?:{'|'.join(_AREAS)})/[A-Z][A-Za-z0-9_+-]*(?:/[A-Z][A-Za-z0-9_+-]*)?|[A-Z][A-Za-z0-9+-]*)$"
)


class TimeZone(fields.String):
    """An IANA time zone name such as ``Africa/Nairobi``."""

    default_error_messages = {"timezone": "Not a known IANA time zone (e.g. Africa/Nairobi)."}

    def __init__(self, **kwargs: Any) -> None:
        doc = {
            "format": TIME_ZONE_FORMAT,
            "pattern": TIME_ZONE_PATTERN,
            "maxLength": 64,
            "example": "Africa/Nairobi",
            "description": "An IANA time zone name (the tz database), e.g. Africa/Nairobi",
        }
        super().__init__(**documented(doc, kwargs))

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        name = super()._deserialize(value, attr, data, **kwargs).strip()
        if not is_timezone(name):
            raise self.make_error("timezone")
        return name


# RFC 3339 as marshmallow reads it (upper-case T and Z, no leap second), in the years 1970 to 2100.
MOMENT_PATTERN = (
    r"^(?:19[7-9][0-9]|20[0-9]{2}|2100)-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])"
    r"T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]+)?(?:Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])$"
)


class Moment(fields.AwareDateTime):
    """An RFC 3339 time with an offset, within the years Njia plans for (1970 to 2100)."""

    default_error_messages = {"range": "Use a time between 1970 and 2100."}

    def __init__(self, **kwargs: Any) -> None:
        doc = {
            "pattern": MOMENT_PATTERN,
            "example": "2026-12-01T09:00:00+03:00",
            "description": "RFC 3339 with an offset (Z or +03:00), between 1970 and 2100",
        }
        super().__init__(**documented(doc, kwargs))

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        moment = super()._deserialize(value, attr, data, **kwargs)
        if not 1970 <= moment.year <= 2100:
            raise self.make_error("range")
        return moment


def Language(**kwargs: Any) -> fields.String:
    return fields.String(validate=validate.OneOf(LANGUAGES), **kwargs)


# Every cursor Njia gives out is unpadded base64url (shared.mongo.encode_cursor).
CURSOR_PATTERN = r"^(?:[A-Za-z0-9_-]{4})*(?:[A-Za-z0-9_-]{2,3})?$"


class PageQuery(StrictSchema):
    limit = fields.Integer(load_default=DEFAULT_PAGE, validate=validate.Range(1, MAX_PAGE))
    cursor = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=200),
        metadata={
            "pattern": CURSOR_PATTERN,
            "description": "the previous page's next_cursor, as given (opaque); left out for the first page",
        },
    )


def page_of(item_schema: type[Schema]) -> type[StrictSchema]:
    """``{items: [...], next_cursor}`` for a list of ``item_schema``: every collection GET's shape."""

    class Page(StrictSchema):
        items = fields.List(fields.Nested(item_schema), required=True)
        next_cursor = fields.String(required=True, allow_none=True)

    Page.__name__ = f"{item_schema.__name__}Page"
    return Page


class ErrorBody(Schema):
    class Inner(Schema):
        code = fields.String(required=True)
        message = fields.String(required=True)
        details = fields.Dict(required=True)

    error = fields.Nested(Inner, required=True)
