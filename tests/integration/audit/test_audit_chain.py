"""The audit log on the real RabbitMQ and FerretDB: records from a service reach the chain once,
with two audit replicas and two writers racing; ``njia-admin audit verify`` (run as the operator
runs it) names the entry that was changed, removed or moved."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from kombu import Connection
from nameko.standalone.events import event_dispatcher
from nameko.testing.services import entrypoint_hook, entrypoint_waiter

from services.audit import domain
from services.audit.service import AuditService
from services.audit.store import AuditStore
from shared.admin import declare_queues, event_queue
from shared.audit import CLIENT_RECORD_READ, AuditTrail
from shared.auth import ADDRESS_KEY, TOKEN_KEY, Caller, Tokens
from shared.config import load_settings
from shared.errors import Unavailable
from shared.events.contracts import AUDIT_RECORDED
from shared.logs import REQUEST_ID_KEY
from shared.mongo import connect, database_name
from shared.service import rpc
from tests.support.containers import store_of
from tests.support.databases import mongo_uri
from tests.support.racing import race
from tests.support.waiting import wait_until

ROOT = Path(__file__).resolve().parents[3]
AT = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


class ReadingService:
    """A service that reads clients' records and keeps an audit trail (named as one that may)."""

    name = "profiles"
    audit = AuditTrail()

    @rpc
    def read_record(self, client_id: str, org_id: str, branch_id: str | None = None) -> str:
        return self.audit.record(CLIENT_RECORD_READ, client_id, org_id=org_id, branch_id=branch_id)


def record(org_id: str, n: int, **overrides) -> domain.Record:
    fields = {
        "id": f"evt_{org_id}_{n:04d}",
        "org_id": org_id,
        "at": AT + timedelta(seconds=n),
        "action": CLIENT_RECORD_READ,
        "actor_id": "usr_counselor",
        "subject_id": f"usr_client_{n}",
        "branch_id": "brn_1",
        "request_id": f"req{n}",
        "ip": "192.0.2.7",
    }
    return domain.Record(**(fields | overrides))


@pytest.fixture
def stores(db_prefix):
    """Two stores on two connections, as two replicas of the audit service have."""
    clients = [connect(mongo_uri()) for _ in range(2)]
    found = [AuditStore(c[database_name(db_prefix, "audit")]) for c in clients]
    found[0].ensure_indexes()
    yield found
    for client in clients:
        client.close()


@pytest.fixture
def audit_replicas(container_factory, config):
    declare_queues(config["AMQP_URI"])
    replicas = [container_factory(AuditService, config) for _ in range(2)]
    for replica in replicas:
        replica.start()
    return replicas


@pytest.fixture
def reader(container_factory, config):
    container = container_factory(ReadingService, config)
    container.start()
    return container


def read_as(reader, token: str | None, *args):
    context = {REQUEST_ID_KEY: "req-audit-1", ADDRESS_KEY: "198.51.100.4"}
    if token:
        context[TOKEN_KEY] = token
    with entrypoint_hook(reader, "read_record", context_data=context) as hook:
        return hook(*args)


def verify(config, org_id: str | None = None) -> subprocess.CompletedProcess[str]:
    """``njia-admin audit verify``, as an operator runs it, against this test's broker."""
    args = ["audit", "verify", *(["--org", org_id] if org_id else [])]
    return subprocess.run(
        [sys.executable, "-m", "shared.admin", *args],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "NJIA_AMQP_URI": config["AMQP_URI"], "NJIA_ENV": "test"},
        capture_output=True,
        text=True,
        timeout=60,
    )


def chain_of(store: AuditStore, org_id: str) -> list[dict]:
    return store.chain(org_id)


# Appending -------------------------------------------------------------------------------------


def test_two_replicas_racing_append_one_unbroken_chain(stores):
    def append(writer):
        store = stores[writer % 2]
        for n in range(5):
            store.append(record("org_race", writer * 100 + n))

    assert race(append) == []
    chain = chain_of(stores[0], "org_race")
    assert [entry["seq"] for entry in chain] == list(range(1, 41))
    assert len({entry["id"] for entry in chain}) == 40
    assert isinstance(domain.verify("org_race", chain, stores[0].head_seq("org_race")), domain.Verified)


def test_a_record_delivered_again_is_not_appended_twice(stores):
    first = stores[0].append(record("org_again", 1))
    assert race(lambda writer: stores[writer % 2].append(record("org_again", 2))) == []
    again = stores[1].append(record("org_again", 1))
    assert again == first
    assert [entry["id"] for entry in chain_of(stores[0], "org_again")] == [
        "evt_org_again_0001",
        "evt_org_again_0002",
    ]


def test_each_organization_has_a_chain_of_its_own(stores):
    stores[0].append(record("org_a", 1))
    stores[0].append(record("org_b", 1))
    stores[1].append(record("org_a", 2))
    assert [e["seq"] for e in chain_of(stores[0], "org_a")] == [1, 2]
    assert [e["seq"] for e in chain_of(stores[0], "org_b")] == [1]
    assert chain_of(stores[0], "org_b")[0]["previous_hash"] == domain.genesis_hash("org_b")


