"""ProfilesStore's writes that create a document when it is missing, raced on the real database:
FerretDB lets two upserts of one new ``_id`` both try the insert and fails the loser with a
duplicate-key error, which a redelivered event or a client's double click must never see."""

from datetime import UTC, datetime, timedelta

import pytest

from services.profiles import domain
from services.profiles.store import ProfilesStore, source_id
from shared.mongo import connect
from tests.support.databases import mongo_uri
from tests.support.racing import race

WRITERS = 8
ROUNDS = 10
AT = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


@pytest.fixture
def store(db_prefix):
    client = connect(mongo_uri())
    store = ProfilesStore(client[f"{db_prefix}profiles"])
    store.ensure_indexes()
    yield store
    client.close()


def test_one_source_connected_by_simultaneous_requests_is_kept_once(store):
    for round_ in range(ROUNDS):
        client_id = f"usr_client_{round_}"

        def connect_github(writer, client_id=client_id):
            store.connect_source(client_id, "org_a", "github", {"username": f"user{writer}"}, AT)

        assert race(connect_github) == []
        assert [doc["_id"] for doc in store.sources_of(client_id)] == [source_id(client_id, "github")]


def test_one_snapshot_saved_by_simultaneous_syncs_is_kept_once(store):
    for round_ in range(ROUNDS):
        client_id = f"usr_client_{round_}"

        def save(writer, client_id=client_id):
            snapshot = domain.Snapshot("github", {"headline": f"Analyst {writer}"}, {})
            store.save_snapshot(client_id, snapshot, AT)

        assert race(save) == []
        assert store.snapshot(client_id, "github").values["headline"].startswith("Analyst ")


def test_one_relation_remembered_by_simultaneous_handlers_is_kept_once(store):
    for round_ in range(ROUNDS):
        client_id = f"usr_client_{round_}"

        def remember(writer, client_id=client_id):
            store.remember_relation("usr_counselor", client_id, "org_a", AT)

        assert race(remember) == []
        assert store.counsels("usr_counselor", client_id)


def test_one_rate_limit_window_set_by_simultaneous_syncs_is_kept_once(store):
    for round_ in range(ROUNDS):
        name = f"github:{round_}"
        assert race(lambda writer, n=name: store.set_limit(n, AT + timedelta(seconds=writer))) == []
        assert store.limit_until(name) is not None
