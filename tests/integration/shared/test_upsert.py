"""shared/mongo.py's upsert on the real database: writers creating one document at once all succeed
(FerretDB answers the loser of two simultaneous upserts with a duplicate-key error)."""

import eventlet
import pytest

from shared.mongo import connect, upsert
from tests.support.databases import mongo_uri

WRITERS = 8
ROUNDS = 15


@pytest.fixture
def collection(db_prefix):
    client = connect(mongo_uri())
    coll = client[f"{db_prefix}upserts"]["kept"]
    coll.database.create_collection("kept")
    yield coll
    client.close()


def _race(write) -> list[BaseException]:
    pool = eventlet.GreenPool(WRITERS)
    errors: list[BaseException] = []

    def one(writer: int) -> None:
        try:
            write(writer)
        except Exception as exc:  # what a handler would have seen: the test reports every one
            errors.append(exc)

    for writer in range(WRITERS):
        pool.spawn_n(one, writer)
    pool.waitall()
    return errors


def test_writers_replacing_one_new_document_at_once_all_succeed_and_one_copy_remains(collection):
    for round_ in range(ROUNDS):
        key = f"session-{round_}"
        errors = _race(lambda writer, key=key: upsert(collection, {"_id": key}, {"by": writer}))
        assert errors == []
        kept = list(collection.find({"_id": key}))
        assert len(kept) == 1 and kept[0]["by"] in range(WRITERS)


def test_writers_updating_one_new_document_at_once_all_succeed(collection):
    change = {"$setOnInsert": {"first": True}, "$set": {"seen": True}}
    for round_ in range(ROUNDS):
        key = f"counter-{round_}"
        errors = _race(lambda writer, key=key: upsert(collection, {"_id": key}, change))
        assert errors == []
        assert collection.find_one({"_id": key}) == {"_id": key, "first": True, "seen": True}