def test_a_services_records_reach_the_chain_once_with_two_audit_replicas(audit_replicas, reader, config):
    token = Tokens.from_settings(load_settings(config)).issue(
        Caller("usr_counselor_1", "org_reads", "counselor", "brn_1"), datetime.now(UTC)
    )
    ids = [read_as(reader, token, f"usr_client_{n}", "org_reads", "brn_1") for n in range(12)]
    store = store_of(audit_replicas[0])
    wait_until(lambda: len(chain_of(store, "org_reads")) == 12, message="records did not reach the chain")
    chain = chain_of(store, "org_reads")
    assert sorted(entry["id"] for entry in chain) == sorted(ids)
    first = next(entry for entry in chain if entry["id"] == ids[0])
    assert first["actor_id"] == "usr_counselor_1"
    assert first["subject_id"] == "usr_client_0"
    assert first["action"] == CLIENT_RECORD_READ
    assert (first["request_id"], first["ip"], first["branch_id"]) == ("req-audit-1", "198.51.100.4", "brn_1")
    assert verify(config).returncode == 0


def test_a_record_published_twice_is_appended_once(container_factory, reader, config):
    declare_queues(config["AMQP_URI"])
    audit = container_factory(AuditService, config)
    audit.start()
    with entrypoint_waiter(audit, "handle_audit_recorded_by_profiles"):
        record_id = read_as(reader, None, "usr_client_1", "org_twice")
    envelope = {
        "event_id": record_id,
        "event_type": AUDIT_RECORDED,
        "version": 1,
        "occurred_at": "2026-12-01T09:00:00+00:00",
        "source": "profiles",
        "data": {"at": "2026-12-01T09:00:00+00:00", "action": CLIENT_RECORD_READ, "org_id": "org_twice"},
    }
    handled = []
    dispatch = event_dispatcher(config)
    with entrypoint_waiter(
        audit, "handle_audit_recorded_by_profiles", callback=lambda *_: handled.append(1) or len(handled) == 2
    ):
        dispatch("profiles", AUDIT_RECORDED, envelope)
        dispatch(
            "profiles", AUDIT_RECORDED, {**envelope, "data": {**envelope["data"], "subject_id": "usr_x"}}
        )
    assert [e["subject_id"] for e in chain_of(store_of(audit), "org_twice")] == ["usr_client_1"]


def test_records_wait_in_their_queue_while_the_audit_service_is_down(container_factory, reader, config):
    declare_queues(config["AMQP_URI"])
    record_id = read_as(reader, None, "usr_client_1", "org_waiting")  # no audit service running
    audit = container_factory(AuditService, config)
    audit.start()
    store = store_of(audit)
    wait_until(lambda: store.entry(record_id) is not None, message="a record sent while audit was down")


def test_a_record_no_queue_would_take_fails_the_request_instead_of_vanishing(reader, config):
    # The audit queue for this service's records is gone (never declared): nowhere to put a record.
    with Connection(config["AMQP_URI"]) as conn:
        event_queue("profiles", AUDIT_RECORDED, "audit", "handle_audit_recorded_by_profiles")(conn).delete()
    with pytest.raises(Unavailable):
        read_as(reader, None, "usr_client_1", "org_nowhere")


# Verifying ---------------------------------------------------------------------------------------


@pytest.fixture
def written(audit_replicas):
    """A chain of five entries in the audit database the running replicas use."""
    store = store_of(audit_replicas[0])
    for n in range(1, 6):
        store.append(record("org_kept", n))
    return store


def test_verify_passes_an_untouched_chain(written, config):
    done = verify(config, "org_kept")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "OK org_kept: 5 entries" in done.stdout


def test_verify_names_an_entry_changed_after_it_was_written(written, config):
    written.entries.update_one({"_id": "evt_org_kept_0003"}, {"$set": {"subject_id": "usr_someone_else"}})
    done = verify(config, "org_kept")
    assert done.returncode == 1
    assert "BROKEN org_kept: entry evt_org_kept_0003 (seq 3)" in done.stdout
    assert "changed after it was written" in done.stdout


def test_verify_names_the_entry_after_one_that_was_removed(written, config):
    written.entries.delete_one({"_id": "evt_org_kept_0002"})
    done = verify(config)
    assert done.returncode == 1
    assert "entry evt_org_kept_0003 (seq 3): seq 2 is missing" in done.stdout


def test_verify_names_an_entry_moved_to_another_place(written, config):
    written.entries.update_one({"_id": "evt_org_kept_0004"}, {"$set": {"seq": 40}})
    written.entries.update_one({"_id": "evt_org_kept_0002"}, {"$set": {"seq": 4}})
    written.entries.update_one({"_id": "evt_org_kept_0004"}, {"$set": {"seq": 2}})
    done = verify(config, "org_kept")
    assert done.returncode == 1
    assert "entry evt_org_kept_0004 (seq 2)" in done.stdout


def test_verify_notices_the_newest_entries_removed(written, config):
    written.entries.delete_one({"_id": "evt_org_kept_0005"})
    done = verify(config, "org_kept")
    assert done.returncode == 1
    assert "entry evt_org_kept_0004 (seq 4): the chain ends at seq 4" in done.stdout


def test_verify_without_an_audit_service_says_so(config):
    done = verify(config)
    assert done.returncode == 2
    assert "audit: not answering" in done.stderr
