"""audit: the tamper-evident audit log. Entrypoints only — hear records, append, page, verify.

Every service that records (``shared.audit.AuditTrail``) publishes ``audit.recorded`` on its own
exchange; a handler per publishing service appends each record to its organization's hash chain
(``domain``), exactly once per event id (``store.append``), whichever replica hears it.

Why a service of its own rather than a part of accounts: every service writes here, on every read
of a client's record, and nothing here is about people's accounts; a log that is written on the
hot paths of five services and read rarely scales and fails apart from sign-in. Its queues keep the
records while it is down.
"""

from __future__ import annotations

from typing import Any

from services.audit import domain, schemas
from services.audit.store import AuditStore
from shared.errors import Forbidden
from shared.events.contracts import AUDIT_RECORDED
from shared.events.handling import on_event
from shared.mongo import MongoStore
from shared.schemas import load
from shared.service import NjiaService, rpc


class AuditService(NjiaService):
    name = "audit"
    store: AuditStore = MongoStore(AuditStore, "audit")  # type: ignore[assignment]

    # Records from every service that keeps an audit trail ------------------------------------

    def _append(self, envelope: dict[str, Any]) -> None:
        self.store.append(schemas.record_of(envelope))

    @on_event("accounts", AUDIT_RECORDED)
    def handle_audit_recorded_by_accounts(self, envelope: dict[str, Any]) -> None:
        self._append(envelope)

    @on_event("scheduling", AUDIT_RECORDED)
    def handle_audit_recorded_by_scheduling(self, envelope: dict[str, Any]) -> None:
        self._append(envelope)

    @on_event("notifications", AUDIT_RECORDED)
    def handle_audit_recorded_by_notifications(self, envelope: dict[str, Any]) -> None:
        self._append(envelope)

    @on_event("profiles", AUDIT_RECORDED)
    def handle_audit_recorded_by_profiles(self, envelope: dict[str, Any]) -> None:
        self._append(envelope)

    @on_event("assessments", AUDIT_RECORDED)
    def handle_audit_recorded_by_assessments(self, envelope: dict[str, Any]) -> None:
        self._append(envelope)

    # Reading the log (org admins; branch admins for their branch) ------------------------------

    @rpc
    def list_entries(self, query: dict[str, Any] | None = None) -> dict[str, Any]:
        caller = self.auth.caller()
        scope = domain.reader_scope(caller.role, caller.org_id, caller.branch_id)
        if scope is None:
            raise Forbidden("Only an organization's or a branch's admins may read the audit log.")
        params = load(schemas.AuditQuery(), query or {})
        filters = {**params, "from": params.get("from_")}
        entries, next_cursor = self.store.page(scope, filters, params["limit"], params["cursor"])
        return {"items": [schemas.entry_view(e) for e in entries], "next_cursor": next_cursor}

    # Verifying the chains (njia-admin audit verify) ----------------------------------------------

    @rpc
    def verify_chains(self, org_id: str | None = None) -> list[dict[str, Any]]:
        """Each organization's chain (or just ``org_id``'s): ``ok`` with its length and end, or the
        first entry that does not hold. For operators, like the dead letters: no route reaches it."""
        orgs = [org_id] if org_id else self.store.organizations()
        return [self._verified(org) for org in orgs]

    def _verified(self, org_id: str) -> dict[str, Any]:
        return schemas.chain_view(
            domain.verify(org_id, self.store.chain(org_id), self.store.head_seq(org_id))
        )
