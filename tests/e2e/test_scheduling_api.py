"""Scheduling over HTTP with two scheduling replicas: races, time zones, join window, visibility."""

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from shared.links import session_page
from tests.e2e.conftest import sign_in
from tests.support.builders import make_availability, make_branch, make_user
from tests.support.platform import Api
from tests.support.waiting import wait_until


def error_of(response):
    return response.json()["error"]


@pytest.fixture
def branch(org_admin):
    return org_admin.post("/api/v1/branches", make_branch(timezone="Africa/Nairobi")).json()


def add_counselor(platform, org_admin, branch, availability=None):
    body = make_user("counselor", branch["id"])
    counselor = org_admin.post("/api/v1/users", body).json()
    api = sign_in(platform, body["email"], body["password"])
    api.user = counselor
    response = api.put(
        f"/api/v1/counselors/{counselor['id']}/availability", availability or make_availability()
    )
    assert response.status_code == 200, response.text
    return api


def add_client(platform, org_admin, branch, **overrides):
    body = make_user("client", branch["id"], **overrides)
    client = org_admin.post("/api/v1/users", body).json()
    api = sign_in(platform, body["email"], body["password"])
    api.user = client
    return api


def first_slot(api, **params):
    response = api.get("/api/v1/slots", params=params)
    assert response.status_code == 200, response.text
    return response.json()["items"][0]


def test_a_client_sees_slots_in_their_own_time_zone_and_books_one(platform, org_admin, branch):
    counselor = add_counselor(platform, org_admin, branch)
    client = add_client(platform, org_admin, branch, timezone="Asia/Tokyo")
    slots = client.get("/api/v1/slots", params={"counselor_id": counselor.user["id"]}).json()
    assert slots["timezone"] == "Asia/Tokyo"
    slot = slots["items"][0]
    assert slot["start"].endswith("+09:00")
    nairobi = datetime.fromisoformat(slot["start"]).astimezone(ZoneInfo("Africa/Nairobi"))
    assert 8 <= nairobi.hour < 18  # inside the counselor's hours in the counselor's zone
    assert datetime.fromisoformat(slot["start"]) >= datetime.now(UTC) + timedelta(minutes=120)
    booked = client.post("/api/v1/sessions", {"counselor_id": counselor.user["id"], "start": slot["start"]})
    assert booked.status_code == 201, booked.text
    session = booked.json()
    assert session["status"] == "booked" and session["client_id"] == client.user["id"]
    assert session["start"] == slot["start"]
    later = client.get("/api/v1/slots", params={"counselor_id": counselor.user["id"]}).json()["items"]
    assert slot["start"] not in [s["start"] for s in later]
    assert counselor.get(f"/api/v1/sessions/{session['id']}").json()["start"].endswith("+03:00")


def test_fifty_clients_racing_for_one_slot_get_one_session_and_forty_nine_conflicts(
    platform, org_admin, branch
):
    counselor = add_counselor(platform, org_admin, branch)
    clients = [
        org_admin.post("/api/v1/users", {**make_user("client", branch["id"]), "password": None}).json()
        for _ in range(50)
    ]
    slot = first_slot(org_admin, counselor_id=counselor.user["id"])

    def book(client):
        return Api(platform, org_admin.token).post(
            "/api/v1/sessions",
            {"counselor_id": counselor.user["id"], "start": slot["start"], "client_id": client["id"]},
        )

    with ThreadPoolExecutor(50) as pool:
        responses = list(pool.map(book, clients))
    statuses = sorted(r.status_code for r in responses)
    assert statuses.count(201) == 1, [r.text for r in responses if r.status_code not in (201, 409)][:3]
    assert statuses.count(409) == 49
    held = org_admin.get(
        "/api/v1/sessions", params={"counselor_id": counselor.user["id"], "status": "booked"}
    ).json()["items"]
    assert [s["start"] for s in held] == [slot["start"]]


