"""Syncing a client's profile: the work of several steps behind profiles' entrypoints.

A sync is asked for (``request``): the sync and its ``profile.sync_requested`` are written
together. Its handler then runs it off the request path (``run``): each source is read, what it
said kept as a snapshot, the profile merged again, and ``profile.synced`` tells the fields that
changed, or ``profile.sync_failed`` a reason a person can act on. A client's own edits (``edit``)
are merged the same way. One sync or edit of a client runs at a time (``_lock``): a merge reads
every snapshot, then writes the profile. The store, the event publisher and the settings are the
service's, passed in for one worker.
"""

from __future__ import annotations

import json
import logging
import uuid
from datetime import datetime, timedelta
from typing import Any

import eventlet
from eventlet import tpool

from services.profiles import domain, sources, views
from services.profiles.store import ProfilesStore, manual_of, new_sync, source_id, state_of
from shared.config import Settings
from shared.events.contracts import PROFILE_SYNC_FAILED, PROFILE_SYNC_REQUESTED, PROFILE_SYNCED
from shared.events.publishing import EventPublisher
from shared.fetching import FetchPolicy
from shared.ids import new_id
from shared.mongo import now

log = logging.getLogger(__name__)

LOCK_WAIT_SECONDS = 30.0
STALE_RESYNC_CLAIM = timedelta(hours=1)
GITHUB_LIMIT = "github"
NOT_CONNECTED = {"status": "skipped", "error": "This source is not connected.", "code": "not_connected"}


