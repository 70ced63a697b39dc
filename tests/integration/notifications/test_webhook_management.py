"""An organization's admin removes, pauses, turns back on and changes its webhooks; deliveries follow.
Real accounts, scheduling and notifications containers, and a real webhook receiver on 127.0.0.1."""

from datetime import timedelta

import pytest

from services.accounts.service import AccountsService
from services.notifications.domain import due_bucket
from services.notifications.service import NotificationsService
from services.scheduling.service import SchedulingService
from shared.errors import BadRequest, Forbidden, NotFound, ValidationFailed
from shared.mongo import now
from tests.support.containers import call, open_practice, start_containers, store_of
from tests.support.waiting import wait_until

SECRET = "a-webhook-secret-for-tests"
HOOK_PATH = "/hooks/njia"


@pytest.fixture
def platform(container_factory, config, smtp):
    settings = {
        **config,
        "NJIA_SMTP_PORT": str(smtp.port),
        "NJIA_REMINDER_SWEEP_SECONDS": "0.2",
        # A failed webhook delivery waits long for its retry: it stays planned while the test acts.
        "NJIA_DELIVERY_RETRY_SECONDS": "60",
        "NJIA_DELIVERY_MAX_ATTEMPTS": "3",
        "NJIA_DELIVERY_LEASE_SECONDS": "5",
        "NJIA_WEBHOOK_MAX_FAILURES": "2",
        "NJIA_WEBHOOK_ALLOW_PRIVATE": "true",  # the webhook receiver is on 127.0.0.1
        "NJIA_NO_SHOW_SWEEP_SECONDS": "3600",
    }
    return start_containers(
        container_factory, settings, AccountsService, SchedulingService, NotificationsService
    )


@pytest.fixture
def people(platform):
    return open_practice(platform)


@pytest.fixture
def hook(platform, people, provider):
    return call(
        platform["notifications"],
        "add_webhook",
        {"url": f"{provider.url}{HOOK_PATH}", "events": ["session.booked"], "secret": SECRET},
        token=people["admin"],
    )


def book(platform, people, index):
    scheduling = platform["scheduling"]
    slots = call(scheduling, "open_slots", {"counselor_id": people["counselor_id"]}, token=people["client"])
    return call(
        scheduling,
        "book_session",
        {"counselor_id": people["counselor_id"], "start": slots["items"][index]["start"]},
        token=people["client"],
    )


def webhook_deliveries(platform, **query):
    return list(store_of(platform["notifications"]).deliveries.find({"channel": "webhook", **query}))


def heard(platform, session):
    """Notifications has handled the booking (its confirmations are planned), webhooks or not."""
    wait_until(
        lambda: list(
            store_of(platform["notifications"]).deliveries.find(
                {"session_id": session["id"], "kind": "confirmation"}
            )
        ),
        timeout=10,
        message="the booking was not heard",
    )


def received_sessions(provider):
    return [(r.json()["event_type"], r.json()["data"]["session_id"]) for r in provider.delivered(HOOK_PATH)]


def test_a_removed_webhook_gets_nothing_more_not_even_a_delivery_waiting_for_its_retry(
    platform, people, provider, hook
):
    notifications = platform["notifications"]
    provider.set_status(HOOK_PATH, 500)
    first = book(platform, people, 0)
    [waiting] = wait_until(
        lambda: webhook_deliveries(platform, session_id=first["id"], attempts=1, status="scheduled"),
        timeout=15,
        message="the first webhook delivery was not attempted",
    )
    provider.set_status(HOOK_PATH, None)

    removed = call(notifications, "remove_webhook", hook["id"], token=people["admin"])

    assert removed["id"] == hook["id"]
    assert call(notifications, "list_webhooks", token=people["admin"])["items"] == []
    [cancelled] = webhook_deliveries(platform, _id=waiting["_id"])
    assert (cancelled["status"], cancelled["last_error"]) == ("cancelled", "webhook removed")
    # Even one the removal missed (planned in the same instant) is cancelled when it comes due.
    due = now() - timedelta(seconds=1)
    store_of(notifications).deliveries.update_one(
        {"_id": waiting["_id"]},
        {"$set": {"status": "scheduled", "next_attempt_at": due, "due_bucket": due_bucket(due)}},
    )
    wait_until(
        lambda: webhook_deliveries(platform, _id=waiting["_id"], status="cancelled"),
        timeout=10,
        message="the delivery for the removed webhook was not cancelled",
    )
    second = book(platform, people, 3)
    heard(platform, second)
    assert webhook_deliveries(platform, session_id=second["id"]) == []
    assert provider.delivered(HOOK_PATH) == []
    with pytest.raises(NotFound):
        call(notifications, "remove_webhook", hook["id"], token=people["admin"])


