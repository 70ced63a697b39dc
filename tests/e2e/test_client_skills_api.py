"""A client's skills mapped to O*NET and ESCO, and their gap to an occupation, over HTTP:
GET /api/v1/clients/{id}/skills and /skills-gap?occupation=; the skills come from the profiles
service, which decides who may see them."""

import pytest

from tests.e2e.conftest import add_person, with_json_resume
from tests.support.builders import make_availability, make_branch
from tests.support.waiting import wait_until

RESUME = {
    "basics": {"name": "Achieng Otieno", "label": "Cashier"},
    "skills": [
        {"name": "MS Excel"},
        {"name": "Operating a cash register"},
        {"name": "Process payments"},
        {"name": "Comunication"},
        {"name": "Juggling"},
    ],
    "work": [
        {"name": "Naivas", "position": "Cashier", "startDate": "2021-03-01"},
        {"name": "Stage 4", "position": "Boda boda rider"},
    ],
}


@pytest.fixture
def branch(org_admin):
    return org_admin.post("/api/v1/branches", make_branch(timezone="Africa/Nairobi")).json()


@pytest.fixture
def cashier(platform, org_admin, branch):
    return with_json_resume(add_person(platform, org_admin, branch, "client"), RESUME)


def test_a_clients_skills_are_each_mapped_with_their_kind_of_match_and_source(cashier):
    response = cashier.get(f"/api/v1/clients/{cashier.user['id']}/skills")
    assert response.status_code == 200, response.text
    page = response.json()
    assert page["client_id"] == cashier.user["id"] and page["next_cursor"] is None
    found = {item["name"]: item for item in page["items"]}
    assert (found["MS Excel"]["scheme"], found["MS Excel"]["label"], found["MS Excel"]["match"]) == (
        "onet",
        "Microsoft Excel",
        "exact",
    )
    assert found["Operating a cash register"]["match"] == "alt_label"
    assert found["Operating a cash register"]["label"] == "operate cash register"
    assert found["Comunication"]["match"] == "fuzzy" and found["Comunication"]["score"] < 1
    assert found["Juggling"]["match"] == "none" and found["Juggling"]["id"] is None
    assert {item["source"] for item in page["items"]} == {"json_resume"}
    jobs = {p["title"]: p for p in page["positions"]}
    assert (jobs["Cashier"]["match"], jobs["Cashier"]["occupation"]["code"]) == ("exact", "41-2011.00")
    assert jobs["Cashier"]["organization"] == "Naivas"
    assert jobs["Boda boda rider"]["match"] == "none"  # only some of its words name Taxi Drivers
    two = cashier.get(f"/api/v1/clients/{cashier.user['id']}/skills", params={"limit": 2}).json()
    rest = cashier.get(f"/api/v1/clients/{cashier.user['id']}/skills", params={"cursor": two["next_cursor"]})
    assert [i["name"] for i in two["items"] + rest.json()["items"]] == [i["name"] for i in page["items"]]


def test_a_cashiers_gap_to_retail_supervision_names_what_they_have_and_what_is_missing(cashier):
    response = cashier.get(
        f"/api/v1/clients/{cashier.user['id']}/skills-gap", params={"occupation": "41-1011.00"}
    )
    assert response.status_code == 200, response.text
    gap = response.json()
    assert gap["occupation"] == {
        "code": "41-1011.00",
        "title": "First-Line Supervisors of Retail Sales Workers",
    }
    assert 0 <= gap["coverage"] < 1
    weights = [m["weight"] for m in gap["missing"]]
    assert weights and weights == sorted(weights, reverse=True)
    assert all(h["evidence"] and h["evidence"][0]["source"] == "json_resume" for h in gap["have"])
    assert "Microsoft Excel" in gap["technologies_had"]
    assert "Microsoft Excel" not in gap["hot_technologies_missing"]
    assert [s["name"] for s in gap["to_confirm"]] == ["Comunication"]
    assert gap["evidence"]["skills"] == 5 and gap["evidence"]["sources"] == ["json_resume"]


def test_a_gap_needs_a_known_occupation_code(cashier):
    path = f"/api/v1/clients/{cashier.user['id']}/skills-gap"
    missing = cashier.get(path)
    assert missing.status_code == 422 and "occupation" in missing.json()["error"]["details"]
    malformed = cashier.get(path, params={"occupation": "cashier"})
    assert malformed.status_code == 422 and "occupation" in malformed.json()["error"]["details"]
    unknown = cashier.get(path, params={"occupation": "99-9999.99"})
    assert unknown.status_code == 404


