"""accounts: staff two-factor sign-in (TOTP, RFC 6238) and an organization's security settings.

Entrypoints of ``AccountsService`` (a mixin: the class is composed in ``service.py``). A counselor
or admin begins a set-up (a secret and its QR code), confirms it with a first code (and gets 10
single-use recovery codes), and may turn it off again with a code. ``issue_token`` calls
``_second_factor`` after a right password: with two-factor sign-in on, a code is needed; when the
organization requires it of staff who have none yet, the token answer says so.

A person's own set-up writes run under ``begin_change`` of that person, like every other change of
them; what a sign-in uses up is kept in claims (see the store), so a code signs in once across
replicas and a sign-in never writes the users document.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from services.accounts import security_schemas as schemas
from services.accounts.domain import User
from services.accounts.two_factor import (
    CodeAlreadyUsed,
    TwoFactor,
    TwoFactorError,
    WrongCode,
    accepted_step,
    is_staff,
    looks_like_totp,
    matching_recovery_hash,
    new_recovery_codes,
    new_secret,
    recovery_code_hash,
    setup_answer,
    time_step,
)
from shared.auth import Caller
from shared.errors import Conflict, Forbidden, NotFound, Unauthorized, ValidationFailed
from shared.limits import Limit, refuse_when_limited
from shared.mongo import now
from shared.schemas import load
from shared.service import rpc

# Wrong codes after a right password, per person: six digits must not be guessable.
TWO_FACTOR_FAILURES = Limit("two_factor_failures", 5, timedelta(minutes=15))
CODE_NEEDED = "Enter the 6-digit code from your authenticator app."
STAFF_ONLY = "Two-factor sign-in is for counselors and admins."
BUSY = "Your details are being changed by another request; look at them again and retry."
ALREADY_ON = "Two-factor sign-in is on already; turn it off first to move to a new phone."
NOT_BEGUN = "Two-factor sign-in is not being set up; begin again."
LIMITED = "Too many wrong codes; try again shortly."


def _invalid(message: str) -> ValidationFailed:
    return ValidationFailed(message, {"code": [message]})


class TwoFactorEntrypoints:
    """Mixed into ``AccountsService``: uses its ``store`` and ``auth``."""

    store: Any
    auth: Any

    # Sign-in ------------------------------------------------------------------------------

    def _second_factor(self, user: User, code: str | None) -> dict[str, Any]:
        """After a right password: {} to sign in, ``{"two_factor_setup_required": True}`` to sign in
        and be asked to set it up (the organization requires it); 401 ``two_factor_required`` (no
        code) or ``two_factor_invalid`` (wrong, or used before), 429 after 5 wrong codes."""
        two_factor = self.store.two_factor(user.id)
        if not two_factor.enabled:
            return self._setup_marker(user)
        if not code:
            raise Unauthorized(CODE_NEEDED, {"code": [CODE_NEEDED], "reason": "two_factor_required"})
        at = now()
        refuse_when_limited(self.store, [(TWO_FACTOR_FAILURES, user.id)], at, LIMITED)
        try:
            self._use_code(user.id, two_factor, code, at)
        except TwoFactorError as exc:
            self.store.count_attempt(TWO_FACTOR_FAILURES, user.id, at)
            raise Unauthorized(str(exc), {"code": [str(exc)], "reason": "two_factor_invalid"}) from None
        return {}

    def _setup_marker(self, user: User) -> dict[str, Any]:
        if not is_staff(user.role):
            return {}
        security = self.store.organization_security(user.org_id) or {}
        return {"two_factor_setup_required": True} if security.get("require_two_factor_for_staff") else {}

    def _use_code(self, user_id: str, two_factor: TwoFactor, code: str, at: datetime) -> None:
        """Use up ``code`` (an app's code or a recovery code), or raise ``TwoFactorError``."""
        if not looks_like_totp(code):
            digest = matching_recovery_hash(two_factor, user_id, code)
            if not self.store.use_recovery_code(user_id, digest, at):
                raise WrongCode("That recovery code is not right, or was already used.", "code")
            return
        step = accepted_step(two_factor.secret or "", code, at, two_factor.last_step)
        if not self.store.use_time_step(user_id, step, two_factor.last_step, time_step(at) - 1, at):
            raise CodeAlreadyUsed("That code was already used; wait for the next one.", "code")

    # The caller's own two-factor sign-in ------------------------------------------------------

    def _staff_member(self) -> User:
        caller: Caller = self.auth.caller()
        user = self.store.user(caller.user_id, caller.org_id)
        if user is None or not user.active:
            raise Unauthorized("This account no longer exists.")
        if not is_staff(user.role):
            raise Forbidden(STAFF_ONLY, {"reason": "staff_only"})
        return user

    def _hold(self, user_id: str) -> None:
        if not self.store.begin_change(user_id, now()):
            raise Conflict(BUSY, {"reason": "change_in_progress"})

    @rpc
    def begin_two_factor(self) -> dict[str, Any]:
        """``POST /me/two-factor``: a new secret waiting for its first code (a set-up not yet
        confirmed is replaced); 409 when two-factor sign-in is on already."""
        user = self._staff_member()
        self._hold(user.id)
        try:
            if self.store.two_factor(user.id).enabled:
                raise Conflict(ALREADY_ON, {"reason": "two_factor_enabled"})
            secret = new_secret()
            self.store.begin_two_factor(user.id, secret, now())
        finally:
            self.store.end_change(user.id)
        return setup_answer(secret, user.email or user.name)  # staff, who all have an email

    @rpc
    def confirm_two_factor(self, body: dict[str, Any]) -> dict[str, Any]:
        """``POST /me/two-factor/confirm {code}``: on, with 10 recovery codes shown this once."""
        data = load(schemas.TwoFactorConfirmCode(), body)
        user = self._staff_member()
        self._hold(user.id)
        try:
            return self._confirm(user, self.store.two_factor(user.id), data["code"])
        finally:
            self.store.end_change(user.id)

    def _confirm(self, user: User, two_factor: TwoFactor, code: str) -> dict[str, Any]:
        if two_factor.enabled:
            raise Conflict(ALREADY_ON, {"reason": "two_factor_enabled"})
        if not two_factor.pending_secret:
            raise Conflict(NOT_BEGUN, {"reason": "two_factor_not_pending"})
        at = now()
        try:
            step = accepted_step(two_factor.pending_secret, code, at)
        except TwoFactorError as exc:
            raise _invalid(str(exc)) from None
        codes = new_recovery_codes()
        hashes = [recovery_code_hash(user.id, c) for c in codes]
        if not self.store.enable_two_factor(user.id, two_factor.pending_secret, hashes, at):
            raise Conflict("This set-up was confirmed by another request.", {"reason": "two_factor_enabled"})
        self.store.use_time_step(user.id, step, -1, time_step(at) - 1, at)  # it signs in nobody now
        return {"enabled": True, "recovery_codes": codes}

    @rpc
    def disable_two_factor(self, body: dict[str, Any]) -> dict[str, Any]:
        """``DELETE /me/two-factor {code}``: off, given a current code or a recovery code (422 for a
        wrong one). Already off: answers so (a retried request finds its own work done)."""
        data = load(schemas.TwoFactorCode(), body)
        user = self._staff_member()
        self._hold(user.id)
        try:
            two_factor = self.store.two_factor(user.id)
            if two_factor.enabled:
                self._disable(user.id, two_factor, data["code"])
        finally:
            self.store.end_change(user.id)
        return {"enabled": False}

    def _disable(self, user_id: str, two_factor: TwoFactor, code: str) -> None:
        at = now()
        refuse_when_limited(self.store, [(TWO_FACTOR_FAILURES, user_id)], at, LIMITED)
        try:
            self._use_code(user_id, two_factor, code, at)
        except TwoFactorError as exc:
            self.store.count_attempt(TWO_FACTOR_FAILURES, user_id, at)
            raise _invalid(str(exc)) from None
        self.store.disable_two_factor(user_id, two_factor)

    @rpc
    def two_factor_status(self) -> dict[str, Any]:
        """``GET /me/two-factor``: on or not, recovery codes left, whether the organization asks it."""
        caller: Caller = self.auth.caller()
        two_factor = self.store.two_factor(caller.user_id)
        security = self.store.organization_security(caller.org_id) or {}
        return {
            "enabled": two_factor.enabled,
            "pending": two_factor.pending_secret is not None and not two_factor.enabled,
            "recovery_codes_left": self.store.recovery_codes_left(
                caller.user_id, two_factor.recovery_code_hashes
            ),
            "required_by_organization": bool(security.get("require_two_factor_for_staff"))
            and caller.is_staff,
        }

    # The organization's security settings ---------------------------------------------------

    @rpc
    def organization_security(self) -> dict[str, Any]:
        caller: Caller = self.auth.caller("org_admin")
        security = self.store.organization_security(caller.org_id)
        if security is None:
            raise NotFound("This organization no longer exists.")
        return security

    @rpc
    def set_organization_security(self, body: dict[str, Any]) -> dict[str, Any]:
        """``PUT /organization/security``: whether staff must sign in with two factors."""
        caller: Caller = self.auth.caller("org_admin")
        data = load(schemas.OrganizationSecurity(), body)
        if self.store.organization_security(caller.org_id) is None:
            raise NotFound("This organization no longer exists.")
        self.store.set_organization_security(caller.org_id, data["require_two_factor_for_staff"], now())
        return {"require_two_factor_for_staff": data["require_two_factor_for_staff"]}
