"""Session types over HTTP with two scheduling replicas: the default type, an admin's own types, their
slots and bookings, in person and by phone, intake first, the branch report's figures."""

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest

from tests.e2e.conftest import sign_in
from tests.support.builders import make_availability, make_branch, make_user
from tests.support.platform import Api

ADDRESS = "Kenyatta Avenue 12, Nakuru"
SIXTY = {"name": {"en": "Full session", "sw": "Kikao kamili"}, "minutes": 60, "buffer_minutes": 0}


def error_of(response):
    return response.json()["error"]


@pytest.fixture
def branch(org_admin):
    return org_admin.post("/api/v1/branches", make_branch(address=ADDRESS)).json()


def add_counselor(platform, org_admin, branch):
    body = make_user("counselor", branch["id"])
    counselor = org_admin.post("/api/v1/users", body).json()
    api = sign_in(platform, body["email"], body["password"])
    api.user = counselor
    response = api.put(f"/api/v1/counselors/{counselor['id']}/availability", make_availability())
    assert response.status_code == 200, response.text
    return api


def add_client(platform, org_admin, branch, **overrides):
    body = make_user("client", branch["id"], **overrides)
    created = org_admin.post("/api/v1/users", body)
    assert created.status_code == 201, created.text
    api = sign_in(platform, body["email"], body["password"])
    api.user = created.json()
    return api


def add_type(admin, **fields):
    created = admin.post("/api/v1/session-types", {**SIXTY, **fields})
    assert created.status_code == 201, created.text
    return created.json()


def slots(api, **params):
    response = api.get("/api/v1/slots", params=params)
    assert response.status_code == 200, response.text
    return response.json()["items"]


def minutes_between(start, end):
    return (datetime.fromisoformat(end) - datetime.fromisoformat(start)) // timedelta(minutes=1)


def test_an_organization_starts_with_a_default_type_and_bookings_naming_none_are_of_it(
    platform, org_admin, branch
):
    counselor = add_counselor(platform, org_admin, branch)
    client = add_client(platform, org_admin, branch)
    types = client.get("/api/v1/session-types")
    assert types.status_code == 200, types.text
    default = types.json()["items"][0]
    assert default["is_default"] and default["id"] == f"sty_default_{org_admin.org['id']}"
    assert default["minutes"] is None and default["modality"] == "video" and default["seats"] == 1
    slot = slots(client, counselor_id=counselor.user["id"])[0]
    assert minutes_between(slot["start"], slot["end"]) == 45  # the counselor's own length
    session = client.post("/api/v1/sessions", {"counselor_id": counselor.user["id"], "start": slot["start"]})
    assert session.status_code == 201, session.text
    booked = session.json()
    assert booked["session_type_id"] == default["id"] and booked["session_type"]["name"] == default["name"]
    assert booked["modality"] == "video" and booked["location"] is None
    assert booked["attendance"] == {"client_joined_at": None, "counselor_joined_at": None}
    assert booked["counselor_no_show"] is False and booked["workshop_id"] is None


def test_an_admin_adds_renames_and_retires_a_type_and_a_retired_type_is_not_booked(
    platform, org_admin, branch
):
    counselor = add_counselor(platform, org_admin, branch)
    client = add_client(platform, org_admin, branch)
    kind = add_type(org_admin, price={"amount": 500, "currency": "KES"})
    assert kind["minutes"] == 60 and kind["price"] == {"amount": 500.0, "currency": "KES"}
    renamed = org_admin.patch(
        f"/api/v1/session-types/{kind['id']}", {"name": {"en": "Hour", "sw": "Saa moja"}}
    )
    assert renamed.status_code == 200, renamed.text
    assert renamed.json()["name"] == {"en": "Hour", "sw": "Saa moja"} and renamed.json()["minutes"] == 60
    assert client.get(f"/api/v1/session-types/{kind['id']}").json()["name"]["sw"] == "Saa moja"

    retired = org_admin.delete(f"/api/v1/session-types/{kind['id']}")
    assert retired.status_code == 200 and retired.json()["active"] is False
    assert kind["id"] not in [t["id"] for t in client.get("/api/v1/session-types").json()["items"]]
    everything = org_admin.get("/api/v1/session-types", params={"include_inactive": "true"}).json()
    assert kind["id"] in [t["id"] for t in everything["items"]]
    assert client.get(f"/api/v1/session-types/{kind['id']}").status_code == 404
    start = slots(client, counselor_id=counselor.user["id"])[0]["start"]
    refused = client.post(
        "/api/v1/sessions",
        {"counselor_id": counselor.user["id"], "start": start, "session_type_id": kind["id"]},
    )
    assert refused.status_code == 422 and "session_type_id" in error_of(refused)["details"]


