"""API.md's "Notifications and reminders" routes: answered by the notifications service."""

from __future__ import annotations

from typing import Any

from werkzeug.wrappers import Request

from services.gateway.http import RouteDoc, api, query_of, read_json
from services.notifications import schemas as notifications
from shared.errors import BadRequest
from shared.rpc import ServiceRpc
from shared.schemas import PageQuery

SMS_FIELDS = ("from", "to", "text", "date", "id", "linkId")


class NotificationsRoutes:
    notifications_rpc = ServiceRpc("notifications")

    @api(
        "GET",
        "/api/v1/notifications",
        doc=RouteDoc(
            "The caller's in-app notifications, newest last",
            "notifications",
            query=PageQuery,
            response=notifications.NotificationPage,
            errors=(400,),
        ),
    )
    def list_notifications(self, request: Request) -> dict[str, Any]:
        return self.notifications_rpc.list_notifications(query_of(request, PageQuery))

    @api(
        "GET",
        "/api/v1/me/notification-preferences",
        doc=RouteDoc(
            "The caller's channels and reminder offsets",
            "notifications",
            response=notifications.PreferencesOut,
        ),
    )
    def get_preferences(self, request: Request) -> dict[str, Any]:
        return self.notifications_rpc.get_preferences()

    @api(
        "PUT",
        "/api/v1/me/notification-preferences",
        doc=RouteDoc(
            "Choose channels and reminder offsets; a channel turned off also stops reminders already planned",
            "notifications",
            body=notifications.PreferencesIn,
            response=notifications.PreferencesOut,
        ),
    )
    def set_preferences(self, request: Request) -> dict[str, Any]:
        return self.notifications_rpc.set_preferences(read_json(request))

    @api(
        "GET",
        "/api/v1/sessions/<session_id>/reminders",
        doc=RouteDoc(
            "A session's reminders and what became of each (counselor, admins), in the order they fall due",
            "notifications",
            query=PageQuery,
            response=notifications.ReminderList,
            errors=(400, 403, 404),
        ),
    )
    def session_reminders(self, request: Request, session_id: str) -> dict[str, Any]:
        return self.notifications_rpc.session_reminders(session_id, query_of(request, PageQuery))

    @api(
        "POST",
        "/api/v1/webhooks",
        doc=RouteDoc(
            "Receive session events at a URL, signed with X-Njia-Signature (org admins)",
            "notifications",
            status=201,
            body=notifications.WebhookIn,
            response=notifications.WebhookOut,
            errors=(403,),
        ),
    )
    def add_webhook(self, request: Request) -> dict[str, Any]:
        return self.notifications_rpc.add_webhook(read_json(request))

    @api(
        "GET",
        "/api/v1/webhooks",
        doc=RouteDoc(
            "The organization's webhooks, oldest first (org admins)",
            "notifications",
            query=PageQuery,
            response=notifications.WebhookList,
            errors=(400, 403),
        ),
    )
    def list_webhooks(self, request: Request) -> dict[str, Any]:
        return self.notifications_rpc.list_webhooks(query_of(request, PageQuery))

    @api(
        "PATCH",
        "/api/v1/webhooks/<webhook_id>",
        doc=RouteDoc(
            "Change a webhook's url, events, secret or active (org admins); checked as at registration, "
            "nothing written unless all is valid; active false pauses deliveries",
            "notifications",
            body=notifications.WebhookChanges,
            response=notifications.WebhookOut,
            errors=(403, 404),
        ),
    )
    def update_webhook(self, request: Request, webhook_id: str) -> dict[str, Any]:
        return self.notifications_rpc.update_webhook(webhook_id, read_json(request))

    @api(
        "POST",
        "/api/v1/webhooks/<webhook_id>/enable",
        doc=RouteDoc(
            "Turn a webhook back on, its failure count at 0 (org admins); doing it twice changes nothing",
            "notifications",
            response=notifications.WebhookOut,
            errors=(403, 404),
        ),
    )
    def enable_webhook(self, request: Request, webhook_id: str) -> dict[str, Any]:
        return self.notifications_rpc.enable_webhook(webhook_id)

    @api(
        "DELETE",
        "/api/v1/webhooks/<webhook_id>",
        doc=RouteDoc(
            "Remove a webhook (org admins): 200 with the removed webhook; deliveries planned for it are "
            "cancelled, not sent",
            "notifications",
            response=notifications.WebhookOut,
            errors=(403, 404),
        ),
    )
    def remove_webhook(self, request: Request, webhook_id: str) -> dict[str, Any]:
        return self.notifications_rpc.remove_webhook(webhook_id)

    @api(
        "POST",
        "/api/v1/sms/inbound",
        doc=RouteDoc(
            "The SMS gateway's callback for replies (form or JSON); verified by the token in its URL",
            "notifications",
            auth=False,
            errors=(400, 401),
            extra={"response_schema": {"type": "object"}},
        ),
    )
    def sms_inbound(self, request: Request) -> dict[str, Any]:
        if (request.mimetype or "").endswith("json"):
            body = read_json(request)
            if not isinstance(body, dict):
                raise BadRequest("Send an object.", {"body": ["Must be a JSON object."]})
        else:
            body = request.form.to_dict()
        form = {k: str(body[k])[:1000] for k in SMS_FIELDS if k in body}
        return self.notifications_rpc.sms_inbound(form, request.args.get("token"))
