"""Session types (#15) as they are stored and shown: the kinds of session an organization offers
(length, buffer, video / in person / phone, seats, branch, counselors, price, intake first).

Plain functions, no I/O. Each organization has a default type (``store.default_session_type``):
minutes and buffer None, each counselor's own, as sessions were before types existed; a booking
that names no type is of it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from services.scheduling.views import in_zone

# Fields a type keeps as given (name, price and the times are turned into what is stored).
PLAIN_FIELDS = (
    "minutes",
    "buffer_minutes",
    "modality",
    "seats",
    "branch_id",
    "counselor_ids",
    "requires_intake",
    "active",
)


def price_doc(price: dict[str, Any] | None) -> dict[str, Any] | None:
    """A price as stored: the amount to 2 decimal places, the currency code."""
    if price is None:
        return None
    return {"amount": round(float(price["amount"]), 2), "currency": price["currency"]}


def new_type_doc(type_id: str, org_id: str, data: dict[str, Any], at: datetime) -> dict[str, Any]:
    """A new type (``SessionTypeIn``, loaded) as stored."""
    return {
        "_id": type_id,
        "org_id": org_id,
        "name": dict(data["name"]),
        **{key: data[key] for key in PLAIN_FIELDS},
        "counselor_ids": _unique(data["counselor_ids"]),
        "price": price_doc(data["price"]),
        "is_default": False,
        "created_at": at,
        "updated_at": at,
    }


def changed(doc: dict[str, Any], data: dict[str, Any], at: datetime) -> dict[str, Any]:
    """The fields a change (``SessionTypeChanges``, loaded: only the fields sent) sets."""
    fields: dict[str, Any] = {key: data[key] for key in PLAIN_FIELDS if key in data}
    if "name" in data:
        fields["name"] = {**doc["name"], **data["name"]}
    if "counselor_ids" in data:
        fields["counselor_ids"] = _unique(data["counselor_ids"])
    if "price" in data:
        fields["price"] = price_doc(data["price"])
    return {**fields, "updated_at": at}


def _unique(ids: list[str] | None) -> list[str] | None:
    return list(dict.fromkeys(ids)) if ids is not None else None


def type_view(doc: dict[str, Any], zone: str) -> dict[str, Any]:
    """A type as the API shows it."""
    return {
        "id": doc["_id"],
        "name": dict(doc["name"]),
        "minutes": doc.get("minutes"),
        "buffer_minutes": doc.get("buffer_minutes"),
        "modality": doc.get("modality", "video"),
        "seats": doc.get("seats", 1),
        "branch_id": doc.get("branch_id"),
        "counselor_ids": doc.get("counselor_ids"),
        "price": doc.get("price"),
        "requires_intake": bool(doc.get("requires_intake")),
        "active": bool(doc.get("active", True)),
        "is_default": bool(doc.get("is_default")),
        "created_at": in_zone(doc["created_at"], zone),
        "updated_at": in_zone(doc["updated_at"], zone),
    }


def listed(docs: list[dict[str, Any]], branch_id: str | None, include_inactive: bool) -> list[dict[str, Any]]:
    """The types a list shows: of the branch asked for (and those of every branch), active ones
    unless inactive ones are asked for too; the default first, then the oldest."""
    return [
        doc
        for doc in docs
        if (include_inactive or doc.get("active", True))
        and (branch_id is None or doc.get("branch_id") in (None, branch_id))
    ]


def page_after(
    docs: list[dict[str, Any]], after: str | None, limit: int
) -> tuple[list[dict[str, Any]], str | None]:
    """A page of ``docs`` (in their order) after the type with id ``after``; the id the next page
    starts after, or None."""
    if after is not None:
        ids = [doc["_id"] for doc in docs]
        docs = docs[ids.index(after) + 1 :] if after in ids else []
    shown = docs[:limit]
    return shown, (shown[-1]["_id"] if len(docs) > limit else None)


# Rules of a type, as the service refuses them (messages per field) ---------------------------------


def address_of(branch: dict[str, Any]) -> str | None:
    """Where a branch's sessions in person are held: its address, if it has one."""
    return (branch.get("address") or "").strip() or None


def needs_phone(kind: dict[str, Any], client: dict[str, Any]) -> bool:
    """A phone session is a call to the client's number: without one it cannot be held."""
    return kind.get("modality", "video") == "phone" and not client.get("phone")


def counselor_faults(branch_id: str | None, counselors: list[dict[str, Any] | None]) -> dict[str, list[str]]:
    """Each of a type's counselors (None: not one of the organization's) at fault, by its place."""
    wrong: dict[str, list[str]] = {}
    for i, counselor in enumerate(counselors):
        if counselor is None:
            wrong[f"counselor_ids.{i}"] = ["No such counselor."]
        elif branch_id and counselor.get("branch_id") != branch_id:
            wrong[f"counselor_ids.{i}"] = ["This counselor is not of the type's branch."]
    return wrong


def default_type_faults(doc: dict[str, Any]) -> dict[str, list[str]]:
    """The default type is what a booking naming none is of: one-to-one, active, everywhere."""
    rules = {
        "seats": (doc.get("seats", 1) == 1, "The default type is one-to-one: 1 seat."),
        "active": (doc.get("active", True), "The default type stays active; retire another instead."),
        "branch_id": (doc.get("branch_id") is None, "The default type is given at every branch."),
        "counselor_ids": (doc.get("counselor_ids") is None, "The default type is given by every counselor."),
    }
    return {field: [message] for field, (kept, message) in rules.items() if not kept}
