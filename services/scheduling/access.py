"""Who may do what with counselors' hours, sessions, case notes and client records: pure rules.

Each rule takes the caller and the facts of the session or person at stake and answers yes or
no; whom a booking is for and with is refused by raising a ``Refused`` that names the condition,
which service.py turns into an API error. No I/O: what a rule needs from the database is handed
in (``may_read_notes`` asks for the client's sharing list only when it decides the answer).

The caller is anything shaped like ``shared.auth.Caller`` (a plain frozen dataclass); it is not
imported, because shared.auth also reads tokens with jwt and nameko, which domain code does not
import. A person handed to a rule is someone of the caller's organization (``known_person``
answers 404 for anyone else first); the rules check the organization again so that each holds
on its own.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Protocol

CLIENT = "client"
COUNSELOR = "counselor"
BRANCH_ADMIN = "branch_admin"
ORG_ADMIN = "org_admin"
BRANCH_STAFF = frozenset({COUNSELOR, BRANCH_ADMIN})
STAFF = BRANCH_STAFF | {ORG_ADMIN}


class Caller(Protocol):
    """Who is asking, as their access token says."""

    @property
    def user_id(self) -> str: ...

    @property
    def org_id(self) -> str: ...

    @property
    def role(self) -> str: ...

    @property
    def branch_id(self) -> str | None: ...


@dataclass(frozen=True)
class Person:
    """A counselor or client a rule is about."""

    user_id: str
    role: str
    org_id: str
    branch_id: str | None


@dataclass(frozen=True)
class SessionParties:
    """Whose a session is: all that access to it depends on."""

    org_id: str
    branch_id: str | None
    counselor_id: str
    client_id: str


class Refused(Exception):
    """Whom a booking is for, or with whom, breaks a rule; each subclass names the condition."""


class BookingForSomeoneElse(Refused):
    """A client named another person as the client: clients book for themselves."""


class ClientNotNamed(Refused):
    """Staff booked without naming the client the session is for."""


class NotAClient(Refused):
    """The person named as the client is staff."""


class ClientOfAnotherBranch(Refused):
    """Staff of a branch named a client of another branch."""


class CounselorOfAnotherBranch(Refused):
    """Staff of a branch named a counselor of another branch."""


class OfAnotherOrganization(Refused):
    """The person named belongs to another organization."""


# Sessions ----------------------------------------------------------------------------------------


def can_see_session(caller: Caller, session: SessionParties) -> bool:
    """Its client and its counselor, the admins of its branch and of its organization."""
    if session.org_id != caller.org_id:
        return False
    if caller.role == ORG_ADMIN:
        return True
    if caller.role == BRANCH_ADMIN:
        return session.branch_id == caller.branch_id
    return caller.user_id in (session.client_id, session.counselor_id)


def may_join(caller: Caller, session: SessionParties) -> bool:
    """Only the two people meeting enter its room; admins who see the session do not."""
    return session.org_id == caller.org_id and caller.user_id in (session.client_id, session.counselor_id)


def may_settle(caller: Caller, session: SessionParties) -> bool:
    """Mark it completed or a no-show: staff who see it, and of counselors only its own."""
    if caller.role not in STAFF or not can_see_session(caller, session):
        return False
    return caller.role != COUNSELOR or session.counselor_id == caller.user_id


def may_reassign(caller: Caller, session: SessionParties) -> bool:
    """Give a session to another counselor: the admins who see it (its branch's, its organization's)."""
    return caller.role in (BRANCH_ADMIN, ORG_ADMIN) and can_see_session(caller, session)


def may_list_waiting(caller: Caller) -> bool:
    """Sessions waiting for a counselor are listed for admins (each sees those in their scope)."""
    return caller.role in (BRANCH_ADMIN, ORG_ADMIN)


def bound_by_policy(caller: Caller) -> bool:
    """Clients keep to the organization's policy when they change a session (how often it may be
    rescheduled, when cancelling counts as late); staff change sessions freely."""
    return caller.role == CLIENT


def session_scope(caller: Caller, asked: Mapping[str, str | None]) -> dict[str, str | None] | None:
    """The equalities every session listed for the caller meets: a client's and a counselor's own
    sessions, a branch admin's branch, an org admin's organization, narrowed by what they
    ``asked`` for; None when they asked for sessions outside it (the list is empty)."""
    scope: dict[str, str | None] = {"org_id": caller.org_id}
    if caller.role == CLIENT:
        scope["client_id"] = caller.user_id
    elif caller.role == COUNSELOR:
        scope["counselor_id"] = caller.user_id
    elif caller.role == BRANCH_ADMIN:
        scope["branch_id"] = caller.branch_id
    for key, value in asked.items():
        if value:
            if key in scope and scope[key] != value:
                return None
            scope[key] = value
    return scope


# Case notes ---------------------------------------------------------------------------------------


def may_write_notes(caller: Caller, session: SessionParties) -> bool:
    """Only the session's counselor writes its case notes."""
    return (
        caller.role == COUNSELOR
        and session.org_id == caller.org_id
        and session.counselor_id == caller.user_id
    )