def test_the_client_their_counselor_and_admins_see_the_skills_and_no_one_else(
    platform, org_admin, branch, cashier
):
    counselor = add_person(platform, org_admin, branch, "counselor")
    counselor.put(f"/api/v1/counselors/{counselor.user['id']}/availability", make_availability())
    slot = cashier.get("/api/v1/slots", params={"counselor_id": counselor.user["id"]}).json()["items"][0]
    booked = cashier.post("/api/v1/sessions", {"counselor_id": counselor.user["id"], "start": slot["start"]})
    assert booked.status_code == 201, booked.text
    path = f"/api/v1/clients/{cashier.user['id']}/skills"
    seen = wait_until(lambda: counselor.get(path).status_code == 200 or None, timeout=30, message="counselor")
    assert seen
    assert org_admin.get(path).status_code == 200
    gap = counselor.get(
        f"/api/v1/clients/{cashier.user['id']}/skills-gap", params={"occupation": "41-1011.00"}
    )
    assert gap.status_code == 200
    for outsider in (
        add_person(platform, org_admin, branch, "client"),
        add_person(platform, org_admin, branch, "counselor"),
    ):
        assert outsider.get(path).status_code == 404
        refused = outsider.get(
            f"/api/v1/clients/{cashier.user['id']}/skills-gap", params={"occupation": "41-1011.00"}
        )
        assert refused.status_code == 404
    assert org_admin.get("/api/v1/clients/nobody/skills").status_code == 404


def test_a_fuzzy_match_counts_once_confirmed_and_a_skill_can_be_rejected_or_remapped(
    platform, org_admin, branch, cashier
):
    me = cashier.user["id"]
    gap_path, params = f"/api/v1/clients/{me}/skills-gap", {"occupation": "41-1011.00"}
    before = cashier.get(gap_path, params=params).json()
    confirmed = cashier.put(f"/api/v1/clients/{me}/skills/Comunication", {"action": "confirm"})
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["decision"]["action"] == "confirm" and confirmed.json()["counts"] is True
    after = cashier.get(gap_path, params=params).json()
    assert after["to_confirm"] == [] and after["evidence"]["counted"] == before["evidence"]["counted"] + 1
    again = cashier.put(f"/api/v1/clients/{me}/skills/comunication", {"action": "confirm"})
    assert again.status_code == 200  # the same decision again: one kept
    assert cashier.get(gap_path, params=params).json()["evidence"] == after["evidence"]

    rejected = cashier.put(f"/api/v1/clients/{me}/skills/MS%20Excel", {"action": "reject"})
    assert rejected.status_code == 200 and rejected.json()["counts"] is False
    assert "Microsoft Excel" not in cashier.get(gap_path, params=params).json()["technologies_had"]

    needs = cashier.get("/api/v1/occupations/41-1011.00/requirements").json()
    staff = next(s for s in needs["esco_essential"] if s["label"] == "manage staff")
    remapped = cashier.put(
        f"/api/v1/clients/{me}/skills/Juggling", {"action": "remap", "scheme": "esco", "id": staff["uri"]}
    )
    assert remapped.status_code == 200, remapped.text
    assert remapped.json()["label"] == "manage staff" and remapped.json()["match"] == "none"
    have = cashier.get(gap_path, params=params).json()["have"]
    assert any(h["label"] == "manage staff" and h["evidence"][0]["name"] == "Juggling" for h in have)
    skills = {s["name"]: s for s in cashier.get(f"/api/v1/clients/{me}/skills").json()["items"]}
    assert skills["Juggling"]["decision"]["by"] == me and skills["MS Excel"]["decision"]["action"] == "reject"


def test_a_decision_is_checked_and_only_the_client_or_their_counselor_makes_it(
    platform, org_admin, branch, cashier
):
    me = cashier.user["id"]
    path = f"/api/v1/clients/{me}/skills/Juggling"
    bad = cashier.put(path, {"action": "forget"})
    assert bad.status_code == 422 and "action" in bad.json()["error"]["details"]
    unknown = cashier.put(path, {"action": "remap", "scheme": "esco", "id": "http://example.org/skill"})
    assert unknown.status_code == 422 and "id" in unknown.json()["error"]["details"]
    missing = cashier.put(f"/api/v1/clients/{me}/skills/Flying", {"action": "confirm"})
    assert missing.status_code == 404
    assert org_admin.put(path, {"action": "reject"}).status_code == 403  # admins see, but do not decide
    stranger = add_person(platform, org_admin, branch, "counselor")
    assert stranger.put(path, {"action": "reject"}).status_code == 404