def test_the_default_type_is_renamed_but_never_retired(platform, org_admin):
    default_id = f"sty_default_{org_admin.org['id']}"
    renamed = org_admin.patch(
        f"/api/v1/session-types/{default_id}", {"name": {"en": "Consultation", "sw": "Mashauriano"}}
    )
    assert renamed.status_code == 200, renamed.text
    assert renamed.json()["is_default"] and renamed.json()["name"]["en"] == "Consultation"
    retired = org_admin.delete(f"/api/v1/session-types/{default_id}")
    assert retired.status_code == 409 and error_of(retired)["details"]["reason"] == "default_type"
    many = org_admin.patch(f"/api/v1/session-types/{default_id}", {"seats": 20, "active": False})
    assert many.status_code == 422 and set(error_of(many)["details"]) == {"seats", "active"}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"minutes": 17}, "minutes"),
        ({"minutes": 300}, "minutes"),
        ({"buffer_minutes": 7}, "buffer_minutes"),
        ({"seats": 0}, "seats"),
        ({"seats": 501}, "seats"),
        ({"modality": "zoom"}, "modality"),
        ({"price": {"amount": 500, "currency": "shillings"}}, "price.currency"),
        ({"branch_id": "br_nowhere"}, "branch_id"),
        ({"counselor_ids": ["usr_nobody"]}, "counselor_ids.0"),
        ({"minutes": None, "seats": 30}, "minutes"),
    ],
)
def test_a_type_breaking_a_rule_is_refused_naming_the_field(platform, org_admin, change, field):
    refused = org_admin.post("/api/v1/session-types", {**SIXTY, **change})
    assert refused.status_code == 422, refused.text
    assert field in error_of(refused)["details"], error_of(refused)


def test_branch_admins_manage_their_branchs_types_only_and_clients_none(platform, org_admin, branch):
    other = org_admin.post("/api/v1/branches", make_branch()).json()
    admin_body = make_user("branch_admin", branch["id"])
    org_admin.post("/api/v1/users", admin_body)
    branch_admin = sign_in(platform, admin_body["email"], admin_body["password"])
    own = add_type(branch_admin)
    assert own["branch_id"] == branch["id"]
    elsewhere = branch_admin.post("/api/v1/session-types", {**SIXTY, "branch_id": other["id"]})
    assert elsewhere.status_code == 403
    everywhere = add_type(org_admin)
    assert branch_admin.patch(f"/api/v1/session-types/{everywhere['id']}", {"minutes": 30}).status_code == 403
    assert branch_admin.delete(f"/api/v1/session-types/{own['id']}").status_code == 200
    client = add_client(platform, org_admin, branch)
    assert client.post("/api/v1/session-types", SIXTY).status_code == 403


def test_a_sixty_minute_types_slots_are_an_hour_long_on_the_counselors_hours(platform, org_admin, branch):
    counselor = add_counselor(platform, org_admin, branch)
    client = add_client(platform, org_admin, branch)
    kind = add_type(org_admin)
    hours = slots(client, counselor_id=counselor.user["id"], session_type_id=kind["id"])
    assert all(minutes_between(s["start"], s["end"]) == 60 for s in hours)
    same_day = [s for s in hours if s["start"][:10] == hours[0]["start"][:10]]
    assert all(minutes_between(a["start"], b["start"]) == 60 for a, b in pairwise(same_day))
    booked = client.post(
        "/api/v1/sessions",
        {"counselor_id": counselor.user["id"], "start": hours[0]["start"], "session_type_id": kind["id"]},
    )
    assert booked.status_code == 201, booked.text
    assert minutes_between(booked.json()["start"], booked.json()["end"]) == 60
    assert booked.json()["session_type"] == {"id": kind["id"], "name": kind["name"]}


def test_a_workshop_type_is_not_booked_one_to_one(platform, org_admin, branch):
    counselor = add_counselor(platform, org_admin, branch)
    client = add_client(platform, org_admin, branch)
    clinic = add_type(org_admin, seats=30, name={"en": "CV clinic", "sw": "Kliniki ya CV"})
    start = slots(client, counselor_id=counselor.user["id"])[0]["start"]
    refused = client.post(
        "/api/v1/sessions",
        {"counselor_id": counselor.user["id"], "start": start, "session_type_id": clinic["id"]},
    )
    assert refused.status_code == 422
    assert "workshop" in error_of(refused)["details"]["session_type_id"][0]


