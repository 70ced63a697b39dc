"""Receiving events: validated, idempotent, and never lost when a handler fails.

``@on_event("accounts", USER_REGISTERED)`` wraps nameko's ``event_handler``:

* the envelope is validated against its contract (a broken one goes straight
  to the dead letters: retrying cannot fix it);
* an ``event_id`` already handled by this handler is skipped (redelivery,
  double publication);
* when the handler raises, the event is stored in ``failed_events`` and retried
  with doubling delays by ``retry_failed_events``; after
  ``NJIA_EVENT_MAX_ATTEMPTS`` it is ``dead`` until an admin replays it
  (``njia-admin dead-letters``). nameko itself would ack and drop it.
"""

from __future__ import annotations

import functools
import logging
import traceback
from collections.abc import Callable
from typing import Any

import eventlet
from nameko.events import event_handler
from pymongo.errors import PyMongoError

from shared.config import Settings
from shared.events.envelope import InvalidEvent, validate_envelope
from shared.mongo import Store, now

log = logging.getLogger(__name__)

HANDLERS_ATTR = "__njia_event_handler__"
BOOKKEEPING_BACKOFF_SECONDS = 1.0


def inbox_key(handler: str, event_id: str) -> str:
    return f"{handler}:{event_id}"


def on_event(source: str, event_type: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def decorator(fn: Callable[..., Any]) -> Callable[..., Any]:
        handler = fn.__name__

        # requeue_on_error: only bookkeeping failures escape (the database away); the broker then
        # redelivers. Handler failures are caught and retried from failed_events instead.
        @event_handler(source, event_type, requeue_on_error=True)
        @functools.wraps(fn)
        def receive(self: Any, payload: Any) -> None:
            try:
                receive_once(self, handler, fn, payload)
            except PyMongoError:
                # The database is away while recording: let the broker redeliver, a little later,
                # rather than ack an event nobody recorded.
                eventlet.sleep(BOOKKEEPING_BACKOFF_SECONDS)
                raise

        setattr(receive, HANDLERS_ATTR, (handler, fn))
        return receive

    return decorator


def receive_once(service: Any, handler: str, fn: Callable[..., Any], payload: Any) -> None:
    try:
        envelope = validate_envelope(payload)
    except InvalidEvent as exc:
        log.error("event refused: breaks its contract", extra={"handler": handler, "problems": exc.problems})
        bad = payload if isinstance(payload, dict) else {"payload": repr(payload)}
        key = inbox_key(handler, str(bad.get("event_id", "invalid")))
        service.store.record_failed_event(key, handler, bad, str(exc), now(), 0)
        service.store.mark_failed_event(key, "dead", now())
        return
    handle(service, handler, fn, envelope)


def handle(
    service: Any, handler: str, fn: Callable[..., Any], envelope: dict[str, Any], retried: bool = False
) -> bool:
    """Run ``fn`` once per event id; on failure remember the event for a retry. ``retried`` when
    the event comes from ``failed_events``: only then is there a failure record to close."""
    store: Store = service.store
    key = inbox_key(handler, envelope["event_id"])
    if store.event_seen(key):
        if retried:  # a redelivered copy was handled meanwhile
            store.mark_failed_event(key, "handled", now())
        return True
    try:
        fn(service, envelope)
    except Exception as exc:
        settings: Settings = service.settings
        existing = store.failed_event(key)
        attempts = (existing or {}).get("attempts", 0) + 1
        delay = settings.event_retry_seconds * (2 ** (attempts - 1))
        log.exception(
            "event handler failed; will retry",
            extra={"handler": handler, "event_id": envelope["event_id"], "attempt": attempts},
        )
        store.record_failed_event(key, handler, envelope, f"{exc!r}\n{traceback.format_exc()}", now(), delay)
        if attempts >= settings.event_max_attempts:
            store.mark_failed_event(key, "dead", now())
            log.error("event dead-lettered", extra={"handler": handler, "event_id": envelope["event_id"]})
        return False
    store.mark_event_seen(key, now())
    if retried:
        store.mark_failed_event(key, "handled", now())
    return True


def handlers_of(service_cls: type) -> dict[str, Callable[..., Any]]:
    found = {}
    for name in dir(service_cls):
        marker = getattr(getattr(service_cls, name, None), HANDLERS_ATTR, None)
        if marker:
            found[marker[0]] = marker[1]
    return found


def retry_failed_events(service: Any) -> int:
    """Give each failed event due for a retry one more attempt; returns how many succeeded."""
    store: Store = service.store
    handlers = handlers_of(type(service))
    succeeded = 0
    for failed in store.failed_events_due(now()):
        fn = handlers.get(failed["handler"])
        # One replica per attempt: the claim id names the attempt number.
        if fn is None or not store.claim(
            f"retry:{failed['_id']}:{failed.get('generation', 0)}:{failed.get('attempts', 0)}", "retry", now()
        ):
            continue
        if handle(service, failed["handler"], fn, failed["envelope"], retried=True):
            succeeded += 1
    return succeeded
