"""API.md's "Assessments" section over HTTP: inventories, drafts, results, charts, who sees what."""

import xml.etree.ElementTree as ET

import pytest

from tests.e2e.conftest import add_person, sign_in
from tests.support.builders import make_availability, make_branch, make_organization
from tests.support.platform import Api
from tests.support.waiting import wait_until

AREAS = "RIASEC"


def answers_with(**sums):
    """Interest-profiler answers whose area sums are ``sums`` (eight items an area, answers 1-5)."""
    answers = {}
    for area in AREAS:
        base, extra = divmod(sums[area], 8)
        for n in range(8):
            answers[f"{area}{n + 1:02d}"] = base + (1 if n < extra else 0)
    return answers


CREATIVE = answers_with(R=10, I=20, A=39, S=25, E=22, C=9)  # code ASE


def error_of(response):
    return response.json()["error"]


@pytest.fixture
def branch(org_admin):
    return org_admin.post("/api/v1/branches", make_branch(timezone="Africa/Nairobi")).json()


def test_the_assessments_are_listed_and_read_in_swahili(platform, org_admin, branch):
    client = add_person(platform, org_admin, branch, "client")
    catalog = client.get("/api/v1/assessments").json()["items"]
    assert [(a["key"], a["item_count"]) for a in catalog] == [("riasec", 48), ("work_values", 24)]
    assert all(a["title"] and a["minutes"] for a in catalog)
    riasec = client.get("/api/v1/assessments/riasec", params={"lang": "sw"}).json()
    assert riasec["language"] == "sw"
    assert riasec["scale"] == {
        "min": 1,
        "max": 5,
        "labels": ["Sipendi kabisa", "Sipendi", "Sina uhakika", "Napenda", "Napenda sana"],
    }
    assert len(riasec["items"]) == 48 and {i["area"] for i in riasec["items"]} == set(AREAS)
    assert riasec["items"][0] == {
        "id": "R01",
        "text": "Kukarabati na kutunza injini ya bodaboda",
        "area": "R",
    }
    missing = client.get("/api/v1/assessments/myers-briggs")
    assert missing.status_code == 404 and error_of(missing)["code"] == "not_found"


def test_a_client_saves_part_way_resumes_and_gets_a_code_matches_and_a_chart(platform, org_admin, branch):
    client = add_person(platform, org_admin, branch, "client")
    first_part = {item: CREATIVE[item] for item in list(CREATIVE)[:30]}
    saved = client.put("/api/v1/assessments/riasec/draft", {"answers": first_part})
    assert saved.status_code == 200, saved.text
    resumed = client.get("/api/v1/assessments/riasec/draft").json()
    assert resumed["answered"] == 30 and resumed["next_item_id"] == "S07"
    assert resumed["updated_at"].endswith("+03:00")  # in the client's (the branch's) time zone

    answered = client.post(
        "/api/v1/assessments/riasec/responses", {"answers": {**resumed["answers"], **CREATIVE}}
    )
    assert answered.status_code == 201, answered.text
    result = answered.json()
    assert result["scores"] == {"R": 10, "I": 20, "A": 39, "S": 25, "E": 22, "C": 9}
    assert result["code"] == "ASE" and result["key"] == "riasec"
    assert result["matches"] and result["matches"][0]["occupation_code"][0] in "AS"
    first = result["matches"][0]
    assert {"soc_code", "title", "fit", "job_zone", "median_wage", "outlook"} <= set(first)
    assert first["labour_region"] in ("US", None) and first["local_figures"] is False
    assert client.get("/api/v1/assessments/riasec/draft").status_code == 404  # the draft is done

    assert client.get(f"/api/v1/results/{result['id']}").json()["code"] == "ASE"
    listed = client.get("/api/v1/results").json()
    assert [r["id"] for r in listed["items"]] == [result["id"]] and listed["next_cursor"] is None

    chart = client.get(f"/api/v1/results/{result['id']}/chart.svg")
    assert chart.status_code == 200 and chart.headers["Content-Type"].startswith("image/svg+xml")
    svg = ET.fromstring(chart.content)
    assert svg.get("viewBox") and svg.get("width") == "100%"
    assert "Artistic" in chart.text and "Code: ASE" in chart.text


def test_work_values_report_the_top_values_and_draw_bars(platform, org_admin, branch):
    client = add_person(platform, org_admin, branch, "client")
    items = client.get("/api/v1/assessments/work_values").json()["items"]
    ratings = {"achievement": 5, "independence": 4, "support": 4, "relationships": 2}
    answers = {item["id"]: ratings.get(item["area"], 1) for item in items}
    result = client.post("/api/v1/assessments/work_values/responses", {"answers": answers}).json()
    assert result["top_values"] == ["achievement", "support", "independence"]
    assert result["code"] is None and result["scores"]["achievement"] == 20
    assert result["score_range"] == {"min": 4, "max": 20}
    chart = client.get(f"/api/v1/results/{result['id']}/chart.svg")
    assert chart.status_code == 200 and chart.text.count("<rect") >= 12  # a track and a bar per value


