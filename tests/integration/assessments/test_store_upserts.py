"""AssessmentsStore's writes that create a document when it is missing, raced on the real database:
FerretDB lets two upserts of one new ``_id`` both try the insert and fails the loser with a
duplicate-key error, which a redelivered event or a client's double click must never see."""

from datetime import UTC, datetime

import pytest

from services.assessments.store import open_store
from shared.ids import new_id
from tests.support.racing import race

WRITERS = 8
ROUNDS = 10
AT = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


@pytest.fixture
def store(db_prefix):
    with open_store(db_prefix=db_prefix) as store:
        yield store


def test_one_branch_remembered_by_simultaneous_handlers_is_kept_once(store):
    for round_ in range(ROUNDS):
        branch_id = f"br_{round_}"
        branch = {"branch_id": branch_id, "org_id": "org_a", "name": "Nakuru", "timezone": "UTC"}
        assert race(lambda writer, branch=branch: store.remember_branch({**branch, "n": writer})) == []
        assert store.branch(branch_id)["name"] == "Nakuru"


def test_one_counsel_remembered_by_simultaneous_handlers_is_kept_once(store):
    counselor = {"user_id": "usr_counselor", "name": "Achieng"}
    for round_ in range(ROUNDS):
        client_id = f"usr_client_{round_}"
        assert race(lambda writer, c=client_id: store.remember_counsel(c, counselor, "org_a", AT)) == []
        assert store.counselors_of(client_id) == [counselor]


def test_one_draft_saved_by_simultaneous_requests_is_kept_once(store):
    for round_ in range(ROUNDS):
        client_id = f"usr_client_{round_}"
        assert race(lambda writer, c=client_id: store.save_draft(c, "riasec", {"R01": writer}, AT)) == []
        assert store.draft(client_id, "riasec")["answers"]["R01"] in range(WRITERS)


def test_simultaneous_first_results_of_one_client_all_succeed_and_one_is_the_latest(store):
    for round_ in range(ROUNDS):
        client_id = f"usr_client_{round_}"
        made: list[str] = []

        def add(writer, client_id=client_id, made=made):
            result_id = new_id("res")
            made.append(result_id)
            doc = {
                "_id": result_id,
                "key": "riasec",
                "client_id": client_id,
                "org_id": "org_a",
                "branch_id": "br_1",
                "answers": {"R01": writer},
                "scores": {"R": writer},
                "top_values": [],
                "matches": [],
                "created_at": AT,
            }
            store.add_result(doc, [])

        assert race(add) == []
        assert store.latest_result(client_id, "riasec")["result_id"] in made


def test_simultaneous_first_imports_all_record_a_catalog_version(db_prefix):
    with open_store(db_prefix=db_prefix) as store:
        assert race(lambda writer: store.record_import([f"import {writer}"], changed=1)) == []
        assert store.catalog_version() is not None
