"""People as other services keep them: from `user.registered` and `user.updated`, else asked of
accounts once.

Services keep a person's email and phone whoever's request first named them (reminders need
them), so they ask accounts' service-only ``person`` RPC, never the ``get_user`` an end user sees.

Every copy carries the person's ``revision`` (0 at sign-up, one more per `user.updated`): events
are redelivered and reordered, so a copy is only ever replaced by one at least as new.
"""

from __future__ import annotations

import time
from typing import Any, Protocol

from pymongo.errors import DuplicateKeyError

from shared.auth import Caller
from shared.errors import NotFound
from shared.events.contracts import USER_REGISTERED, USER_UPDATED
from shared.events.handling import on_event

# What a service keeps of a person, and what an event names of a participant.
PERSON_FIELDS = (
    "user_id",
    "role",
    "name",
    "email",
    "phone",
    "timezone",
    "language",
    "org_id",
    "branch_id",
    "revision",
)
PARTICIPANT_FIELDS = ("user_id", "role", "name", "email", "phone", "timezone", "language", "revision")
# How to reach a person: what a client never sees of anyone but themselves (API, calendars, messages).
CONTACT_FIELDS = ("email", "phone")
STAFF_ROLES = ("counselor", "branch_admin", "org_admin")
# A kept copy that changed under a writer's feet is read again this many times before giving up.
REMEMBER_ATTEMPTS = 5


# People are read on every booking and rarely change (`user.registered` and `user.updated` write
# them): each process keeps those it read for a minute, sparing a database read per participant.
# A change drops this process's entry; other processes see it within the minute.
RECENT_PEOPLE_SECONDS = 60.0
RECENT_PEOPLE_MAX = 20_000


class People:
    """Store mixin: the ``people`` collection, keyed by user id, and the people this process read
    lately (the store lives as long as its container: one per process and service)."""

    people: Any

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.recent_people: dict[str, tuple[float, dict[str, Any]]] = {}

    def remember_person(self, person: dict[str, Any]) -> bool:
        """Keep ``person`` unless the kept copy is newer; False when it was (nothing written).

        Read, compare revisions, then write only over the copy that was read: a first copy is
        inserted (the `_id` makes a racing insert fail, and the loser reads again); a later one
        replaces the document only while it still holds the revision read. That replace is atomic
        on MongoDB. On FerretDB 1.24 it is not: FerretDB reads the matching document and writes it
        back by `_id` without a lock, so two writers of one person in the same instant can both
        match, and the older one may land last. So the writer reads once more after writing and
        writes again while an older copy is there. What remains is an older write whose read inside
        FerretDB came before ours and whose write came after our check: two changes of one person
        racing to the microsecond (a person changes their details at human speed; redelivered and
        reordered events arrive seconds apart, which the comparison handles fully).
        """
        user_id = person["user_id"]
        revision = revision_of(person)
        doc = {**person, "_id": user_id, "revision": revision}
        try:
            for _ in range(REMEMBER_ATTEMPTS):
                kept = self.people.find_one({"_id": user_id}, {"revision": 1})
                if kept is None:
                    try:
                        self.people.insert_one(doc)
                    except DuplicateKeyError:
                        continue  # another writer kept a first copy meanwhile: compare with it
                elif revision_of(kept) > revision:
                    return False
                else:
                    written = "revision" in kept
                    held = {"revision": kept["revision"]} if written else {"revision": {"$exists": False}}
                    if self.people.replace_one({"_id": user_id, **held}, doc).matched_count == 0:
                        continue  # changed since read: compare again
                check = self.people.find_one({"_id": user_id}, {"revision": 1})
                if check is not None and revision_of(check) >= revision:
                    return True
            return False
        finally:
            self.recent_people.pop(user_id, None)

    def person(self, user_id: str) -> dict[str, Any] | None:
        recent = self.recent_people
        kept = recent.get(user_id)
        if kept and kept[0] > time.monotonic():
            return dict(kept[1])
        found: dict[str, Any] | None = self.people.find_one({"_id": user_id}, {"_id": 0})
        if found is not None:
            if len(recent) >= RECENT_PEOPLE_MAX:
                recent.clear()
            recent[user_id] = (time.monotonic() + RECENT_PEOPLE_SECONDS, dict(found))
        return found


class KeepsPeople:
    """Service mixin: the people of accounts' events kept in the service's store (which mixes in
    ``People``); a newer copy replaces the kept one, an older one arriving late changes nothing."""

    store: Any

    @on_event("accounts", USER_REGISTERED)
    def handle_user_registered(self, envelope: dict[str, Any]) -> None:
        self.store.remember_person(person_from_event(envelope["data"]))

    @on_event("accounts", USER_UPDATED)
    def handle_user_updated(self, envelope: dict[str, Any]) -> None:
        self.store.remember_person(person_from_event(envelope["data"]))


class _PeopleStore(Protocol):
    def remember_person(self, person: dict[str, Any]) -> bool: ...

    def person(self, user_id: str) -> dict[str, Any] | None: ...


def sees_contact(viewer_id: str, viewer_role: str, person_id: str) -> bool:
    """The one rule for contact details: staff see everyone's in their organization; a client
    only their own (a client learns their counselor's name, not their email or phone)."""
    return viewer_role in STAFF_ROLES or viewer_id == person_id


def revision_of(person: dict[str, Any]) -> int:
    """The person's revision; copies and events from before revisions existed count as 0."""
    return int(person.get("revision") or 0)


def person_from_event(data: dict[str, Any]) -> dict[str, Any]:
    """The person a `user.registered` or `user.updated` event describes, as services keep them."""
    return {**{k: data.get(k) for k in PERSON_FIELDS}, "revision": revision_of(data)}


def person_from_user(user: dict[str, Any]) -> dict[str, Any]:
    """A user as accounts describes them (``id``), as services keep them (``user_id``)."""
    kept = {k: user.get(k) for k in PERSON_FIELDS if k != "user_id"}
    return {**kept, "user_id": user["id"], "revision": revision_of(user)}


def participant(person: dict[str, Any]) -> dict[str, Any]:
    """A person as an event names a participant."""
    return {**{k: person.get(k) for k in PARTICIPANT_FIELDS}, "revision": revision_of(person)}


def known_person(store: _PeopleStore, accounts_rpc: Any, user_id: str, caller: Caller) -> dict[str, Any]:
    """Someone of the caller's organization: kept from events, else asked of accounts once (with the
    caller's own token, so accounts keeps to the caller's organization). What is kept is the whole
    person, contact details included: who sees what of them is each service's own answer."""
    person = store.person(user_id)
    if person is None:
        try:
            person = person_from_user(accounts_rpc.person(user_id))
        except NotFound:
            raise NotFound("No such person.") from None
        store.remember_person(person)
    if person["org_id"] != caller.org_id:
        raise NotFound("No such person.")
    return person
