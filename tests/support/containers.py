"""Calling services in nameko test containers, as the gateway would."""

from typing import Any

from nameko.testing.services import entrypoint_hook

from shared.auth import TOKEN_KEY
from shared.mongo import MongoStore
from tests.support.builders import make_availability, make_branch, make_organization, make_user


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


def open_practice(containers: dict[str, Any]) -> dict[str, Any]:
    """A new organization with one branch, a counselor free every day (2 hours' notice) and a client:
    the admin's, counselor's and client's tokens, and the ids ``org_id``, ``counselor_id``, ``client_id``."""
    accounts = containers["accounts"]
    body = make_organization()
    org = call(accounts, "create_organization", body)
    made = {"org_id": org["id"], "admin": _token(accounts, body["admin"]["email"])}
    branch = call(accounts, "create_branch", make_branch(), token=made["admin"])
    for role in ("counselor", "client"):
        user = make_user(role, branch["id"])
        made[f"{role}_id"] = call(accounts, "create_user", user, token=made["admin"])["id"]
        made[role] = _token(accounts, user["email"])
    call(
        containers["scheduling"],
        "set_availability",
        made["counselor_id"],
        make_availability(),
        token=made["counselor"],
    )
    return made


def _token(accounts: Any, email: str) -> str:
    return str(call(accounts, "issue_token", {"email": email, "password": "pass-word-1"})["access_token"])