def test_any_counselor_of_a_branch_gives_each_free_counselor_once(platform, org_admin, branch):
    counselors = [add_counselor(platform, org_admin, branch) for _ in range(5)]
    slot = first_slot(org_admin, counselor_id=counselors[0].user["id"])
    # One counselor is already busy then: four are free.
    busy_client = org_admin.post("/api/v1/users", make_user("client", branch["id"])).json()
    taken = org_admin.post(
        "/api/v1/sessions",
        {"counselor_id": counselors[0].user["id"], "start": slot["start"], "client_id": busy_client["id"]},
    )
    assert taken.status_code == 201
    clients = [org_admin.post("/api/v1/users", make_user("client", branch["id"])).json() for _ in range(20)]

    def book(client):
        return Api(platform, org_admin.token).post(
            "/api/v1/sessions", {"branch_id": branch["id"], "start": slot["start"], "client_id": client["id"]}
        )

    with ThreadPoolExecutor(20) as pool:
        responses = list(pool.map(book, clients))
    won = [r.json() for r in responses if r.status_code == 201]
    assert len(won) == 4
    assert sorted(r.status_code for r in responses).count(409) == 16
    assert len({s["counselor_id"] for s in won}) == 4
    assert counselors[0].user["id"] not in {s["counselor_id"] for s in won}


def test_outside_hours_inside_notice_and_past_times_are_conflicts_with_a_reason(platform, org_admin, branch):
    counselor = add_counselor(platform, org_admin, branch)
    client = add_client(platform, org_admin, branch)
    nairobi = ZoneInfo("Africa/Nairobi")
    tomorrow = (datetime.now(nairobi) + timedelta(days=2)).date()
    cases = {
        "outside_availability": datetime(tomorrow.year, tomorrow.month, tomorrow.day, 3, 0, tzinfo=nairobi),
        "in_the_past": datetime.now(UTC) - timedelta(hours=3),
        "inside_minimum_notice": datetime.now(UTC) + timedelta(minutes=30),
    }
    for reason, start in cases.items():
        response = client.post(
            "/api/v1/sessions", {"counselor_id": counselor.user["id"], "start": start.isoformat()}
        )
        assert response.status_code == 409, (reason, response.text)
        assert error_of(response)["details"]["reason"] == reason


def test_a_client_cannot_hold_two_overlapping_sessions(platform, org_admin, branch):
    first = add_counselor(platform, org_admin, branch)
    second = add_counselor(platform, org_admin, branch)
    client = add_client(platform, org_admin, branch)
    slot = first_slot(client, counselor_id=first.user["id"])
    assert (
        client.post(
            "/api/v1/sessions", {"counselor_id": first.user["id"], "start": slot["start"]}
        ).status_code
        == 201
    )
    again = client.post("/api/v1/sessions", {"counselor_id": second.user["id"], "start": slot["start"]})
    assert again.status_code == 409
    assert error_of(again)["details"]["reason"] == "client_busy"


def test_two_clients_rescheduling_into_one_free_slot_one_wins_the_other_is_unchanged(
    platform, org_admin, branch
):
    counselor = add_counselor(platform, org_admin, branch)
    a, b = add_client(platform, org_admin, branch), add_client(platform, org_admin, branch)
    slots = a.get("/api/v1/slots", params={"counselor_id": counselor.user["id"]}).json()["items"]
    session_a = a.post(
        "/api/v1/sessions", {"counselor_id": counselor.user["id"], "start": slots[0]["start"]}
    ).json()
    session_b = b.post(
        "/api/v1/sessions", {"counselor_id": counselor.user["id"], "start": slots[1]["start"]}
    ).json()
    target = slots[5]["start"]
    with ThreadPoolExecutor(2) as pool:
        results = list(
            pool.map(
                lambda pair: pair[0].post(f"/api/v1/sessions/{pair[1]['id']}/reschedule", {"start": target}),
                [(a, session_a), (b, session_b)],
            )
        )
    assert sorted(r.status_code for r in results) == [200, 409]
    loser_api, loser = (a, session_a) if results[0].status_code == 409 else (b, session_b)
    assert loser_api.get(f"/api/v1/sessions/{loser['id']}").json()["start"] == loser["start"]
    # The winner's old slot was freed; the loser's is still held.
    free_now = [
        s["start"]
        for s in a.get("/api/v1/slots", params={"counselor_id": counselor.user["id"]}).json()["items"]
    ]
    winner = session_b if loser is session_a else session_a
    assert winner["start"] in free_now and loser["start"] not in free_now and target not in free_now


