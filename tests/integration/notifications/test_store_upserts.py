"""NotificationsStore's writes that create a document when it is missing, raced on the real database:
FerretDB lets two upserts of one new ``_id`` both try the insert and fails the loser with a
duplicate-key error. Two replicas handling one session's event at once (a redelivery, the handler of
``session.booked`` beside the agenda's), a person's two devices saving preferences, or two events
naming one phone must all succeed."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from services.notifications.domain import Delivery, Preferences
from services.notifications.store import NotificationsStore
from shared.mongo import connect, database_name
from tests.support.databases import mongo_uri
from tests.support.racing import race

WRITERS = 8
ROUNDS = 10
START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
END = START + timedelta(minutes=45)


@pytest.fixture
def store(db_prefix) -> Iterator[NotificationsStore]:
    client = connect(mongo_uri())
    try:
        store = NotificationsStore(client[database_name(db_prefix, "notifications")])
        store.ensure_indexes()
        yield store
    finally:
        client.close()


def facts(session_id: str, revision: int) -> dict:
    person = {"name": "Someone", "email": "someone@example.org"}
    return {
        "session_id": session_id,
        "org_id": "org_a",
        "branch_id": "br_1",
        "status": "booked",
        "counselor": {**person, "user_id": "usr_counselor"},
        "client": {**person, "user_id": "usr_client"},
        "topic": None,
        "revision": revision,
    }


def test_a_session_remembered_by_two_handlers_at_once_is_kept_once(store):
    for round_ in range(ROUNDS):
        session_id = f"ses_{round_}"
        assert race(lambda writer, s=session_id: store.remember_session(facts(s, writer), START, END)) == []
        assert store.session(session_id)["revision"] in range(WRITERS)


def test_a_persons_first_preferences_saved_twice_at_once_are_kept_once(store):
    for round_ in range(ROUNDS):
        user_id = f"usr_{round_}"
        assert (
            race(
                lambda writer, u=user_id: store.save_preferences(
                    u, Preferences(reminder_offsets_minutes=(60 + writer,)), START
                )
            )
            == []
        )
        assert store.preferences_of(user_id).reminder_offsets_minutes[0] in range(60, 60 + WRITERS)


def test_a_phone_named_by_two_events_at_once_answers_for_its_person(store):
    for round_ in range(ROUNDS):
        phone = f"+2547000000{round_:02d}"
        person = {
            "user_id": f"usr_{round_}",
            "role": "client",
            "name": "A client",
            "phone": phone,
            "timezone": "Africa/Nairobi",
            "language": "sw",
            "org_id": "org_a",
            "branch_id": "br_1",
        }
        # Each writer its own revision, so every one of them writes the phone.
        assert race(lambda writer, p=person: store.remember_person({**p, "revision": writer})) == []
        assert store.person_by_phone(phone)["user_id"] == person["user_id"]
        # The index is keyed by a digest: a duplicate key in the database's own log names no number.
        assert store.phones.find_one({"_id": phone}) is None
        assert all(phone not in str(doc) for doc in store.phones.find())


def test_cancelling_a_sessions_messages_leaves_its_cancellation_notices_and_webhook_deliveries(store):
    """The same `session.cancelled` handled twice at once (published, and relayed from the outbox):
    the second handling's cancel must not cancel what the first planned for the cancellation."""
    due = START - timedelta(hours=1)

    def delivery(kind: str, recipient: str) -> Delivery:
        return Delivery(f"{kind}-{recipient}", kind, "email", recipient, due, session_id="ses_1")

    planned = [delivery("reminder", "usr_client"), delivery("cancelled", "usr_client")]
    planned.append(delivery("webhook", "wh_1"))
    store.plan(planned, due)
    assert store.cancel_scheduled("ses_1", due) == 1
    statuses = {d["kind"]: d["status"] for d in store.deliveries.find({"session_id": "ses_1"})}
    assert statuses == {"reminder": "cancelled", "cancelled": "scheduled", "webhook": "scheduled"}
