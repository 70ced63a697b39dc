"""A nameko service that only records events: it stands where a listening service will."""

from collections.abc import Callable
from typing import Any

from shared.events.handling import on_event
from shared.mongo import MongoStore, Store
from shared.service import NjiaService


def event_recorder(
    source: str, *event_types: str, name: str
) -> tuple[type[NjiaService], list[dict[str, Any]]]:
    """A service called ``name`` (its database too) appending every ``source`` event of
    ``event_types`` it hears to the list returned beside it. Each event has its own handler,
    ``handle_<event type>`` (``session.no_show`` -> ``handle_session_no_show``): nameko finds
    entrypoints on the class, and the handler's name keys its inbox."""
    received: list[dict[str, Any]] = []

    def recording(event_type: str) -> Callable[..., Any]:
        def record(self: Any, envelope: dict[str, Any]) -> None:
            received.append(envelope)

        record.__name__ = record.__qualname__ = "handle_" + event_type.replace(".", "_")
        return on_event(source, event_type)(record)

    handlers = {handler.__name__: handler for handler in map(recording, event_types)}
    attributes = {"name": name, "store": MongoStore(Store, name), "__module__": __name__, **handlers}
    return type(f"EventRecorder_{name}", (NjiaService,), attributes), received