def test_a_cancelled_slot_is_bookable_again_at_once(platform, org_admin, branch):
    counselor = add_counselor(platform, org_admin, branch)
    first, second = add_client(platform, org_admin, branch), add_client(platform, org_admin, branch)
    slot = first_slot(first, counselor_id=counselor.user["id"])
    session = first.post(
        "/api/v1/sessions", {"counselor_id": counselor.user["id"], "start": slot["start"]}
    ).json()
    cancelled = first.post(f"/api/v1/sessions/{session['id']}/cancel", {"reason": "exam that day"})
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] in ("cancelled", "late_cancelled")
    rebooked = second.post("/api/v1/sessions", {"counselor_id": counselor.user["id"], "start": slot["start"]})
    assert rebooked.status_code == 201
    assert first.post(f"/api/v1/sessions/{session['id']}/cancel", {}).status_code == 409


def test_reschedules_past_the_organizations_limit_are_refused_for_clients(platform, org_admin, branch):
    assert (
        org_admin.put(
            "/api/v1/scheduling/policy", {"late_cancel_hours": 24, "max_reschedules": 1}
        ).status_code
        == 200
    )
    counselor = add_counselor(platform, org_admin, branch)
    client = add_client(platform, org_admin, branch)
    slots = client.get("/api/v1/slots", params={"counselor_id": counselor.user["id"]}).json()["items"]
    session = client.post(
        "/api/v1/sessions", {"counselor_id": counselor.user["id"], "start": slots[0]["start"]}
    ).json()
    assert (
        client.post(f"/api/v1/sessions/{session['id']}/reschedule", {"start": slots[1]["start"]}).status_code
        == 200
    )
    refused = client.post(f"/api/v1/sessions/{session['id']}/reschedule", {"start": slots[2]["start"]})
    assert refused.status_code == 409
    assert error_of(refused)["details"]["reason"] == "reschedule_limit"
    # Counselors are not limited.
    assert (
        counselor.post(
            f"/api/v1/sessions/{session['id']}/reschedule", {"start": slots[3]["start"]}
        ).status_code
        == 200
    )


def test_a_late_client_cancel_is_recorded_as_late(platform, org_admin, branch):
    counselor = add_counselor(platform, org_admin, branch)
    client = add_client(platform, org_admin, branch)
    slot = first_slot(client, counselor_id=counselor.user["id"])  # within 24 h of now or soon after
    session = client.post(
        "/api/v1/sessions", {"counselor_id": counselor.user["id"], "start": slot["start"]}
    ).json()
    hours_ahead = (datetime.fromisoformat(slot["start"]) - datetime.now(UTC)).total_seconds() / 3600
    cancelled = client.post(f"/api/v1/sessions/{session['id']}/cancel", {}).json()
    assert cancelled["status"] == ("late_cancelled" if hours_ahead < 24 else "cancelled")


def test_joining_is_too_early_before_the_window_and_gives_the_link_inside_it(platform, org_admin, branch):
    nairobi = ZoneInfo("Africa/Nairobi")
    soon = datetime.now(nairobi) + timedelta(minutes=5)
    soon = soon.replace(second=0, microsecond=0) + timedelta(minutes=5 - soon.minute % 5)
    if soon.date() != (soon + timedelta(minutes=30)).date():
        pytest.skip("the test's 30-minute window would cross local midnight; runs on any other minute")
    today = {
        "date": soon.date().isoformat(),
        "available": True,
        "start": soon.strftime("%H:%M"),
        "end": (soon + timedelta(minutes=30)).strftime("%H:%M"),
    }
    counselor = add_counselor(
        platform,
        org_admin,
        branch,
        make_availability(exceptions=[today], session_minutes=15, buffer_minutes=0, min_notice_minutes=0),
    )
    client = add_client(platform, org_admin, branch)
    stranger = add_client(platform, org_admin, branch)
    start = soon.isoformat()
    session = client.post("/api/v1/sessions", {"counselor_id": counselor.user["id"], "start": start})
    assert session.status_code == 201, session.text
    session_id = session.json()["id"]
    joined = client.get(f"/api/v1/sessions/{session_id}/join")
    assert joined.status_code == 200, joined.text
    assert joined.json()["url"].startswith("https://meet.jit.si/njia-")
    assert counselor.get(f"/api/v1/sessions/{session_id}/join").json()["url"] == joined.json()["url"]
    assert stranger.get(f"/api/v1/sessions/{session_id}/join").status_code == 404
    later = client.get("/api/v1/slots", params={"counselor_id": counselor.user["id"]}).json()["items"]
    assert later == [] or all(s["start"] != start for s in later)


