"""The scheduling store on a database of its own per test (the real FerretDB)."""

from collections.abc import Iterator

import pytest

from services.scheduling.store import SchedulingStore
from shared.mongo import connect, database_name
from tests.support.databases import mongo_uri


@pytest.fixture
def store(db_prefix) -> Iterator[SchedulingStore]:
    client = connect(mongo_uri())
    try:
        store = SchedulingStore(client[database_name(db_prefix, "sessions")])
        store.ensure_indexes()
        yield store
    finally:
        client.close()
