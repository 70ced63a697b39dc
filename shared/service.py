"""What every Njia service has: settings, request-scoped logging, auth, events,
health, the outbox relay, failed-event retries and dead-letter administration.

A service subclasses ``NjiaService``, sets ``name`` and ``store``, and writes only
its own entrypoints.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import amqp.exceptions
from kombu.exceptions import OperationalError
from nameko.extensions import DependencyProvider
from nameko.rpc import Rpc
from nameko.timer import Timer

from shared.auth import Auth
from shared.config import Settings, load_settings
from shared.errors import NjiaError, NotFound
from shared.events.handling import retry_failed_events
from shared.events.publishing import Events, relay_outbox
from shared.logs import RequestLogging
from shared.mongo import Store, now

log = logging.getLogger(__name__)
FULL_RELAY_SECONDS = 3600.0


BROKER_GONE = (OperationalError, ConnectionError, OSError, amqp.exceptions.AMQPError)


class NjiaRpc(Rpc):
    """nameko's RPC entrypoint, except that a broker lost while the answer is sent does not kill the
    container (nameko lets that error end the whole service). The request stays unacknowledged, so
    RabbitMQ hands it out again once the connection is back, and Njia's writing RPCs are idempotent;
    the caller meanwhile hears nothing and its own timeout answers it."""

    def handle_result(self, message: Any, worker_ctx: Any, result: Any, exc_info: Any) -> Any:
        try:
            return super().handle_result(message, worker_ctx, result, exc_info)
        except BROKER_GONE as exc:
            log.warning(
                "answer not sent: the broker is away; the request will be redelivered",
                extra={"method": self.method_name, "error": type(exc).__name__},
            )
            return result, exc_info


def rpc(fn: Any) -> Any:
    """Njia's ``@rpc``: API errors are expected (logged as warnings, not crashes), and losing the
    broker while answering leaves the service running."""
    return NjiaRpc.decorator(expected_exceptions=(NjiaError,))(fn)


class SettingsProvider(DependencyProvider):
    def setup(self) -> None:
        self.settings = load_settings(self.container.config)

    def get_dependency(self, worker_ctx: Any) -> Settings:
        return self.settings


class SettingsTimer(Timer):
    """A nameko timer whose interval is a setting (read when the container starts)."""

    def __init__(self, setting: str, **kwargs: Any) -> None:
        self.setting = setting
        super().__init__(interval=1.0, **kwargs)

    def setup(self) -> None:
        self.interval = float(getattr(load_settings(self.container.config), self.setting))
        super().setup()


every = SettingsTimer.decorator


class NjiaService:
    # No `name` here: `nameko run <module>` would otherwise start this base class as a service too.
    name: str

    settings = SettingsProvider()
    request_id = RequestLogging()
    auth = Auth()
    events = Events()
    store: Store  # each service: MongoStore(ItsStore, "its_database")

    @rpc
    def health(self) -> dict[str, str]:
        """Answers over RabbitMQ and proves the database answers too."""
        self.store.ping()
        return {"service": self.name, "status": "ok"}

    @rpc
    def ping(self) -> dict[str, bool]:
        """The trivial RPC behind the benchmark's framework floor."""
        return {"pong": True}

    @every("outbox_relay_seconds")
    def relay_outbox(self) -> None:
        # Flagged documents every tick; every document at a process's first tick and then hourly.
        everything = time.monotonic() >= self.store.next_full_relay
        relay_outbox(self.store, self.events, everything)
        if everything:
            self.store.next_full_relay = time.monotonic() + FULL_RELAY_SECONDS

    @every("event_retry_seconds")
    def retry_failed_events(self) -> None:
        retry_failed_events(self)

    @rpc
    def list_dead_letters(self) -> list[dict[str, Any]]:
        return [
            {
                "id": doc["_id"],
                "handler": doc.get("handler"),
                "event_type": (doc.get("envelope") or {}).get("event_type"),
                "event_id": (doc.get("envelope") or {}).get("event_id"),
                "attempts": doc.get("attempts", 0),
                "last_error": (doc.get("last_error") or "").splitlines()[0:1],
                "last_failed_at": doc.get("last_failed_at"),
            }
            for doc in self.store.dead_letters()
        ]

    @rpc
    def replay_dead_letter(self, dead_letter_id: str) -> dict[str, Any]:
        if not self.store.revive_failed_event(dead_letter_id, now()):
            raise NotFound(f"No dead letter {dead_letter_id} in {self.name}.")
        retry_failed_events(self)
        doc = self.store.failed_event(dead_letter_id) or {}
        return {"id": dead_letter_id, "status": doc.get("status"), "attempts": doc.get("attempts", 0)}
