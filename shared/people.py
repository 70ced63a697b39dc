"""People as other services keep them: from `user.registered`, else asked of accounts once.

Services keep a person's email and phone whoever's request first named them (reminders need
them), so they ask accounts' service-only ``person`` RPC, never the ``get_user`` an end user sees.
"""

from __future__ import annotations

import time
from typing import Any, Protocol

from shared.auth import Caller
from shared.errors import NotFound

# What a service keeps of a person, and what an event names of a participant.
PERSON_FIELDS = ("user_id", "role", "name", "email", "phone", "timezone", "language", "org_id", "branch_id")
PARTICIPANT_FIELDS = ("user_id", "role", "name", "email", "phone", "timezone", "language")


# People are read on every booking and rarely change (only `user.registered` writes them): each
# process keeps those it read for a minute, sparing a database read per participant.
RECENT_PEOPLE_SECONDS = 60.0
RECENT_PEOPLE_MAX = 20_000
_recent: dict[tuple[str, str], tuple[float, dict[str, Any]]] = {}


class People:
    """Store mixin: the ``people`` collection, keyed by user id."""

    people: Any

    def remember_person(self, person: dict[str, Any]) -> None:
        self.people.replace_one({"_id": person["user_id"]}, {**person, "_id": person["user_id"]}, upsert=True)
        _recent.pop((self.people.full_name, person["user_id"]), None)

    def person(self, user_id: str) -> dict[str, Any] | None:
        key = (self.people.full_name, user_id)
        kept = _recent.get(key)
        if kept and kept[0] > time.monotonic():
            return dict(kept[1])
        found: dict[str, Any] | None = self.people.find_one({"_id": user_id}, {"_id": 0})
        if found is not None:
            if len(_recent) >= RECENT_PEOPLE_MAX:
                _recent.clear()
            _recent[key] = (time.monotonic() + RECENT_PEOPLE_SECONDS, dict(found))
        return found


class _PeopleStore(Protocol):
    def remember_person(self, person: dict[str, Any]) -> None: ...

    def person(self, user_id: str) -> dict[str, Any] | None: ...


def person_from_event(data: dict[str, Any]) -> dict[str, Any]:
    """The person a `user.registered` event describes, as services keep them."""
    return {k: data.get(k) for k in PERSON_FIELDS}


def person_from_user(user: dict[str, Any]) -> dict[str, Any]:
    """A user as accounts describes them (``id``), as services keep them (``user_id``)."""
    return {**{k: user.get(k) for k in PERSON_FIELDS if k != "user_id"}, "user_id": user["id"]}


def participant(person: dict[str, Any]) -> dict[str, Any]:
    """A person as an event names a participant."""
    return {k: person.get(k) for k in PARTICIPANT_FIELDS}


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