def test_a_webhook_turned_off_for_failing_is_turned_back_on_and_receives_the_next_booking(
    platform, people, provider, hook
):
    notifications, admin = platform["notifications"], people["admin"]
    provider.set_status(HOOK_PATH, 500)
    book(platform, people, 0)
    # One failure counted before the next booking's: two counted at once may count as one.
    wait_until(
        lambda: call(notifications, "list_webhooks", token=admin)["items"][0]["consecutive_failures"] == 1,
        timeout=15,
        message="the first failure was not counted",
    )
    book(platform, people, 3)
    wait_until(
        lambda: not call(notifications, "list_webhooks", token=admin)["items"][0]["active"],
        timeout=20,
        message="the failing webhook was not turned off",
    )
    provider.set_status(HOOK_PATH, None)

    enabled = call(notifications, "enable_webhook", hook["id"], token=admin)
    again = call(notifications, "enable_webhook", hook["id"], token=admin)

    assert (enabled["active"], enabled["consecutive_failures"]) == (True, 0)
    assert again == enabled == call(notifications, "list_webhooks", token=admin)["items"][0]
    third = book(platform, people, 6)
    wait_until(
        lambda: ("session.booked", third["id"]) in received_sessions(provider),
        timeout=15,
        message="the webhook turned back on did not receive the next booking",
    )


def test_a_paused_webhook_receives_nothing_until_it_is_turned_back_on(platform, people, provider, hook):
    notifications, admin = platform["notifications"], people["admin"]
    paused = call(notifications, "update_webhook", hook["id"], {"active": False}, token=admin)
    assert paused["active"] is False

    first = book(platform, people, 0)
    heard(platform, first)
    assert webhook_deliveries(platform, session_id=first["id"]) == []

    call(notifications, "update_webhook", hook["id"], {"active": True}, token=admin)
    second = book(platform, people, 3)
    wait_until(lambda: received_sessions(provider), timeout=15, message="nothing received after resuming")
    assert received_sessions(provider) == [("session.booked", second["id"])]


def test_changing_a_webhooks_events_changes_what_it_receives(platform, people, provider, hook):
    notifications = platform["notifications"]
    changed = call(
        notifications, "update_webhook", hook["id"], {"events": ["session.cancelled"]}, token=people["admin"]
    )
    assert changed["events"] == ["session.cancelled"]
    assert changed["url"] == hook["url"] and changed["active"] is True

    session = book(platform, people, 0)
    heard(platform, session)
    call(platform["scheduling"], "cancel_session", session["id"], {"reason": "Ill"}, token=people["client"])

    wait_until(lambda: received_sessions(provider), timeout=15, message="the cancellation was not received")
    assert received_sessions(provider) == [("session.cancelled", session["id"])]