def test_joining_a_session_tomorrow_is_too_early(platform, org_admin, branch):
    counselor = add_counselor(platform, org_admin, branch)
    client = add_client(platform, org_admin, branch)
    slots = client.get("/api/v1/slots", params={"counselor_id": counselor.user["id"]}).json()["items"]
    start = next(
        s["start"]
        for s in slots
        if datetime.fromisoformat(s["start"]) > datetime.now(UTC) + timedelta(hours=20)
    )
    session = client.post("/api/v1/sessions", {"counselor_id": counselor.user["id"], "start": start}).json()
    response = client.get(f"/api/v1/sessions/{session['id']}/join")
    assert response.status_code == 425
    assert error_of(response)["code"] == "too_early"


def test_case_notes_are_for_the_counselor_never_the_client(platform, org_admin, branch):
    counselor = add_counselor(platform, org_admin, branch)
    colleague = add_counselor(platform, org_admin, branch)
    client = add_client(platform, org_admin, branch)
    slot = first_slot(client, counselor_id=counselor.user["id"])
    session = client.post(
        "/api/v1/sessions", {"counselor_id": counselor.user["id"], "start": slot["start"]}
    ).json()
    note = counselor.post(
        f"/api/v1/sessions/{session['id']}/notes", {"text": "Interested in nursing; discuss KMTC."}
    )
    assert note.status_code == 201
    assert [n["text"] for n in counselor.get(f"/api/v1/sessions/{session['id']}/notes").json()["items"]] == [
        "Interested in nursing; discuss KMTC."
    ]
    assert client.get(f"/api/v1/sessions/{session['id']}/notes").status_code == 404
    assert client.post(f"/api/v1/sessions/{session['id']}/notes", {"text": "mine"}).status_code in (403, 404)
    assert colleague.get(f"/api/v1/sessions/{session['id']}/notes").status_code == 404
    assert (
        client.put(
            f"/api/v1/clients/{client.user['id']}/sharing", {"counselor_ids": [colleague.user["id"]]}
        ).status_code
        == 200
    )
    assert colleague.get(f"/api/v1/sessions/{session['id']}/notes").status_code == 200
    assert org_admin.get(f"/api/v1/sessions/{session['id']}/notes").status_code == 200


def test_sessions_are_visible_only_to_their_people_and_admins(platform, org_admin, branch):
    counselor = add_counselor(platform, org_admin, branch)
    client, other_client = add_client(platform, org_admin, branch), add_client(platform, org_admin, branch)
    slot = first_slot(client, counselor_id=counselor.user["id"])
    session = client.post(
        "/api/v1/sessions", {"counselor_id": counselor.user["id"], "start": slot["start"]}
    ).json()
    assert other_client.get(f"/api/v1/sessions/{session['id']}").status_code == 404
    assert other_client.get("/api/v1/sessions").json()["items"] == []
    assert [s["id"] for s in client.get("/api/v1/sessions").json()["items"]] == [session["id"]]
    assert session["id"] in [s["id"] for s in org_admin.get("/api/v1/sessions").json()["items"]]


def test_a_session_downloads_as_an_icalendar_event(platform, org_admin, branch):
    counselor = add_counselor(platform, org_admin, branch)
    client = add_client(platform, org_admin, branch)
    slot = first_slot(client, counselor_id=counselor.user["id"])
    session = client.post(
        "/api/v1/sessions", {"counselor_id": counselor.user["id"], "start": slot["start"]}
    ).json()
    ics = client.get(f"/api/v1/sessions/{session['id']}/calendar.ics")
    assert ics.status_code == 200
    assert ics.headers["Content-Type"].startswith("text/calendar")
    assert f"UID:{session['id']}@njia" in ics.text
    assert "BEGIN:VEVENT" in ics.text and session_page(session["id"]) in ics.text.replace("\r\n ", "")
    # The users API hides a counselor's email from clients; so does the client's calendar file.
    assert counselor.user["email"] not in ics.text.replace("\r\n ", "")
    own = counselor.get(f"/api/v1/sessions/{session['id']}/calendar.ics").text.replace("\r\n ", "")
    assert f"mailto:{counselor.user['email']}" in own
    feed_url = counselor.get(f"/api/v1/counselors/{counselor.user['id']}/calendar-feed").json()["url"]
    feed = Api(platform).get(feed_url.replace(platform.env["NJIA_PUBLIC_URL"], ""))
    assert feed.status_code == 200 and f"UID:{session['id']}@njia" in feed.text
    assert Api(platform).get("/api/v1/calendar-feeds/forged.0000.ics").status_code == 404
    assert client.get(f"/api/v1/counselors/{counselor.user['id']}/calendar-feed").status_code == 403


