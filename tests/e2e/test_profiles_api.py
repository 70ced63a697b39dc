"""Networking profiles over HTTP: sources served by local HTTP servers, read off the request path."""

import pytest

from services.profiles import jsonresume
from tests.e2e.conftest import add_person
from tests.support.builders import make_availability, make_branch
from tests.support.linkedin_exports import make_linkedin_export, zip_of
from tests.support.platform import Platform
from tests.support.provider_server import ProviderServer, Reply, github_server, serve_github_user
from tests.support.waiting import wait_until

RESUME = {
    "basics": {"name": "Wanjiru Kamau", "label": "Data analyst", "summary": "Counts things for the county."},
    "skills": [{"name": "Statistics", "keywords": ["R"]}],
}


@pytest.fixture(scope="module")
def github():
    with github_server() as running:
        yield running


@pytest.fixture(scope="module")
def host():
    with ProviderServer() as running:
        yield running


@pytest.fixture(scope="module")
def platform(github):
    """A platform of its own: profiles reads GitHub from the local server and may fetch loopback URLs."""
    env = {"NJIA_GITHUB_API_URL": github.base_url, "NJIA_FETCH_ALLOW_PRIVATE": "true"}
    running = Platform(env=env).start()
    yield running
    running.stop()
    errors = [
        f"{log.name}: {line[:300]}"
        for log in running.logs.glob("*.log")
        for line in log.read_text().splitlines()
        if '"level": "error"' in line
    ]
    assert not errors, "services logged errors:\n" + "\n".join(errors[:10])


@pytest.fixture
def branch(org_admin):
    return org_admin.post("/api/v1/branches", make_branch()).json()


def upload(api, data, content_type="application/zip"):
    return api.http.put(
        api.platform.url("/api/v1/profile/sources/linkedin"),
        data=data,
        headers={"Content-Type": content_type},
        timeout=30,
    )


def synced(api, accepted):
    assert accepted.status_code == 202, accepted.text
    sync_id = accepted.json()["sync_id"]

    def done():
        body = api.get(f"/api/v1/profile/syncs/{sync_id}").json()
        return body if body["status"] == "done" else None

    return wait_until(done, timeout=30, message=f"sync {sync_id} did not finish")


def test_a_client_uploads_a_linkedin_export_and_their_counselor_sees_the_profile(platform, org_admin, branch):
    counselor = add_person(platform, org_admin, branch, "counselor")
    client = add_person(platform, org_admin, branch, "client")
    stranger = add_person(platform, org_admin, branch, "client")
    other_counselor = add_person(platform, org_admin, branch, "counselor")
    counselor.put(f"/api/v1/counselors/{counselor.user['id']}/availability", make_availability())
    slot = client.get("/api/v1/slots", params={"counselor_id": counselor.user["id"]}).json()["items"][0]
    booked = client.post("/api/v1/sessions", {"counselor_id": counselor.user["id"], "start": slot["start"]})
    assert booked.status_code == 201, booked.text

    form = client.http.put(
        platform.url("/api/v1/profile/sources/linkedin"),
        files={"export": ("Basic_LinkedInDataExport.zip", make_linkedin_export(), "application/zip")},
        timeout=30,
    )
    outcome = synced(client, form)
    assert outcome["results"]["linkedin"]["status"] == "ok"
    mine = client.get("/api/v1/profile").json()
    assert mine["client_id"] == client.user["id"]
    assert mine["headline"] == "Data analyst, Nakuru"
    assert mine["positions"][0]["title"] == "Data Analyst"
    assert mine["sources"][0]["kind"] == "linkedin" and mine["sources"][0]["status"] == "ok"
    assert mine["provenance"]["headline"]["source"] == "linkedin"

    seen = counselor.get("/api/v1/profile", params={"client_id": client.user["id"]})
    assert seen.status_code == 200, seen.text
    assert seen.json()["headline"] == "Data analyst, Nakuru"
    assert org_admin.get("/api/v1/profile", params={"client_id": client.user["id"]}).status_code == 200
    for outsider in (stranger, other_counselor):
        refused = outsider.get("/api/v1/profile", params={"client_id": client.user["id"]})
        assert refused.status_code == 404, refused.text


