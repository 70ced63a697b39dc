"""The audit service's RPC schemas; the gateway documents ``GET /api/v1/audit`` from these."""

from __future__ import annotations

from typing import Any

from marshmallow import fields, validate

from services.audit import domain
from shared.audit import ACTIONS
from shared.events.contracts import AuditRecorded
from shared.schemas import Moment, PageQuery, StrictSchema, page_of

ID = validate.Length(min=1, max=64)
HASH = {"pattern": "^[0-9a-f]{64}$", "description": "SHA-256, hex"}


class AuditQuery(PageQuery):
    """``GET /api/v1/audit``: newest first; every filter optional, all must hold."""

    subject_id = fields.String(load_default=None, validate=ID, metadata={"description": "whom it was about"})
    actor_id = fields.String(load_default=None, validate=ID, metadata={"description": "who acted"})
    action = fields.String(load_default=None, validate=validate.OneOf(ACTIONS))
    from_ = Moment(data_key="from", load_default=None, metadata={"description": "entries at or after"})
    to = Moment(load_default=None, metadata={"description": "entries before"})


class EntryOut(StrictSchema):
    id = fields.String(required=True)
    at = fields.String(required=True, metadata={"description": "RFC 3339, UTC, milliseconds"})
    action = fields.String(required=True, validate=validate.OneOf(ACTIONS))
    actor_id = fields.String(required=True, allow_none=True)
    subject_id = fields.String(required=True, allow_none=True)
    org_id = fields.String(required=True)
    branch_id = fields.String(required=True, allow_none=True)
    request_id = fields.String(required=True, allow_none=True)
    ip = fields.String(required=True, allow_none=True)
    seq = fields.Integer(required=True, metadata={"description": "place in the organization's chain, from 1"})
    previous_hash = fields.String(required=True, metadata=HASH)
    hash = fields.String(required=True, metadata=HASH)


EntryPage = page_of(EntryOut)

_RECORDED = AuditRecorded()


def record_of(envelope: dict[str, Any]) -> domain.Record:
    """The record an ``audit.recorded`` event carries (already checked against its contract)."""
    data = _RECORDED.load(envelope["data"])
    return domain.Record(id=envelope["event_id"], **data)


def entry_view(stored: dict[str, Any]) -> dict[str, Any]:
    return {**stored, "at": domain.canonical_time(stored["at"])}


def chain_view(outcome: domain.Verified | domain.Broken) -> dict[str, Any]:
    """What ``njia-admin audit verify`` prints of a chain."""
    if isinstance(outcome, domain.Broken):
        return {"ok": False, **vars(outcome)}
    end = outcome.end
    return {
        "ok": True,
        "org_id": outcome.org_id,
        "entries": outcome.entries,
        "head_hash": end.hash if end else None,
    }
