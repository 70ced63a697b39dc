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
from typing import Any

from services.profiles import cv, domain, jsonresume, linkedin, schemas, views
from services.profiles.store import ProfilesStore
from services.profiles.syncing import Syncing
from shared.audit import CLIENT_RECORD_READ, EXPORT_CREATED, AuditTrail
from shared.auth import Caller
from shared.errors import BadRequest, Conflict, NotFound, ValidationFailed
from shared.events.contracts import PROFILE_SYNC_REQUESTED, SESSION_BOOKED
from shared.events.handling import on_event
from shared.fetching import FetchFailed, FetchRefused, check_url
from shared.ids import new_id
from shared.mongo import MongoStore, now
from shared.rpc import ServiceRpc
from shared.schemas import load
from shared.service import NjiaService, rpc
from shared.timers import every_seconds, scheduled


class ProfilesService(NjiaService):
    name = "profiles"
    store: ProfilesStore = MongoStore(ProfilesStore, "profiles")  # type: ignore[assignment]
    scheduling_rpc = ServiceRpc("scheduling")
    assessments_rpc = ServiceRpc("assessments")
    audit = AuditTrail()

    def _syncing(self) -> Syncing:
        return Syncing(self.store, self.events, self.settings)

    @staticmethod
    def _facts(caller: Caller) -> dict[str, Any]:
        return {"client_id": caller.user_id, "org_id": caller.org_id, "branch_id": caller.branch_id}

    # Connecting sources ----------------------------------------------------------------

    @rpc
    def upload_linkedin_export(self, encoded: str) -> dict[str, Any]:
        """A LinkedIn export (base64, as the gateway forwards it): checked now, read off the request path."""
        caller = self.auth.caller("client")
        data, summary = self._export(encoded)
        at = now()
        sync_id = new_id("sync")
        previous = self.store.source(caller.user_id, domain.LINKEDIN)
        self.store.ensure_profile(caller.user_id, caller.org_id, caller.branch_id, at)
        self.store.save_upload(sync_id, data, at)
        config = {"upload_id": sync_id, "tables": list(summary.tables), "bytes": len(data)}
        self.store.connect_source(caller.user_id, caller.org_id, domain.LINKEDIN, config, at)
        old_upload = ((previous or {}).get("config") or {}).get("upload_id")
        if old_upload:
            self.store.delete_upload(old_upload)
        return self._syncing().request(self._facts(caller), [domain.LINKEDIN], "connected", at, sync_id)

    @staticmethod
    def _export(encoded: str) -> tuple[bytes, linkedin.ExportSummary]:
        try:
            data = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError, TypeError):
            raise BadRequest("The upload could not be read.", {"export": ["Not a file upload."]}) from None
        try:
            return data, linkedin.inspect(data)
        except linkedin.ExportRefused as exc:
            raise ValidationFailed(str(exc), {"export": [str(exc)]}) from None

    @rpc
    def connect_json_resume(self, body: Any) -> dict[str, Any]:
        """``{url}`` (fetched, then re-fetched on schedule) or a JSON Resume 1.0.0 document."""
        caller = self.auth.caller("client")
        if not isinstance(body, dict):
            raise ValidationFailed("The body must be a JSON object.", {"body": ["Must be a JSON object."]})
        config = self._resume_url(body) if set(body) == {"url"} else self._resume_document(body)
        at = now()
        self.store.ensure_profile(caller.user_id, caller.org_id, caller.branch_id, at)
        self.store.connect_source(caller.user_id, caller.org_id, domain.JSON_RESUME, config, at)
        return self._syncing().request(self._facts(caller), [domain.JSON_RESUME], "connected", at)

    def _resume_url(self, body: dict[str, Any]) -> dict[str, Any]:
        url = load(schemas.JsonResumeUrlIn(), body)["url"]
        try:
            check_url(url, self._syncing().policy())
        except (FetchRefused, FetchFailed) as exc:
            raise ValidationFailed(str(exc), {"url": [str(exc)]}) from None
        return {"url": url}

    @staticmethod
    def _resume_document(body: dict[str, Any]) -> dict[str, Any]:
        problems = jsonresume.problems(body)
        if problems:
            raise ValidationFailed("This is not a valid JSON Resume (schema 1.0.0).", problems)
        # As text: a document may hold keys MongoDB refuses ("$schema", dots).
        return {"document_json": json.dumps(body)}

    @rpc
    def connect_github(self, body: Any) -> dict[str, Any]:
        caller = self.auth.caller("client")
        username = load(schemas.GitHubIn(), body)["username"]
        at = now()
        self.store.ensure_profile(caller.user_id, caller.org_id, caller.branch_id, at)
        self.store.connect_source(caller.user_id, caller.org_id, domain.GITHUB, {"username": username}, at)
        return self._syncing().request(self._facts(caller), [domain.GITHUB], "connected", at)

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
        return self._syncing().request(self._facts(caller), kinds, "requested", now())

    # Syncing (off the request path) ------------------------------------------------------

    @on_event("profiles", PROFILE_SYNC_REQUESTED)
    def handle_profile_sync_requested(self, envelope: dict[str, Any]) -> None:
        self._syncing().run(envelope["data"])

    @scheduled(trigger=every_seconds("profile_sync_sweep_seconds"))
    def resync_due_sources(self) -> None:
        """Sources due a re-sync (daily) or a retry (backoff) get one, once across replicas."""
        self._syncing().resync_due(now())

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
        return self._seen_by_staff(caller, client_id)

    def _seen_by_staff(self, caller: Caller, client_id: str) -> str:
        profile = self.store.profile(client_id)
        if not domain.staff_may_see(caller, profile, lambda: self._counsels(caller, client_id)):
            raise NotFound("No such profile.")
        return client_id

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
        profile = self.store.profile(client_id)
        if client_id != caller.user_id:
            self._record(CLIENT_RECORD_READ, caller, client_id, profile)
        return views.profile_view(client_id, profile, self.store.sources_of(client_id))

    @rpc
    def export_profile(self, query: dict[str, Any] | None = None) -> dict[str, Any]:
        caller = self.auth.caller()
        params = load(schemas.ExportQuery(), query or {})
        client_id = self._visible_client(caller, params["client_id"])
        profile = self.store.profile(client_id)
        self._record(EXPORT_CREATED, caller, client_id, profile)
        return views.resume_of(profile or {})

    def _record(self, action: str, caller: Caller, client_id: str, profile: dict[str, Any] | None) -> None:
        """Into the audit log before the profile is handed back: a read is recorded or not made."""
        branch_id = (profile or {}).get(
            "branch_id", caller.branch_id if client_id == caller.user_id else None
        )
        self.audit.record(action, client_id, org_id=caller.org_id, branch_id=branch_id)

    @rpc
    def get_cv(self, query: dict[str, Any] | None = None) -> str:
        """The printable CV (HTML, A4 print styles) of the merged profile, headings in ``lang``."""
        caller = self.auth.caller()
        params = load(schemas.CvQuery(), query or {})
        client_id = self._visible_client(caller, params["client_id"])
        profile = self.store.profile(client_id)
        if client_id != caller.user_id:
            self._record(CLIENT_RECORD_READ, caller, client_id, profile)
        return cv.cv_html((profile or {}).get("values") or {}, params["lang"], params["template"])

    @rpc
    def review_cv(self, query: dict[str, Any] | None = None) -> dict[str, Any]:
        """Hints on the CV; with ``target``, the occupation's most important missing skills too
        (assessments knows them: it holds the requirements and the client's skill decisions)."""
        caller = self.auth.caller()
        params = load(schemas.CvReviewQuery(), query or {})
        client_id = self._visible_client(caller, params["client_id"])
        profile = self.store.profile(client_id)
        if client_id != caller.user_id:
            self._record(CLIENT_RECORD_READ, caller, client_id, profile)
        missing, occupation = [], None
        if params["target"]:
            gap = self.assessments_rpc.client_skills_gap(client_id, {"occupation": params["target"]})
            missing, occupation = gap["missing"][: cv.TARGET_HINTS], gap["occupation"]["title"]
        values = (profile or {}).get("values") or {}
        return {"client_id": client_id, "hints": cv.review(values, params["lang"], missing, occupation)}

    @rpc
    def get_sync(self, sync_id: str) -> dict[str, Any]:
        caller = self.auth.caller()
        sync = self.store.sync(sync_id)
        if sync is None or sync["org_id"] != caller.org_id:
            raise NotFound("No such sync.")
        self._visible_client(caller, sync["client_id"])
        return views.sync_view(sync)

    @rpc
    def update_profile(self, body: Any) -> dict[str, Any]:
        """The client's own edits: they beat every source until set back to null."""
        caller = self.auth.caller("client")
        changes = load(schemas.ProfileEdit(), body)
        self._syncing().edit(self._facts(caller), changes, now())
        client_id = caller.user_id
        return views.profile_view(client_id, self.store.profile(client_id), self.store.sources_of(client_id))
