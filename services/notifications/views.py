"""Notifications' documents as the API shows them (RPC answers), and the document a new webhook is
stored as."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from services.notifications.domain import SCHEDULED, Preferences, next_attempt


def preferences_view(prefs: Preferences) -> dict[str, Any]:
    return {
        "channels": {"email": prefs.email, "sms": prefs.sms, "in_app": prefs.in_app},
        "reminder_offsets_minutes": list(prefs.reminder_offsets_minutes),
    }


def notification_view(item: dict[str, Any]) -> dict[str, Any]:
    """One message of a person's in-app inbox."""
    return {
        "id": item["_id"],
        "kind": item["kind"],
        "subject": item["subject"],
        "text": item["text"],
        "session_id": item.get("session_id"),
        "created_at": item["created_at"],
        "read": item["read"],
    }


def reminder_view(delivery: dict[str, Any]) -> dict[str, Any]:
    """One reminder of a session, as its counselor and admins see how it went."""
    return {
        "offset_minutes": delivery["offset_minutes"],
        "channel": delivery["channel"],
        "recipient_id": delivery["recipient_id"],
        "due_at": delivery["due_at"],  # when it was planned for, however often it was tried
        "next_attempt_at": next_attempt(delivery) if delivery["status"] == SCHEDULED else None,
        "status": delivery["status"],
        "sent_at": delivery.get("sent_at"),
        "attempts": delivery.get("attempts", 0),
        "last_error": delivery.get("last_error"),
        "possible_duplicate": delivery.get("possible_duplicate", False),
    }


def new_webhook(
    webhook_id: str, org_id: str, created_by: str, data: dict[str, Any], at: datetime
) -> dict[str, Any]:
    """A webhook as an org admin registers it (``data``: url, events, secret), on from the start."""
    return {
        "_id": webhook_id,
        "org_id": org_id,
        "url": data["url"],
        "events": data["events"],
        "secret": data["secret"],
        "active": True,
        "consecutive_failures": 0,
        "created_at": at,
        "created_by": created_by,
    }


def webhook_view(hook: dict[str, Any]) -> dict[str, Any]:
    """A webhook as org admins see it: never its secret."""
    return {
        "id": hook["_id"],
        "url": hook["url"],
        "events": hook["events"],
        "active": hook["active"],
        "consecutive_failures": hook.get("consecutive_failures", 0),
        "created_at": hook["created_at"],
    }
