"""services/notifications/views.py: what the API shows of preferences, messages, reminders, webhooks."""

from datetime import UTC, datetime, timedelta

from services.notifications.domain import Preferences
from services.notifications.views import new_webhook, preferences_view, reminder_view, webhook_view

AT = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def test_preferences_show_each_channel_and_the_reminder_offsets():
    prefs = Preferences(email=True, sms=False, in_app=True, reminder_offsets_minutes=(1440, 60))

    assert preferences_view(prefs) == {
        "channels": {"email": True, "sms": False, "in_app": True},
        "reminder_offsets_minutes": [1440, 60],
    }


def test_a_new_webhook_is_on_with_no_failures_and_its_view_never_shows_the_secret():
    data = {"url": "https://example.org/hooks", "events": ["session.booked"], "secret": "s3cret-s3cret"}
    hook = new_webhook("wh_1", "org_1", "usr_admin", data, AT)

    assert hook["active"] is True and hook["consecutive_failures"] == 0 and hook["secret"] == data["secret"]
    assert webhook_view(hook) == {
        "id": "wh_1",
        "url": "https://example.org/hooks",
        "events": ["session.booked"],
        "active": True,
        "consecutive_failures": 0,
        "created_at": AT,
    }


def test_a_reminder_shows_the_time_it_was_planned_for_and_while_scheduled_its_next_attempt():
    planned = {
        "offset_minutes": 60,
        "channel": "email",
        "recipient_id": "usr_client",
        "due_at": AT,
        "status": "scheduled",
        "attempts": 0,
    }
    retried = {**planned, "attempts": 2, "next_attempt_at": AT + timedelta(minutes=4), "last_error": "SMTP"}
    sent = {**retried, "status": "sent", "attempts": 3, "sent_at": AT + timedelta(minutes=4)}

    assert (
        reminder_view(planned)["next_attempt_at"] == AT
    )  # stored before any attempt, or before retries kept it
    assert (reminder_view(retried)["due_at"], reminder_view(retried)["next_attempt_at"]) == (
        AT,
        AT + timedelta(minutes=4),
    )
    assert (reminder_view(sent)["due_at"], reminder_view(sent)["next_attempt_at"]) == (AT, None)
