"""Rules of organizations, branches and people; plain data, no I/O, time passed in."""

from __future__ import annotations

import re
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
# A person's standing: invited (no password yet), active, or deactivated by an admin.
INVITED, ACTIVE, DEACTIVATED = "invited", "active", "deactivated"
# What an admin may change of someone in their scope (``PATCH /api/v1/users/{id}``).
ADMIN_CHANGES = ("name", "phone", "role", "branch_id")


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


class LinkNotUsable(AccountsError):
    """An invitation or reset link that is unknown, used, revoked or expired."""


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
    # None for a client added with only a phone (a walk-in): nothing to sign in with until an
    # invitation they accept gives one.
    email: str | None
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
    status: str = ACTIVE
    # Tokens issued before the latest reset, sign-out-everywhere or deactivation carry a lower
    # generation and are refused; ``access_revision`` orders `user.access_changed` events.
    sign_in_generation: int = 0
    access_revision: int = 0

    @property
    def active(self) -> bool:
        return self.status == ACTIVE

    def access(self) -> dict[str, Any]:
        """What a gateway needs to honour this person's tokens (`user.access_changed`)."""
        return {
            "user_id": self.id,
            "org_id": self.org_id,
            "role": self.role,
            "branch_id": self.branch_id,
            "active": self.active,
            "sign_in_generation": self.sign_in_generation,
            "access_revision": self.access_revision,
        }

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
            "status": self.status,
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
    """The users staff may list: the whole organization (org admins), or their own branch (branch
    admins; counselors, who list clients only)."""
    scope: dict[str, Any] = {"org_id": actor_org_id}
    if actor_role in ("branch_admin", "counselor"):
        scope["branch_id"] = actor_branch_id
    return scope


# Finding people (``GET /users?q=``) ---------------------------------------------------------------

# What a phone number may be typed with besides digits.
_PHONE_TYPED = re.compile(r"^[0-9+()\s.-]+\Z")
# Kenya's country code: "+254 712 ...", "254712..." and "0712..." name the same number.
_KENYA = "254"
PHONE_DIGITS_AT_LEAST = 3


def phone_part(q: str) -> str | None:
    """The digits of ``q`` to look for in stored (E.164) numbers when ``q`` looks like a phone
    number, its Kenyan prefix (``+254``, ``254`` or a leading ``0``) dropped; else None."""
    if not _PHONE_TYPED.match(q):
        return None
    digits = re.sub(r"[^0-9]", "", q)
    if len(digits) < PHONE_DIGITS_AT_LEAST:
        return None
    if digits.startswith(_KENYA) and len(digits) > len(_KENYA):
        return digits[len(_KENYA) :]
    if digits.startswith("0") and len(digits) > 1:
        return digits[1:]
    return digits


def search_filter(q: str) -> dict[str, Any]:
    """Whom ``q`` finds: part of the name (any case), part of the email address, or part of the
    phone number (``phone_part``). The patterns are the plain text of ``q`` (escaped), read the
    same by MongoDB and by FerretDB. An email match is one in an address with an ``@``: people
    added without an email hold none."""
    text = re.escape(q.strip())
    email = text if "@" in q else f"{text}.*@|@.*{text}"
    found: list[dict[str, Any]] = [
        {"name": {"$regex": text, "$options": "i"}},
        {"email": {"$regex": email, "$options": "i"}},
    ]
    phone = phone_part(q.strip())
    if phone:
        found.append({"phone": {"$regex": re.escape(phone)}})
    return {"$or": found}


def check_contact(*, role: str, email: str | None, phone: str | None, password: str | None) -> None:
    """How a person is reached and signs in: with their email. Only a client may be added without
    one (a walk-in known by their phone: ``AccountsError`` naming the field otherwise), and then
    with a phone and no password (there would be nothing to sign in with)."""
    if email:
        return
    if role != "client":
        raise AccountsError("Staff sign in with their email address: give one.", "email")
    if not phone:
        raise AccountsError("Give an email address or a phone number.", "email")
    if password:
        raise AccountsError(
            "Without an email there is nothing to sign in with: leave out the password.", "password"
        )


def manages(actor_role: str, actor_org_id: str, actor_branch_id: str | None, person: User) -> bool:
    """Whether an admin may change, deactivate or reactivate ``person``: an org admin anyone of
    their organization, a branch admin the clients, counselors and branch admins of their branch."""
    if person.org_id != actor_org_id:
        return False
    if actor_role == "org_admin":
        return True
    return (
        actor_role == "branch_admin" and person.branch_id == actor_branch_id and person.role in BRANCH_ROLES
    )


def check_admin_changes(
    *, actor_role: str, actor_id: str, actor_branch_id: str | None, person: User, changes: dict[str, Any]
) -> None:
    """Rules of ``PATCH /users/{id}`` once ``manages`` holds: the person after the change must be
    one the actor could have created, and nobody changes their own role or branch."""
    if ("role" in changes or "branch_id" in changes) and person.id == actor_id:
        raise RoleNotAllowed("You cannot change your own role or branch; ask another admin.", "role")
    role = changes.get("role", person.role)
    branch_id = changes.get("branch_id", person.branch_id)
    if role == "org_admin" and "role" in changes:
        branch_id = None  # an organization admin belongs to no branch
    check_new_user(actor_role=actor_role, actor_branch_id=actor_branch_id, role=role, branch_id=branch_id)