def test_github_and_a_json_resume_url_merge_and_export_as_a_json_resume(
    platform, org_admin, branch, github, host
):
    client = add_person(platform, org_admin, branch, "client")
    login = f"user-{client.user['id'][-8:]}"
    serve_github_user(github, login)
    host.serve(f"/{login}.json", RESUME)
    synced(client, client.put("/api/v1/profile/sources/github", {"username": login}))
    synced(client, client.put("/api/v1/profile/sources/json-resume", {"url": host.url(f"/{login}.json")}))
    profile = client.get("/api/v1/profile").json()
    assert {s["name"] for s in profile["skills"]} >= {"Python", "Go", "Statistics"}
    assert profile["headline"] == "Data analyst"
    assert {s["kind"]: s["status"] for s in profile["sources"]} == {"json_resume": "ok", "github": "ok"}

    exported = client.get("/api/v1/profile/export", params={"format": "json-resume"})
    assert exported.status_code == 200
    resume = exported.json()
    assert jsonresume.problems(resume) == {}
    assert resume["basics"]["label"] == "Data analyst"

    again = synced(client, client.post("/api/v1/profile/sync"))
    assert again["results"] == {
        "github": {"status": "ok", "changed_fields": []},
        "json_resume": {"status": "ok", "changed_fields": []},
    }
    assert host.requests_to(f"/{login}.json")[-1].status == 304


def test_unsafe_or_oversized_uploads_are_refused_and_nothing_is_stored(platform, org_admin, branch):
    client = add_person(platform, org_admin, branch, "client")
    too_big = upload(client, b"PK" + b"\0" * (10 * 1024 * 1024 + 10))
    assert too_big.status_code == 413 and too_big.json()["error"]["code"] == "payload_too_large"
    bomb = upload(client, zip_of({"Positions.csv": b"Title\r\n" + b"0" * (60 * 1024 * 1024)}))
    assert bomb.status_code == 422 and "export" in bomb.json()["error"]["details"]
    climbing = upload(client, zip_of({"../../Skills.csv": b"Name\r\nSQL\r\n"}))
    assert climbing.status_code == 422 and "outside the archive" in climbing.json()["error"]["message"]
    assert upload(client, b"name,title", "text/csv").status_code == 400
    private = client.put("/api/v1/profile/sources/json-resume", {"url": "http://169.254.169.254/latest/"})
    assert private.status_code == 422 and "url" in private.json()["error"]["details"]
    bad = client.put("/api/v1/profile/sources/json-resume", {"basics": {"email": "nope"}})
    assert bad.status_code == 422 and bad.json()["error"]["details"] == {
        "basics.email": ["Not a valid email."]
    }
    assert client.get("/api/v1/profile").json()["sources"] == []
    assert client.post("/api/v1/profile/sync").status_code == 409


def test_a_failing_source_shows_why_and_sync_now_recovers_it(platform, org_admin, branch, github):
    client = add_person(platform, org_admin, branch, "client")
    login = f"user-{client.user['id'][-8:]}"
    serve_github_user(github, login)
    github.queue(f"/users/{login}", Reply(500, {"message": "Server Error"}))
    outcome = synced(client, client.put("/api/v1/profile/sources/github", {"username": login}))
    assert outcome["results"]["github"]["status"] == "failed"
    state = client.get("/api/v1/profile").json()["sources"][0]
    assert state["status"] == "failed" and "GitHub failed (HTTP 500)" in state["error"]
    assert state["failures"] == 1 and state["next_sync_at"]
    synced(client, client.post("/api/v1/profile/sync"))
    state = client.get("/api/v1/profile").json()["sources"][0]
    assert state["status"] == "ok" and state["error"] is None
