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


def make_availability(timezone: str = "Africa/Nairobi", **overrides: Any) -> dict[str, Any]:
    """Every day 08:00-18:00 local, 45-minute sessions, 15-minute buffer, 2 hours' notice."""
    body: dict[str, Any] = {
        "timezone": timezone,
        "weekly": [{"weekday": day, "start": "08:00", "end": "18:00"} for day in range(7)],
        "exceptions": [],
        "session_minutes": 45,
        "buffer_minutes": 15,
        "min_notice_minutes": 120,
    }
    body.update(overrides)
    return body