def may_read_notes(
    caller: Caller, session: SessionParties, shared_with: Callable[[], Collection[str]]
) -> bool:
    """Never clients; the session's counselor; the admins who see it; another counselor of its
    branch once the client shared their record with them. ``shared_with`` gives the counselors the
    client shared it with, and is asked only for that last case."""
    if session.org_id != caller.org_id:
        return False
    if caller.role == ORG_ADMIN:
        return True
    if caller.role == BRANCH_ADMIN:
        return session.branch_id == caller.branch_id
    if caller.role != COUNSELOR:
        return False
    if session.counselor_id == caller.user_id:
        return True
    same_branch = caller.branch_id is not None and caller.branch_id == session.branch_id
    return same_branch and caller.user_id in shared_with()


# People -------------------------------------------------------------------------------------------


def _the_person_or_their_admins(caller: Caller, person: Person) -> bool:
    if person.org_id != caller.org_id:
        return False
    if caller.user_id == person.user_id or caller.role == ORG_ADMIN:
        return True
    return caller.role == BRANCH_ADMIN and caller.branch_id == person.branch_id


def may_manage_availability(caller: Caller, counselor: Person) -> bool:
    """The counselor themselves, the admins of their branch, the organization's admins."""
    return _the_person_or_their_admins(caller, counselor)


def may_share_record(caller: Caller, client: Person) -> bool:
    """Decide which counselors see a client's record: the client themselves, the admins of their
    branch, the organization's admins; never a counselor, not even the client's own."""
    return _the_person_or_their_admins(caller, client)


def may_share_with(client: Person, counselor: Person) -> bool:
    """Whom a client's record may be shared with: counselors of the client's branch, since another
    counselor reads the notes of sessions of their own branch only (a share with anyone else would
    do nothing); counselors of any branch for a client of no branch yet."""
    if counselor.org_id != client.org_id or counselor.role != COUNSELOR:
        return False
    return client.branch_id is None or counselor.branch_id == client.branch_id


def may_get_calendar_feed(caller: Caller, counselor_id: str) -> bool:
    """A counselor's private calendar feed goes to that counselor only, not even to admins."""
    return caller.user_id == counselor_id


def may_rotate_calendar_feed(caller: Caller, counselor: Person) -> bool:
    """End a counselor's feed URL and make a new one: the counselor, or their admins (a leaked URL);
    only the counselor is given the new URL (``may_get_calendar_feed``)."""
    return _the_person_or_their_admins(caller, counselor)


def may_see_branch_report(caller: Caller, branch_id: str) -> bool:
    """Org admins see every branch's figures; branch admins their own branch's."""
    return caller.role == ORG_ADMIN or (caller.role == BRANCH_ADMIN and caller.branch_id == branch_id)


# Booking ------------------------------------------------------------------------------------------


def client_to_book_for(caller: Caller, client_id: str | None) -> str:
    """Whom a booking is for: clients book for themselves (naming nobody or their own id); staff
    name the client."""
    if caller.role == CLIENT:
        if client_id and client_id != caller.user_id:
            raise BookingForSomeoneElse
        return caller.user_id
    if not client_id:
        raise ClientNotNamed
    return client_id


def check_client_for_booking(caller: Caller, client: Person) -> None:
    """Staff book for clients: of their own branch (or of no branch yet) for staff of a branch,
    of the organization for org admins."""
    if client.org_id != caller.org_id:
        raise OfAnotherOrganization
    if caller.role == CLIENT:
        if client.user_id != caller.user_id:
            raise BookingForSomeoneElse
        return
    if client.role != CLIENT:
        raise NotAClient
    if caller.role in BRANCH_STAFF and client.branch_id not in (None, caller.branch_id):
        raise ClientOfAnotherBranch


def check_counselor_for_booking(caller: Caller, counselor: Person) -> None:
    """A counselor named for a booking: staff of a branch book with their own branch's; clients
    and org admins with any of the organization."""
    if counselor.org_id != caller.org_id:
        raise OfAnotherOrganization
    if caller.role in BRANCH_STAFF and counselor.branch_id != caller.branch_id:
        raise CounselorOfAnotherBranch


def check_counselor_for_reassigning(caller: Caller, counselor: Person) -> None:
    """The counselor a session is given to: of the organization; of their own branch for a branch
    admin (as when they book)."""
    if counselor.org_id != caller.org_id:
        raise OfAnotherOrganization
    if caller.role == BRANCH_ADMIN and counselor.branch_id != caller.branch_id:
        raise CounselorOfAnotherBranch


def check_branch_for_booking(caller: Caller, branch_id: str) -> None:
    """Booking with any free counselor of a branch: staff of a branch, of their own branch only (as
    when they name a counselor); clients and org admins, of any branch of the organization."""
    if caller.role in BRANCH_STAFF and branch_id != caller.branch_id:
        raise CounselorOfAnotherBranch


# Session types (#15) ------------------------------------------------------------------------------


def may_manage_session_type(caller: Caller, branch_id: str | None) -> bool:
    """Add, change or retire a session type: org admins any of the organization's; branch admins
    those of their own branch (never one offered everywhere, as the default is)."""
    if caller.role == ORG_ADMIN:
        return True
    return caller.role == BRANCH_ADMIN and branch_id is not None and branch_id == caller.branch_id


def sees_inactive_session_types(caller: Caller) -> bool:
    """Retired types are listed for admins (to bring one back); everyone else sees the active ones."""
    return caller.role in (BRANCH_ADMIN, ORG_ADMIN)
