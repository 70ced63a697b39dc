"""Issue 15: workshops with seats over HTTP, against the platform as processes with two scheduling
replicas (the seat race runs against competing consumers) and a real SMTP server receiving what
seat holders are sent."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.e2e.conftest import sign_in
from tests.support.builders import make_availability, make_branch, make_organization, make_user
from tests.support.platform import Api, Platform
from tests.support.smtp_sink import SmtpSink
from tests.support.waiting import wait_until

NAIROBI = ZoneInfo("Africa/Nairobi")


@pytest.fixture(scope="module")
def smtp():
    with SmtpSink() as sink:
        yield sink


@pytest.fixture(scope="module")
def platform(smtp):
    running = Platform(replicas={"scheduling": 2}, env={"NJIA_SMTP_PORT": str(smtp.port)})
    try:
        running.start()
    except AssertionError:  # not ready within a minute: a busy machine gets two more, then it stops
        try:
            running.wait_ready(timeout=120)
        except AssertionError:
            running.stop()
            raise
    yield running
    running.stop()
    errors = running.logged_errors()
    assert not errors, "services logged errors:\n" + "\n".join(errors[:10])


@pytest.fixture
def org_admin(platform):
    body = make_organization()
    created = Api(platform).post("/api/v1/organizations", body)
    assert created.status_code == 201, created.text
    admin = sign_in(platform, body["admin"]["email"], body["admin"]["password"])
    admin.org = created.json()
    admin.branch = admin.post("/api/v1/branches", make_branch(address="Kenyatta Avenue 12, Nakuru")).json()
    return admin


def error_of(response):
    return response.json()["error"]


def add_counselor(platform, org_admin):
    body = make_user("counselor", org_admin.branch["id"])
    counselor = org_admin.post("/api/v1/users", body)
    assert counselor.status_code == 201, counselor.text
    api = sign_in(platform, body["email"], body["password"])
    api.user = counselor.json()
    assert (
        api.put(f"/api/v1/counselors/{api.user['id']}/availability", make_availability()).status_code == 200
    )
    return api


def add_client(platform, org_admin):
    body = make_user("client", org_admin.branch["id"])
    client = org_admin.post("/api/v1/users", body)
    assert client.status_code == 201, client.text
    api = sign_in(platform, body["email"], body["password"])
    api.user = client.json()
    return api


def quiet_client(platform, org_admin):
    """A client of the branch who cannot sign in (an imported directory): staff seat them. A
    connection of its own: many are added at once."""
    body = {**make_user("client", org_admin.branch["id"]), "password": None, "invite": False}
    created = Api(platform, org_admin.token).post("/api/v1/users", body)
    assert created.status_code == 201, created.text
    return created.json()


def add_type(org_admin, seats=30, minutes=60, **overrides):
    body = {
        "name": {"en": "CV clinic", "sw": "Kliniki ya CV"},
        "minutes": minutes,
        "buffer_minutes": 15,
        "modality": "video",
        "seats": seats,
        **overrides,
    }
    created = org_admin.post("/api/v1/session-types", body)
    assert created.status_code == 201, created.text
    return created.json()


def in_days(days, hour=10, minute=0):
    day = (datetime.now(NAIROBI) + timedelta(days=days)).date()
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=NAIROBI).isoformat()


def add_workshop(api, session_type, counselor, start=None, **extra):
    body = {
        "session_type_id": session_type["id"],
        "counselor_id": counselor.user["id"],
        "start": start or in_days(3),
        "title": {"en": "Write a CV that gets read", "sw": "Andika CV inayosomwa"},
        **extra,
    }
    created = api.post("/api/v1/workshops", body)
    assert created.status_code == 201, created.text
    return created.json()


def seat(api, workshop, client_id=None):
    return api.post(
        f"/api/v1/workshops/{workshop['id']}/seats", {"client_id": client_id} if client_id else None
    )


# The race -------------------------------------------------------------------------------------


def test_two_hundred_requests_for_thirty_seats_give_thirty_seats_and_workshop_full_to_the_rest(
    platform, org_admin
):
    counselor = add_counselor(platform, org_admin)
    workshop = add_workshop(org_admin, add_type(org_admin, seats=30), counselor)
    with ThreadPoolExecutor(10) as pool:
        clients = list(pool.map(lambda _: quiet_client(platform, org_admin), range(200)))

    def take(client):
        return Api(platform, org_admin.token).post(
            f"/api/v1/workshops/{workshop['id']}/seats", {"client_id": client["id"]}
        )

    with ThreadPoolExecutor(200) as pool:
        responses = list(pool.map(take, clients))
    statuses = [r.status_code for r in responses]
    assert statuses.count(201) == 30, [r.text for r in responses if r.status_code not in (201, 409)][:3]
    assert statuses.count(409) == 170
    assert {error_of(r)["details"]["reason"] for r in responses if r.status_code == 409} == {"workshop_full"}
    seats = [r.json() for r in responses if r.status_code == 201]
    assert sorted(s["seat"] for s in seats) == list(range(1, 31))
    attendees = org_admin.get(f"/api/v1/workshops/{workshop['id']}/attendees", params={"limit": 200}).json()
    assert sorted(a["client_id"] for a in attendees["items"]) == sorted(s["client_id"] for s in seats)
    shown = org_admin.get(f"/api/v1/workshops/{workshop['id']}").json()
    assert (shown["seats_taken"], shown["seats_left"]) == (30, 0)


# Taking, giving back, browsing ------------------------------------------------------------------


def test_a_client_browses_takes_a_seat_and_is_sent_the_confirmation(platform, org_admin, smtp):
    counselor = add_counselor(platform, org_admin)
    workshop = add_workshop(counselor, add_type(org_admin, seats=12), counselor)
    client = add_client(platform, org_admin)
    listed = client.get("/api/v1/workshops", params={"branch_id": org_admin.branch["id"]}).json()
    mine = next(w for w in listed["items"] if w["id"] == workshop["id"])
    assert (mine["seats"], mine["seats_taken"], mine["seats_left"], mine["my_seat"]) == (12, 0, 12, None)
    assert mine["title"]["en"] == "Write a CV that gets read" and mine["counselor_id"] == counselor.user["id"]

    taken = seat(client, workshop)
    assert taken.status_code == 201, taken.text
    held = taken.json()
    assert held["status"] == "booked" and held["workshop_id"] == workshop["id"]
    assert held["client_id"] == client.user["id"] and held["start"] == workshop["start"]
    again = seat(client, workshop)
    assert again.status_code == 201 and again.json()["id"] == held["id"]  # the same seat, not a second
    assert client.get(f"/api/v1/workshops/{workshop['id']}").json()["my_seat"] == held["id"]
    assert client.get(f"/api/v1/sessions/{held['id']}").json()["workshop_id"] == workshop["id"]

    email = client.user["email"]
    wait_until(
        lambda: any(email in m.envelope_rcpt for m in smtp.messages),
        timeout=20,
        interval=0.2,
        message="the seat holder's confirmation never reached the mailbox",
    )


def test_a_seat_given_back_lets_another_client_take_it(platform, org_admin):
    counselor = add_counselor(platform, org_admin)
    workshop = add_workshop(org_admin, add_type(org_admin, seats=2), counselor)
    first, second, third = (add_client(platform, org_admin) for _ in range(3))
    assert seat(first, workshop).status_code == 201
    assert seat(second, workshop).status_code == 201
    full = seat(third, workshop)
    assert full.status_code == 409 and error_of(full)["details"]["reason"] == "workshop_full"

    # A seat's counselor is the workshop's: a seat is not given to another counselor.
    held = seat(first, workshop).json()
    moved = org_admin.post(f"/api/v1/sessions/{held['id']}/reassign", {"counselor_id": counselor.user["id"]})
    assert moved.status_code == 409 and error_of(moved)["details"]["reason"] == "workshop_seat"

    given_back = first.delete(f"/api/v1/workshops/{workshop['id']}/seats/{first.user['id']}")
    assert given_back.status_code == 200, given_back.text
    assert given_back.json()["status"] == "cancelled"
    assert first.get(f"/api/v1/sessions/{given_back.json()['id']}").json()["status"] == "cancelled"
    taken = seat(third, workshop)
    assert taken.status_code == 201, taken.text
    assert org_admin.get(f"/api/v1/workshops/{workshop['id']}").json()["seats_left"] == 0
    # The first client may come back once a seat is free again: a new seat, not the old one.
    assert second.delete(f"/api/v1/workshops/{workshop['id']}/seats/{second.user['id']}").status_code == 200
    back = seat(first, workshop)
    assert back.status_code == 201 and back.json()["id"] != given_back.json()["id"]


def test_a_seat_overlapping_the_clients_own_session_is_refused_as_client_busy(platform, org_admin):
    counselor, other = add_counselor(platform, org_admin), add_counselor(platform, org_admin)
    client = add_client(platform, org_admin)
    slot = client.get("/api/v1/slots", params={"counselor_id": other.user["id"]}).json()["items"][0]
    booked = client.post("/api/v1/sessions", {"counselor_id": other.user["id"], "start": slot["start"]})
    assert booked.status_code == 201, booked.text
    workshop = add_workshop(org_admin, add_type(org_admin, seats=5), counselor, start=slot["start"])
    busy = seat(client, workshop)
    assert busy.status_code == 409 and error_of(busy)["details"]["reason"] == "client_busy"
    assert org_admin.get(f"/api/v1/workshops/{workshop['id']}").json()["seats_taken"] == 0


def test_a_workshop_holds_its_counselors_time_until_it_is_cancelled(platform, org_admin):
    counselor = add_counselor(platform, org_admin)
    session_type = add_type(org_admin, seats=5)
    start = in_days(4, 11)
    workshop = add_workshop(org_admin, session_type, counselor, start=start)
    again = org_admin.post(
        "/api/v1/workshops",
        {"session_type_id": session_type["id"], "counselor_id": counselor.user["id"], "start": start},
    )
    assert again.status_code == 409 and error_of(again)["details"]["reason"] == "slot_taken"
    client = add_client(platform, org_admin)
    one_to_one = client.post("/api/v1/sessions", {"counselor_id": counselor.user["id"], "start": start})
    assert one_to_one.status_code == 409, one_to_one.text
    held = seat(client, workshop).json()

    cancelled = org_admin.delete(f"/api/v1/workshops/{workshop['id']}", {"reason": "the hall is flooded"})
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["status"] == "cancelled"
    assert client.get(f"/api/v1/sessions/{held['id']}").json()["status"] == "cancelled"
    assert workshop["id"] not in [w["id"] for w in client.get("/api/v1/workshops").json()["items"]]
    staff_list = org_admin.get("/api/v1/workshops", params={"limit": 200}).json()["items"]
    assert {w["id"]: w["status"] for w in staff_list}[workshop["id"]] == "cancelled"
    refused = seat(client, workshop)
    assert refused.status_code == 409 and error_of(refused)["details"]["reason"] == "workshop_cancelled"
    assert add_workshop(org_admin, session_type, counselor, start=start)["status"] == "scheduled"


# Attendance -------------------------------------------------------------------------------------


def test_attendance_marks_show_in_the_attendees(platform, org_admin):
    counselor = add_counselor(platform, org_admin)
    soon = (datetime.now(UTC) + timedelta(minutes=5)).replace(second=0, microsecond=0).isoformat()
    workshop = add_workshop(counselor, add_type(org_admin, seats=10), counselor, start=soon)
    came, missed = add_client(platform, org_admin), add_client(platform, org_admin)
    for client in (came, missed):
        assert seat(client, workshop).status_code == 201
    url = f"/api/v1/workshops/{workshop['id']}/attendees"
    before = counselor.get(url).json()["items"]
    assert [a["attended"] for a in before] == [None, None]

    marked = counselor.put(f"{url}/{came.user['id']}", {"attended": True})
    assert marked.status_code == 200, marked.text
    assert (marked.json()["attended"], marked.json()["status"]) == (True, "completed")
    assert counselor.put(f"{url}/{missed.user['id']}", {"attended": False}).json()["status"] == "no_show"
    marks = {a["client_id"]: (a["attended"], a["status"]) for a in counselor.get(url).json()["items"]}
    assert marks == {came.user["id"]: (True, "completed"), missed.user["id"]: (False, "no_show")}
    # A mark can be corrected.
    assert counselor.put(f"{url}/{missed.user['id']}", {"attended": True}).json()["attended"] is True


def test_attendance_is_not_marked_days_before_the_workshop(platform, org_admin):
    counselor = add_counselor(platform, org_admin)
    workshop = add_workshop(counselor, add_type(org_admin, seats=3), counselor)
    client = add_client(platform, org_admin)
    assert seat(client, workshop).status_code == 201
    early = counselor.put(
        f"/api/v1/workshops/{workshop['id']}/attendees/{client.user['id']}", {"attended": True}
    )
    assert early.status_code == 409 and error_of(early)["details"]["reason"] == "not_started"


# Refusals ---------------------------------------------------------------------------------------


def test_who_may_make_a_workshop_and_of_which_type(platform, org_admin):
    counselor, colleague = add_counselor(platform, org_admin), add_counselor(platform, org_admin)
    client = add_client(platform, org_admin)
    clinic = add_type(org_admin, seats=8)
    body = {"session_type_id": clinic["id"], "counselor_id": counselor.user["id"], "start": in_days(5)}
    assert client.post("/api/v1/workshops", body).status_code == 403
    assert colleague.post("/api/v1/workshops", body).status_code == 403
    one_to_one = add_type(org_admin, seats=1)
    single = counselor.post("/api/v1/workshops", {**body, "session_type_id": one_to_one["id"]})
    assert single.status_code == 422 and "session_type_id" in error_of(single)["details"]
    unknown = counselor.post("/api/v1/workshops", {**body, "session_type_id": "sty_nothing"})
    assert unknown.status_code == 422 and "session_type_id" in error_of(unknown)["details"]
    past = counselor.post(
        "/api/v1/workshops", {**body, "start": (datetime.now(UTC) - timedelta(hours=1)).isoformat()}
    )
    assert past.status_code == 409 and error_of(past)["details"]["reason"] == "in_the_past"
    missing = counselor.post("/api/v1/workshops", {"counselor_id": counselor.user["id"]})
    assert missing.status_code == 422 and {"session_type_id", "start"} <= set(error_of(missing)["details"])
    # Outside the counselor's weekly hours (03:00 in Nairobi): staff may hold a workshop then.
    night = counselor.post("/api/v1/workshops", {**body, "start": in_days(5, 3)})
    assert night.status_code == 201, night.text


def test_who_may_take_a_seat_see_the_attendees_and_see_a_workshop(platform, org_admin):
    counselor = add_counselor(platform, org_admin)
    workshop = add_workshop(org_admin, add_type(org_admin, seats=4), counselor)
    client, other_client = add_client(platform, org_admin), add_client(platform, org_admin)
    for_another = seat(client, workshop, other_client.user["id"])
    assert for_another.status_code == 403
    unnamed = org_admin.post(f"/api/v1/workshops/{workshop['id']}/seats", {})
    assert unnamed.status_code == 422 and "client_id" in error_of(unnamed)["details"]
    assert seat(client, workshop).status_code == 201
    assert client.get(f"/api/v1/workshops/{workshop['id']}/attendees").status_code == 403
    not_theirs = client.delete(f"/api/v1/workshops/{workshop['id']}/seats/{other_client.user['id']}")
    assert not_theirs.status_code == 404
    assert client.get("/api/v1/workshops/wks_nothing").status_code == 404
    assert seat(client, {"id": "wks_nothing"}).status_code == 404

    elsewhere = make_organization()
    assert Api(platform).post("/api/v1/organizations", elsewhere).status_code == 201
    stranger = sign_in(platform, elsewhere["admin"]["email"], elsewhere["admin"]["password"])
    assert stranger.get(f"/api/v1/workshops/{workshop['id']}").status_code == 404
    assert workshop["id"] not in [w["id"] for w in stranger.get("/api/v1/workshops").json()["items"]]


def test_workshops_page_by_limit_and_cursor_earliest_first(platform, org_admin):
    counselor = add_counselor(platform, org_admin)
    clinic = add_type(org_admin, seats=3)
    made = [add_workshop(org_admin, clinic, counselor, start=in_days(2, hour)) for hour in (14, 9, 11)]
    seen, cursor = [], None
    while True:
        params = {"limit": 2, "branch_id": org_admin.branch["id"], **({"cursor": cursor} if cursor else {})}
        page = org_admin.get("/api/v1/workshops", params=params).json()
        seen += [w["id"] for w in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    by_start = [w["id"] for w in sorted(made, key=lambda w: datetime.fromisoformat(w["start"]))]
    assert [i for i in seen if i in by_start] == by_start
    assert org_admin.get("/api/v1/workshops", params={"cursor": "%%%"}).status_code == 400
