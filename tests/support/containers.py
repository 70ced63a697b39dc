"""Calling services in nameko test containers, as the gateway would."""

from typing import Any

from nameko.testing.services import entrypoint_hook

from shared.auth import TOKEN_KEY
from shared.mongo import MongoStore


def call(container: Any, method: str, *args: Any, token: str | None = None) -> Any:
    """Call ``method`` in ``container`` with ``token`` as the caller's access token."""
    with entrypoint_hook(container, method, context_data={TOKEN_KEY: token} if token else {}) as hook:
        return hook(*args)


def store_of(container: Any) -> Any:
    """The store a running container's MongoStore built (tests read and stage data through it)."""
    return next(ext for ext in container.extensions if isinstance(ext, MongoStore)).store


def start_containers(container_factory: Any, config: dict[str, Any], *services: Any) -> dict[str, Any]:
    """Each service in a started nameko test container with ``config``, by service name."""
    containers = {}
    for cls in services:
        containers[cls.name] = container_factory(cls, config)
        containers[cls.name].start()
    return containers