def test_the_branch_report_counts_sessions_for_admins(platform, org_admin, branch):
    counselor = add_counselor(platform, org_admin, branch)
    client = add_client(platform, org_admin, branch)
    slots = client.get("/api/v1/slots", params={"counselor_id": counselor.user["id"]}).json()["items"]
    client.post("/api/v1/sessions", {"counselor_id": counselor.user["id"], "start": slots[0]["start"]})
    second = client.post(
        "/api/v1/sessions", {"counselor_id": counselor.user["id"], "start": slots[1]["start"]}
    ).json()
    client.post(f"/api/v1/sessions/{second['id']}/cancel", {})
    now = datetime.now(UTC)
    report = org_admin.get(
        "/api/v1/reports/branches",
        params={"from": now.isoformat(), "to": (now + timedelta(days=14)).isoformat()},
    )
    assert report.status_code == 200, report.text
    row = next(r for r in report.json()["items"] if r["branch_id"] == branch["id"])
    assert row["sessions"] == 2 and row["cancelled"] == 1 and row["no_show"] == 0
    assert 0 < row["utilization"] < 1
    assert (
        client.get(
            "/api/v1/reports/branches",
            params={"from": now.isoformat(), "to": (now + timedelta(days=1)).isoformat()},
        ).status_code
        == 403
    )


def test_two_simultaneous_cancels_give_one_cancellation_and_one_conflict(platform, org_admin, branch):
    counselor = add_counselor(platform, org_admin, branch)
    client = add_client(platform, org_admin, branch)
    slot = first_slot(client, counselor_id=counselor.user["id"])
    session = client.post(
        "/api/v1/sessions", {"counselor_id": counselor.user["id"], "start": slot["start"]}
    ).json()
    with ThreadPoolExecutor(2) as pool:
        results = list(
            pool.map(
                lambda api: api.post(f"/api/v1/sessions/{session['id']}/cancel", {}), [client, counselor]
            )
        )
    assert sorted(r.status_code for r in results) == [200, 409]
    assert (
        client.post(
            "/api/v1/sessions", {"counselor_id": counselor.user["id"], "start": slot["start"]}
        ).status_code
        == 201
    )


def test_times_outside_the_years_njia_plans_for_are_validation_errors(platform, org_admin, branch):
    counselor = add_counselor(platform, org_admin, branch)
    client = add_client(platform, org_admin, branch)
    far = client.post(
        "/api/v1/sessions", {"counselor_id": counselor.user["id"], "start": "9999-12-30T12:00:00Z"}
    )
    assert far.status_code == 422 and "start" in error_of(far)["details"]
    search = client.get(
        "/api/v1/slots", params={"counselor_id": counselor.user["id"], "from": "9999-12-25T00:00:00Z"}
    )
    assert search.status_code == 422


def test_a_counselor_cannot_book_a_client_of_another_branch(platform, org_admin, branch):
    other_branch = org_admin.post("/api/v1/branches", make_branch()).json()
    counselor = add_counselor(platform, org_admin, branch)
    stranger = add_client(platform, org_admin, other_branch)
    slot = first_slot(counselor, counselor_id=counselor.user["id"])
    response = counselor.post(
        "/api/v1/sessions",
        {"counselor_id": counselor.user["id"], "start": slot["start"], "client_id": stranger.user["id"]},
    )
    assert response.status_code == 403


