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
_ZONES = frozenset(
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
    if name not in _ZONES:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


class TimeZone(fields.String):
    """An IANA time zone name such as ``Africa/Nairobi``."""

    default_error_messages = {"timezone": "Not a known IANA time zone (e.g. Africa/Nairobi)."}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        name = super()._deserialize(value, attr, data, **kwargs).strip()
        if not is_timezone(name):
            raise self.make_error("timezone")
        return name


class Moment(fields.AwareDateTime):
    """An RFC 3339 time with an offset, within the years Njia plans for (1970 to 2100)."""

    default_error_messages = {"range": "Use a time between 1970 and 2100."}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        moment = super()._deserialize(value, attr, data, **kwargs)
        if not 1970 <= moment.year <= 2100:
            raise self.make_error("range")
        return moment


def Language(**kwargs: Any) -> fields.String:
    return fields.String(validate=validate.OneOf(LANGUAGES), **kwargs)


class PageQuery(StrictSchema):
    limit = fields.Integer(load_default=DEFAULT_PAGE, validate=validate.Range(1, MAX_PAGE))
    cursor = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))


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
