"""accounts: the life of an account after sign-up — invitations, password resets, admins changing,
deactivating and reactivating people and branches, and ending sign-ins.

Entrypoints of ``AccountsService`` (a mixin: the class is composed in ``service.py``). Every change
of a person runs under ``begin_change`` of that person and is written with its events in one write;
a change of standing or role also publishes `user.access_changed`, which every gateway hears at once.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import eventlet
from pymongo.errors import DuplicateKeyError

from services.accounts import schemas
from services.accounts.domain import (
    ACTIVE,
    DEACTIVATED,
    INVITED,
    AccountsError,
    Branch,
    EmailTaken,
    Invitation,
    LinkNotUsable,
    PasswordReset,
    User,
    branch_facts,
    check_admin_changes,
    check_new_user,
    check_reset_usable,
    check_usable,
    defaults_from_branch,
    invitation_facts,
    manages,
    normalize_email,
    signed_out_everywhere,
    staff_zone_follows,
    user_scope,
    with_admin_changes,
    with_status,
)
from shared import audit
from shared.auth import Caller
from shared.errors import Conflict, Forbidden, NotFound, Unauthorized, ValidationFailed
from shared.events.contracts import (
    BRANCH_UPDATED,
    INVITATION_SENT,
    PASSWORD_RESET_REQUESTED,
    SIGN_IN_THROTTLED,
    USER_ACCESS_CHANGED,
    USER_DEACTIVATED,
    USER_REACTIVATED,
    USER_UPDATED,
)
from shared.ids import new_id
from shared.limits import Limit, refuse_when_limited
from shared.mongo import now
from shared.one_time import link_token, new_nonce, token_digest
from shared.schemas import load
from shared.service import rpc

log = logging.getLogger(__name__)

# Failed sign-ins: per account (the email asked for, whether or not it has one); the limit per
# address is NJIA_SIGN_IN_FAILURES_PER_MINUTE (many people may share one address behind a router).
SIGN_IN_FAILURES = Limit("sign_in_failures", 5, timedelta(minutes=15))
AUDITED = ((audit.USER_ROLE_CHANGED, "role"), (audit.USER_BRANCH_CHANGED, "branch_id"))
INVITATION = "invitation"
PASSWORD_RESET = "password_reset"
RESET_LIFETIME = timedelta(minutes=30)
RESET_REQUESTS = Limit("reset_requests", 5, timedelta(hours=1))  # per email asked for
BUSY = "This person is being changed by another request; look again and retry."


def _link_error(exc: AccountsError) -> ValidationFailed:
    return ValidationFailed(str(exc), {exc.field or "token": [str(exc)]})


class LifeCycleEntrypoints:
    """Mixed into ``AccountsService``: uses its ``store``, ``events``, ``auth``, ``settings`` and
    ``passwords``, and its ``_person``, ``_token_response`` and ``_count_sign_up``."""

    store: Any
    events: Any
    audit: Any
    auth: Any
    settings: Any
    passwords: Any

    # Shared steps -------------------------------------------------------------------------

    def _admin_over(self, user_id: str) -> tuple[Caller, User]:
        """The calling admin and the person they act on: 404 for someone out of their scope."""
        caller = self.auth.caller("org_admin", "branch_admin")
        user = self.store.user(user_id, caller.org_id)
        if user is None or not manages(caller.role, caller.org_id, caller.branch_id, user):
            raise NotFound("No such user.")
        return caller, user

    def _hold(self, record_id: str) -> None:
        if not self.store.begin_change(record_id, now()):
            raise Conflict(BUSY, {"reason": "change_in_progress"})

    def _write_person(
        self,
        before: User,
        after: User,
        at: datetime,
        password_hash: str | None = None,
        also: tuple[dict[str, Any], ...] | list[dict[str, Any]] = (),
    ) -> None:
        """``after`` with `user.updated` (when details changed), `user.access_changed` (when its
        standing, role, branch or sign-ins changed), their audit records and ``also``, in one write."""
        events = self._person_events(before, after, at) + list(also)
        self.events.record(
            self.store,
            "users",
            after.id,
            events,
            lambda evs: self.store.change_person(after, evs, password_hash),
        )

    def _person_events(self, before: User, after: User, at: datetime) -> list[dict[str, Any]]:
        changed = [
            k
            for k in ("name", "email", "phone", "role", "branch_id", "timezone")
            if getattr(before, k) != getattr(after, k)
        ]
        events = []
        if changed:
            data = {**self._person(after), "updated_at": at, "changed_fields": sorted(changed)}  # type: ignore[attr-defined]
            events.append(self.events.new(USER_UPDATED, data, at))
        if after.access_revision != before.access_revision:
            events.append(self.events.new(USER_ACCESS_CHANGED, after.access(), at))
        return events + self._audited_changes(before, after)

    def _audited_changes(self, before: User, after: User) -> list[dict[str, Any]]:
        """The audit records of a change of role, branch or standing, to travel in its write's outbox."""
        actions = [action for action, name in AUDITED if getattr(before, name) != getattr(after, name)]
        if before.status != after.status and DEACTIVATED in (before.status, after.status):
            actions.append(audit.USER_DEACTIVATED if after.status == DEACTIVATED else audit.USER_REACTIVATED)
        where = {"org_id": after.org_id, "branch_id": after.branch_id}
        return [self.audit.event(action, after.id, **where) for action in actions]

    def _invitation_event(self, invitation: Invitation, inviter: User | None, at: datetime) -> dict[str, Any]:
        org = self.store.organization(invitation.org_id)
        facts = invitation_facts(invitation, org.name if org else "", inviter.name if inviter else "")
        return self.events.new(INVITATION_SENT, facts, at)

    def _write_invitation(self, invitation: Invitation, action: str, actor_id: str | None = None) -> None:
        where = {"org_id": invitation.org_id, "branch_id": invitation.branch_id, "actor_id": actor_id}
        record = self.audit.event(action, invitation.id, **where)
        self.events.record(
            self.store,
            "invitations",
            invitation.id,
            [record],
            lambda evs: self.store.change_invitation(invitation, evs),
        )

    def _signed_in(self, user: User) -> dict[str, Any]:
        """A token only past the second factor too (``_second_factor``, two-factor sign-in)."""
        extra = self._second_factor(user, None)  # type: ignore[attr-defined]
        return {**self._token_response(user), **extra}  # type: ignore[attr-defined]

    def _fresh_link(self, purpose: str, record_id: str) -> tuple[str, str]:
        """A new nonce and the digest of the token it makes (the token itself is not kept)."""
        nonce = new_nonce()
        return nonce, token_digest(link_token(self.settings.jwt_secret, purpose, record_id, nonce))

    def _failed_sign_in(self, limits: list[tuple[Limit, str]], user: User | None, at: datetime) -> None:
        """Count the failure; the one that reaches the account's limit tells its owner."""
        for limit, subject in limits:
            if subject:
                self.store.count_attempt(limit, subject, at)
        wait = self.store.retry_after(SIGN_IN_FAILURES, limits[0][1], at) if user else 0
        if user and wait:
            self._tell_throttled(user, wait, at)

    def _tell_throttled(self, user: User, wait: int, at: datetime) -> None:
        """`sign_in.throttled`, once per account and window (a notice document per window)."""
        facts = {"user_id": user.id, "org_id": user.org_id, "failures": SIGN_IN_FAILURES.most, "at": at}
        event = self.events.new(SIGN_IN_THROTTLED, {**facts, "retry_after_seconds": wait}, at)
        notice_id = f"throttled:{user.id}:{int(at.timestamp()) // SIGN_IN_FAILURES.window.seconds}"
        try:
            self.events.record(
                self.store, "notices", notice_id, [event], self.store.notice(notice_id), fresh=True
            )
        except DuplicateKeyError:
            pass  # told already in this window

    # Invitations ---------------------------------------------------------------------------

    def _invite(self, caller: Caller, data: dict[str, Any], user_id: str | None = None) -> Invitation:
        """Write an invitation and send it (`invitation.sent`)."""
        branch = self._branch_for_new(caller, data["role"], data["branch_id"])
        timezone, language = defaults_from_branch(branch, data.get("timezone"), data.get("language"))
        at, invitation_id = now(), new_id("inv")
        nonce, digest = self._fresh_link(INVITATION, invitation_id)
        email = normalize_email(data["email"]) if data.get("email") else None
        if email and user_id is None and self.store.user_by_email(email) is not None:
            raise Conflict(
                "That email address already has an account.", {"email": ["Already has an account."]}
            )
        invitation = Invitation(
            id=invitation_id,
            org_id=caller.org_id,
            name=data["name"],
            role=data["role"],
            branch_id=branch.id if branch else None,
            email=email,
            phone=data.get("phone"),
            timezone=timezone,
            language=language,
            invited_by=caller.user_id,
            created_at=at,
            expires_at=at + timedelta(days=self.settings.invitation_days),
            nonce=nonce,
            token_digest=digest,
            user_id=user_id,
        )
        event = self._invitation_event(invitation, self.store.user(caller.user_id), at)
        record = self.audit.event(
            audit.INVITATION_SENT, invitation.id, org_id=caller.org_id, branch_id=invitation.branch_id
        )
        self.events.record(
            self.store,
            "invitations",
            invitation.id,
            [event, record],
            lambda evs: self.store.add_invitation(invitation, evs),
            fresh=True,
        )
        return invitation

    def _branch_for_new(self, caller: Caller, role: str, branch_id: str | None) -> Branch | None:
        """The branch a new person joins, by the rules of POST /users."""
        try:
            check_new_user(
                actor_role=caller.role, actor_branch_id=caller.branch_id, role=role, branch_id=branch_id
            )
        except AccountsError as exc:
            if exc.field == "branch_id" and caller.is_org_admin:
                raise ValidationFailed(details={"branch_id": [str(exc)]}) from None
            raise Forbidden(str(exc), {exc.field: [str(exc)]} if exc.field else {}) from None
        if not branch_id:
            return None
        branch = self.store.branch(branch_id, caller.org_id)
        if branch is None:
            raise ValidationFailed(details={"branch_id": ["No such branch in your organization."]})
        return branch

    @rpc
    def create_invitation(self, body: dict[str, Any]) -> dict[str, Any]:
        caller = self.auth.caller("org_admin", "branch_admin")
        data = load(schemas.CreateInvitation(), body)
        return self._invite(caller, data).public(now())

    def _invitation_in_scope(self, invitation_id: str) -> tuple[Caller, Invitation]:
        caller = self.auth.caller("org_admin", "branch_admin")
        invitation = self.store.invitation(invitation_id, caller.org_id)
        if invitation is None or (caller.role == "branch_admin" and invitation.branch_id != caller.branch_id):
            raise NotFound("No such invitation.")
        return caller, invitation

    @rpc
    def list_invitations(self, query: dict[str, Any] | None = None) -> dict[str, Any]:
        caller = self.auth.caller("org_admin", "branch_admin")
        params = load(schemas.InvitationQuery(), query or {})
        scope = user_scope(caller.role, caller.org_id, caller.branch_id)
        at = now()
        items, next_cursor = self.store.invitations_where(
            scope, params["status"], at, params["limit"], params["cursor"]
        )
        return {"items": [i.public(at) for i in items], "next_cursor": next_cursor}

    @rpc
    def resend_invitation(self, invitation_id: str) -> dict[str, Any]:
        """A new link and expiry; the old link stops working."""
        caller, invitation = self._invitation_in_scope(invitation_id)
        self._hold(invitation.id)
        try:
            invitation = self._invitation_in_scope(invitation_id)[1]
            if invitation.status == "accepted":
                raise Conflict(
                    "This invitation was accepted; it cannot be sent again.", {"reason": "accepted"}
                )
            if invitation.status == "revoked":
                raise Conflict(
                    "This invitation was withdrawn; it cannot be sent again.", {"reason": "revoked"}
                )
            at = now()
            nonce, digest = self._fresh_link(INVITATION, invitation.id)
            again = replace(
                invitation,
                nonce=nonce,
                token_digest=digest,
                expires_at=at + timedelta(days=self.settings.invitation_days),
                sent_count=invitation.sent_count + 1,
            )
            event = self._invitation_event(again, self.store.user(caller.user_id), at)
            self.events.record(
                self.store,
                "invitations",
                again.id,
                [event],
                lambda evs: self.store.change_invitation(again, evs),
            )
        finally:
            self.store.end_change(invitation_id)
        return again.public(at)

    @rpc
    def revoke_invitation(self, invitation_id: str) -> dict[str, Any]:
        _, invitation = self._invitation_in_scope(invitation_id)
        self._hold(invitation.id)
        try:
            invitation = self._invitation_in_scope(invitation_id)[1]
            if invitation.status == "accepted":
                raise Conflict("This invitation was already accepted; deactivate the person instead.", {})
            revoked = replace(invitation, status="revoked")
            self._write_invitation(revoked, audit.INVITATION_REVOKED)
        finally:
            self.store.end_change(invitation_id)
        return revoked.public(now())

    @rpc
    def accept_invitation(self, body: dict[str, Any]) -> dict[str, Any]:
        """The invited person sets their password (and email, when invited by SMS) and is signed in."""
        data = load(schemas.AcceptInvitation(), body)
        at, digest = now(), token_digest(data["token"])
        try:
            invitation = check_usable(self.store.invitation_by_digest(digest), at)
        except LinkNotUsable as exc:
            raise _link_error(exc) from None
        email = invitation.email or (normalize_email(data["email"]) if data["email"] else None)
        if email is None:
            raise ValidationFailed(details={"email": ["Give the email address you will sign in with."]})
        if not self.store.use_link(digest, invitation.id, at):
            raise ValidationFailed(
                details={"token": ["This invitation was already accepted; sign in instead."]}
            )
        password_hash = self.passwords.hash(data["password"])
        try:
            user = self._join(invitation, email, data["name"], password_hash, at)
        except EmailTaken as exc:
            self.store.give_back_link(digest, invitation.id)
            raise Conflict(str(exc), {"email": [str(exc)]}) from None
        accepted = replace(invitation, status="accepted", user_id=user.id, accepted_at=at)
        self._write_invitation(accepted, audit.INVITATION_ACCEPTED, actor_id=user.id)
        return self._signed_in(user)

    def _join(
        self, invitation: Invitation, email: str, name: str | None, password_hash: str, at: datetime
    ) -> User:
        """The person the invitation names, now with a password: the one already added, or new."""
        if invitation.user_id:
            before = self.store.user(invitation.user_id, invitation.org_id)
            if before is not None:
                after = replace(with_status(before, ACTIVE, at, end_sign_ins=False), name=name or before.name)
                if before.email is None:  # added with only a phone: the email they sign in with now
                    self.store.claim_email(email, before.id, at)
                    after = replace(after, email=email, revision=before.revision + 1)
                try:
                    self._write_person(before, after, at, password_hash)
                except Exception:
                    if before.email is None:
                        self.store.give_back_email(email, before.id)
                    raise
                return self.store.user(before.id)  # type: ignore[no-any-return]
        user = User(
            id=new_id("usr"),
            org_id=invitation.org_id,
            email=email,
            name=name or invitation.name,
            role=invitation.role,
            created_at=at,
            timezone=invitation.timezone,
            language=invitation.language,
            branch_id=invitation.branch_id,
            phone=invitation.phone,
            password_hash=password_hash,
        )
        event = self._registered(user)  # type: ignore[attr-defined]
        self.events.record(
            self.store, "users", user.id, [event], lambda evs: self.store.add_user(user, evs, at), fresh=True
        )
        return user

    # Password resets -------------------------------------------------------------------------

    @rpc
    def request_password_reset(self, body: dict[str, Any]) -> dict[str, Any]:
        """202 whatever the email. Whether the address has an account, and the reset, are looked
        up and written after the answer has gone, so neither the answer nor its time tells who has
        an account. The link goes out by email (`password_reset.requested`)."""
        data = load(schemas.PasswordResetRequest(), body)
        email, at = normalize_email(data["email"]), now()
        self._count_sign_up()  # type: ignore[attr-defined]  # per address, like sign-ups
        refuse_when_limited(
            self.store, [(RESET_REQUESTS, email)], at, "Too many requests; try again shortly."
        )
        self.store.count_attempt(RESET_REQUESTS, email, at)
        eventlet.spawn_n(self._reset_if_known, email, at)
        return {"status": "accepted"}

    def _reset_if_known(self, email: str, at: datetime) -> None:
        """Write the reset of whoever holds ``email`` (if anyone active does) and send its link.
        Runs after the answer: a failure is logged (never the address) and the person asks again."""
        try:
            user = self.store.user_by_email(email)
            if user is None or user.status == DEACTIVATED:
                return
            reset_id = new_id("rst")
            nonce, digest = self._fresh_link(PASSWORD_RESET, reset_id)
            reset = PasswordReset(
                id=reset_id,
                user_id=user.id,
                org_id=user.org_id,
                created_at=at,
                expires_at=at + RESET_LIFETIME,
                token_digest=digest,
            )
            facts = {"reset_id": reset.id, "user_id": user.id, "org_id": user.org_id, "nonce": nonce}
            event = self.events.new(PASSWORD_RESET_REQUESTED, {**facts, "expires_at": reset.expires_at}, at)
            self.events.record(
                self.store,
                "resets",
                reset.id,
                [event],
                lambda evs: self.store.add_reset(reset, evs),
                fresh=True,
            )
        except Exception:  # after the answer: nobody to tell but the log
            log.exception("password reset not written; the person may ask again")

    @rpc
    def confirm_password_reset(self, body: dict[str, Any]) -> dict[str, Any]:
        """A new password from a reset link: every earlier sign-in of the person ends."""
        data = load(schemas.PasswordResetConfirm(), body)
        at, digest = now(), token_digest(data["token"])
        try:
            reset = check_reset_usable(self.store.reset_by_digest(digest), at)
        except LinkNotUsable as exc:
            raise _link_error(exc) from None
        if not self.store.use_link(digest, reset.id, at):
            raise ValidationFailed(
                details={"token": ["This reset link was already used; ask for a new one."]}
            )
        self.store.mark_reset_used(reset.id, at)
        password_hash = self.passwords.hash(data["password"])
        self._hold(reset.user_id)
        try:
            before = self.store.user(reset.user_id, reset.org_id)
            if before is None or before.status == DEACTIVATED:
                raise _link_error(LinkNotUsable("This reset link is not valid; ask for a new one.", "token"))
            after = signed_out_everywhere(replace(before, status=ACTIVE), at)
            where = {"org_id": after.org_id, "branch_id": after.branch_id, "actor_id": after.id}
            self._write_person(
                before, after, at, password_hash, [self.audit.event(audit.PASSWORD_RESET, after.id, **where)]
            )
        finally:
            self.store.end_change(reset.user_id)
        # The new password alone does not pass two-factor sign-in: with it on, this answers 401 and
        # the person signs in with their code.
        return self._signed_in(after)

    # Admins changing people ----------------------------------------------------------------

    @rpc
    def update_user(self, user_id: str, body: dict[str, Any]) -> dict[str, Any]:
        """``PATCH /users/{id}``: name, phone, role or branch; a new role counts from the next request."""
        caller, _ = self._admin_over(user_id)
        wanted = load(schemas.PersonChanges(), body)
        if wanted.get("branch_id") and self.store.branch(wanted["branch_id"], caller.org_id) is None:
            raise ValidationFailed(details={"branch_id": ["No such branch in your organization."]})
        self._hold(user_id)
        try:
            _, before = self._admin_over(user_id)
            changes = {k: v for k, v in wanted.items() if getattr(before, k) != v}
            try:
                check_admin_changes(
                    actor_role=caller.role,
                    actor_id=caller.user_id,
                    actor_branch_id=caller.branch_id,
                    person=before,
                    changes=changes,
                )
            except AccountsError as exc:
                raise Forbidden(str(exc), {exc.field or "role": [str(exc)]}) from None
            if not changes:
                return before.public()
            at = now()
            after = with_admin_changes(before, changes, at)
            self._write_person(before, after, at)
        finally:
            self.store.end_change(user_id)
        return after.public()

    def _set_status(self, user_id: str, status: str) -> dict[str, Any]:
        caller, _ = self._admin_over(user_id)
        if user_id == caller.user_id:
            raise Forbidden("You cannot change your own standing; ask another admin.", {})
        self._hold(user_id)
        try:
            _, before = self._admin_over(user_id)
            if before.status == status or (status == ACTIVE and before.status == INVITED):
                return before.public()
            at = now()
            after = with_status(before, status, at, end_sign_ins=status == DEACTIVATED)
            kind = USER_DEACTIVATED if status == DEACTIVATED else USER_REACTIVATED
            facts = {
                "user_id": after.id,
                "org_id": after.org_id,
                "branch_id": after.branch_id,
                "role": after.role,
            }
            events = [
                *self._person_events(before, after, at),
                self.events.new(kind, {**facts, "by": caller.user_id, "at": at}, at),
            ]
            self.events.record(
                self.store, "users", after.id, events, lambda evs: self.store.change_person(after, evs)
            )
        finally:
            self.store.end_change(user_id)
        return after.public()

    @rpc
    def deactivate_user(self, user_id: str) -> dict[str, Any]:
        """The person's tokens stop working at once and they cannot sign in."""
        return self._set_status(user_id, DEACTIVATED)

    @rpc
    def reactivate_user(self, user_id: str) -> dict[str, Any]:
        return self._set_status(user_id, ACTIVE)

    @rpc
    def sign_out_everywhere(self) -> dict[str, Any]:
        caller = self.auth.caller()
        self._hold(caller.user_id)
        try:
            before = self.store.user(caller.user_id, caller.org_id)
            if before is None:
                raise Unauthorized("This account no longer exists.")
            at = now()
            self._write_person(before, signed_out_everywhere(before, at), at)
        finally:
            self.store.end_change(caller.user_id)
        return {"status": "signed_out"}

    @rpc
    def access_state(self) -> dict[str, Any]:
        """The caller's standing as a gateway checks it on each request (`user.access_changed` says
        when it changes): whether they may act, with what role and branch, from which sign-in on."""
        caller = self.auth.caller()
        user = self.store.user(caller.user_id, caller.org_id)
        if user is None:
            return {**caller.as_dict(), "active": False, "sign_in_generation": 0, "access_revision": 0}
        return user.access()

    # Branches ----------------------------------------------------------------------------------

    @rpc
    def update_branch(self, branch_id: str, body: dict[str, Any]) -> dict[str, Any]:
        """Name, zone or address; a new zone moves the staff who had the branch's zone."""
        caller = self.auth.caller("org_admin", "branch_admin")
        before = self.store.branch(branch_id, caller.org_id)
        if before is None or (caller.role == "branch_admin" and caller.branch_id != branch_id):
            raise NotFound("No such branch.")
        wanted = load(schemas.BranchChanges(), body)
        self._hold(branch_id)
        try:
            before = self.store.branch(branch_id, caller.org_id)
            changes = {k: v for k, v in wanted.items() if getattr(before, k) != v}
            if not changes:
                return vars(before)
            at = now()
            after = replace(before, **changes)
            event = self.events.new(BRANCH_UPDATED, branch_facts(after, before, sorted(changes)), at)
            self.events.record(
                self.store, "branches", after.id, [event], lambda evs: self.store.change_branch(after, evs)
            )
        finally:
            self.store.end_change(branch_id)
        if "timezone" in changes:
            self._move_staff_zone(after, before.timezone, at)
        return vars(after)

    def _move_staff_zone(self, branch: Branch, old_zone: str, at: datetime) -> None:
        for person in self.store.staff_of_branch(branch.org_id, branch.id):
            if staff_zone_follows(person, old_zone, branch.timezone) and self.store.begin_change(
                person.id, at
            ):
                try:
                    self._write_person(
                        person,
                        replace(
                            person, timezone=branch.timezone, revision=person.revision + 1, updated_at=at
                        ),
                        at,
                    )
                finally:
                    self.store.end_change(person.id)
