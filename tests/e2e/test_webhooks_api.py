"""API.md's webhook routes, and those added to manage them, over HTTP against the platform as processes.
The address is a public IP literal (no DNS); nothing is booked here, so nothing is delivered to it."""

from tests.e2e.conftest import sign_in
from tests.support.builders import make_branch, make_organization, make_user
from tests.support.platform import Api

SECRET = "a-webhook-secret-for-tests"
PUBLIC_URL = "https://93.184.215.14/hooks/njia"


def test_the_openapi_document_describes_every_webhook_route(anonymous):
    paths = anonymous.get("/openapi.json").json()["paths"]
    for path, method in [
        ("/api/v1/webhooks", "post"),
        ("/api/v1/webhooks", "get"),
        ("/api/v1/webhooks/{webhook_id}", "patch"),
        ("/api/v1/webhooks/{webhook_id}", "delete"),
        ("/api/v1/webhooks/{webhook_id}/enable", "post"),
    ]:
        assert method in paths[path], f"{method.upper()} {path} missing from /openapi.json"


def test_an_org_admin_changes_pauses_turns_on_and_removes_a_webhook_over_http(platform, org_admin):
    created = org_admin.post(
        "/api/v1/webhooks", {"url": PUBLIC_URL, "events": ["session.booked"], "secret": SECRET}
    )
    assert created.status_code == 201, created.text
    hook = created.json()
    at = f"/api/v1/webhooks/{hook['id']}"

    changed = org_admin.patch(at, {"events": ["session.booked", "session.cancelled"], "active": False})
    assert changed.status_code == 200, changed.text
    assert changed.json() == {**hook, "events": ["session.booked", "session.cancelled"], "active": False}

    refused = org_admin.patch(at, {"url": "http://169.254.169.254/latest/meta-data/", "active": True})
    assert refused.status_code == 422, refused.text
    assert set(refused.json()["error"]["details"]) == {"url"}
    assert org_admin.get("/api/v1/webhooks").json()["items"] == [changed.json()]

    enabled = org_admin.post(f"{at}/enable")
    assert enabled.status_code == 200, enabled.text
    assert enabled.json() == {**changed.json(), "active": True, "consecutive_failures": 0}

    body = make_organization()
    assert Api(platform).post("/api/v1/organizations", body).status_code == 201
    stranger = sign_in(platform, body["admin"]["email"], body["admin"]["password"])
    assert stranger.patch(at, {"active": False}).status_code == 404
    assert stranger.http.delete(platform.url(at), timeout=30).status_code == 404

    branch = org_admin.post("/api/v1/branches", make_branch()).json()
    counselor = make_user("counselor", branch["id"])
    assert org_admin.post("/api/v1/users", counselor).status_code == 201
    as_counselor = sign_in(platform, counselor["email"], counselor["password"])
    assert as_counselor.post(f"{at}/enable").status_code == 403

    removed = org_admin.http.delete(platform.url(at), timeout=30)
    assert removed.status_code == 200, removed.text
    assert removed.json() == enabled.json()
    assert org_admin.http.delete(platform.url(at), timeout=30).status_code == 404
    assert org_admin.get("/api/v1/webhooks").json()["items"] == []


def test_the_webhooks_list_pages_over_http_and_a_junk_cursor_is_a_bad_request(org_admin):
    ids = []
    for n in range(3):
        created = org_admin.post(
            "/api/v1/webhooks", {"url": f"{PUBLIC_URL}/{n}", "events": ["session.booked"], "secret": SECRET}
        )
        assert created.status_code == 201, created.text
        ids.append(created.json()["id"])

    first = org_admin.get("/api/v1/webhooks", params={"limit": 2})
    assert first.status_code == 200, first.text
    assert [h["id"] for h in first.json()["items"]] == ids[:2] and first.json()["next_cursor"]
    rest = org_admin.get("/api/v1/webhooks", params={"limit": 2, "cursor": first.json()["next_cursor"]})
    assert [h["id"] for h in rest.json()["items"]] == ids[2:] and rest.json()["next_cursor"] is None

    junk = org_admin.get("/api/v1/webhooks", params={"cursor": "%%%"})
    assert junk.status_code == 400, junk.text
    assert junk.json()["error"]["code"] == "bad_request" and "cursor" in junk.json()["error"]["details"]


def test_the_openapi_document_says_the_webhooks_and_reminders_lists_page(anonymous):
    paths = anonymous.get("/openapi.json").json()["paths"]
    for path in ("/api/v1/webhooks", "/api/v1/sessions/{session_id}/reminders"):
        names = {p["name"] for p in paths[path]["get"].get("parameters", []) if p.get("in") == "query"}
        assert {"limit", "cursor"} <= names, f"GET {path} does not document limit and cursor"
