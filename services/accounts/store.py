"""The only code that touches the accounts database.

Uniqueness of organization slugs and user emails rests on claim documents
(``slug:<slug>``, ``email:<email>``) whose insert is atomic on FerretDB and
MongoDB alike. A write that fails gives its claims back at once; a claim left by a
crash before its owner was written is freed after ``STALE_CLAIM``. A change of a
user's details holds ``changing:<user id>`` the same way while it runs, so two
changes of one person never interleave.

An organization's sign-up writes its admin first and the organization last, with
both events in the organization's outbox: the organization's document is what
makes the sign-up happen. Until it exists the organization is found by no slug,
its admin signs in to nothing and no event goes out; a sign-up that stopped
between the two writes leaves an admin whose organization is missing, and the
claims of its slug and email are taken over (the admin deleted) once stale.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from pymongo.errors import DuplicateKeyError, PyMongoError

from services.accounts.domain import (
    ADMIN_CHANGES,
    OWN_DETAILS,
    Branch,
    EmailTaken,
    Invitation,
    Organization,
    PasswordReset,
    SlugTaken,
    User,
)
from services.accounts.two_factor import TwoFactor, secret_digest
from shared.limits import Limits
from shared.mongo import Store, outbox_push, page, with_outbox

STALE_CLAIM = timedelta(minutes=2)


def _slug_key(slug: str) -> str:
    return f"slug:{slug}"


def email_claim_key(email: str) -> str:
    """The claim of an email address, keyed by its digest: the database's own log names the key of
    a duplicate-key error (two sign-ups racing), and must name nobody."""
    return "email:" + hashlib.sha256(email.encode()).hexdigest()


def _legacy_email_key(email: str) -> str:
    """How claims were keyed before: still honoured for accounts made then."""
    return f"email:{email}"


def _changing_key(user_id: str) -> str:
    return f"changing:{user_id}"


# A person added without an email (a walk-in client known by phone) is stored with this in place of
# one: ``email`` is unique (its index), and a missing or null value would be one value shared by all
# of them on MongoDB. It has no ``@``, so it is no address: no sign-in, claim or search finds it.
NO_EMAIL = "no-email:"


def _stored_email(user: User) -> str:
    return user.email if user.email is not None else f"{NO_EMAIL}{user.id}"


def _admin_email(admin: User) -> str:
    """An organization's first admin signs up with an email (the schema requires it)."""
    if admin.email is None:
        raise ValueError("an organization's admin signs up with an email")
    return admin.email


def _user_fields(user: User) -> dict[str, Any]:
    return {**_fields(user), "email": _stored_email(user)}


def _fields(obj: Any, *skip: str) -> dict[str, Any]:
    data = dict(vars(obj))
    data["_id"] = data.pop("id")
    for name in skip:
        data.pop(name, None)
    return data


def _branch(doc: dict[str, Any]) -> Branch:
    return Branch(
        id=doc["_id"],
        org_id=doc["org_id"],
        name=doc["name"],
        timezone=doc["timezone"],
        created_at=doc["created_at"],
        language=doc.get("language", "en"),
        address=doc.get("address"),
    )


def _user(doc: dict[str, Any]) -> User:
    return User(
        id=doc["_id"],
        org_id=doc["org_id"],
        email=None if str(doc["email"]).startswith(NO_EMAIL) else doc["email"],
        name=doc["name"],
        role=doc["role"],
        created_at=doc["created_at"],
        timezone=doc["timezone"],
        language=doc["language"],
        branch_id=doc.get("branch_id"),
        phone=doc.get("phone"),
        password_hash=doc.get("password_hash"),
        revision=doc.get("revision", 0),
        updated_at=doc.get("updated_at"),
        status=doc.get("status", "active"),
        sign_in_generation=doc.get("sign_in_generation", 0),
        access_revision=doc.get("access_revision", 0),
    )


def _invitation(doc: dict[str, Any]) -> Invitation:
    fields = {k: v for k, v in doc.items() if k not in ("_id", "outbox", "outbox_pending")}
    return Invitation(id=doc["_id"], **fields)


def _reset(doc: dict[str, Any]) -> PasswordReset:
    fields = {k: v for k, v in doc.items() if k not in ("_id", "outbox", "outbox_pending")}
    return PasswordReset(id=doc["_id"], **fields)


def _organization(doc: dict[str, Any]) -> Organization:
    return Organization(
        id=doc["_id"],
        name=doc["name"],
        slug=doc["slug"],
        created_at=doc["created_at"],
    )


