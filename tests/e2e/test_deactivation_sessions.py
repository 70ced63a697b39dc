"""Deactivated people's sessions and calendar feeds over HTTP (#14): a deactivated counselor's sessions
wait for another counselor, admins list and reassign them; a counselor's feed URL is rotated."""

import pytest

from tests.e2e.conftest import sign_in
from tests.support.builders import make_availability, make_branch, make_user
from tests.support.waiting import wait_until


def error_of(response):
    return response.json()["error"]


@pytest.fixture
def branch(org_admin):
    return org_admin.post("/api/v1/branches", make_branch(timezone="Africa/Nairobi")).json()


def add_person(platform, org_admin, role, branch, hours=False):
    body = make_user(role, branch["id"])
    created = org_admin.post("/api/v1/users", body)
    assert created.status_code == 201, created.text
    api = sign_in(platform, body["email"], body["password"])
    api.user = created.json()
    if hours:
        answer = api.put(f"/api/v1/counselors/{api.user['id']}/availability", make_availability())
        assert answer.status_code == 200, answer.text
    return api


def book(client, counselor):
    slot = client.get("/api/v1/slots", params={"counselor_id": counselor.user["id"]}).json()["items"][0]
    booked = client.post("/api/v1/sessions", {"counselor_id": counselor.user["id"], "start": slot["start"]})
    assert booked.status_code == 201, booked.text
    return booked.json()


def test_a_deactivated_counselors_session_waits_and_an_admin_gives_it_to_another(platform, org_admin, branch):
    counselor = add_person(platform, org_admin, "counselor", branch, hours=True)
    other = add_person(platform, org_admin, "counselor", branch, hours=True)
    client = add_person(platform, org_admin, "client", branch)
    session = book(client, counselor)

    assert org_admin.post(f"/api/v1/users/{counselor.user['id']}/deactivate").status_code == 200

    waiting = wait_until(
        lambda: org_admin.get("/api/v1/sessions", params={"needs_counselor": "true"}).json()["items"],
        timeout=20,
        message="the session does not wait for a counselor",
    )
    assert [s["id"] for s in waiting] == [session["id"]] and waiting[0]["status"] == "booked"
    refused = client.post(f"/api/v1/sessions/{session['id']}/reassign", {"counselor_id": other.user["id"]})
    assert refused.status_code == 403
    assert client.get("/api/v1/sessions", params={"needs_counselor": "true"}).status_code == 403

    moved = org_admin.post(f"/api/v1/sessions/{session['id']}/reassign", {"counselor_id": other.user["id"]})

    assert moved.status_code == 200, moved.text
    assert moved.json()["counselor_id"] == other.user["id"] and moved.json()["needs_counselor"] is False
    assert org_admin.get("/api/v1/sessions", params={"needs_counselor": "true"}).json()["items"] == []
    ics = other.get(f"/api/v1/sessions/{session['id']}/calendar.ics")
    assert ics.status_code == 200 and other.user["name"] in ics.text.replace("\r\n ", "")


def test_a_reassignment_to_a_busy_counselor_is_a_conflict_and_a_missing_one_names_the_field(
    platform, org_admin, branch
):
    counselor = add_person(platform, org_admin, "counselor", branch, hours=True)
    other = add_person(platform, org_admin, "counselor", branch, hours=True)
    session = book(add_person(platform, org_admin, "client", branch), counselor)
    book(add_person(platform, org_admin, "client", branch), other)  # the same first slot: busy then

    busy = org_admin.post(f"/api/v1/sessions/{session['id']}/reassign", {"counselor_id": other.user["id"]})
    unknown = org_admin.post(f"/api/v1/sessions/{session['id']}/reassign", {"counselor_id": "usr_nobody"})
    missing = org_admin.post(f"/api/v1/sessions/{session['id']}/reassign", {})

    assert busy.status_code == 409 and error_of(busy)["details"]["reason"] == "counselor_busy"
    assert unknown.status_code == 422 and "counselor_id" in error_of(unknown)["details"]
    assert missing.status_code == 422 and "counselor_id" in error_of(missing)["details"]


def test_a_rotated_calendar_feed_url_answers_404_at_once_and_the_new_one_works(platform, org_admin, branch):
    counselor = add_person(platform, org_admin, "counselor", branch, hours=True)
    book(add_person(platform, org_admin, "client", branch), counselor)
    feed = f"/api/v1/counselors/{counselor.user['id']}/calendar-feed"
    old = counselor.get(feed).json()["url"]
    anonymous = type(counselor)(platform)

    def fetch(url):
        return anonymous.get(url[url.index("/api/v1/") :])

    assert fetch(old).status_code == 200

    rotated = counselor.post(f"{feed}/rotate")

    assert rotated.status_code == 200, rotated.text
    new = rotated.json()["url"]
    assert fetch(old).status_code == 404
    answer = fetch(new)
    assert answer.status_code == 200 and "BEGIN:VEVENT" in answer.text
    by_admin = org_admin.post(f"{feed}/rotate")
    assert by_admin.status_code == 200 and by_admin.json() == {"url": None}
    assert fetch(new).status_code == 404