def test_an_in_person_session_carries_the_branchs_address_and_has_no_video_room(platform, org_admin, branch):
    counselor = add_counselor(platform, org_admin, branch)
    client = add_client(platform, org_admin, branch)
    visit = add_type(org_admin, modality="in_person")
    start = slots(client, branch_id=branch["id"], session_type_id=visit["id"])[0]["start"]
    booked = client.post(
        "/api/v1/sessions", {"branch_id": branch["id"], "start": start, "session_type_id": visit["id"]}
    )
    assert booked.status_code == 201, booked.text
    session = booked.json()
    assert session["modality"] == "in_person" and session["location"] == ADDRESS
    joined = client.get(f"/api/v1/sessions/{session['id']}/join")
    assert joined.status_code == 409 and error_of(joined)["details"]["reason"] == "not_online"
    ics = client.get(f"/api/v1/sessions/{session['id']}/calendar.ics")
    assert ics.status_code == 200
    assert "LOCATION:Kenyatta Avenue 12\\, Nakuru" in ics.text.replace("\r\n ", "")
    assert counselor.get(f"/api/v1/sessions/{session['id']}").json()["location"] == ADDRESS


def test_in_person_at_a_branch_without_an_address_is_refused_with_a_reason(platform, org_admin):
    bare = org_admin.post("/api/v1/branches", make_branch()).json()
    counselor = add_counselor(platform, org_admin, bare)
    client = add_client(platform, org_admin, bare)
    visit = add_type(org_admin, modality="in_person")
    start = slots(client, counselor_id=counselor.user["id"], session_type_id=visit["id"])[0]["start"]
    refused = client.post(
        "/api/v1/sessions",
        {"counselor_id": counselor.user["id"], "start": start, "session_type_id": visit["id"]},
    )
    assert refused.status_code == 409 and error_of(refused)["details"]["reason"] == "no_address"


def test_a_phone_session_needs_the_clients_number_and_its_calendar_says_who_calls(
    platform, org_admin, branch
):
    counselor = add_counselor(platform, org_admin, branch)
    call = add_type(org_admin, modality="phone", minutes=30)
    without = add_client(platform, org_admin, branch)
    start = slots(without, counselor_id=counselor.user["id"], session_type_id=call["id"])[0]["start"]
    body = {"counselor_id": counselor.user["id"], "start": start, "session_type_id": call["id"]}
    refused = without.post("/api/v1/sessions", body)
    assert refused.status_code == 422 and "phone" in error_of(refused)["details"]

    with_phone = add_client(platform, org_admin, branch, phone="+254712345678")
    booked = with_phone.post("/api/v1/sessions", body)
    assert booked.status_code == 201, booked.text
    assert booked.json()["modality"] == "phone" and booked.json()["location"] is None
    ics = with_phone.get(f"/api/v1/sessions/{booked.json()['id']}/calendar.ics").text.replace("\r\n ", "")
    assert "+254712345678" in ics.split("LOCATION:")[1].split("\r\n")[0]


def test_only_the_counselors_a_type_names_are_offered_and_booked(platform, org_admin, branch):
    named = add_counselor(platform, org_admin, branch)
    other = add_counselor(platform, org_admin, branch)
    client = add_client(platform, org_admin, branch)
    kind = add_type(org_admin, counselor_ids=[named.user["id"]])
    offered = slots(client, branch_id=branch["id"], session_type_id=kind["id"])
    assert {s["counselor_id"] for s in offered} == {named.user["id"]}
    refused = client.post(
        "/api/v1/sessions",
        {"counselor_id": other.user["id"], "start": offered[0]["start"], "session_type_id": kind["id"]},
    )
    assert refused.status_code == 422 and "counselor_id" in error_of(refused)["details"]
    anyone = client.post(
        "/api/v1/sessions",
        {"branch_id": branch["id"], "start": offered[0]["start"], "session_type_id": kind["id"]},
    )
    assert anyone.status_code == 201 and anyone.json()["counselor_id"] == named.user["id"]


