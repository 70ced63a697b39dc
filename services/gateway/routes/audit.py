"""``GET /api/v1/audit``: the audit service's log, for organization and branch admins."""

from __future__ import annotations

from typing import Any

from werkzeug.wrappers import Request

from services.audit import schemas as audit
from services.gateway.http import RouteDoc, api, query_of
from shared.rpc import ServiceRpc


class AuditRoutes:
    audit_rpc = ServiceRpc("audit")

    @api(
        "GET",
        "/api/v1/audit",
        doc=RouteDoc(
            "The audit log, newest first: who read or changed what, with each entry's place in the "
            "organization's hash chain (org admins; a branch admin sees entries about their branch)",
            "audit",
            query=audit.AuditQuery,
            response=audit.EntryPage,
            errors=(400, 403),
        ),
    )
    def list_audit_entries(self, request: Request) -> dict[str, Any]:
        return self.audit_rpc.list_entries(query_of(request, audit.AuditQuery))
