"""AssessmentsStore against the real database: several clients' results read one equality query each."""

import json
from datetime import UTC, datetime

import pytest

from services.assessments.store import open_store
from shared.ids import new_id


@pytest.fixture
def store(db_prefix):
    with open_store(db_prefix=db_prefix) as store:
        yield store


def add(store, client_id, key="riasec", org_id="org_a"):
    doc = {
        "_id": new_id("res"),
        "key": key,
        "client_id": client_id,
        "org_id": org_id,
        "branch_id": "br_1",
        "answers": {"R01": 3},
        "scores": {"R": 3},
        "top_values": [],
        "matches": [{"soc_code": "21-1012.00"}],
        "created_at": datetime(2026, 1, 5, 9, 0, tzinfo=UTC),
    }
    store.add_result(doc, [])
    return doc["_id"]


def every_page(read, limit):
    ids, cursor, pages = [], None, []
    while True:
        docs, cursor = read(limit, cursor)
        pages.append(len(docs))
        ids += [doc["_id"] for doc in docs]
        if cursor is None:
            return ids, pages


def test_several_clients_results_page_exactly_as_one_query_over_all_of_them_would(store):
    # Interleaved: one client with more results than a page holds, one with two, one with none.
    for who in ["ann", "ann", "bob", "ann", "eve", "ann", "bob", "ann"]:
        add(store, who)
    add(store, "ann", key="work_values")
    add(store, "ann", org_id="org_b")  # the same client id in another organization
    clients = ["ann", "bob", "nobody", "ann"]  # repeats and unknown ids change nothing
    scope = {"org_id": "org_a", "key": "riasec"}

    expected = sorted(
        doc["_id"] for doc in store.results.find({**scope, "client_id": {"$in": ["ann", "bob"]}}, {"_id": 1})
    )
    assert len(expected) == 7
    for limit in range(1, 10):
        ids, pages = every_page(lambda n, c: store.results_of_clients(clients, scope, n, c), limit)
        assert ids == expected, limit
        reference = every_page(
            lambda n, c: store.results_where({**scope, "client_id": {"$in": clients}}, n, c), limit
        )
        assert (ids, pages) == reference, limit  # the same pages and the same last page

    docs, _ = store.results_of_clients(["bob"], scope, 5, None)
    assert all("outbox" not in doc and "outbox_pending" not in doc for doc in docs)
    assert docs[0]["matches"] == [{"soc_code": "21-1012.00"}] and docs[0]["answers"] == {"R01": 3}


def test_a_clients_results_are_read_by_an_indexed_equality_the_database_itself_answers(store):
    add(store, "ann")
    indexed = [list(index["key"]) for index in store.results.list_indexes()]
    assert any(fields[0] == "client_id" for fields in indexed), indexed

    def sql_plan(query):
        return json.dumps(
            store.db.command("explain", {"find": "results", "filter": query}).get("queryPlanner", {})
        )

    # FerretDB on PostgreSQL shows PostgreSQL's plan: the equality reaches SQL (and its GIN index),
    # `$in` never does. (Other backends show other plans; the index above is what they need.)
    if "Plan" in sql_plan({"client_id": "ann"}):
        assert "'client_id'" in sql_plan({"org_id": "org_a", "client_id": "ann"})
        assert "'client_id'" not in sql_plan({"org_id": "org_a", "client_id": {"$in": ["ann", "bob"]}})
