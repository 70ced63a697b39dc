"""Rules of organizations, branches and people; plain data, no I/O, time passed in."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

ROLES = ("client", "counselor", "branch_admin", "org_admin")
BRANCH_ROLES = ("client", "counselor", "branch_admin")
DEFAULT_LANGUAGE = "en"
DEFAULT_TIMEZONE = "UTC"
# What a person may change of their own details (``PATCH /api/v1/me``).
OWN_DETAILS = ("name", "phone", "timezone", "language")
# What a client sees of someone else: enough to know and book them, not how to reach them.
SEEN_BY_CLIENTS = ("id", "name", "role", "org_id", "branch_id", "timezone", "language")


class AccountsError(Exception):
    """A rule of accounts was broken; ``field`` names the input at fault."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class SlugTaken(AccountsError):
    pass


class EmailTaken(AccountsError):
    pass


class RoleNotAllowed(AccountsError):
    pass


class BranchRequired(AccountsError):
    pass


class WrongPassword(AccountsError):
    pass


@dataclass(frozen=True)
class Organization:
    id: str
    name: str
    slug: str
    created_at: datetime


@dataclass(frozen=True)
class Branch:
    id: str
    org_id: str
    name: str
    timezone: str
    created_at: datetime
    language: str = DEFAULT_LANGUAGE
    address: str | None = None


@dataclass(frozen=True)
class User:
    id: str
    org_id: str
    email: str
    name: str
    role: str
    created_at: datetime
    timezone: str = DEFAULT_TIMEZONE
    language: str = DEFAULT_LANGUAGE
    branch_id: str | None = None
    phone: str | None = None
    password_hash: str | None = field(default=None, repr=False)
    # 0 at sign-up, one more per change of their details: orders `user.updated` events.
    revision: int = 0
    updated_at: datetime | None = None

    def public(self) -> dict[str, Any]:
        """What anyone allowed to see this user may see (never the password hash)."""
        return {
            "id": self.id,
            "email": self.email,
            "name": self.name,
            "role": self.role,
            "org_id": self.org_id,
            "branch_id": self.branch_id,
            "phone": self.phone,
            "timezone": self.timezone,
            "language": self.language,
            "created_at": self.created_at,
        }

    def seen_by(self, viewer_id: str, viewer_is_staff: bool) -> dict[str, Any]:
        """What a viewer of the same organization sees: staff and the person themselves all of
        ``public()``; a client looking at someone else no email, phone or sign-up time."""
        public = self.public()
        if viewer_is_staff or viewer_id == self.id:
            return public
        return {k: public[k] for k in SEEN_BY_CLIENTS}


def changed_details(user: User, wanted: dict[str, Any]) -> dict[str, Any]:
    """What of ``wanted`` (a subset of ``OWN_DETAILS``) differs from the user's details now."""
    return {k: v for k, v in wanted.items() if k in OWN_DETAILS and getattr(user, k) != v}


def with_details(user: User, changes: dict[str, Any], now: datetime) -> User:
    """The user after ``changes`` (from ``changed_details``): their next revision."""
    return replace(user, **changes, revision=user.revision + 1, updated_at=now)


def normalize_email(email: str) -> str:
    """Emails compare case-insensitively; stored and looked up in one form."""
    return email.strip().lower()


def defaults_from_branch(
    branch: Branch | None, timezone: str | None, language: str | None
) -> tuple[str, str]:
    """A user's time zone and language default from their branch."""
    return (
        timezone or (branch.timezone if branch else DEFAULT_TIMEZONE),
        language or (branch.language if branch else DEFAULT_LANGUAGE),
    )


def check_new_user(*, actor_role: str, actor_branch_id: str | None, role: str, branch_id: str | None) -> None:
    """Who may create whom: org admins anyone in their organization; branch admins
    clients, counselors and branch admins of their own branch; nobody else."""
    if role not in ROLES:
        raise RoleNotAllowed(f"Unknown role {role!r}.", "role")
    if actor_role == "org_admin":
        if role in BRANCH_ROLES and not branch_id:
            raise BranchRequired(f"A {role} belongs to a branch: give branch_id.", "branch_id")
        return
    if actor_role == "branch_admin":
        if not actor_branch_id:
            raise RoleNotAllowed("This branch admin has no branch.", "branch_id")
        if role == "org_admin":
            raise RoleNotAllowed("A branch admin cannot create organization admins.", "role")
        if branch_id != actor_branch_id:
            raise RoleNotAllowed("A branch admin adds people to their own branch only.", "branch_id")
        return
    raise RoleNotAllowed("Only admins add people.", None)


def user_scope(actor_role: str, actor_org_id: str, actor_branch_id: str | None) -> dict[str, Any]:
    """The users an admin may list: the whole organization, or their own branch."""
    scope: dict[str, Any] = {"org_id": actor_org_id}
    if actor_role == "branch_admin":
        scope["branch_id"] = actor_branch_id
    return scope