def with_admin_changes(user: User, changes: dict[str, Any], now: datetime) -> User:
    """The person after an admin's changes; a new role or branch is a new access revision."""
    if changes.get("role") == "org_admin":
        changes = {**changes, "branch_id": None}
    access_changed = any(k in changes for k in ("role", "branch_id"))
    return replace(
        user,
        **changes,
        revision=user.revision + 1,
        updated_at=now,
        access_revision=user.access_revision + int(access_changed),
    )


def with_status(user: User, status: str, now: datetime, end_sign_ins: bool) -> User:
    """The person made active or deactivated; ``end_sign_ins`` refuses every token issued so far."""
    return replace(
        user,
        status=status,
        updated_at=now,
        sign_in_generation=user.sign_in_generation + int(end_sign_ins),
        access_revision=user.access_revision + 1,
    )


def signed_out_everywhere(user: User, now: datetime) -> User:
    return with_status(user, user.status, now, end_sign_ins=True)


def staff_zone_follows(user: User, old_zone: str, new_zone: str) -> bool:
    """A branch's new zone moves its staff who had the branch's zone, not those who chose theirs."""
    return user.role != "client" and user.timezone == old_zone and old_zone != new_zone


@dataclass(frozen=True)
class Invitation:
    id: str
    org_id: str
    name: str
    role: str
    branch_id: str | None
    email: str | None
    phone: str | None
    timezone: str
    language: str
    invited_by: str
    created_at: datetime
    expires_at: datetime
    nonce: str = field(repr=False)
    token_digest: str = field(repr=False)
    status: str = "sent"
    sent_count: int = 1
    user_id: str | None = None  # the person already added (POST /users without a password), or once accepted
    accepted_at: datetime | None = None

    def status_at(self, now: datetime) -> str:
        return "expired" if self.status == "sent" and self.expires_at <= now else self.status

    def public(self, now: datetime) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "role": self.role,
            "branch_id": self.branch_id,
            "email": self.email,
            "phone": self.phone,
            "status": self.status_at(now),
            "expires_at": self.expires_at,
            "created_at": self.created_at,
            "invited_by": self.invited_by,
            "sent_count": self.sent_count,
            "user_id": self.user_id,
        }


def check_usable(invitation: Invitation | None, now: datetime) -> Invitation:
    """The invitation a link names, if it can still be accepted."""
    if invitation is None:
        raise LinkNotUsable("This invitation link is not valid; ask for a new one.", "token")
    state = invitation.status_at(now)
    if state == "accepted":
        raise LinkNotUsable("This invitation was already accepted; sign in instead.", "token")
    if state == "revoked":
        raise LinkNotUsable("This invitation was withdrawn; ask your organization for a new one.", "token")
    if state == "expired":
        raise LinkNotUsable("This invitation link has expired; ask for a new one.", "token")
    return invitation


@dataclass(frozen=True)
class PasswordReset:
    id: str
    user_id: str
    org_id: str
    created_at: datetime
    expires_at: datetime
    token_digest: str = field(repr=False)
    used_at: datetime | None = None


def check_reset_usable(reset: PasswordReset | None, now: datetime) -> PasswordReset:
    if reset is None or reset.used_at is not None:
        raise LinkNotUsable("This reset link is not valid or was already used; ask for a new one.", "token")
    if reset.expires_at <= now:
        raise LinkNotUsable("This reset link has expired; ask for a new one.", "token")
    return reset


def invitation_facts(invitation: Invitation, org_name: str, inviter_name: str) -> dict[str, Any]:
    """What `invitation.sent` tells notifications: whom to reach, how, and the link's nonce."""
    keep = ("org_id", "branch_id", "role", "name", "email", "phone", "language", "timezone")
    facts = {k: getattr(invitation, k) for k in keep}
    return {
        **facts,
        "invitation_id": invitation.id,
        "org_name": org_name,
        "invited_by": invitation.invited_by,
        "inviter_name": inviter_name,
        "nonce": invitation.nonce,
        "expires_at": invitation.expires_at,
    }


def branch_facts(branch: Branch, before: Branch, changed_fields: list[str]) -> dict[str, Any]:
    """What `branch.updated` carries: the branch as it is now, and the zone it had."""
    return {
        "branch_id": branch.id,
        "org_id": branch.org_id,
        "name": branch.name,
        "timezone": branch.timezone,
        "language": branch.language,
        "address": branch.address,
        "previous_timezone": before.timezone,
        "changed_fields": changed_fields,
    }


def signed_in(user: User, token: str, ttl_seconds: int) -> dict[str, Any]:
    """The answer of a sign-in (and of accepting an invitation or resetting a password)."""
    return {"access_token": token, "token_type": "bearer", "expires_in": ttl_seconds, "user": user.public()}
