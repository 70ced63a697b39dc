"""The notifications service's RPC schemas; the gateway documents its HTTP API from these."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, validate, validates

from shared.fetching import FetchFailed, FetchPolicy, FetchRefused, check_url
from shared.schemas import StrictSchema, page_of

EVENTS = (
    "session.booked",
    "session.rescheduled",
    "session.cancelled",
    "session.completed",
    "session.no_show",
    "session.counselor_no_show",
)


class Channels(StrictSchema):
    email = fields.Boolean(load_default=True)
    sms = fields.Boolean(load_default=True)
    in_app = fields.Boolean(load_default=True)


class PreferencesIn(StrictSchema):
    channels = fields.Nested(Channels, load_default=lambda: {"email": True, "sms": True, "in_app": True})
    # The ranges are domain rules (domain.check_offsets); stated here for the document.
    reminder_offsets_minutes = fields.List(
        fields.Integer(metadata={"minimum": 1, "maximum": 20_160}),
        load_default=lambda: [1440, 60],
        metadata={"maxItems": 5, "description": "minutes before a session, 1 to 20160 (14 days), at most 5"},
    )


class PreferencesOut(StrictSchema):
    channels = fields.Nested(Channels, required=True)
    reminder_offsets_minutes = fields.List(fields.Integer(), required=True)


class NotificationOut(StrictSchema):
    id = fields.String(required=True)
    kind = fields.String(required=True)
    subject = fields.String(required=True)
    text = fields.String(required=True)
    session_id = fields.String(allow_none=True)
    created_at = fields.AwareDateTime(required=True)
    read = fields.Boolean(required=True)


NotificationPage = page_of(NotificationOut)


class ReminderOut(StrictSchema):
    offset_minutes = fields.Integer(required=True)
    channel = fields.String(required=True)
    recipient_id = fields.String(required=True)
    # When it was planned for; a retry after a failed attempt keeps it and sets next_attempt_at.
    due_at = fields.AwareDateTime(required=True)
    # While it is scheduled: when it is next tried (its due_at until an attempt fails); else null.
    next_attempt_at = fields.AwareDateTime(allow_none=True)
    status = fields.String(
        required=True, validate=validate.OneOf(("scheduled", "sent", "failed", "cancelled", "skipped"))
    )
    sent_at = fields.AwareDateTime(allow_none=True)
    attempts = fields.Integer()
    last_error = fields.String(allow_none=True)
    # A replica stopped while sending it and another sent it again: the recipient may have two
    # copies, with the same Message-ID (email) or clientRef (SMS).
    possible_duplicate = fields.Boolean()


ReminderList = page_of(ReminderOut)


def _webhook_url(required: bool) -> fields.Url:
    return fields.Url(
        required=required, schemes={"http", "https"}, require_tld=False, validate=validate.Length(max=2000)
    )


def _webhook_events(required: bool) -> fields.List:
    return fields.List(
        fields.String(validate=validate.OneOf(EVENTS)),
        required=required,
        validate=validate.Length(min=1, max=len(EVENTS)),
    )


def _webhook_secret(required: bool) -> fields.String:
    return fields.String(required=required, load_only=True, validate=validate.Length(min=16, max=200))


class _WebhookUrlGuard(StrictSchema):
    """``allow_private`` is NJIA_WEBHOOK_ALLOW_PRIVATE: only then may ``url`` reach a private address."""

    def __init__(self, *, allow_private: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.allow_private = allow_private

    @validates("url")
    def _reaches_a_public_address(self, value: str, **kwargs: Any) -> None:
        # Deliveries check again (Webhooks.post): the host's DNS may change after registration.
        try:
            check_url(value, FetchPolicy(allow_private=self.allow_private))
        except (FetchRefused, FetchFailed) as exc:
            raise ValidationError(str(exc)) from None


class WebhookIn(_WebhookUrlGuard):
    url = _webhook_url(required=True)
    events = _webhook_events(required=True)
    secret = _webhook_secret(required=True)


class WebhookChanges(_WebhookUrlGuard):
    """PATCH /api/v1/webhooks/{id}: any of these, checked as at registration; ``active: false`` pauses
    deliveries, ``active: true`` turns the webhook back on (its failure count starts again at 0)."""

    url = _webhook_url(required=False)
    events = _webhook_events(required=False)
    secret = _webhook_secret(required=False)
    active = fields.Boolean()


class WebhookOut(StrictSchema):
    id = fields.String(required=True)
    url = fields.String(required=True)
    events = fields.List(fields.String(), required=True)
    active = fields.Boolean(required=True)
    consecutive_failures = fields.Integer()
    created_at = fields.AwareDateTime(required=True)


WebhookList = page_of(WebhookOut)
