"""profiles: entrypoints only — validate, read, decide, write, publish.

Connecting a source (or asking for a sync) answers 202 at once: the request stores
what to read and a ``profile.sync_requested`` event in the same write; the event's
handler (any replica) reads the source, merges, and publishes ``profile.synced`` with
the fields that changed, or ``profile.sync_failed`` with a reason a person can act on.
APScheduler re-syncs sources that are due (daily by default) and retries failing
ones after an exponential backoff.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import uuid
from datetime import datetime, timedelta
from typing import Any

import eventlet
from eventlet import tpool

from services.profiles import domain, jsonresume, linkedin, schemas, sources
from services.profiles.store import ProfilesStore, source_id, state_of
from shared.auth import Caller
from shared.clock import isoformat
from shared.errors import BadRequest, Conflict, NotFound, ValidationFailed
from shared.events.contracts import (
    PROFILE_SYNC_FAILED,
    PROFILE_SYNC_REQUESTED,
    PROFILE_SYNCED,
    SESSION_BOOKED,
)
from shared.events.handling import on_event
from shared.fetching import FetchFailed, FetchPolicy, FetchRefused, check_url
from shared.ids import new_id
from shared.mongo import MongoStore, now
from shared.rpc import ServiceRpc
from shared.schemas import load
from shared.service import NjiaService, rpc
from shared.timers import every_seconds, scheduled

log = logging.getLogger(__name__)

LOCK_WAIT_SECONDS = 30.0
STALE_RESYNC_CLAIM = timedelta(hours=1)
GITHUB_LIMIT = "github"


def _iso(moment: datetime | None) -> str | None:
    return isoformat(moment) if moment else None


def source_view(doc: dict[str, Any]) -> dict[str, Any]:
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
    client_id: str, profile: dict[str, Any] | None, sources_: list[dict[str, Any]]
) -> dict[str, Any]:
    values = (profile or {}).get("values") or {}
    provenance = (profile or {}).get("provenance") or {}
    return {
        "client_id": client_id,
        **{field: values.get(field) for field in domain.TEXT_FIELDS},
        **{field: list(values.get(field) or []) for field in domain.LIST_FIELDS},
        "sources": [source_view(doc) for doc in sources_],
        "provenance": {
            field: {"source": said["source"], "at": isoformat(said["at"])}
            for field, said in provenance.items()
        },
        "updated_at": _iso((profile or {}).get("updated_at")),
    }


def manual_of(profile: dict[str, Any] | None) -> domain.Snapshot | None:
    manual = (profile or {}).get("manual") or {}
    if not manual.get("values"):
        return None
    return domain.Snapshot(domain.MANUAL, manual["values"], manual.get("changed_at") or {})


class ProfilesService(NjiaService):
    name = "profiles"
    store: ProfilesStore = MongoStore(ProfilesStore, "profiles")  # type: ignore[assignment]
    scheduling_rpc = ServiceRpc("scheduling")

    # Connecting sources ----------------------------------------------------------------

    @rpc
    def upload_linkedin_export(self, encoded: str) -> dict[str, Any]:
        """A LinkedIn export (base64, as the gateway forwards it): checked now, read off the request path."""
        caller = self.auth.caller("client")
        try:
            data = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError, TypeError):
            raise BadRequest("The upload could not be read.", {"export": ["Not a file upload."]}) from None
        try:
            summary = linkedin.inspect(data)
        except linkedin.ExportRefused as exc:
            raise ValidationFailed(str(exc), {"export": [str(exc)]}) from None
        at = now()
        sync_id = new_id("sync")
        previous = self.store.source(caller.user_id, domain.LINKEDIN)
        self.store.ensure_profile(caller.user_id, caller.org_id, caller.branch_id, at)
        self.store.save_upload(sync_id, data, at)
        self.store.connect_source(
            caller.user_id,
            caller.org_id,
            domain.LINKEDIN,
            {"upload_id": sync_id, "tables": list(summary.tables), "bytes": len(data)},
            at,
        )
        old_upload = ((previous or {}).get("config") or {}).get("upload_id")
        if old_upload:
            self.store.delete_upload(old_upload)
        return self._request_sync(self._facts(caller), [domain.LINKEDIN], "connected", at, sync_id)

    @rpc
    def connect_json_resume(self, body: Any) -> dict[str, Any]:
        """``{url}`` (fetched, then re-fetched on schedule) or a JSON Resume 1.0.0 document."""
        caller = self.auth.caller("client")
        if not isinstance(body, dict):
            raise ValidationFailed("The body must be a JSON object.", {"body": ["Must be a JSON object."]})
        if set(body) == {"url"}:
            url = load(schemas.JsonResumeUrlIn(), body)["url"]
            try:
                check_url(url, self._policy())
            except (FetchRefused, FetchFailed) as exc:
                raise ValidationFailed(str(exc), {"url": [str(exc)]}) from None
            config: dict[str, Any] = {"url": url}
        else:
            problems = jsonresume.problems(body)
            if problems:
                raise ValidationFailed("This is not a valid JSON Resume (schema 1.0.0).", problems)
            # As text: a document may hold keys MongoDB refuses ("$schema", dots).
            config = {"document_json": json.dumps(body)}
        at = now()
        self.store.ensure_profile(caller.user_id, caller.org_id, caller.branch_id, at)
        self.store.connect_source(caller.user_id, caller.org_id, domain.JSON_RESUME, config, at)
        return self._request_sync(self._facts(caller), [domain.JSON_RESUME], "connected", at)

    @rpc
    def connect_github(self, body: Any) -> dict[str, Any]:
        caller = self.auth.caller("client")
        username = load(schemas.GitHubIn(), body)["username"]
        at = now()
        self.store.ensure_profile(caller.user_id, caller.org_id, caller.branch_id, at)
        self.store.connect_source(caller.user_id, caller.org_id, domain.GITHUB, {"username": username}, at)
        return self._request_sync(self._facts(caller), [domain.GITHUB], "connected", at)

    @rpc
    def sync_now(self) -> dict[str, Any]:
        """Every connected source, now (a failing source's backoff does not hold this back)."""
        caller = self.auth.caller("client")
        kinds = [doc["kind"] for doc in self.store.sources_of(caller.user_id)]
        if not kinds:
            raise Conflict(
                "Connect a source first: a LinkedIn export, a JSON Resume or a GitHub account.",
                {"reason": "no_sources"},
            )
        return self._request_sync(self._facts(caller), kinds, "requested", now())

    @staticmethod
    def _facts(caller: Caller) -> dict[str, Any]:
        return {"client_id": caller.user_id, "org_id": caller.org_id, "branch_id": caller.branch_id}

    def _request_sync(
        self,
        facts: dict[str, Any],
        kinds: list[str],
        reason: str,
        at: datetime,
        sync_id: str | None = None,
        claims: list[str] | None = None,
    ) -> dict[str, Any]:
        sync_id = sync_id or new_id("sync")
        doc = {
            "_id": sync_id,
            **facts,
            "sources": kinds,
            "reason": reason,
            "status": "pending",
            "requested_at": at,
            "finished_at": None,
            "results": {},
            "claims": claims or [],
        }
        event = self.events.new(
            PROFILE_SYNC_REQUESTED, {**facts, "sync_id": sync_id, "sources": kinds, "reason": reason}, at
        )
        self.store.add_sync(doc, [event])
        self.events.deliver(self.store, "syncs", sync_id, [event])
        return {"sync_id": sync_id, "status": "pending", "sources": kinds}

    def _policy(self, check_addresses: bool = True) -> FetchPolicy:
        settings = self.settings
        return FetchPolicy(
            timeout=settings.fetch_timeout_seconds,
            max_bytes=settings.fetch_max_bytes,
            max_redirects=settings.fetch_max_redirects,
            allow_private=settings.fetch_allow_private,
            check_addresses=check_addresses,
        )

    # Syncing (off the request path) ------------------------------------------------------

    @on_event("profiles", PROFILE_SYNC_REQUESTED)
    def handle_profile_sync_requested(self, envelope: dict[str, Any]) -> None:
        facts = envelope["data"]
        sync_id = facts["sync_id"]
        sync = self.store.sync(sync_id)
        if sync is None or sync["status"] == "done":
            return
        owner = f"{sync_id}:{uuid.uuid4().hex[:8]}"
        self._lock(facts["client_id"], owner)
        try:
            # Read again under the lock: a second copy of the event (the outbox relay may publish
            # it once more) waits above while the first does the work, then finds it done.
            sync = self.store.sync(sync_id) or sync
            if sync["status"] == "done":
                return
            self.store.update_sync(sync_id, {"status": "running"})
            for kind in facts["sources"]:
                result = self._sync_source(facts, kind, sync_id)
                self.store.update_sync(sync_id, {f"results.{kind}": result})
            self.store.update_sync(sync_id, {"status": "done", "finished_at": now()})
        finally:
            self.store.unlock(facts["client_id"], owner)
            for key in sync.get("claims") or []:
                self.store.release(key)

    def _lock(self, client_id: str, owner: str) -> None:
        """One sync of a client at a time (merges read every snapshot, then write the profile)."""
        waited = 0.0
        while not self.store.lock(client_id, owner, now()):
            if waited > LOCK_WAIT_SECONDS:
                raise RuntimeError(f"profile of {client_id} stayed locked for {LOCK_WAIT_SECONDS:g} s")
            eventlet.sleep(0.05)
            waited += 0.05

    def _scheduled(self, kind: str, config: dict[str, Any]) -> bool:
        """Only what can change by itself is re-read on schedule: GitHub and a JSON Resume URL."""
        return kind == domain.GITHUB or (kind == domain.JSON_RESUME and bool(config.get("url")))

    def _read(self, kind: str, source: dict[str, Any], at: datetime) -> sources.Reading:
        config = source.get("config") or {}
        cache = source.get("cache") or {}
        if kind == domain.LINKEDIN:
            data = self.store.upload(config.get("upload_id", ""))
            if data is None:
                raise sources.SourceFailed(
                    "missing_upload", "The export is no longer stored; upload it again."
                )
            # Parsing is CPU work: in a real thread, so the service keeps answering meanwhile.
            return sources.Reading(tpool.execute(sources.read_linkedin, data))
        if kind == domain.JSON_RESUME:
            if config.get("url"):
                return sources.read_json_resume_url(config["url"], cache, self._policy(), at)
            return sources.Reading(sources.read_json_resume_document(json.loads(config["document_json"])))
        return sources.read_github(
            config["username"],
            cache.get("entries") or [],
            self.settings.github_api_url,
            self.settings.github_token,
            self._policy(check_addresses=False),
            at,
            self.store.limit_until(GITHUB_LIMIT),
        )

    def _sync_source(self, facts: dict[str, Any], kind: str, sync_id: str) -> dict[str, Any]:
        at = now()
        client_id = facts["client_id"]
        source = self.store.source(client_id, kind)
        if source is None:
            return {"status": "skipped", "error": "This source is not connected.", "code": "not_connected"}
        state = state_of(source, kind)
        scheduled_ = self._scheduled(kind, source.get("config") or {})
        interval = timedelta(seconds=self.settings.profile_sync_interval_seconds)
        try:
            reading = self._read(kind, source, at)
        except sources.SourceFailed as failure:
            return self._failed(facts, kind, sync_id, state, failure, scheduled_, interval, at)
        if reading.rate_limited_until:
            self.store.set_limit(GITHUB_LIMIT, reading.rate_limited_until)
        previous = self.store.snapshot(client_id, kind)
        if reading.values is None:  # not modified since the last read
            snapshot = previous or domain.observe(None, kind, {}, at)
        else:
            snapshot = domain.observe(previous, kind, reading.values, at)
        if snapshot != previous:
            self.store.save_snapshot(client_id, snapshot, at)
        profile = self.store.profile(client_id) or {}
        others = [s for s in self.store.snapshots_of(client_id) if s.source != kind]
        merged = domain.merge([*others, snapshot], manual_of(profile))
        changed = domain.changed_fields(profile.get("values") or {}, merged.values)
        events = []
        if changed:
            events.append(
                self.events.new(
                    PROFILE_SYNCED,
                    {
                        **self._event_facts(facts),
                        "sync_id": sync_id,
                        "source": kind,
                        "changed_fields": changed,
                        "synced_at": at,
                    },
                    at,
                )
            )
        if changed or merged.provenance != profile.get("provenance"):
            self.store.save_profile(client_id, merged, at, events)
        self.store.save_source_state(
            client_id, kind, domain.sync_succeeded(state, at, interval, scheduled_), [], cache=reading.cache
        )
        if events:
            self.events.deliver(self.store, "profiles", client_id, events)
        return {"status": "ok", "changed_fields": changed}

    @staticmethod
    def _event_facts(facts: dict[str, Any]) -> dict[str, Any]:
        return {k: facts.get(k) for k in ("client_id", "org_id", "branch_id")}

    def _failed(
        self,
        facts: dict[str, Any],
        kind: str,
        sync_id: str,
        state: domain.SourceState,
        failure: sources.SourceFailed,
        scheduled_: bool,
        interval: timedelta,
        at: datetime,
    ) -> dict[str, Any]:
        if failure.code == "rate_limited" and kind == domain.GITHUB and failure.retry_at:
            self.store.set_limit(GITHUB_LIMIT, failure.retry_at)
        base = timedelta(seconds=self.settings.profile_backoff_seconds)
        failed = domain.sync_failed(
            state, at, failure.code, failure.reason, base, max(interval, base), scheduled_, failure.retry_at
        )
        event = self.events.new(
            PROFILE_SYNC_FAILED,
            {
                **self._event_facts(facts),
                "sync_id": sync_id,
                "source": kind,
                "code": failure.code,
                "reason": failure.reason,
                "attempts": failed.failures,
                "retry_at": failed.next_sync_at,
            },
            at,
        )
        self.store.save_source_state(facts["client_id"], kind, failed, [event])
        self.events.deliver(self.store, "sources", source_id(facts["client_id"], kind), [event])
        log.warning(
            "profile source sync failed",
            extra={
                "source": kind,
                "code": failure.code,
                "attempts": failed.failures,
                "client_id": facts["client_id"],
            },
        )
        return {"status": "failed", "code": failure.code, "error": failure.reason}

    @scheduled(trigger=every_seconds("profile_sync_sweep_seconds"))
    def resync_due_sources(self) -> None:
        """Sources due a re-sync (daily) or a retry (backoff) get one, once across replicas."""
        at = now()
        due: dict[str, list[tuple[str, str]]] = {}
        for doc in self.store.sources_due(at):
            key = f"resync:{doc['_id']}:{int(doc['next_sync_at'].timestamp())}"
            taken = self.store.claim(key, "sweep", at) or (
                self.store.release_if_stale(key, STALE_RESYNC_CLAIM, at)
                and self.store.claim(key, "sweep", at)
            )
            if taken:
                due.setdefault(doc["client_id"], []).append((doc["kind"], key))
        for client_id, kinds in due.items():
            profile = self.store.profile(client_id)
            if profile is None:
                continue
            facts = {
                "client_id": client_id,
                "org_id": profile["org_id"],
                "branch_id": profile.get("branch_id"),
            }
            self._request_sync(
                facts, [k for k, _ in kinds], "scheduled", at, claims=[key for _, key in kinds]
            )

    # Who counsels whom --------------------------------------------------------------------

    @on_event("scheduling", SESSION_BOOKED)
    def handle_session_booked(self, envelope: dict[str, Any]) -> None:
        data = envelope["data"]
        self.store.remember_relation(
            data["counselor"]["user_id"], data["client"]["user_id"], data["org_id"], now()
        )

    def _visible_client(self, caller: Caller, client_id: str | None) -> str:
        """The client whose profile the caller asks for, if the caller may see it (else 404)."""
        if caller.role == "client":
            if client_id not in (None, caller.user_id):
                raise NotFound("No such profile.")
            return caller.user_id
        if not client_id:
            raise ValidationFailed(details={"client_id": ["Name the client whose profile you want to see."]})
        profile = self.store.profile(client_id)
        if profile is None or profile["org_id"] != caller.org_id:
            raise NotFound("No such profile.")
        if caller.is_org_admin:
            return client_id
        if caller.role == "branch_admin" and profile.get("branch_id") == caller.branch_id:
            return client_id
        if caller.role == "counselor" and self._counsels(caller, client_id):
            return client_id
        raise NotFound("No such profile.")

    def _counsels(self, caller: Caller, client_id: str) -> bool:
        """A counselor has a client once they have a session together: kept from events, else asked."""
        if self.store.counsels(caller.user_id, client_id):
            return True
        found = self.scheduling_rpc.list_sessions({"client_id": client_id, "limit": 1})["items"]
        if found:
            self.store.remember_relation(caller.user_id, client_id, caller.org_id, now())
        return bool(found)

    # Reading and editing the profile ------------------------------------------------------

    @rpc
    def get_profile(self, query: dict[str, Any] | None = None) -> dict[str, Any]:
        caller = self.auth.caller()
        params = load(schemas.ProfileQuery(), query or {})
        client_id = self._visible_client(caller, params["client_id"])
        return profile_view(client_id, self.store.profile(client_id), self.store.sources_of(client_id))

    @rpc
    def export_profile(self, query: dict[str, Any] | None = None) -> dict[str, Any]:
        caller = self.auth.caller()
        params = load(schemas.ExportQuery(), query or {})
        client_id = self._visible_client(caller, params["client_id"])
        profile = self.store.profile(client_id) or {}
        resume = {
            "$schema": "https://raw.githubusercontent.com/jsonresume/resume-schema/v1.0.0/schema.json",
            **domain.to_json_resume(profile.get("values") or {}),
            "meta": {"version": "v1.0.0"},
        }
        if profile.get("updated_at"):
            resume["meta"]["lastModified"] = profile["updated_at"].strftime("%Y-%m-%dT%H:%M:%S")
        return resume

    @rpc
    def get_sync(self, sync_id: str) -> dict[str, Any]:
        caller = self.auth.caller()
        sync = self.store.sync(sync_id)
        if sync is None or sync["org_id"] != caller.org_id:
            raise NotFound("No such sync.")
        self._visible_client(caller, sync["client_id"])
        return {
            "sync_id": sync["_id"],
            "status": sync["status"],
            "sources": sync["sources"],
            "requested_at": isoformat(sync["requested_at"]),
            "finished_at": _iso(sync.get("finished_at")),
            "results": sync.get("results") or {},
        }

    @rpc
    def update_profile(self, body: Any) -> dict[str, Any]:
        """The client's own edits: they beat every source until set back to null."""
        caller = self.auth.caller("client")
        changes = load(schemas.ProfileEdit(), body)
        at = now()
        client_id = caller.user_id
        self.store.ensure_profile(client_id, caller.org_id, caller.branch_id, at)
        owner = f"edit:{uuid.uuid4().hex[:8]}"
        self._lock(client_id, owner)
        try:
            profile = self.store.profile(client_id) or {}
            manual = domain.edit(manual_of(profile), changes, at)
            merged = domain.merge(self.store.snapshots_of(client_id), manual)
            changed = domain.changed_fields(profile.get("values") or {}, merged.values)
            events = []
            if changed:
                events.append(
                    self.events.new(
                        PROFILE_SYNCED,
                        {
                            **self._facts(caller),
                            "sync_id": None,
                            "source": domain.MANUAL,
                            "changed_fields": changed,
                            "synced_at": at,
                        },
                        at,
                    )
                )
            self.store.save_profile(client_id, merged, at, events, manual=manual)
        finally:
            self.store.unlock(client_id, owner)
        if events:
            self.events.deliver(self.store, "profiles", client_id, events)
        return profile_view(client_id, self.store.profile(client_id), self.store.sources_of(client_id))