class AccountsStore(Limits, Store):
    OUTBOX_COLLECTIONS = ("organizations", "branches", "users", "invitations", "resets", "notices")

    def __init__(self, db: Any) -> None:
        super().__init__(db)
        self.organizations = db["organizations"]
        self.branches = db["branches"]
        self.users = db["users"]
        self.attempts = db["attempts"]  # failed sign-ins and sign-ups, for rate limits
        self.invitations = db["invitations"]
        self.resets = db["resets"]  # password reset links (their digest, never the token)
        self.notices = db["notices"]  # one document per notice event (a throttled sign-in)

    def ensure_indexes(self) -> None:
        super().ensure_indexes()
        self.organizations.create_index("slug", unique=True)
        self.users.create_index("email", unique=True)
        self.users.create_index([("org_id", 1), ("role", 1)])
        self.branches.create_index("org_id")
        self.invitations.create_index("token_digest")
        self.invitations.create_index([("org_id", 1), ("status", 1)])
        self.resets.create_index("token_digest")
        self.ensure_attempts_index()

    # Claims with crash recovery ------------------------------------------------

    def _claim(self, key: str, owner: str, now: datetime, written: Callable[[str], bool]) -> bool:
        """Claim ``key`` for ``owner``; a stale claim whose holder was never ``written`` (a crash
        between claim and write) is taken over."""
        if self.claim(key, owner, now):
            return True
        held = self.claims.find_one({"_id": key}, {"owner": 1, "claimed_at": 1})
        if held is None:  # given back meanwhile
            return self.claim(key, owner, now)
        if held["claimed_at"] >= now - STALE_CLAIM or written(held["owner"]):
            return False
        self._forget_unfinished(held["owner"])
        return self.release_if_stale(key, STALE_CLAIM, now) and self.claim(key, owner, now)

    def _forget_unfinished(self, holder: str) -> None:
        """The admin a sign-up wrote before it stopped short of the organization (see the module
        doc): nothing else is ever left behind by a claim's holder."""
        self.users.delete_one({"_id": holder, "role": "org_admin"})

    def _organization_written(self, org_id: str) -> bool:
        return self.organizations.find_one({"_id": org_id}, {"_id": 1}) is not None

    def _user_written(self, user_id: str) -> bool:
        """The user exists, and so does their organization (else a sign-up stopped half-way)."""
        doc = self.users.find_one({"_id": user_id}, {"org_id": 1})
        return doc is not None and self._organization_written(doc["org_id"])

    def _claim_email(self, email: str, user_id: str, now: datetime) -> None:
        legacy = self.claim_owner(_legacy_email_key(email))
        if legacy is not None and self._user_written(legacy):
            raise EmailTaken("That email address already has an account.", "email")
        if not self._claim(email_claim_key(email), user_id, now, self._user_written):
            raise EmailTaken("That email address already has an account.", "email")

    def _give_back_email(self, email: str, user_id: str) -> None:
        """After a failed write of ``user_id``: free the email now, unless the user was written after
        all (an error after the write) or the database cannot tell (then staleness frees it)."""
        try:
            if self.users.find_one({"_id": user_id}, {"_id": 1}) is None:
                self.release(email_claim_key(email), user_id)
        except PyMongoError:
            pass

    # Organizations ---------------------------------------------------------------

    def create_organization(
        self, org: Organization, admin: User, events: list[dict[str, Any]], now: datetime
    ) -> None:
        """Both or neither. The slug and the admin's email are claimed first; then the admin is
        written, and the organization last, carrying ``events`` (its own and its admin's). A failed
        write takes back what was written and gives the claims back at once."""
        if not self._claim(_slug_key(org.slug), org.id, now, self._organization_written):
            raise SlugTaken("That slug is taken; choose another.", "slug")
        try:
            self._claim_email(_admin_email(admin), admin.id, now)
        except EmailTaken as exc:
            self.release(_slug_key(org.slug), org.id)
            raise EmailTaken(str(exc), "admin.email") from None
        try:
            self.users.insert_one(with_outbox(_fields(admin), []))
            self.organizations.insert_one(with_outbox(_fields(org), events))
        except Exception:
            self._undo_sign_up(org, admin)
            raise

    def _undo_sign_up(self, org: Organization, admin: User) -> None:
        try:
            if self.organizations.find_one({"_id": org.id}, {"_id": 1}) is not None:
                return  # written after all (the error came after the write): the sign-up happened
            self.users.delete_one({"_id": admin.id})
            self.release(email_claim_key(_admin_email(admin)), admin.id)
            self.release(_slug_key(org.slug), org.id)
        except PyMongoError:
            pass  # the database is away: the claims are freed once stale, the admin with them

    def organization(self, org_id: str) -> Organization | None:
        doc = self.organizations.find_one({"_id": org_id})
        return _organization(doc) if doc else None

    def organization_by_slug(self, slug: str) -> Organization | None:
        org_id = self.claim_owner(_slug_key(slug))
        return self.organization(org_id) if org_id else None

    # Branches ------------------------------------------------------------------------

    def add_branch(self, branch: Branch, events: list[dict[str, Any]]) -> None:
        self.branches.insert_one(with_outbox(_fields(branch), events))

    def change_branch(self, branch: Branch, events: list[dict[str, Any]]) -> None:
        """Name, zone and address with the events (the caller holds ``begin_change`` of the branch)."""
        changes = {k: getattr(branch, k) for k in ("name", "timezone", "address")}
        self.branches.update_one({"_id": branch.id}, {"$set": {**changes, **outbox_push(events)}})

    def branch(self, branch_id: str, org_id: str) -> Branch | None:
        doc = self.branches.find_one({"_id": branch_id})
        return _branch(doc) if doc and doc["org_id"] == org_id else None

    def branches_of(self, org_id: str, limit: int, cursor: str | None) -> tuple[list[Branch], str | None]:
        docs, next_cursor = page(self.branches, {"org_id": org_id}, limit, cursor)
        return [_branch(d) for d in docs], next_cursor

    def first_branch(self, org_id: str) -> Branch | None:
        """The organization's oldest branch (ids sort by creation time), if it has one."""
        branches, _ = self.branches_of(org_id, 1, None)
        return branches[0] if branches else None

    # Users ---------------------------------------------------------------------------

    def add_user(self, user: User, events: list[dict[str, Any]], now: datetime) -> None:
        """The user, under the claim of their email (if they have one); a failed write gives the
        email back at once."""
        if user.email is None:
            self.users.insert_one(with_outbox(_user_fields(user), events))
            return
        self._claim_email(user.email, user.id, now)
        try:
            self.users.insert_one(with_outbox(_user_fields(user), events))
        except DuplicateKeyError:
            self._give_back_email(user.email, user.id)
            raise EmailTaken("That email address already has an account.", "email") from None
        except Exception:
            self._give_back_email(user.email, user.id)
            raise

    def claim_email(self, email: str, user_id: str, now: datetime) -> None:
        """Claim ``email`` for a person added without one who now has one (``EmailTaken`` when
        someone holds it); ``change_person`` then writes it."""
        self._claim_email(email, user_id, now)

    def give_back_email(self, email: str, user_id: str) -> None:
        """An email claimed by ``claim_email`` whose person was not written after all."""
        try:
            self.release(email_claim_key(email), user_id)
        except PyMongoError:
            pass  # freed once stale

    def begin_change(self, user_id: str, now: datetime) -> bool:
        """Hold ``changing:<user id>`` while one change of the user is read, written and published:
        False when another change holds it. FerretDB writes whole documents back, so two changes at
        once (or one change and another's outbox clean-up) could undo each other; inserting a claim
        is atomic on FerretDB and MongoDB alike, so one change of a person runs at a time. A claim
        left by a crash is taken over after ``STALE_CLAIM``."""
        key = _changing_key(user_id)
        if self.claim(key, user_id, now):
            return True
        return self.release_if_stale(key, STALE_CLAIM, now) and self.claim(key, user_id, now)

    def end_change(self, user_id: str) -> None:
        self.release(_changing_key(user_id), user_id)

    def change_user(self, user: User, events: list[dict[str, Any]]) -> None:
        """Write the user's own details and revision with the events the change causes, in one
        write (the caller holds ``begin_change``)."""
        changes = {name: getattr(user, name) for name in OWN_DETAILS}
        self.users.update_one(
            {"_id": user.id},
            {
                "$set": {
                    **changes,
                    "revision": user.revision,
                    "updated_at": user.updated_at,
                    **outbox_push(events),
                }
            },
        )

    def change_person(
        self, user: User, events: list[dict[str, Any]], password_hash: str | None = None
    ) -> None:
        """Write what an admin may change, the person's standing and sign-in generation, with the
        events the change causes, in one write (the caller holds ``begin_change``)."""
        changes = {name: getattr(user, name) for name in (*ADMIN_CHANGES, "timezone")}
        changes["email"] = _stored_email(user)  # a person added without one gets one by an invitation
        standing = {k: getattr(user, k) for k in ("status", "sign_in_generation", "access_revision")}
        secret = {"password_hash": password_hash} if password_hash else {}
        self.users.update_one(
            {"_id": user.id},
            {
                "$set": {
                    **changes,
                    **standing,
                    **secret,
                    "revision": user.revision,
                    "updated_at": user.updated_at,
                    **outbox_push(events),
                }
            },
        )

    def user(self, user_id: str, org_id: str | None = None) -> User | None:
        doc = self.users.find_one({"_id": user_id})
        if doc is None or (org_id is not None and doc["org_id"] != org_id):
            return None
        return _user(doc)

    def user_by_email(self, email: str) -> User | None:
        """Whoever holds the email, if their organization exists (see the module doc)."""
        user_id = self.claim_owner(email_claim_key(email)) or self.claim_owner(_legacy_email_key(email))
        user = self.user(user_id) if user_id else None
        return user if user and self._organization_written(user.org_id) else None

    def users_where(
        self, scope: dict[str, Any], limit: int, cursor: str | None
    ) -> tuple[list[User], str | None]:
        docs, next_cursor = page(self.users, scope, limit, cursor)
        return [_user(d) for d in docs], next_cursor

    def staff_of_branch(self, org_id: str, branch_id: str) -> list[User]:
        """Everyone of the branch but its clients (few: a branch's counselors and admins)."""
        docs = self.users.find({"org_id": org_id, "branch_id": branch_id})
        return [_user(d) for d in docs if d["role"] != "client"]

    # Invitations ---------------------------------------------------------------------

    def add_invitation(self, invitation: Invitation, events: list[dict[str, Any]]) -> None:
        self.invitations.insert_one(with_outbox(_fields(invitation), events))

    def invitation(self, invitation_id: str, org_id: str) -> Invitation | None:
        doc = self.invitations.find_one({"_id": invitation_id})
        return _invitation(doc) if doc and doc["org_id"] == org_id else None

    def invitation_by_digest(self, digest: str) -> Invitation | None:
        doc = self.invitations.find_one({"token_digest": digest})
        return _invitation(doc) if doc else None

    def invitations_where(
        self, scope: dict[str, Any], status: str | None, now: datetime, limit: int, cursor: str | None
    ) -> tuple[list[Invitation], str | None]:
        query = dict(scope)
        if status == "expired":
            query.update(status="sent", expires_at={"$lte": now})
        elif status == "sent":
            query.update(status="sent", expires_at={"$gt": now})
        elif status:
            query["status"] = status
        docs, next_cursor = page(self.invitations, query, limit, cursor)
        return [_invitation(d) for d in docs], next_cursor

    def change_invitation(self, invitation: Invitation, events: list[dict[str, Any]]) -> None:
        """Write a resend, revocation or acceptance (the caller holds its claim)."""
        data = _fields(invitation)
        data.pop("_id")
        self.invitations.update_one({"_id": invitation.id}, {"$set": {**data, **outbox_push(events)}})

    def use_link(self, digest: str, record_id: str, now: datetime) -> bool:
        """True for exactly one caller: a link's token works once, however many ask at once."""
        return self.claim(f"link:{digest}", record_id, now)

    def give_back_link(self, digest: str, record_id: str) -> None:
        """A use that failed before it changed anything (a taken email): the link still works."""
        self.release(f"link:{digest}", record_id)

    # Password resets ------------------------------------------------------------------

    def add_reset(self, reset: PasswordReset, events: list[dict[str, Any]]) -> None:
        self.resets.insert_one(with_outbox(_fields(reset), events))

    def reset_by_digest(self, digest: str) -> PasswordReset | None:
        doc = self.resets.find_one({"token_digest": digest})
        return _reset(doc) if doc else None

    def mark_reset_used(self, reset_id: str, now: datetime) -> None:
        self.resets.update_one({"_id": reset_id}, {"$set": {"used_at": now}})

    def notice(self, notice_id: str) -> Callable[[list[dict[str, Any]]], None]:
        """The write of a notice with its events (a duplicate id: this notice was given already)."""
        return lambda events: self.notices.insert_one(with_outbox({"_id": notice_id}, events)) and None

    # Two-factor sign-in ----
    # ``users.two_factor`` {secret, pending_secret, pending_at, enabled_at, recovery_code_hashes} is
    # written only by the person's own set-up, confirmation and turning off (under ``begin_change``).
    # What a sign-in uses up is never written into the users document (FerretDB writes whole
    # documents back, so it could undo an admin's change made at the same moment): a used time-step
    # and a used recovery code are claims (``totp:<user>:<step>``, ``recovery:<user>:<hash>``, the
    # insert atomic: a code signs in once), and the last used step is ``totp-last:<user>``.

    def two_factor(self, user_id: str) -> TwoFactor:
        doc = (self.users.find_one({"_id": user_id}, {"two_factor": 1}) or {}).get("two_factor") or {}
        last = self.claims.find_one({"_id": _last_step_key(user_id)}, {"step": 1}) or {}
        return TwoFactor(
            secret=doc.get("secret"),
            pending_secret=doc.get("pending_secret"),
            enabled_at=doc.get("enabled_at"),
            recovery_code_hashes=tuple(doc.get("recovery_code_hashes") or ()),
            last_step=last.get("step", -1),
        )

    def begin_two_factor(self, user_id: str, secret: str, now: datetime) -> None:
        """A set-up waiting for its first code (a new one replaces one not confirmed)."""
        self.users.update_one(
            {"_id": user_id}, {"$set": {"two_factor": {"pending_secret": secret, "pending_at": now}}}
        )

    def enable_two_factor(self, user_id: str, secret: str, hashes: list[str], now: datetime) -> bool:
        """Turn on the pending set-up ``secret``: True for exactly one of two confirmations at once
        (a claim named after the set-up, not a conditional update, which FerretDB cannot make atomic)."""
        if not self.claim(_enabled_key(user_id, secret), user_id, now):
            return False
        on = {"secret": secret, "enabled_at": now, "recovery_code_hashes": hashes}
        self.users.update_one({"_id": user_id}, {"$set": {"two_factor": on}})
        return True

    def use_time_step(self, user_id: str, step: int, previous: int, oldest_valid: int, now: datetime) -> bool:
        """Use the code of ``step``: False when it was used already (here or on another replica).
        Claims of steps before ``oldest_valid`` (no longer accepted anyway) are given back, from
        the ``previous`` last step on."""
        if not self.claim(_step_key(user_id, step), user_id, now):
            return False
        self._remember_last_step(user_id, max(step, previous), now)
        for old in (previous, previous - 1, previous - 2):
            if 0 <= old < oldest_valid:
                self.release(_step_key(user_id, old), user_id)
        return True

    def _remember_last_step(self, user_id: str, step: int, now: datetime) -> None:
        record = {"owner": user_id, "claimed_at": now, "step": step}
        try:
            self.claims.replace_one({"_id": _last_step_key(user_id)}, record, upsert=True)
        except DuplicateKeyError:  # two first sign-ins at once (see shared.mongo.upsert)
            self.claims.replace_one({"_id": _last_step_key(user_id)}, record)

    def use_recovery_code(self, user_id: str, digest: str, now: datetime) -> bool:
        """True once per recovery code, whichever replica asks first."""
        return self.claim(_recovery_key(user_id, digest), user_id, now)

    def recovery_codes_left(self, user_id: str, hashes: tuple[str, ...]) -> int:
        return sum(1 for digest in hashes if self.claim_owner(_recovery_key(user_id, digest)) is None)

    def disable_two_factor(self, user_id: str, two_factor: TwoFactor) -> None:
        """Off: the secret and the codes' hashes gone, and the claims they left given back."""
        self.users.update_one({"_id": user_id}, {"$unset": {"two_factor": ""}})
        keys = [_recovery_key(user_id, digest) for digest in two_factor.recovery_code_hashes]
        last = two_factor.last_step
        keys += [_step_key(user_id, step) for step in (last - 2, last - 1, last, last + 1) if step >= 0]
        keys.append(_last_step_key(user_id))
        if two_factor.secret:
            keys.append(_enabled_key(user_id, two_factor.secret))
        self.release_all(keys, user_id)

    def organization_security(self, org_id: str) -> dict[str, Any] | None:
        doc = self.organizations.find_one({"_id": org_id}, {"security": 1})
        if doc is None:
            return None
        security = doc.get("security") or {}
        return {"require_two_factor_for_staff": bool(security.get("require_two_factor_for_staff"))}

    def set_organization_security(self, org_id: str, require: bool, now: datetime) -> None:
        change = {"security.require_two_factor_for_staff": require, "security.updated_at": now}
        self.organizations.update_one({"_id": org_id}, {"$set": change})


def _step_key(user_id: str, step: int) -> str:
    return f"totp:{user_id}:{step}"


def _last_step_key(user_id: str) -> str:
    return f"totp-last:{user_id}"


def _recovery_key(user_id: str, digest: str) -> str:
    return f"recovery:{user_id}:{digest}"


def _enabled_key(user_id: str, secret: str) -> str:
    return f"two-factor-on:{user_id}:{secret_digest(secret)}"