def test_slots_and_the_branch_report_page_by_limit_and_cursor(platform, org_admin, branch):
    counselor = add_counselor(platform, org_admin, branch)
    client = add_client(platform, org_admin, branch)
    target = {"counselor_id": counselor.user["id"]}
    first = client.get("/api/v1/slots", params={**target, "limit": 3}).json()
    assert len(first["items"]) == 3 and first["next_cursor"]
    second = client.get("/api/v1/slots", params={**target, "limit": 3, "cursor": first["next_cursor"]}).json()
    both = client.get("/api/v1/slots", params={**target, "limit": 6}).json()["items"]
    assert first["items"] + second["items"] == both
    junk = client.get("/api/v1/slots", params={**target, "cursor": "not-a-cursor"})
    assert junk.status_code == 400 and "cursor" in error_of(junk)["details"]
    org_admin.post("/api/v1/branches", make_branch())
    now = datetime.now(UTC)
    period = {"from": now.isoformat(), "to": (now + timedelta(days=7)).isoformat()}
    report = org_admin.get("/api/v1/reports/branches", params={**period, "limit": 1}).json()
    assert len(report["items"]) == 1 and report["next_cursor"]
    rest = org_admin.get(
        "/api/v1/reports/branches", params={**period, "cursor": report["next_cursor"]}
    ).json()
    assert report["items"][0]["branch_id"] not in [r["branch_id"] for r in rest["items"]]
    junk = org_admin.get("/api/v1/reports/branches", params={**period, "cursor": "%%%"})
    assert junk.status_code == 400 and "cursor" in error_of(junk)["details"]


def test_a_booking_sent_again_with_its_idempotency_key_gets_the_first_answer_once(
    platform, org_admin, branch
):
    counselor = add_counselor(platform, org_admin, branch)
    client = add_client(platform, org_admin, branch)
    slots = client.get("/api/v1/slots", params={"counselor_id": counselor.user["id"]}).json()["items"]
    body = {"counselor_id": counselor.user["id"], "start": slots[0]["start"]}
    key = {"Idempotency-Key": "book-once-1"}
    first = client.post("/api/v1/sessions", body, headers=key)
    again = client.post("/api/v1/sessions", body, headers=key)
    assert first.status_code == again.status_code == 201, again.text
    assert again.json() == first.json()
    other = client.post("/api/v1/sessions", {**body, "start": slots[2]["start"]}, headers=key)
    assert other.status_code == 422 and "Idempotency-Key" in error_of(other)["details"]
    mine = client.get("/api/v1/sessions").json()["items"]
    assert [s["id"] for s in mine] == [first.json()["id"]]
    # Moving and cancelling, sent twice each with their keys, happen once.
    move = {"start": slots[4]["start"]}
    moved = [
        client.post(
            f"/api/v1/sessions/{first.json()['id']}/reschedule", move, headers={"Idempotency-Key": "mv"}
        )
        for _ in range(2)
    ]
    assert [m.status_code for m in moved] == [200, 200] and moved[0].json() == moved[1].json()
    assert moved[1].json()["reschedule_count"] == 1


def test_bookings_in_flight_on_a_replica_killed_with_sigkill_complete_on_the_other(
    platform, org_admin, branch
):
    # RabbitMQ gives the killed replica's unanswered booking RPCs to the other replica: each must
    # find what its first attempt claimed or wrote as its own, and answer 201, never a false 409.
    counselors = [add_counselor(platform, org_admin, branch) for _ in range(3)]
    starts = {
        c.user["id"]: [
            s["start"]
            for s in org_admin.get("/api/v1/slots", params={"counselor_id": c.user["id"]}).json()["items"]
        ]
        for c in counselors
    }
    wanted = [(counselor_id, start) for counselor_id, times in starts.items() for start in times[:16]]
    clients = [
        org_admin.post("/api/v1/users", {**make_user("client", branch["id"]), "password": None}).json()
        for _ in wanted
    ]
    answered = []

    def book(pair):
        (counselor_id, start), client = pair
        body = {"counselor_id": counselor_id, "start": start, "client_id": client["id"]}
        response = Api(platform, org_admin.token).post("/api/v1/sessions", body)
        answered.append(response.status_code)
        return response

    with ThreadPoolExecutor(len(wanted)) as pool:
        futures = [pool.submit(book, pair) for pair in zip(wanted, clients, strict=True)]
        wait_until(lambda: len(answered) >= 4, timeout=30, interval=0.01, message="no booking answered")
        platform.kill("scheduling", 2)  # SIGKILL, mid-burst
        responses = [f.result() for f in futures]
    try:
        statuses = sorted(r.status_code for r in responses)
        assert statuses == [201] * len(wanted), [r.text for r in responses if r.status_code != 201][:3]
        booked = org_admin.get("/api/v1/sessions", params={"status": "booked", "limit": 200}).json()["items"]
        mine = [s for s in booked if s["counselor_id"] in starts]
        assert len(mine) == len(wanted) == len({(s["counselor_id"], s["start"]) for s in mine})
    finally:
        platform.start_service("scheduling", 2)
        platform.wait_ready()
