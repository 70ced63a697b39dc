"""What profiles shows and tells: the API's views of a profile, its sources and its syncs, the
JSON Resume export, and the data of ``profile.synced`` and ``profile.sync_failed``. Plain
functions, no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from services.profiles import domain
from shared.clock import isoformat

JSON_RESUME_SCHEMA = "https://raw.githubusercontent.com/jsonresume/resume-schema/v1.0.0/schema.json"
# Who an event is about, from a sync's facts (or a caller's).
EVENT_FACTS = ("client_id", "org_id", "branch_id")


def _iso(moment: datetime | None) -> str | None:
    return isoformat(moment) if moment else None


def source_view(doc: Mapping[str, Any]) -> dict[str, Any]:
    config = doc.get("config") or {}
    view = {
        "kind": doc["kind"],
        "status": doc.get("status", domain.PENDING),
        "last_synced_at": _iso(doc.get("last_synced_at")),
        "next_sync_at": _iso(doc.get("next_sync_at")),
        "failures": doc.get("failures", 0),
        "error": doc.get("error"),
        "error_code": doc.get("error_code"),
    }
    if config.get("url"):
        view["url"] = config["url"]
    if config.get("username"):
        view["username"] = config["username"]
    return view


def profile_view(
    client_id: str, profile: Mapping[str, Any] | None, sources: Sequence[Mapping[str, Any]]
) -> dict[str, Any]:
    values = (profile or {}).get("values") or {}
    provenance = (profile or {}).get("provenance") or {}
    return {
        "client_id": client_id,
        **{field: values.get(field) for field in domain.TEXT_FIELDS},
        **{field: list(values.get(field) or []) for field in domain.LIST_FIELDS},
        "sources": [source_view(doc) for doc in sources],
        "provenance": {
            field: {"source": said["source"], "at": isoformat(said["at"])}
            for field, said in provenance.items()
        },
        "updated_at": _iso((profile or {}).get("updated_at")),
    }


def resume_of(profile: Mapping[str, Any]) -> dict[str, Any]:
    """The profile as a JSON Resume 1.0.0 document, naming its schema and when it last changed."""
    resume: dict[str, Any] = {
        "$schema": JSON_RESUME_SCHEMA,
        **domain.to_json_resume(profile.get("values") or {}),
        "meta": {"version": "v1.0.0"},
    }
    if profile.get("updated_at"):
        resume["meta"]["lastModified"] = profile["updated_at"].strftime("%Y-%m-%dT%H:%M:%S")
    return resume


def sync_requested(sync_id: str, kinds: list[str]) -> dict[str, Any]:
    """The answer to a sync asked for: it runs off the request path."""
    return {"sync_id": sync_id, "status": "pending", "sources": kinds}


def sync_view(sync: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "sync_id": sync["_id"],
        "status": sync["status"],
        "sources": sync["sources"],
        "requested_at": isoformat(sync["requested_at"]),
        "finished_at": _iso(sync.get("finished_at")),
        "results": sync.get("results") or {},
    }


def synced_data(
    facts: Mapping[str, Any], sync_id: str | None, source: str, changed: list[str], at: datetime
) -> dict[str, Any]:
    """``profile.synced``: the fields a sync of ``source`` (or the client's own edit) changed."""
    return {
        **{k: facts.get(k) for k in EVENT_FACTS},
        "sync_id": sync_id,
        "source": source,
        "changed_fields": changed,
        "synced_at": at,
    }


def sync_failed_data(
    facts: Mapping[str, Any], sync_id: str, source: str, code: str, reason: str, state: domain.SourceState
) -> dict[str, Any]:
    """``profile.sync_failed``: why, how many times in a row, and when it is tried again."""
    return {
        **{k: facts.get(k) for k in EVENT_FACTS},
        "sync_id": sync_id,
        "source": source,
        "code": code,
        "reason": reason,
        "attempts": state.failures,
        "retry_at": state.next_sync_at,
    }
