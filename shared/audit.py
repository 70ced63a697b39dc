"""The audit log, from the side of the services that record in it: ``audit = AuditTrail()``.

A worker records what it did or read::

    self.audit.record(CLIENT_RECORD_READ, client_id, org_id=caller.org_id, branch_id=branch_id)

and the record goes out as an ``audit.recorded`` event (``shared/events/contracts.py``) on the
service's own exchange, with ``at``, the request id (context data), the HTTP client's address
(``shared.auth.ADDRESS_KEY``, set by the gateway) and the actor (the verified access token's
subject when ``actor_id`` is not given). The audit service appends it to the organization's hash
chain once per event id, whichever replica hears it and however often it is delivered.

Not slowing the request: one publish with broker confirms, no RPC and no database.
Not losing entries when the audit service is down: its queues are durable and declared before
traffic (``njia-admin declare-queues`` from ``SUBSCRIPTIONS``), messages are persistent, and the
publish is *mandatory*, so a record no queue would take (the queue not declared) is refused by the
broker instead of dropped. The entries wait in the queue until the audit service is back.

When the broker is away (or refuses the record) at record time, ``record`` raises ``Unavailable``
and the request answers 503: nobody reads a client's case notes or record without it being
recorded. Call ``record`` *before* handing the data back (a read) — the read then either is
recorded or does not happen. Where a record belongs to a write that is already stored (a role
change), build it with ``event(...)`` instead and put it in the write's outbox
(``self.events.record(...)``): the outbox relay publishes it when the broker is back, so the change
and its record never part ways.

No email address, phone number or token goes into a record: ids, an action name, a time, the
request id and the client's address only.
"""

from __future__ import annotations

import logging
from typing import Any

from kombu import Exchange
from nameko.amqp.publish import Publisher
from nameko.constants import PERSISTENT
from nameko.events import get_event_exchange
from nameko.extensions import DependencyProvider

from shared.auth import ADDRESS_KEY, TOKEN_KEY, Tokens
from shared.clock import utc_now
from shared.config import load_settings
from shared.errors import Unauthorized, Unavailable
from shared.events.contracts import AUDIT_RECORDED
from shared.events.envelope import build
from shared.events.publishing import REQUEST_RETRY_POLICY, _Headers
from shared.logs import REQUEST_ID_KEY

log = logging.getLogger(__name__)

SIGN_IN_SUCCEEDED = "sign_in.succeeded"
SIGN_IN_FAILED = "sign_in.failed"
INVITATION_SENT = "invitation.sent"
INVITATION_ACCEPTED = "invitation.accepted"
INVITATION_REVOKED = "invitation.revoked"
USER_ROLE_CHANGED = "user.role_changed"
USER_BRANCH_CHANGED = "user.branch_changed"
USER_DEACTIVATED = "user.deactivated"
USER_REACTIVATED = "user.reactivated"
PASSWORD_RESET = "password.reset"
CASE_NOTES_READ = "case_notes.read"
CLIENT_RECORD_READ = "client_record.read"
EXPORT_CREATED = "export.created"

ACTIONS = (
    SIGN_IN_SUCCEEDED,
    SIGN_IN_FAILED,
    INVITATION_SENT,
    INVITATION_ACCEPTED,
    INVITATION_REVOKED,
    USER_ROLE_CHANGED,
    USER_BRANCH_CHANGED,
    USER_DEACTIVATED,
    USER_REACTIVATED,
    PASSWORD_RESET,
    CASE_NOTES_READ,
    CLIENT_RECORD_READ,
    EXPORT_CREATED,
)


class Audit:
    """What a worker sees as ``self.audit``."""

    def __init__(
        self,
        service_name: str,
        publisher: Publisher,
        exchange: Exchange,
        context: dict[str, Any],
        tokens: Tokens,
        headers: dict[str, Any],
    ) -> None:
        self._service_name = service_name
        self._publisher = publisher
        self._exchange = exchange
        self._context = context
        self._tokens = tokens
        self._headers = headers

    def record(
        self,
        action: str,
        subject_id: str | None,
        *,
        org_id: str,
        branch_id: str | None = None,
        actor_id: str | None = None,
    ) -> str:
        """Publish the record now (confirmed, persistent, mandatory); returns its id (the event id,
        which is also the audit entry's id). Raises ``Unavailable`` (503) when the broker does not
        take it, so the caller's request fails rather than go unrecorded."""
        envelope = self.event(action, subject_id, org_id=org_id, branch_id=branch_id, actor_id=actor_id)
        try:
            self._publisher.publish(
                envelope,
                exchange=self._exchange,
                routing_key=AUDIT_RECORDED,
                headers=self._headers,
                retry_policy=REQUEST_RETRY_POLICY,
            )
        except Exception as exc:  # any broker failure or refusal: the request must not go unrecorded
            log.warning(
                "audit record not taken by the broker; the request fails",
                extra={"action": action, "event_id": envelope["event_id"], "error": type(exc).__name__},
            )
            raise Unavailable("The audit log cannot be written just now; try again shortly.") from None
        return str(envelope["event_id"])

    def event(
        self,
        action: str,
        subject_id: str | None,
        *,
        org_id: str,
        branch_id: str | None = None,
        actor_id: str | None = None,
    ) -> dict[str, Any]:
        """The record as an ``audit.recorded`` envelope, not yet sent: for a write's outbox."""
        if action not in ACTIONS:
            raise ValueError(f"unknown audit action {action!r}: add it to shared.audit.ACTIONS")
        at = utc_now()
        data = {
            "at": at,
            "action": action,
            "org_id": org_id,
            "branch_id": branch_id,
            "subject_id": subject_id,
            "actor_id": actor_id or self.actor_id(),
            "request_id": self._context.get(REQUEST_ID_KEY) or None,
            "ip": self._context.get(ADDRESS_KEY) or None,
        }
        return build(AUDIT_RECORDED, data, at, source=self._service_name)

    def actor_id(self) -> str | None:
        """Who is acting: the verified access token's subject, or None (sign-in, a timer)."""
        token = self._context.get(TOKEN_KEY)
        if not token:
            return None
        try:
            return self._tokens.verify(token).user_id
        except Unauthorized:
            return None


class AuditTrail(DependencyProvider):
    """``audit = AuditTrail()`` in a service listed in ``shared.events.contracts.AUDITED_SERVICES``
    (the audit service hears each of those on a queue of its own)."""

    def setup(self) -> None:
        settings = load_settings(self.container.config)
        self.tokens = Tokens.from_settings(settings)
        self.exchange = get_event_exchange(self.container.service_name, self.container.config)
        self.publisher = Publisher(
            settings.amqp_uri,
            use_confirms=True,
            delivery_mode=PERSISTENT,
            mandatory=True,
            declare=[self.exchange],
            retry=True,
        )
        self.headers = _Headers()

    def get_dependency(self, worker_ctx: Any) -> Audit:
        return Audit(
            self.container.service_name,
            self.publisher,
            self.exchange,
            dict(worker_ctx.data),
            self.tokens,
            self.headers.get_message_headers(worker_ctx),
        )