def test_answers_are_checked_item_by_item_and_each_problem_is_named(platform, org_admin, branch):
    client = add_person(platform, org_admin, branch, "client")
    answers = dict(CREATIVE)
    del answers["E03"]
    answers.update({"A01": 7, "C02": "five", "Z01": 3})
    refused = client.post("/api/v1/assessments/riasec/responses", {"answers": answers})
    assert refused.status_code == 422
    assert error_of(refused)["details"] == {
        "answers.A01": ["Must be a whole number from 1 to 5."],
        "answers.C02": ["Must be a whole number from 1 to 5."],
        "answers.Z01": ["No such item in this assessment."],
        "answers.E03": ["Not answered yet."],
    }
    assert client.get("/api/v1/results").json()["items"] == []  # nothing half-written
    wrong = client.post("/api/v1/assessments/riasec/responses", {"answers": CREATIVE, "job_zones": [9]})
    assert wrong.status_code == 422 and "job_zones.0" in error_of(wrong)["details"]
    assert client.post("/api/v1/assessments/riasec/responses", {"answers": []}).status_code == 422


def test_a_result_is_seen_by_its_client_their_counselor_and_admins_and_is_404_to_others(
    platform, org_admin, branch
):
    client = add_person(platform, org_admin, branch, "client")
    counselor = add_person(platform, org_admin, branch, "counselor")
    stranger = add_person(platform, org_admin, branch, "client")
    other_counselor = add_person(platform, org_admin, branch, "counselor")
    assert (
        counselor.put(
            f"/api/v1/counselors/{counselor.user['id']}/availability", make_availability()
        ).status_code
        == 200
    )
    slot = client.get("/api/v1/slots", params={"counselor_id": counselor.user["id"]}).json()["items"][0]
    booked = client.post("/api/v1/sessions", {"counselor_id": counselor.user["id"], "start": slot["start"]})
    assert booked.status_code == 201, booked.text
    result = client.post("/api/v1/assessments/riasec/responses", {"answers": CREATIVE}).json()
    path = f"/api/v1/results/{result['id']}"

    wait_until(lambda: counselor.get(path).status_code == 200, message="the client's counselor never saw it")
    assert org_admin.get(path).status_code == 200
    assert [r["id"] for r in counselor.get("/api/v1/results").json()["items"]] == [result["id"]]
    for outsider in (stranger, other_counselor):
        assert outsider.get(path).status_code == 404
        assert outsider.get(f"{path}/chart.svg").status_code == 404
        assert outsider.get("/api/v1/results", params={"client_id": client.user["id"]}).json()["items"] == []

    elsewhere = make_organization()
    Api(platform).post("/api/v1/organizations", elsewhere)
    other_admin = sign_in(platform, elsewhere["admin"]["email"], elsewhere["admin"]["password"])
    other_branch = other_admin.post("/api/v1/branches", make_branch()).json()
    far_counselor = add_person(platform, other_admin, other_branch, "counselor")
    for outsider in (other_admin, far_counselor):
        missing = outsider.get(path)
        assert missing.status_code == 404 and error_of(missing)["code"] == "not_found"
        assert outsider.get(f"{path}/matches").status_code == 404


def test_matches_are_asked_for_again_in_other_job_zones(platform, org_admin, branch):
    client = add_person(platform, org_admin, branch, "client")
    result = client.post(
        "/api/v1/assessments/riasec/responses", {"answers": CREATIVE, "job_zones": [4, 5]}
    ).json()
    assert {m["job_zone"] for m in result["matches"]} <= {4, 5}
    again = client.get(f"/api/v1/results/{result['id']}/matches", params={"job_zones": "2,3", "limit": 5})
    assert again.status_code == 200
    assert len(again.json()["items"]) == 5 and {m["job_zone"] for m in again.json()["items"]} <= {2, 3}
    bad = client.get(f"/api/v1/results/{result['id']}/matches", params={"job_zones": "6"})
    assert bad.status_code == 422 and "job_zones" in error_of(bad)["details"]
    nurse = client.get("/api/v1/occupations/29-1141.00").json()
    assert nurse["title"] == "Registered Nurses" and nurse["job_zone"] == 4 and nurse["labour_region"] == "US"


def test_readiness_and_the_api_document_include_assessments(anonymous):
    assert anonymous.get("/readyz").json()["services"]["assessments"] == "ok"
    paths = anonymous.get("/openapi.json").json()["paths"]
    for path, method in [
        ("/api/v1/assessments", "get"),
        ("/api/v1/assessments/{key}", "get"),
        ("/api/v1/assessments/{key}/draft", "put"),
        ("/api/v1/assessments/{key}/draft", "get"),
        ("/api/v1/assessments/{key}/responses", "post"),
        ("/api/v1/results", "get"),
        ("/api/v1/results/{result_id}", "get"),
        ("/api/v1/results/{result_id}/chart.svg", "get"),
    ]:
        assert method in paths[path], f"{method.upper()} {path}"
    assert (
        "image/svg+xml"
        in paths["/api/v1/results/{result_id}/chart.svg"]["get"]["responses"]["200"]["content"]
    )
