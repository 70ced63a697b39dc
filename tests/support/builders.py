"""make_<thing>(**overrides): valid request bodies, unique per call."""

import uuid
from typing import Any


def _tag() -> str:
    return uuid.uuid4().hex[:8]


def make_organization(**overrides: Any) -> dict[str, Any]:
    tag = _tag()
    body: dict[str, Any] = {
        "name": f"Nakuru Careers {tag}",
        "slug": f"nakuru-{tag}",
        "admin": {"email": f"admin-{tag}@example.org", "password": "pass-word-1", "name": "Wanjiku Admin"},
    }
    admin = overrides.pop("admin", None)
    if admin:
        body["admin"] = {**body["admin"], **admin}
    body.update(overrides)
    return body


def make_branch(**overrides: Any) -> dict[str, Any]:
    return {"name": f"Nakuru Town {_tag()}", "timezone": "Africa/Nairobi", **overrides}


def make_user(role: str = "counselor", branch_id: str | None = None, **overrides: Any) -> dict[str, Any]:
    tag = _tag()
    body: dict[str, Any] = {
        "email": f"{role}-{tag}@example.org",
        "name": f"Achieng {role.title()}",
        "role": role,
        "password": "pass-word-1",
    }
    if branch_id:
        body["branch_id"] = branch_id
    body.update(overrides)
    return body


def make_registration(org_slug: str, **overrides: Any) -> dict[str, Any]:
    tag = _tag()
    return {
        "org_slug": org_slug,
        "email": f"client-{tag}@example.org",
        "password": "pass-word-1",
        "name": "Kamau Client",
        **overrides,
    }