class Syncing:
    def __init__(self, store: ProfilesStore, events: EventPublisher, settings: Settings) -> None:
        self.store = store
        self.events = events
        self.settings = settings
        self.interval = timedelta(seconds=settings.profile_sync_interval_seconds)

    def policy(self, check_addresses: bool = True) -> FetchPolicy:
        settings = self.settings
        return FetchPolicy(
            timeout=settings.fetch_timeout_seconds,
            max_bytes=settings.fetch_max_bytes,
            max_redirects=settings.fetch_max_redirects,
            allow_private=settings.fetch_allow_private,
            check_addresses=check_addresses,
        )

    # Asking for a sync ------------------------------------------------------------------------

    def request(
        self,
        facts: dict[str, Any],
        kinds: list[str],
        reason: str,
        at: datetime,
        sync_id: str | None = None,
        claims: list[str] | None = None,
    ) -> dict[str, Any]:
        """A sync of ``kinds`` for the client of ``facts`` (``client_id``, ``org_id``, ``branch_id``)."""
        sync_id = sync_id or new_id("sync")
        data = {**facts, "sync_id": sync_id, "sources": kinds, "reason": reason}
        event = self.events.new(PROFILE_SYNC_REQUESTED, data, at)
        doc = new_sync(sync_id, facts, kinds, reason, at, claims or [])
        self.events.record(
            self.store, "syncs", sync_id, [event], lambda e: self.store.add_sync(doc, e), fresh=True
        )
        return views.sync_requested(sync_id, kinds)

    def resync_due(self, at: datetime) -> None:
        """Sources due a re-sync (daily) or a retry (backoff) get one, once across replicas."""
        for client_id, kinds in self._claim_due(at).items():
            profile = self.store.profile(client_id)
            if profile is None:
                continue
            facts = {
                "client_id": client_id,
                "org_id": profile["org_id"],
                "branch_id": profile.get("branch_id"),
            }
            self.request(facts, [k for k, _ in kinds], "scheduled", at, claims=[key for _, key in kinds])

    def _claim_due(self, at: datetime) -> dict[str, list[tuple[str, str]]]:
        """Client id -> (source, claim key) of each due source this replica claimed."""
        due: dict[str, list[tuple[str, str]]] = {}
        for doc in self.store.sources_due(at):
            key = f"resync:{doc['_id']}:{int(doc['next_sync_at'].timestamp())}"
            taken = self.store.claim(key, "sweep", at) or (
                self.store.release_if_stale(key, STALE_RESYNC_CLAIM, at)
                and self.store.claim(key, "sweep", at)
            )
            if taken:
                due.setdefault(doc["client_id"], []).append((doc["kind"], key))
        return due

    # Running it (off the request path) ---------------------------------------------------------

    def run(self, facts: dict[str, Any]) -> None:
        """The sync ``facts`` (``profile.sync_requested``'s data) names, unless it is done already."""
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
        """One sync or edit of a client at a time (merges read every snapshot, then write the profile)."""
        waited = 0.0
        while not self.store.lock(client_id, owner, now()):
            if waited > LOCK_WAIT_SECONDS:
                raise RuntimeError(f"profile of {client_id} stayed locked for {LOCK_WAIT_SECONDS:g} s")
            eventlet.sleep(0.05)
            waited += 0.05

    def _sync_source(self, facts: dict[str, Any], kind: str, sync_id: str) -> dict[str, Any]:
        """Read one source of the client and merge what it says; the outcome for the sync's results."""
        at = now()
        source = self.store.source(facts["client_id"], kind)
        if source is None:
            return dict(NOT_CONNECTED)
        state = state_of(source, kind)
        scheduled = domain.rereads_itself(kind, source.get("config") or {})
        try:
            reading = self._read(kind, source, at)
        except sources.SourceFailed as failure:
            return self._failed(facts, kind, sync_id, state, failure, scheduled, at)
        if reading.rate_limited_until:
            self.store.set_limit(GITHUB_LIMIT, reading.rate_limited_until)
        succeeded = domain.sync_succeeded(state, at, self.interval, scheduled)
        changed = self._take(facts, kind, sync_id, reading, succeeded, at)
        return {"status": "ok", "changed_fields": changed}

    def _take(
        self,
        facts: dict[str, Any],
        kind: str,
        sync_id: str,
        reading: sources.Reading,
        succeeded: domain.SourceState,
        at: datetime,
    ) -> list[str]:
        """Keep what a source said, merge the profile again and tell which fields changed."""
        client_id = facts["client_id"]
        previous = self.store.snapshot(client_id, kind)
        snapshot = domain.after_reading(previous, kind, reading.values, at)
        if snapshot != previous:
            self.store.save_snapshot(client_id, snapshot, at)
        profile = self.store.profile(client_id) or {}
        others = [s for s in self.store.snapshots_of(client_id) if s.source != kind]
        merged = domain.merge([*others, snapshot], manual_of(profile))
        changed = domain.changed_fields(profile.get("values") or {}, merged.values)

        def write(events: list[dict[str, Any]]) -> None:
            if changed or merged.provenance != profile.get("provenance"):
                self.store.save_profile(client_id, merged, at, events)
            self.store.save_source_state(client_id, kind, succeeded, [], cache=reading.cache)

        self.events.record(
            self.store, "profiles", client_id, self._synced(facts, sync_id, kind, changed, at), write
        )
        return changed

    def _read(self, kind: str, source: dict[str, Any], at: datetime) -> sources.Reading:
        """What a source says now; raises ``sources.SourceFailed``."""
        config = source.get("config") or {}
        cache = source.get("cache") or {}
        if kind == domain.LINKEDIN:
            return self._read_upload(config.get("upload_id", ""))
        if kind == domain.JSON_RESUME:
            if config.get("url"):
                return sources.read_json_resume_url(config["url"], cache, self.policy(), at)
            return sources.Reading(sources.read_json_resume_document(json.loads(config["document_json"])))
        return sources.read_github(
            config["username"],
            cache.get("entries") or [],
            self.settings.github_api_url,
            self.settings.github_token,
            self.policy(check_addresses=False),
            at,
            self.store.limit_until(GITHUB_LIMIT),
        )

    def _read_upload(self, upload_id: str) -> sources.Reading:
        data = self.store.upload(upload_id)
        if data is None:
            raise sources.SourceFailed("missing_upload", "The export is no longer stored; upload it again.")
        # Parsing is CPU work: in a real thread, so the service keeps answering meanwhile.
        return sources.Reading(tpool.execute(sources.read_linkedin, data))

    def _failed(
        self,
        facts: dict[str, Any],
        kind: str,
        sync_id: str,
        state: domain.SourceState,
        failure: sources.SourceFailed,
        scheduled: bool,
        at: datetime,
    ) -> dict[str, Any]:
        """A source that could not be read: retried after a backoff; ``profile.sync_failed`` says why."""
        if failure.code == "rate_limited" and kind == domain.GITHUB and failure.retry_at:
            self.store.set_limit(GITHUB_LIMIT, failure.retry_at)
        base = timedelta(seconds=self.settings.profile_backoff_seconds)
        cap = max(self.interval, base)
        failed = domain.sync_failed(
            state, at, failure.code, failure.reason, base, cap, scheduled, failure.retry_at
        )
        data = views.sync_failed_data(facts, sync_id, kind, failure.code, failure.reason, failed)
        client_id = facts["client_id"]
        self.events.record(
            self.store,
            "sources",
            source_id(client_id, kind),
            [self.events.new(PROFILE_SYNC_FAILED, data, at)],
            lambda e: self.store.save_source_state(client_id, kind, failed, e),
        )
        log.warning(
            "profile source sync failed",
            extra={"source": kind, "code": failure.code, "attempts": failed.failures, "client_id": client_id},
        )
        return {"status": "failed", "code": failure.code, "error": failure.reason}

    # The client's own edits --------------------------------------------------------------------

    def edit(self, facts: dict[str, Any], changes: dict[str, Any], at: datetime) -> None:
        """The client's own edits: they beat every source until set back to null."""
        client_id = facts["client_id"]
        self.store.ensure_profile(client_id, facts["org_id"], facts["branch_id"], at)
        owner = f"edit:{uuid.uuid4().hex[:8]}"
        self._lock(client_id, owner)
        try:
            profile = self.store.profile(client_id) or {}
            manual = domain.edit(manual_of(profile), changes, at)
            merged = domain.merge(self.store.snapshots_of(client_id), manual)
            changed = domain.changed_fields(profile.get("values") or {}, merged.values)
            self.events.record(
                self.store,
                "profiles",
                client_id,
                self._synced(facts, None, domain.MANUAL, changed, at),
                lambda e: self.store.save_profile(client_id, merged, at, e, manual=manual),
            )
        finally:
            self.store.unlock(client_id, owner)

    def _synced(
        self, facts: dict[str, Any], sync_id: str | None, source: str, changed: list[str], at: datetime
    ) -> list[dict[str, Any]]:
        """``profile.synced`` when fields changed; nothing to tell otherwise."""
        if not changed:
            return []
        return [self.events.new(PROFILE_SYNCED, views.synced_data(facts, sync_id, source, changed, at), at)]
