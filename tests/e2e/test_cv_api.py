"""A client's printable CV and the hints on it, over HTTP: GET /api/v1/profile/cv and
/api/v1/profile/cv/review (the profiles service; a target's missing skills come from assessments)."""

import pytest

from tests.e2e.conftest import add_person, with_json_resume
from tests.support.builders import make_branch

RESUME = {
    "basics": {
        "name": "Achieng Otieno",
        "label": "Cashier <b>and</b> more",
        "summary": "Keeps the till right.",
    },
    "work": [
        {
            "name": "Naivas",
            "position": "Cashier",
            "startDate": "2021-03-01",
            "highlights": ["Served 200 customers a day with customer service praised by the manager"],
        },
        {"name": "Stage 4", "position": "Boda boda rider"},
    ],
    "skills": [{"name": "Customer service"}, {"name": "Juggling"}],
}


@pytest.fixture
def branch(org_admin):
    return org_admin.post("/api/v1/branches", make_branch(timezone="Africa/Nairobi")).json()


@pytest.fixture
def client(platform, org_admin, branch):
    return with_json_resume(add_person(platform, org_admin, branch, "client"), RESUME)


def test_a_client_gets_a_printable_cv_in_swahili_that_runs_nothing(client):
    page = client.get("/api/v1/profile/cv", params={"lang": "sw"})

    assert page.status_code == 200, page.text
    assert page.headers["Content-Type"].startswith("text/html")
    assert "default-src 'none'" in page.headers["Content-Security-Policy"]
    assert "@page { size: A4;" in page.text
    assert "<h1>Achieng Otieno</h1>" in page.text and "<h2>Uzoefu wa kazi</h2>" in page.text
    assert "Mac 2021" in page.text
    assert "Cashier &lt;b&gt;and&lt;/b&gt; more" in page.text


def test_the_review_names_what_to_fix_and_a_targets_missing_skills(client):
    plain = client.get("/api/v1/profile/cv/review")
    assert plain.status_code == 200, plain.text
    codes = {(h["code"], h["field"]) for h in plain.json()["hints"]}
    assert ("position_without_dates", "positions.1") in codes
    assert ("skill_unsupported", "skills.1") in codes  # juggling: no position shows it
    assert ("skill_unsupported", "skills.0") not in codes

    aimed = client.get("/api/v1/profile/cv/review", params={"target": "41-1011.00", "lang": "sw"}).json()
    missing = [h for h in aimed["hints"] if h["code"] == "missing_target_skill"]
    assert 1 <= len(missing) <= 5
    assert "inahitaji" in missing[0]["message"]


def test_a_counselor_reads_a_clients_cv_only_when_they_counsel_them(platform, org_admin, branch, client):
    outsider = add_person(platform, org_admin, branch, "counselor")
    assert outsider.get("/api/v1/profile/cv", params={"client_id": client.user["id"]}).status_code == 404
    assert org_admin.get("/api/v1/profile/cv", params={"client_id": client.user["id"]}).status_code == 200


def test_bad_cv_parameters_are_named(client):
    wrong = client.get("/api/v1/profile/cv", params={"lang": "fr", "template": "fancy"})
    assert wrong.status_code == 422
    assert set(wrong.json()["error"]["details"]) >= {"lang", "template"}
    target = client.get("/api/v1/profile/cv/review", params={"target": "cashier"})
    assert target.status_code == 422 and "target" in target.json()["error"]["details"]