def test_clients_racing_for_one_typed_slot_get_exactly_one_session(platform, org_admin, branch):
    counselor = add_counselor(platform, org_admin, branch)
    kind = add_type(org_admin)
    clients = [
        org_admin.post("/api/v1/users", {**make_user("client", branch["id"]), "password": None}).json()
        for _ in range(20)
    ]
    start = slots(org_admin, counselor_id=counselor.user["id"], session_type_id=kind["id"])[0]["start"]

    def book(client):
        return Api(platform, org_admin.token).post(
            "/api/v1/sessions",
            {
                "counselor_id": counselor.user["id"],
                "start": start,
                "client_id": client["id"],
                "session_type_id": kind["id"],
            },
        )

    with ThreadPoolExecutor(20) as pool:
        responses = list(pool.map(book, clients))
    statuses = sorted(r.status_code for r in responses)
    assert statuses.count(201) == 1, [r.text for r in responses if r.status_code not in (201, 409)][:3]
    assert statuses.count(409) == 19


def test_the_branch_report_counts_sessions_by_type_and_modality(platform, org_admin, branch):
    counselor = add_counselor(platform, org_admin, branch)
    visit = add_type(org_admin, modality="in_person")
    client = add_client(platform, org_admin, branch)
    start = slots(client, counselor_id=counselor.user["id"], session_type_id=visit["id"])[0]["start"]
    booked = client.post(
        "/api/v1/sessions",
        {"counselor_id": counselor.user["id"], "start": start, "session_type_id": visit["id"]},
    )
    assert booked.status_code == 201, booked.text
    now = datetime.now(UTC)
    report = org_admin.get(
        "/api/v1/reports/branches",
        params={"from": now.isoformat(), "to": (now + timedelta(days=30)).isoformat()},
    )
    assert report.status_code == 200, report.text
    row = next(r for r in report.json()["items"] if r["branch_id"] == branch["id"])
    assert row["by_session_type"] == [
        {"session_type_id": visit["id"], "name": visit["name"], "sessions": 1, "no_shows": 0}
    ]
    assert row["by_modality"]["in_person"] == {"sessions": 1, "no_shows": 0}
    assert row["by_modality"]["video"] == {"sessions": 0, "no_shows": 0}
    assert row["counselor_no_shows"] == 0
    assert row["workshops"] == {"held": 0, "seats": 0, "seats_taken": 0, "fill_rate": 0.0}


INTAKE_FORM = {
    "questions": [
        {"id": "goal", "label": {"en": "Your goal?", "sw": "Lengo lako?"}, "kind": "text", "required": True}
    ]
}


def test_a_type_requiring_intake_is_booked_once_the_intake_is_complete(platform, org_admin, branch):
    counselor = add_counselor(platform, org_admin, branch)
    client = add_client(platform, org_admin, branch)
    kind = add_type(org_admin, requires_intake=True)
    assert org_admin.put("/api/v1/intake-form", INTAKE_FORM).status_code == 200
    start = slots(client, counselor_id=counselor.user["id"], session_type_id=kind["id"])[0]["start"]
    body = {"counselor_id": counselor.user["id"], "start": start, "session_type_id": kind["id"]}
    early = client.post("/api/v1/sessions", body)
    assert early.status_code == 409 and error_of(early)["details"]["reason"] == "intake_required"
    submitted = client.put("/api/v1/me/intake", {"answers": {"goal": "A job in nursing"}, "submit": True})
    assert submitted.status_code == 200, submitted.text
    assert client.post("/api/v1/sessions", body).status_code == 201


def test_a_counselors_workshop_time_is_not_offered_and_its_seats_fill_the_report(platform, org_admin, branch):
    counselor = add_counselor(platform, org_admin, branch)
    client = add_client(platform, org_admin, branch)
    clinic = add_type(org_admin, seats=4, name={"en": "CV clinic", "sw": "Kliniki ya CV"})
    start = slots(client, counselor_id=counselor.user["id"])[0]["start"]
    held = org_admin.post(
        "/api/v1/workshops",
        {"session_type_id": clinic["id"], "counselor_id": counselor.user["id"], "start": start},
    )
    assert held.status_code == 201, held.text
    assert start not in [s["start"] for s in slots(client, counselor_id=counselor.user["id"])]
    assert start not in [s["start"] for s in slots(client, branch_id=branch["id"])]
    seat = client.post(f"/api/v1/workshops/{held.json()['id']}/seats", {})
    assert seat.status_code == 201, seat.text
    now = datetime.now(UTC)
    report = org_admin.get(
        "/api/v1/reports/branches",
        params={"from": now.isoformat(), "to": (now + timedelta(days=30)).isoformat()},
    ).json()
    row = next(r for r in report["items"] if r["branch_id"] == branch["id"])
    assert row["workshops"] == {"held": 1, "seats": 4, "seats_taken": 1, "fill_rate": 0.25}
    assert {"session_type_id": clinic["id"], "name": clinic["name"], "sessions": 1, "no_shows": 0} in row[
        "by_session_type"
    ]
