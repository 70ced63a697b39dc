"""A client's career pathways over HTTP: GET /api/v1/clients/{id}/pathways, from the job their
profile names toward a target or their interest matches (assessments, with the profile from the
profiles service, which decides who may see it)."""

import pytest

from tests.e2e.conftest import add_person, with_json_resume
from tests.e2e.test_assessments_api import answers_with
from tests.support.builders import make_branch

CASHIER_RESUME = {
    "basics": {"name": "Achieng Otieno", "label": "Cashier"},
    "skills": [{"name": "Operating a cash register"}, {"name": "Customer service"}],
    "work": [
        {"name": "Naivas", "position": "Cashier", "startDate": "2021-03-01"},
        {
            "name": "Stage 4",
            "position": "Boda boda rider",
            "startDate": "2018-01-01",
            "endDate": "2020-12-31",
        },
    ],
}
ENTERPRISING = answers_with(R=12, I=14, A=10, S=30, E=39, C=30)


@pytest.fixture
def branch(org_admin):
    return org_admin.post("/api/v1/branches", make_branch(timezone="Africa/Nairobi")).json()


def test_a_cashier_sees_a_path_to_management_through_retail_supervision(platform, org_admin, branch):
    cashier = with_json_resume(add_person(platform, org_admin, branch, "client"), CASHIER_RESUME)

    answer = cashier.get(f"/api/v1/clients/{cashier.user['id']}/pathways", params={"target": "11-1021.00"})

    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["start"] == {
        "soc_code": "41-2011.00",
        "title": "Cashiers",
        "job_zone": 2,
        "source": "position",
        "position_title": "Cashier",
    }
    best = body["paths"][0]
    assert [s["soc_code"] for s in best["steps"]] == ["41-1011.00", "11-1021.00"]
    zones = [body["start"]["job_zone"], *(s["job_zone"] for s in best["steps"])]
    assert zones == sorted(zones) and zones[-1] > zones[0]
    for step in best["steps"]:
        assert step["skills_to_add"], f"{step['title']} names nothing to learn"
        assert step["median_wage"] and step["outlook"]
    assert len(body["paths"]) <= 5 and "O*NET" in body["attribution"]


def test_without_a_target_the_interest_matches_are_the_targets(platform, org_admin, branch):
    cashier = with_json_resume(add_person(platform, org_admin, branch, "client"), CASHIER_RESUME)
    path = f"/api/v1/clients/{cashier.user['id']}/pathways"

    refused = cashier.get(path)
    assert refused.status_code == 422 and "target" in refused.json()["error"]["details"]

    taken = cashier.post("/api/v1/assessments/riasec/responses", {"answers": ENTERPRISING})
    assert taken.status_code == 201, taken.text
    body = cashier.get(path).json()
    assert len(body["targets"]) == 10
    assert {p["reaches"] for p in body["paths"]} <= {t["code"] for t in body["targets"]}
    assert all(s["interest_fit"] is not None for p in body["paths"] for s in p["steps"])


def test_a_client_with_no_work_yet_starts_from_their_matches(platform, org_admin, branch):
    client = add_person(platform, org_admin, branch, "client")
    client.post("/api/v1/assessments/riasec/responses", {"answers": ENTERPRISING})

    body = client.get(f"/api/v1/clients/{client.user['id']}/pathways").json()

    assert body["start"]["source"] == "matches" and body["start"]["soc_code"] is None
    assert body["paths"] and all(p["steps"] for p in body["paths"])


def test_pathways_are_the_clients_their_counselors_and_admins_only(platform, org_admin, branch):
    cashier = with_json_resume(add_person(platform, org_admin, branch, "client"), CASHIER_RESUME)
    path = f"/api/v1/clients/{cashier.user['id']}/pathways"

    assert org_admin.get(path, params={"target": "11-1021.00"}).status_code == 200
    outsider = add_person(platform, org_admin, branch, "client")
    assert outsider.get(path, params={"target": "11-1021.00"}).status_code == 404
    assert cashier.get(path, params={"target": "99-9999.99"}).status_code == 404
    assert cashier.get(path, params={"target": "manager"}).status_code == 422
