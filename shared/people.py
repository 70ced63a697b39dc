"""People as other services keep them: from `user.registered`, else asked of accounts once.

Services keep a person's email and phone whoever's request first named them (reminders need
them), so they ask accounts' service-only ``person`` RPC, never the ``get_user`` an end user sees.
"""

from __future__ import annotations

from typing import Any, Protocol

from shared.auth import Caller
from shared.errors import NotFound

# What a service keeps of a person, and what an event names of a participant.
PERSON_FIELDS = ("user_id", "role", "name", "email", "phone", "timezone", "language", "org_id", "branch_id")
PARTICIPANT_FIELDS = ("user_id", "role", "name", "email", "phone", "timezone", "language")


class People:
    """Store mixin: the ``people`` collection, keyed by user id."""

    people: Any

    def remember_person(self, person: dict[str, Any]) -> None:
        self.people.replace_one({"_id": person["user_id"]}, {**person, "_id": person["user_id"]}, upsert=True)

    def person(self, user_id: str) -> dict[str, Any] | None:
        found: dict[str, Any] | None = self.people.find_one({"_id": user_id}, {"_id": 0})
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
