"""shared/mongo.py's upsert on the real database: writers creating one document at once all succeed
(FerretDB answers the loser of two simultaneous upserts with a duplicate-key error)."""

import pytest

from shared.mongo import connect, upsert
from tests.support.databases import mongo_uri
from tests.support.racing import WRITERS, race

ROUNDS = 15


@pytest.fixture
def collection(db_prefix):
    client = connect(mongo_uri())
    coll = client[f"{db_prefix}upserts"]["kept"]
    coll.database.create_collection("kept")
    yield coll
    client.close()


def test_writers_replacing_one_new_document_at_once_all_succeed_and_one_copy_remains(collection):
    for round_ in range(ROUNDS):
        key = f"session-{round_}"
        errors = race(lambda writer, key=key: upsert(collection, {"_id": key}, {"by": writer}))
        assert errors == []
        kept = list(collection.find({"_id": key}))
        assert len(kept) == 1 and kept[0]["by"] in range(WRITERS)


def test_writers_updating_one_new_document_at_once_all_succeed(collection):
    change = {"$setOnInsert": {"first": True}, "$set": {"seen": True}}
    for round_ in range(ROUNDS):
        key = f"counter-{round_}"
        errors = race(lambda writer, key=key: upsert(collection, {"_id": key}, change))
        assert errors == []
        assert collection.find_one({"_id": key}) == {"_id": key, "first": True, "seen": True}
