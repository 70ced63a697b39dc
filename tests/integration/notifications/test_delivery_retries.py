"""A delivery retried after failed attempts keeps the time it was planned for (``due_at``, what the
API shows) and waits for its next attempt (``next_attempt_at``, what the sweep follows): on the real
database, and through the service with a real SMTP server that is down, then up."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from services.accounts.service import AccountsService
from services.notifications.domain import Delivery, buckets_between, due_bucket
from services.notifications.service import NotificationsService
from services.notifications.store import NotificationsStore
from services.scheduling.service import SchedulingService
from shared.mongo import connect, database_name, now
from tests.support.containers import call, open_practice, start_containers, store_of
from tests.support.databases import mongo_uri
from tests.support.waiting import wait_until

PLANNED = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
RETRY = PLANNED + timedelta(minutes=5)


@pytest.fixture
def store(db_prefix) -> Iterator[NotificationsStore]:
    client = connect(mongo_uri())
    try:
        store = NotificationsStore(client[database_name(db_prefix, "notifications")])
        store.ensure_indexes()
        yield store
    finally:
        client.close()


def reminder(delivery_id: str) -> Delivery:
    return Delivery(
        id=delivery_id,
        kind="reminder",
        channel="email",
        recipient_id="usr_client",
        due_at=PLANNED,
        session_id="ses_1",
        session_start=PLANNED + timedelta(hours=1),
        offset_minutes=60,
    )


def due_ids(store: NotificationsStore, at: datetime, since: datetime | None) -> set[str]:
    buckets = None if since is None else buckets_between(since, at)
    return {d["_id"] for d in store.due(buckets, at, 100)}


def test_a_retried_delivery_keeps_its_due_at_and_is_swept_only_at_its_next_attempt(store):
    store.plan([reminder("retried"), reminder("untried")], PLANNED - timedelta(days=1))
    store.set_delivery("retried", {"attempts": 1, "next_attempt_at": RETRY, "last_error": "SMTP down"})

    kept = store.delivery("retried")
    assert (kept["due_at"], kept["next_attempt_at"]) == (PLANNED, RETRY)
    assert kept["due_bucket"] == due_bucket(RETRY)
    a_minute_on = PLANNED + timedelta(minutes=1)
    assert due_ids(store, a_minute_on, PLANNED - timedelta(seconds=10)) == {"untried"}
    assert due_ids(store, a_minute_on, None) == {"untried"}  # a replica's first look reads everything
    # Its bucket is read a little before its time: it waits until then.
    assert due_ids(store, RETRY - timedelta(seconds=1), RETRY - timedelta(seconds=10)) == set()
    assert due_ids(store, RETRY, RETRY - timedelta(seconds=10)) == {"retried"}
    assert due_ids(store, RETRY, None) == {"retried", "untried"}


def test_a_delivery_stored_before_next_attempt_at_existed_is_still_swept_at_its_due_at(store):
    old = {
        "_id": "from-before",
        "kind": "reminder",
        "channel": "email",
        "recipient_id": "usr_client",
        "session_id": "ses_1",
        "due_at": RETRY,  # moved by a retry, the old way
        "due_bucket": due_bucket(RETRY),
        "status": "scheduled",
        "attempts": 1,
    }
    store.deliveries.insert_one(old)

    assert due_ids(store, RETRY - timedelta(seconds=1), RETRY - timedelta(seconds=20)) == set()
    assert due_ids(store, RETRY, RETRY - timedelta(seconds=10)) == {"from-before"}
    assert due_ids(store, RETRY, None) == {"from-before"}


@pytest.fixture
def platform(container_factory, config, smtp):
    settings = {
        **config,
        "NJIA_SMTP_PORT": str(smtp.port),
        "NJIA_REMINDER_SWEEP_SECONDS": "0.2",
        # A failed attempt waits long for its retry: the test sees it waiting, then moves it on.
        "NJIA_DELIVERY_RETRY_SECONDS": "600",
        "NJIA_DELIVERY_MAX_ATTEMPTS": "3",
        "NJIA_DELIVERY_LEASE_SECONDS": "5",
        "NJIA_NO_SHOW_SWEEP_SECONDS": "3600",
    }
    return start_containers(
        container_factory, settings, AccountsService, SchedulingService, NotificationsService
    )


def email_reminders(platform, session_id):
    query = {"session_id": session_id, "kind": "reminder", "channel": "email"}
    return list(store_of(platform["notifications"]).deliveries.find(query))


def reminders_received(smtp):
    return [m for m in smtp.messages if m["X-Njia-Delivery"].startswith("reminder:")]


def test_a_reminder_retried_after_smtp_failed_shows_its_planned_due_at_and_its_next_attempt(platform, smtp):
    people = open_practice(platform)
    scheduling, notifications = platform["scheduling"], platform["notifications"]
    slots = call(scheduling, "open_slots", {"counselor_id": people["counselor_id"]}, token=people["client"])
    session = call(
        scheduling,
        "book_session",
        {"counselor_id": people["counselor_id"], "start": slots["items"][0]["start"]},
        token=people["client"],
    )
    smtp.wait_for(2, timeout=15)  # the confirmations (and the counselor's agenda, after its hour)
    wait_until(lambda: email_reminders(platform, session["id"]), timeout=10)
    smtp.down()
    planned = now() - timedelta(seconds=1)  # as if the reminders' time had come
    store_of(notifications).deliveries.update_many(
        {"session_id": session["id"], "kind": "reminder"},
        {"$set": {"due_at": planned, "due_bucket": due_bucket(planned)}},
    )
    wait_until(
        lambda: all(d["attempts"] == 1 for d in email_reminders(platform, session["id"])),
        timeout=15,
        message="the email reminders were not tried",
    )
    smtp.up()
    for _ in range(3):  # the server is back, but their next attempt has not come
        call(notifications, "send_due")
    assert reminders_received(smtp) == []

    shown = call(notifications, "session_reminders", session["id"], token=people["counselor"])["items"]
    emails = [r for r in shown if r["channel"] == "email"]
    assert emails and all(r["status"] == "scheduled" and r["due_at"] == planned for r in emails)
    assert all(r["next_attempt_at"] > planned + timedelta(minutes=5) for r in emails)

    soon = now() - timedelta(seconds=1)  # as if their next attempt's time had come
    store_of(notifications).deliveries.update_many(
        {"session_id": session["id"], "kind": "reminder", "channel": "email"},
        {"$set": {"next_attempt_at": soon, "due_bucket": due_bucket(soon)}},
    )
    wait_until(lambda: len(reminders_received(smtp)) == len(emails), timeout=15)
    shown = wait_until(
        lambda: [
            r
            for r in call(notifications, "session_reminders", session["id"], token=people["counselor"])[
                "items"
            ]
            if r["channel"] == "email" and r["status"] == "sent"
        ],
        timeout=10,
    )
    assert all(r["due_at"] == planned and r["next_attempt_at"] is None for r in shown)
    assert all(r["attempts"] == 2 and r["sent_at"] >= soon for r in shown)
