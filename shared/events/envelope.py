"""The envelope every Njia event travels in, and the registry of contracts."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate

from shared.clock import isoformat
from shared.errors import field_errors
from shared.ids import new_event_id


class InvalidEvent(Exception):
    """An event that does not match its contract: refused on send, dead-lettered on receipt."""

    def __init__(self, event_type: str, problems: dict[str, list[str]]) -> None:
        self.event_type = event_type
        self.problems = problems
        super().__init__(f"{event_type} breaks its contract: {problems}")


class EnvelopeSchema(Schema):
    event_id = fields.String(required=True, validate=validate.Length(min=8, max=64))
    event_type = fields.String(required=True, validate=validate.Regexp(r"^[a-z_]+\.[a-z_]+$"))
    version = fields.Integer(required=True, validate=validate.Range(min=1))
    occurred_at = fields.AwareDateTime(required=True, format="iso")
    source = fields.String(required=True, validate=validate.Length(min=1, max=40))
    data = fields.Dict(required=True)


@dataclass(frozen=True)
class Contract:
    event_type: str
    version: int
    source: str
    schema: type[Schema]
    # Other services that may publish it too, each on its own exchange (audit records: every service).
    also_from: tuple[str, ...] = ()

    @property
    def sources(self) -> tuple[str, ...]:
        return (self.source, *self.also_from)


CONTRACTS: dict[tuple[str, int], Contract] = {}


def contract(event_type: str, source: str, version: int = 1, also_from: tuple[str, ...] = ()) -> Any:
    """Register ``schema`` as the shape of ``data`` for (event_type, version), published by
    ``source`` (or, for a fact any of several services states, by one of ``also_from``)."""

    def register(schema: type[Schema]) -> type[Schema]:
        key = (event_type, version)
        if key in CONTRACTS:
            raise RuntimeError(f"two contracts for {event_type} v{version}")
        CONTRACTS[key] = Contract(event_type, version, source, schema, tuple(also_from))
        return schema

    return register


def latest_version(event_type: str) -> int:
    versions = [v for (t, v) in CONTRACTS if t == event_type]
    if not versions:
        raise KeyError(f"no contract for {event_type}")
    return max(versions)


_ENVELOPE = EnvelopeSchema()


@functools.cache
def _instance(schema: type[Schema]) -> Schema:
    """One instance per contract: building a schema costs more than loading with it."""
    return schema()


def build(
    event_type: str,
    data: dict[str, Any],
    occurred_at: datetime,
    version: int | None = None,
    source: str | None = None,
) -> dict[str, Any]:
    """A validated envelope, ready to store in an outbox and to publish (by ``source``: the
    contract's own source unless named)."""
    version = version or latest_version(event_type)
    found = CONTRACTS[(event_type, version)]
    source = source or found.source
    if source not in found.sources:
        raise InvalidEvent(event_type, {"source": [f"{source} may not publish it"]})
    if occurred_at.tzinfo is None or occurred_at.utcoffset() is None:
        raise InvalidEvent(event_type, {"occurred_at": ["Must carry a time zone offset."]})
    payload = _instance(found.schema).dump(data)
    envelope = {
        "event_id": new_event_id(),
        "event_type": event_type,
        "version": version,
        "occurred_at": isoformat(occurred_at),
        "source": source,
        "data": payload,
    }
    return validate_envelope(envelope)


def validate_envelope(envelope: Any) -> dict[str, Any]:
    """Check the envelope and its data against the registered contract."""
    event_type = envelope.get("event_type", "?") if isinstance(envelope, dict) else "?"
    try:
        outer = _ENVELOPE.load(envelope)
    except ValidationError as exc:
        raise InvalidEvent(event_type, field_errors(exc.messages)) from None
    found = CONTRACTS.get((outer["event_type"], outer["version"]))
    if found is None:
        raise InvalidEvent(event_type, {"version": [f"no contract for v{outer['version']}"]})
    if outer["source"] not in found.sources:
        raise InvalidEvent(event_type, {"source": [f"must be {' or '.join(found.sources)}"]})
    try:
        _instance(found.schema).load(envelope["data"])
    except ValidationError as exc:
        raise InvalidEvent(event_type, field_errors(exc.messages, "data")) from None
    return dict(envelope)
