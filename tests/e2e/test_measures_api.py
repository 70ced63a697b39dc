"""Outcome measures over HTTP (issue 18): the instruments in both languages, a client's answers
scored and kept as a series with its change, a counselor entering a destination, who may see it."""

import random

import pytest

from tests.e2e.conftest import add_person, sign_in
from tests.support.builders import make_availability, make_branch, make_organization
from tests.support.platform import Api, Platform
from tests.support.waiting import wait_until

ITEMS = [f"CR{n:02d}" for n in range(1, 13)]
REVERSED = {"CR03", "CR06", "CR09", "CR12"}


@pytest.fixture(scope="module")
def platform():
    """A platform of its own: reliable change needs Njia's own count of responses, which other
    modules' answers would change."""
    running = Platform().start()
    yield running
    running.stop()
    assert not running.logged_errors()


@pytest.fixture(scope="module")
def org_admin(platform):
    body = make_organization()
    Api(platform).post("/api/v1/organizations", body)
    return sign_in(platform, body["admin"]["email"], body["admin"]["password"])


@pytest.fixture(scope="module")
def branch(org_admin):
    return org_admin.post("/api/v1/branches", make_branch()).json()


def readiness(level):
    """Answers of a client as ready as ``level`` (1 to 5) in every subscale."""
    return {item: 6 - level if item in REVERSED else level for item in ITEMS}


def test_the_measures_are_listed_and_read_in_swahili(platform, org_admin, branch):
    client = add_person(platform, org_admin, branch, "client")
    listed = client.get("/api/v1/measures", params={"lang": "sw"}).json()
    assert [m["key"] for m in listed["items"]] == ["career_readiness", "session_pulse", "destination"]
    readiness_sw = client.get("/api/v1/measures/career_readiness", params={"lang": "sw"}).json()
    assert readiness_sw["title"] == "Utayari wa kikazi" and len(readiness_sw["items"]) == 12
    assert readiness_sw["scale"]["labels"][0] == "Sikubali kabisa"
    destination = client.get("/api/v1/measures/destination", params={"lang": "sw"}).json()
    assert {"key": "self_employed", "label": "Kujiajiri au kazi isiyo rasmi (jua kali)"} in destination[
        "statuses"
    ]
    assert client.get("/api/v1/measures/happiness").status_code == 404


def test_a_clients_readiness_over_time_shows_its_change(platform, org_admin, branch):
    client = add_person(platform, org_admin, branch, "client")
    first = client.post("/api/v1/measures/career_readiness/responses", {"answers": readiness(2)})
    assert first.status_code == 201, first.text
    assert first.json()["score"] == 2.0 and first.json()["subscales"]["acting"] == 2.0
    later = client.post("/api/v1/measures/career_readiness/responses", {"answers": readiness(4)}).json()
    assert later["score"] == 4.0

    series = client.get(f"/api/v1/clients/{client.user['id']}/measures/career_readiness").json()

    assert [item["score"] for item in series["items"]] == [2.0, 4.0]
    change = series["change"]
    assert change["change"] == 2.0 and change["rci"] is None and "50" in change["note"]
    chart = client.get(f"/api/v1/clients/{client.user['id']}/measures/career_readiness/chart.svg")
    assert chart.headers["Content-Type"].startswith("image/svg+xml") and "<polyline" in chart.text


def test_answers_off_the_scale_are_named_and_too_few_give_no_score(platform, org_admin, branch):
    client = add_person(platform, org_admin, branch, "client")
    wrong = client.post(
        "/api/v1/measures/career_readiness/responses", {"answers": {**readiness(3), "CR05": 9}}
    )
    assert wrong.status_code == 422 and "answers.CR05" in wrong.json()["error"]["details"]
    few = {item: 3 for item in ITEMS[:9]}
    scored = client.post("/api/v1/measures/career_readiness/responses", {"answers": few})
    assert scored.status_code == 201
    assert scored.json()["score"] is None and scored.json()["reason"] == "insufficient_items"
    series = client.get(f"/api/v1/clients/{client.user['id']}/measures/career_readiness").json()
    assert len(series["items"]) == 1  # kept, unscored: the client did answer


def test_a_counselor_enters_where_their_client_is_and_others_see_nothing(platform, org_admin, branch):
    client = add_person(platform, org_admin, branch, "client")
    counselor = add_person(platform, org_admin, branch, "counselor")
    counselor.put(f"/api/v1/counselors/{counselor.user['id']}/availability", make_availability())
    slot = client.get("/api/v1/slots", params={"counselor_id": counselor.user["id"]}).json()["items"][0]
    assert (
        client.post(
            "/api/v1/sessions", {"counselor_id": counselor.user["id"], "start": slot["start"]}
        ).status_code
        == 201
    )
    body = {"client_id": client.user["id"], "status": "employed_full_time", "occupation_title": "Cashier"}

    # The counselor is known to assessments once it has handled session.booked.
    entered = wait_until(
        lambda: (
            (answer := counselor.post("/api/v1/measures/destination/responses", body)).status_code != 404
            and answer
        ),
        timeout=30,
        message="assessments never learned the counselor counsels the client",
    )
    assert entered.status_code == 201, entered.text
    destination = entered.json()["destination"]
    assert destination["career_outcome"] is True and destination["source"] == "counselor"
    assert destination["occupation_code"] == "41-2011.00"

    outsider = add_person(platform, org_admin, branch, "counselor")
    assert outsider.post("/api/v1/measures/destination/responses", body).status_code == 404
    assert outsider.get(f"/api/v1/clients/{client.user['id']}/measures/destination").status_code == 404
    assert org_admin.get(f"/api/v1/clients/{client.user['id']}/measures/destination").status_code == 200
    refused = counselor.post(
        "/api/v1/measures/career_readiness/responses",
        {"client_id": client.user["id"], "answers": readiness(3)},
    )
    assert refused.status_code == 403


def test_with_enough_responses_a_change_is_judged_reliable_or_not(platform, org_admin, branch):
    rng = random.Random(18)
    crowd = add_person(platform, org_admin, branch, "client")
    for _ in range(50):  # people differ; each answers consistently: a reliable instrument
        level = rng.randint(1, 5)
        answers = {item: min(5, max(1, level + rng.choice((-1, 0, 0, 1)))) for item in ITEMS}
        answers = {item: 6 - v if item in REVERSED else v for item, v in answers.items()}
        assert (
            crowd.post("/api/v1/measures/career_readiness/responses", {"answers": answers}).status_code == 201
        )
    client = add_person(platform, org_admin, branch, "client")
    client.post("/api/v1/measures/career_readiness/responses", {"answers": readiness(1)})
    client.post("/api/v1/measures/career_readiness/responses", {"answers": readiness(5)})

    change = client.get(f"/api/v1/clients/{client.user['id']}/measures/career_readiness").json()["change"]

    assert change["n"] >= 50 and change["alpha"] > 0.8
    assert change["reliable"] is True and change["rci"] > 1.96 and change["note"] is None
