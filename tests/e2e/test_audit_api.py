"""The audit log over HTTP (``GET /api/v1/audit``) and ``njia-admin audit verify`` against the running
platform: staff reads of a client's record appear, pages and filters, who may read which part, and a
changed entry named by the operator's check."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from shared.mongo import connect, database_name
from tests.e2e.conftest import sign_in
from tests.support.builders import make_branch, make_organization, make_user
from tests.support.databases import mongo_uri
from tests.support.platform import Api
from tests.support.waiting import wait_until

ROOT = Path(__file__).resolve().parents[2]
INTERESTS = {f"{area}{n:02d}": 3 for area in "RIASEC" for n in range(1, 9)}
HASH_LENGTH = 64
READ = "client_record.read"


class Practice:
    """An organization with two branches, a client in each with an interest-profiler result, a
    counselor and a branch admin in the first branch, and the org admin."""

    def __init__(self, platform, org_admin):
        self.platform = platform
        self.admin = org_admin
        self.org_id = org_admin.org["id"]
        self.admin_id = org_admin.get("/api/v1/me").json()["id"]
        self.branches = [org_admin.post("/api/v1/branches", make_branch()).json() for _ in range(2)]
        self.clients = [self.person("client", branch) for branch in self.branches]
        self.counselor = self.person("counselor", self.branches[0])
        self.branch_admin = self.person("branch_admin", self.branches[0])
        self.results = [self.answered(client) for client in self.clients]

    def person(self, role, branch):
        body = make_user(role, branch["id"])
        created = self.admin.post("/api/v1/users", body)
        assert created.status_code == 201, created.text
        api = sign_in(self.platform, body["email"], body["password"])
        api.user = created.json()
        return api

    @staticmethod
    def answered(client):
        result = client.post("/api/v1/assessments/riasec/responses", {"answers": INTERESTS})
        assert result.status_code == 201, result.text
        return result.json()


@pytest.fixture
def practice(platform, org_admin):
    return Practice(platform, org_admin)


def entries(api, **query):
    response = api.get("/api/v1/audit", params=query)
    assert response.status_code == 200, response.text
    return response.json()


def wait_for_entries(api, count, **query):
    """The log is written off the request path: wait until ``count`` entries match."""
    return wait_until(
        lambda: (found := entries(api, **query)["items"]) and len(found) >= count and found,
        message=lambda: f"expected {count} audit entries for {query}: {entries(api, **query)}",
    )


def read_result(api, result, request_id=None):
    headers = {"X-Request-Id": request_id} if request_id else {}
    response = api.get(f"/api/v1/results/{result['id']}", headers=headers)
    assert response.status_code == 200, response.text


def test_an_admin_reading_a_clients_results_is_in_the_log(practice):
    client, result = practice.clients[0], practice.results[0]
    read_result(practice.admin, result, request_id="req-audit-e2e-1")
    client_id = client.user["id"]
    [entry] = wait_for_entries(practice.admin, 1, subject_id=client_id, action=READ)
    assert entry["action"] == "client_record.read"
    assert entry["actor_id"] == practice.admin_id and entry["subject_id"] == client_id
    assert (entry["org_id"], entry["branch_id"]) == (practice.org_id, practice.branches[0]["id"])
    assert entry["request_id"] == "req-audit-e2e-1" and entry["ip"] == "127.0.0.1"
    assert entry["at"].endswith("Z") and entry["seq"] >= 1
    assert len(entry["hash"]) == len(entry["previous_hash"]) == HASH_LENGTH


def test_a_client_reading_their_own_results_is_not_a_read_of_someone_elses_record(practice):
    client, result = practice.clients[0], practice.results[0]
    read_result(client, result)
    read_result(practice.admin, practice.results[1])  # recorded: the log is being written
    wait_for_entries(practice.admin, 1, subject_id=practice.clients[1].user["id"])
    assert entries(practice.admin, subject_id=client.user["id"], action=READ)["items"] == []


def test_reads_of_a_client_list_chart_and_profile_are_in_the_log(practice):
    client = practice.clients[0]
    client_id = client.user["id"]
    assert client.patch("/api/v1/profile", {"headline": "Mechanic"}).status_code == 200
    admin = practice.admin
    assert admin.get("/api/v1/results", params={"client_id": client_id}).status_code == 200
    assert admin.get(f"/api/v1/results/{practice.results[0]['id']}/chart.svg").status_code == 200
    assert admin.get("/api/v1/profile", params={"client_id": client_id}).status_code == 200
    assert admin.get("/api/v1/profile/export", params={"client_id": client_id}).status_code == 200
    found = wait_for_entries(admin, 3, subject_id=client_id, action=READ)
    assert len(found) == 3 and {e["actor_id"] for e in found} == {practice.admin_id}
    [export] = wait_for_entries(admin, 1, subject_id=client_id, action="export.created")
    assert export["actor_id"] == practice.admin_id


def test_the_log_pages_newest_first_and_filters_by_actor_action_and_time(practice):
    client_id = practice.clients[0].user["id"]
    before = datetime.now(UTC) - timedelta(seconds=1)
    for _ in range(3):
        read_result(practice.admin, practice.results[0])
    mine = {"subject_id": client_id, "action": READ}
    found = wait_for_entries(practice.admin, 3, **mine)
    assert [e["seq"] for e in found] == sorted((e["seq"] for e in found), reverse=True)

    first = entries(practice.admin, **mine, limit=2)
    assert len(first["items"]) == 2 and first["next_cursor"]
    second = entries(practice.admin, **mine, limit=2, cursor=first["next_cursor"])
    assert len(second["items"]) == 1 and second["next_cursor"] is None
    assert [e["id"] for e in first["items"] + second["items"]] == [e["id"] for e in found]

    assert len(entries(practice.admin, **mine, actor_id=practice.admin_id)["items"]) == 3
    assert entries(practice.admin, subject_id=client_id, actor_id="usr_nobody")["items"] == []
    assert entries(practice.admin, subject_id=client_id, action="export.created")["items"] == []
    since = before.isoformat().replace("+00:00", "Z")
    assert len(entries(practice.admin, **mine, **{"from": since})["items"]) == 3
    assert entries(practice.admin, **mine, to=since)["items"] == []


def test_a_branch_admin_sees_the_entries_about_their_branch_only(practice):
    for result in practice.results:
        read_result(practice.admin, result)
    wait_for_entries(practice.admin, 2, action=READ)
    seen = entries(practice.branch_admin)["items"]
    assert seen and {e["branch_id"] for e in seen} == {practice.branches[0]["id"]}
    other_client = practice.clients[1].user["id"]
    assert entries(practice.branch_admin, subject_id=other_client)["items"] == []


def test_clients_and_counselors_may_not_read_the_log(practice, anonymous):
    for api in (practice.clients[0], practice.counselor):
        refused = api.get("/api/v1/audit")
        assert refused.status_code == 403, refused.text
        assert refused.json()["error"]["code"] == "forbidden"
    assert anonymous.get("/api/v1/audit").status_code == 401


def test_another_organization_sees_nothing_of_this_ones_log(platform, practice):
    read_result(practice.admin, practice.results[0])
    client_id = practice.clients[0].user["id"]
    wait_for_entries(practice.admin, 1, subject_id=client_id, action=READ)
    body = make_organization()
    assert Api(platform).post("/api/v1/organizations", body).status_code == 201
    other = sign_in(platform, body["admin"]["email"], body["admin"]["password"])
    assert entries(other, subject_id=client_id)["items"] == []
    assert all(e["org_id"] != practice.org_id for e in entries(other, limit=200)["items"])


@pytest.mark.parametrize(
    ("query", "status", "field"),
    [
        ({"limit": "500"}, 422, "limit"),
        ({"action": "notes.deleted"}, 422, "action"),
        ({"from": "yesterday"}, 422, "from"),
        ({"cursor": "%%%"}, 400, "cursor"),
    ],
)
def test_bad_queries_are_refused_naming_the_parameter(org_admin, query, status, field):
    refused = org_admin.get("/api/v1/audit", params=query)
    assert refused.status_code == status, refused.text
    assert field in refused.json()["error"]["details"]


def njia_admin(platform, *args):
    return subprocess.run(
        [sys.executable, "-m", "shared.admin", *args],
        cwd=ROOT,
        env={**platform.env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_njia_admin_audit_verify_names_an_entry_changed_in_the_database(platform, practice):
    for result in practice.results:
        read_result(practice.admin, result)
    found = wait_for_entries(practice.admin, 2, action=READ)
    done = njia_admin(platform, "audit", "verify", "--org", practice.org_id)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"OK {practice.org_id}:" in done.stdout

    changed = found[-1]  # the older of the two
    client = connect(mongo_uri())
    try:
        db = client[database_name(platform.env["NJIA_MONGO_DB_PREFIX"], "audit")]
        db["entries"].update_one({"_id": changed["id"]}, {"$set": {"actor_id": "usr_someone_innocent"}})
    finally:
        client.close()
    done = njia_admin(platform, "audit", "verify", "--org", practice.org_id)
    assert done.returncode == 1
    assert f"BROKEN {practice.org_id}: entry {changed['id']} (seq {changed['seq']})" in done.stdout
