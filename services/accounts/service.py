"""accounts: entrypoints only — validate, read, decide, write, publish."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from services.accounts import schemas
from services.accounts.domain import (
    AccountsError,
    Branch,
    EmailTaken,
    Organization,
    SlugTaken,
    User,
    changed_details,
    check_contact,
    check_new_user,
    defaults_from_branch,
    normalize_email,
    search_filter,
    signed_in,
    user_scope,
    with_details,
)
from services.accounts.lifecycle import SIGN_IN_FAILURES, LifeCycleEntrypoints
from services.accounts.security import TwoFactorEntrypoints
from services.accounts.store import AccountsStore
from shared.audit import SIGN_IN_FAILED, SIGN_IN_SUCCEEDED, AuditTrail
from shared.auth import Caller, Tokens
from shared.errors import Conflict, Forbidden, NotFound, Unauthorized, ValidationFailed
from shared.events.contracts import (
    BRANCH_CREATED,
    ORGANIZATION_CREATED,
    USER_REGISTERED,
    USER_UPDATED,
)
from shared.ids import new_id
from shared.limits import Limit, refuse_when_limited
from shared.mongo import MongoStore, now
from shared.passwords import PasswordHashing
from shared.schemas import load
from shared.service import NjiaService, rpc

MINUTE = timedelta(minutes=1)
LIMITED = "Too many requests; try again shortly."


def _as_api_error(exc: AccountsError) -> Exception:
    details = {exc.field: [str(exc)]} if exc.field else {}
    if isinstance(exc, (SlugTaken, EmailTaken)):
        return Conflict(str(exc), details)
    return Forbidden(str(exc), details)


def _page(items: list[dict[str, Any]], next_cursor: str | None) -> dict[str, Any]:
    return {"items": items, "next_cursor": next_cursor}


class AccountsService(TwoFactorEntrypoints, LifeCycleEntrypoints, NjiaService):
    name = "accounts"
    store: AccountsStore = MongoStore(AccountsStore, "accounts")  # type: ignore[assignment]
    passwords = PasswordHashing()
    audit = AuditTrail()

    # Helpers ------------------------------------------------------------------

    @staticmethod
    def _person(user: User) -> dict[str, Any]:
        """The person as `user.registered` and `user.updated` describe them."""
        data = {k: v for k, v in user.public().items() if k not in ("id", "created_at")}
        return {"user_id": user.id, **data, "revision": user.revision}

    def _registered(self, user: User) -> dict[str, Any]:
        return self.events.new(USER_REGISTERED, self._person(user), user.created_at)

    def _token_response(self, user: User) -> dict[str, Any]:
        """What signing in gives: a token of the person's current role, branch and sign-in generation."""
        caller = Caller(user.id, user.org_id, user.role, user.branch_id, user.sign_in_generation)
        tokens = Tokens.from_settings(self.settings)
        return signed_in(user, tokens.issue(caller, now()), tokens.ttl_seconds)

    def _count_sign_up(self) -> None:
        """At most ``sign_ups_per_hour`` sign-ups (organizations and clients) per address; each try
        counts, as each costs a password hash (no address: not an HTTP request, not limited)."""
        limit = Limit("sign_ups_from", self.settings.sign_ups_per_hour, timedelta(hours=1))
        at = now()
        refuse_when_limited(self.store, [(limit, self.auth.address)], at, LIMITED)
        if self.auth.address:
            self.store.count_attempt(limit, self.auth.address, at)

    def _add_user(self, user: User) -> dict[str, Any]:
        event, at = self._registered(user), now()
        try:
            self.events.record(
                self.store, "users", user.id, [event], lambda e: self.store.add_user(user, e, at), fresh=True
            )
        except EmailTaken as exc:
            raise Conflict(str(exc), {"email": [str(exc)]}) from None
        return user.public()

    # Organizations and sign-up ------------------------------------------------------

    @rpc
    def create_organization(self, body: dict[str, Any]) -> dict[str, Any]:
        data = load(schemas.CreateOrganization(), body)
        self._count_sign_up()
        at = now()
        admin_in = data["admin"]
        org = Organization(id=new_id("org"), name=data["name"], slug=data["slug"], created_at=at)
        timezone, language = defaults_from_branch(None, admin_in["timezone"], admin_in["language"])
        admin = User(
            id=new_id("usr"),
            org_id=org.id,
            email=normalize_email(admin_in["email"]),
            name=admin_in["name"],
            role="org_admin",
            created_at=at,
            timezone=timezone,
            language=language,
            password_hash=self.passwords.hash(admin_in["password"]),
        )
        org_event = self.events.new(
            ORGANIZATION_CREATED,
            {"org_id": org.id, "name": org.name, "slug": org.slug, "admin_id": admin.id},
            at,
        )
        admin_event = self._registered(admin)
        try:
            # One store call writes both documents; both events ride in the organization's outbox
            # (its document is written last: until then the sign-up has not happened).
            self.events.record(
                self.store,
                "organizations",
                org.id,
                [org_event, admin_event],
                lambda events: self.store.create_organization(org, admin, events, at),
            )
        except AccountsError as exc:
            raise _as_api_error(exc) from None
        return {
            "id": org.id,
            "name": org.name,
            "slug": org.slug,
            "admin": {"id": admin.id, "email": admin.email, "role": admin.role},
        }

    @rpc
    def issue_token(self, body: dict[str, Any]) -> dict[str, Any]:
        data = load(schemas.TokenRequest(), body)
        email, at = normalize_email(data["email"]), now()
        # The limits come first: once reached, even the right password waits.
        per_address = Limit("sign_in_failures_from", self.settings.sign_in_failures_per_minute, MINUTE)
        limits = [(SIGN_IN_FAILURES, email), (per_address, self.auth.address)]
        refuse_when_limited(self.store, limits, at, LIMITED)
        user = self.store.user_by_email(email)
        # Verify even for unknown emails so timing does not reveal who has an account.
        if not self.passwords.verify(user.password_hash if user else None, data["password"]) or user is None:
            self._failed_sign_in(limits, user, at)
            if user is not None:  # an address with no account belongs to no organization's log
                self.audit.record(SIGN_IN_FAILED, user.id, org_id=user.org_id, branch_id=user.branch_id)
            raise Unauthorized("Wrong email or password.")
        if not user.active:  # the right password: saying so reveals nothing new
            raise Unauthorized(
                "This account is deactivated; ask your organization's admin.", {"reason": "deactivated"}
            )
        extra = self._second_factor(user, data["code"])
        self.audit.record(
            SIGN_IN_SUCCEEDED, user.id, org_id=user.org_id, branch_id=user.branch_id, actor_id=user.id
        )
        return {**self._token_response(user), **extra}

    @rpc
    def register_client(self, body: dict[str, Any]) -> dict[str, Any]:
        data = load(schemas.Registration(), body)
        self._count_sign_up()
        org = self.store.organization_by_slug(data["org_slug"])
        if org is None:
            raise ValidationFailed(details={"org_slug": ["No organization has this slug."]})
        branch = None
        if data["branch_id"]:
            branch = self.store.branch(data["branch_id"], org.id)
            if branch is None:
                raise ValidationFailed(details={"branch_id": ["No such branch in this organization."]})
        # API.md: defaults from the branch; a client who named none takes the organization's first.
        home = branch or self.store.first_branch(org.id)
        timezone, language = defaults_from_branch(home, data["timezone"], data["language"])
        user = User(
            id=new_id("usr"),
            org_id=org.id,
            email=normalize_email(data["email"]),
            name=data["name"],
            role="client",
            created_at=now(),
            timezone=timezone,
            language=language,
            branch_id=branch.id if branch else None,
            phone=data["phone"],
            password_hash=self.passwords.hash(data["password"]),
        )
        return self._add_user(user)

    # The caller ----------------------------------------------------------------------

    @rpc
    def me(self) -> dict[str, Any]:
        caller = self.auth.caller()
        user = self.store.user(caller.user_id, caller.org_id)
        if user is None or not user.active:
            raise Unauthorized("This account no longer exists or was deactivated.")
        return user.public()

    @rpc
    def update_me(self, body: dict[str, Any]) -> dict[str, Any]:
        """The caller changes their own name, phone, time zone or language (``PATCH /api/v1/me``);
        other services hear of it through `user.updated`, written with the user in one write."""
        caller = self.auth.caller()
        wanted = load(schemas.OwnDetails(), body)
        at = now()
        if not self.store.begin_change(caller.user_id, at):
            raise Conflict(
                "Your details are being changed by another request; look at them again and retry.",
                {"reason": "change_in_progress"},
            )
        try:
            user = self.store.user(caller.user_id, caller.org_id)
            if user is None:
                raise Unauthorized("This account no longer exists.")
            changes = changed_details(user, wanted)
            if not changes:
                return user.public()  # nothing new: no revision, no event
            changed = with_details(user, changes, at)
            data = {**self._person(changed), "updated_at": at, "changed_fields": sorted(changes)}
            event = self.events.new(USER_UPDATED, data, at)
            self.events.record(
                self.store, "users", user.id, [event], lambda events: self.store.change_user(changed, events)
            )
        finally:
            self.store.end_change(caller.user_id)
        return changed.public()

    @rpc
    def my_organization(self) -> dict[str, Any]:
        caller = self.auth.caller()
        org = self.store.organization(caller.org_id)
        if org is None:
            raise NotFound("This organization no longer exists.")
        return {"id": org.id, "name": org.name, "slug": org.slug}

    # Branches ----------------------------------------------------------------------

    @rpc
    def create_branch(self, body: dict[str, Any]) -> dict[str, Any]:
        caller = self.auth.caller("org_admin")
        data = load(schemas.CreateBranch(), body)
        branch = Branch(
            id=new_id("br"),
            org_id=caller.org_id,
            name=data["name"],
            timezone=data["timezone"],
            created_at=now(),
            language=data["language"],
            address=data["address"],
        )
        event = self.events.new(
            BRANCH_CREATED,
            {
                "branch_id": branch.id,
                "org_id": branch.org_id,
                "name": branch.name,
                "timezone": branch.timezone,
                "language": branch.language,
            },
            branch.created_at,
        )
        self.events.record(
            self.store,
            "branches",
            branch.id,
            [event],
            lambda events: self.store.add_branch(branch, events),
            fresh=True,
        )
        return vars(branch)

    @rpc
    def list_branches(self, query: dict[str, Any] | None = None) -> dict[str, Any]:
        caller = self.auth.caller()
        params = load(schemas.BranchQuery(), query or {})
        branches, next_cursor = self.store.branches_of(caller.org_id, params["limit"], params["cursor"])
        return _page([vars(b) for b in branches], next_cursor)

    @rpc
    def get_branch(self, branch_id: str) -> dict[str, Any]:
        caller = self.auth.caller()
        branch = self.store.branch(branch_id, caller.org_id)
        if branch is None:
            raise NotFound("No such branch.")
        return vars(branch)

    # People --------------------------------------------------------------------------

    @rpc
    def create_user(self, body: dict[str, Any]) -> dict[str, Any]:
        caller = self.auth.caller("org_admin", "branch_admin")
        data = load(schemas.CreateUser(), body)
        try:
            check_new_user(
                actor_role=caller.role,
                actor_branch_id=caller.branch_id,
                role=data["role"],
                branch_id=data["branch_id"],
            )
        except AccountsError as exc:
            if exc.field == "branch_id" and caller.is_org_admin:
                raise ValidationFailed(details={"branch_id": [str(exc)]}) from None
            raise _as_api_error(exc) from None
        try:
            check_contact(
                role=data["role"], email=data["email"], phone=data["phone"], password=data["password"]
            )
        except AccountsError as exc:
            raise ValidationFailed(str(exc), {exc.field or "email": [str(exc)]}) from None
        branch = None
        if data["branch_id"]:
            branch = self.store.branch(data["branch_id"], caller.org_id)
            if branch is None:
                raise ValidationFailed(details={"branch_id": ["No such branch in your organization."]})
        timezone, language = defaults_from_branch(branch, data["timezone"], data["language"])
        user = User(
            id=new_id("usr"),
            org_id=caller.org_id,
            email=normalize_email(data["email"]) if data["email"] else None,
            name=data["name"],
            role=data["role"],
            created_at=now(),
            timezone=timezone,
            language=language,
            branch_id=branch.id if branch else None,
            phone=data["phone"],
            password_hash=self.passwords.hash(data["password"]) if data["password"] else None,
            # A walk-in client added quietly with only a phone is booked for at once: active, with
            # nothing to sign in with (no email, no password) until an invitation gives them both.
            status="active" if data["password"] or not (data["email"] or data["invite"]) else "invited",
        )
        added = self._add_user(user)
        if not data["password"] and data["invite"]:  # nothing lets them sign in yet: invite them
            self._invite(caller, {**data, "branch_id": user.branch_id}, user_id=user.id)
        return added

    @rpc
    def list_users(self, query: dict[str, Any] | None = None) -> dict[str, Any]:
        """Admins list the people of their scope; counselors find the clients of their branch (a
        receptionist or counselor booking for someone); ``q`` finds by name, email or phone."""
        caller = self.auth.caller("org_admin", "branch_admin", "counselor")
        params = load(schemas.UserQuery(), query or {})
        if caller.role == "counselor" and params["role"] != "client":
            raise Forbidden(
                "Counselors find clients only: ask for role=client.", {"role": ["Use role=client."]}
            )
        scope = user_scope(caller.role, caller.org_id, caller.branch_id)
        if params["branch_id"]:
            if caller.role != "org_admin" and params["branch_id"] != caller.branch_id:
                raise Forbidden(
                    "Staff of a branch list their own branch only.", {"branch_id": ["Not your branch."]}
                )
            scope["branch_id"] = params["branch_id"]
        if params["role"]:
            scope["role"] = params["role"]
        if params["q"] and params["q"].strip():
            scope.update(search_filter(params["q"]))
        users, next_cursor = self.store.users_where(scope, params["limit"], params["cursor"])
        return _page([u.public() for u in users], next_cursor)

    @rpc
    def list_counselors(self, query: dict[str, Any] | None = None) -> dict[str, Any]:
        caller = self.auth.caller()
        params = load(schemas.CounselorQuery(), query or {})
        scope: dict[str, Any] = {"org_id": caller.org_id, "role": "counselor"}
        if params["branch_id"]:
            scope["branch_id"] = params["branch_id"]
        users, next_cursor = self.store.users_where(scope, params["limit"], params["cursor"])
        return _page([u.seen_by(caller.user_id, caller.is_staff) for u in users], next_cursor)

    @rpc
    def get_user(self, user_id: str) -> dict[str, Any]:
        """One person of the caller's organization as the caller may see them (``GET /users/{id}``)."""
        caller = self.auth.caller()
        user = self.store.user(user_id, caller.org_id)
        if user is None or (caller.role == "client" and user.id != caller.user_id and user.role == "client"):
            raise NotFound("No such user.")
        return user.seen_by(caller.user_id, caller.is_staff)

    @rpc
    def person(self, user_id: str) -> dict[str, Any]:
        """Another service asks who someone of its caller's organization is, contact details included
        (reminders need them whoever booked); for Njia's services only, never for the gateway."""
        caller = self.auth.service_caller()
        user = self.store.user(user_id, caller.org_id)
        if user is None:
            raise NotFound("No such user.")
        return {**user.public(), "revision": user.revision}