def test_a_planned_delivery_of_an_event_the_webhook_no_longer_wants_is_cancelled_not_sent(
    platform, people, provider, hook
):
    notifications = platform["notifications"]
    provider.set_status(HOOK_PATH, 500)
    session = book(platform, people, 0)
    [waiting] = wait_until(
        lambda: webhook_deliveries(platform, session_id=session["id"], attempts=1, status="scheduled"),
        timeout=15,
        message="the webhook delivery was not attempted",
    )
    provider.set_status(HOOK_PATH, None)
    call(
        notifications, "update_webhook", hook["id"], {"events": ["session.cancelled"]}, token=people["admin"]
    )

    due = now() - timedelta(seconds=1)
    store_of(notifications).deliveries.update_one(
        {"_id": waiting["_id"]}, {"$set": {"next_attempt_at": due, "due_bucket": due_bucket(due)}}
    )  # as if its retry's time had come
    [settled] = wait_until(
        lambda: webhook_deliveries(platform, _id=waiting["_id"], status="cancelled"),
        timeout=10,
        message="the delivery was not cancelled",
    )
    assert settled["last_error"] == "webhook no longer subscribed to session.booked"
    assert provider.delivered(HOOK_PATH) == []


def test_another_organizations_admin_gets_not_found_and_the_webhook_is_untouched(platform, people, hook):
    notifications = platform["notifications"]
    stranger = open_practice(platform)["admin"]
    for method, args in (
        ("update_webhook", (hook["id"], {"active": False})),
        ("enable_webhook", (hook["id"],)),
        ("remove_webhook", (hook["id"],)),
        ("remove_webhook", ("wh_made_up",)),
    ):
        with pytest.raises(NotFound):
            call(notifications, method, *args, token=stranger)
    assert call(notifications, "list_webhooks", token=people["admin"])["items"] == [hook]


@pytest.mark.parametrize("role", ["client", "counselor"])
def test_a_client_or_counselor_may_not_change_enable_or_remove_a_webhook(platform, people, hook, role):
    notifications = platform["notifications"]
    for method, args in (
        ("update_webhook", (hook["id"], {"active": False})),
        ("enable_webhook", (hook["id"],)),
        ("remove_webhook", (hook["id"],)),
    ):
        with pytest.raises(Forbidden):
            call(notifications, method, *args, token=people[role])
    assert call(notifications, "list_webhooks", token=people["admin"])["items"] == [hook]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"url": "http://169.254.169.254/latest/meta-data/"}, "url"),
        ({"url": "not a url"}, "url"),
        ({"events": ["session.exploded"]}, "events.0"),
        ({"secret": "short"}, "secret"),
        ({"active": "maybe"}, "active"),
        ({"org_id": "org_other"}, "org_id"),
    ],
)
def test_a_bad_change_is_refused_naming_the_field_and_the_webhook_is_left_as_it_was(
    platform, people, hook, change, field
):
    notifications = platform["notifications"]
    # The rest of the change is valid: none of it may be written.
    with pytest.raises(ValidationFailed) as caught:
        call(
            notifications,
            "update_webhook",
            hook["id"],
            {"events": ["session.cancelled"], "active": False, **change},
            token=people["admin"],
        )
    assert set(caught.value.details) == {field}
    assert call(notifications, "list_webhooks", token=people["admin"])["items"] == [hook]


def test_the_webhooks_list_pages_with_limit_and_cursor_and_refuses_a_cursor_it_never_gave(
    platform, people, provider
):
    notifications, admin = platform["notifications"], people["admin"]
    added = [
        call(
            notifications,
            "add_webhook",
            {"url": f"{provider.url}{HOOK_PATH}/{n}", "events": ["session.booked"], "secret": SECRET},
            token=admin,
        )
        for n in range(3)
    ]

    first = call(notifications, "list_webhooks", {"limit": "2"}, token=admin)
    assert first["items"] == added[:2] and first["next_cursor"]
    rest = call(notifications, "list_webhooks", {"limit": "2", "cursor": first["next_cursor"]}, token=admin)
    assert rest == {"items": added[2:], "next_cursor": None}
    assert call(notifications, "list_webhooks", token=admin) == {"items": added, "next_cursor": None}

    with pytest.raises(BadRequest) as caught:
        call(notifications, "list_webhooks", {"cursor": "%%%"}, token=admin)
    assert set(caught.value.details) == {"cursor"}
    with pytest.raises(ValidationFailed) as caught:
        call(notifications, "list_webhooks", {"limit": "0"}, token=admin)
    assert set(caught.value.details) == {"limit"}
