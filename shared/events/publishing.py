"""Publishing events so that a write and the events it causes never part ways.

A store writes the changed document with its events embedded (``outbox``), in
one single-document write. The service then publishes each event with broker
confirms and removes it from the outbox. If the broker cannot be reached the
event simply stays in the outbox, and ``relay_outbox`` (run on a timer by every
replica) publishes it later. Consumers deduplicate by ``event_id``, so the rare
double publication (two relays, or a crash after publish) is harmless.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from kombu import Exchange
from nameko.amqp.publish import Publisher
from nameko.constants import CALL_ID_STACK_CONTEXT_KEY, PERSISTENT
from nameko.events import get_event_exchange
from nameko.extensions import DependencyProvider
from nameko.messaging import HeaderEncoder

from shared.config import load_settings
from shared.events.envelope import build, validate_envelope
from shared.logs import REQUEST_ID_KEY
from shared.mongo import Store

log = logging.getLogger(__name__)
Written = TypeVar("Written")

# On the request path give up quickly: the outbox keeps the event anyway.
REQUEST_RETRY_POLICY = {"max_retries": 1, "interval_start": 0.2, "interval_step": 0.3, "interval_max": 0.5}


class EventPublisher:
    """What a worker sees as ``self.events``."""

    def __init__(self, service_name: str, publisher: Publisher, exchange: Exchange, headers: dict[str, Any]):
        self.service_name = service_name
        self._publisher = publisher
        self._exchange = exchange
        self._headers = headers

    def new(self, event_type: str, data: dict[str, Any], occurred_at: datetime) -> dict[str, Any]:
        """A validated envelope; raises ``InvalidEvent`` rather than send a broken event."""
        return build(event_type, data, occurred_at, source=self.service_name)

    def publish(self, envelope: dict[str, Any]) -> bool:
        """Publish with confirms; False (and logged) when the broker did not take it."""
        validate_envelope(envelope)
        try:
            self._publisher.publish(
                envelope,
                exchange=self._exchange,
                routing_key=envelope["event_type"],
                headers=self._headers,
                retry_policy=REQUEST_RETRY_POLICY,
            )
        except Exception as exc:  # any broker failure: the outbox still holds the event
            log.warning(
                "event kept in outbox: broker did not confirm",
                extra={
                    "event_type": envelope["event_type"],
                    "event_id": envelope["event_id"],
                    "error": str(exc),
                },
            )
            return False
        return True

    def record(
        self,
        store: Store,
        collection: str,
        doc_id: Any,
        envelopes: list[dict[str, Any]],
        write: Callable[[list[dict[str, Any]]], Written],
        *,
        fresh: bool = False,
    ) -> Written:
        """The outbox steps in one call: ``write(envelopes)`` stores the document with the events in
        its outbox (one single-document write), then each is published and cleared. ``fresh``: the
        document is new, so its outbox holds just these and one write clears it."""
        written = write(envelopes)
        if fresh and len(envelopes) == 1:
            if self.publish(envelopes[0]):
                store.outbox_only_event_sent(collection, doc_id, envelopes[0]["event_id"])
        else:
            self.deliver(store, collection, doc_id, envelopes)
        return written

    def deliver(self, store: Store, collection: str, doc_id: Any, envelopes: list[dict[str, Any]]) -> int:
        """Publish what a write put in a document's outbox; returns how many went out."""
        sent = 0
        for envelope in envelopes:
            if not self.publish(envelope):
                break  # keep the order: the relay resumes from here
            store.outbox_delivered(collection, doc_id, envelope["event_id"])
            sent += 1
        return sent


class Events(DependencyProvider):
    """``events = Events()`` in a service: validated, confirmed, persistent publishing."""

    def setup(self) -> None:
        settings = load_settings(self.container.config)
        self.exchange = get_event_exchange(self.container.service_name, self.container.config)
        self.publisher = Publisher(
            settings.amqp_uri,
            use_confirms=True,
            delivery_mode=PERSISTENT,
            declare=[self.exchange],
            retry=True,
        )
        self.headers = _Headers()

    def get_dependency(self, worker_ctx: Any) -> EventPublisher:
        return EventPublisher(
            self.container.service_name,
            self.publisher,
            self.exchange,
            self.headers.get_message_headers(worker_ctx),
        )

    def publisher_for_relay(self) -> EventPublisher:
        return EventPublisher(self.container.service_name, self.publisher, self.exchange, {})


class _Headers(HeaderEncoder):
    """nameko's header encoding of context data for event messages: the request id and call ids
    only. An event is a fact for every consumer; the caller's token, address or idempotency key
    stay with the request."""

    CARRIED = (REQUEST_ID_KEY, CALL_ID_STACK_CONTEXT_KEY)

    def get_message_headers(self, worker_ctx: Any) -> dict[str, Any]:
        data = worker_ctx.context_data
        return {self._get_header_name(k): data[k] for k in self.CARRIED if data.get(k) is not None}


def relay_outbox(store: Store, events: EventPublisher, everything: bool = False) -> int:
    """Publish every event still waiting in an outbox; returns how many went out. ``everything``
    reads every document, not only flagged ones (slow: run rarely)."""
    sent = 0
    for collection, doc_id, envelopes in store.pending_outbox(everything):
        if not envelopes:
            store.outbox_delivered(collection, doc_id, "")
            continue
        delivered = events.deliver(store, collection, doc_id, envelopes)
        sent += delivered
        if delivered < len(envelopes):
            break  # the broker is still away; try again on the next tick
    if sent:
        log.info("relayed events from the outbox", extra={"count": sent})
    return sent
