"""Occupations by job title and what they require, over HTTP: GET /api/v1/occupations?q= and
GET /api/v1/occupations/{code}/requirements, with the tables Njia ships (always) and checked
against the public O*NET files when they are beside the checkout."""

from pathlib import Path

import pytest

from tests.e2e.conftest import sign_in
from tests.support.builders import make_branch, make_user

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
CASHIERS = "41-2011.00"


@pytest.fixture
def client(platform, org_admin):
    branch = org_admin.post("/api/v1/branches", make_branch(timezone="Africa/Nairobi")).json()
    body = make_user("client", branch["id"])
    assert org_admin.post("/api/v1/users", body).status_code == 201
    return sign_in(platform, body["email"], body["password"])


def test_cashier_finds_cashiers_first_then_other_titles_page_by_page(client):
    first = client.get("/api/v1/occupations", params={"q": "cashier", "limit": 2})
    assert first.status_code == 200, first.text
    page = first.json()
    assert page["items"][0] == {
        "code": CASHIERS,
        "title": "Cashiers",
        "matched_title": "Cashiers",
        "match": "title",
        "job_zone": 2,
    }
    assert page["items"][1]["match"] == "alternate_title" and page["next_cursor"]
    following = client.get("/api/v1/occupations", params={"q": "cashier", "cursor": page["next_cursor"]})
    codes = [hit["code"] for hit in page["items"] + following.json()["items"]]
    assert len(codes) == len(set(codes)) > 2
    ranks = [hit["match"] for hit in page["items"] + following.json()["items"]]
    order = ["title", "alternate_title", "words", "some_words"]
    assert ranks == sorted(ranks, key=order.index)


def test_a_title_typed_the_kenyan_way_finds_the_nearest_occupations(client):
    boda = client.get("/api/v1/occupations", params={"q": "boda boda rider", "lang": "sw"}).json()
    assert boda["items"][0]["title"] == "Taxi Drivers" and boda["language"] == "sw"
    mpesa = client.get("/api/v1/occupations", params={"q": "M-Pesa agent"}).json()
    assert mpesa["items"][0]["title"] == "Tellers"
    assert client.get("/api/v1/occupations", params={"q": "xyzzy"}).json() == {
        "items": [],
        "next_cursor": None,
        "language": "en",
    }


def test_a_search_without_text_is_refused_naming_q_and_strangers_are_refused(client, anonymous):
    missing = client.get("/api/v1/occupations")
    assert missing.status_code == 422 and "q" in missing.json()["error"]["details"]
    empty = client.get("/api/v1/occupations", params={"q": ""})
    assert empty.status_code == 422 and "q" in empty.json()["error"]["details"]
    bad = client.get("/api/v1/occupations", params={"q": "cashier", "cursor": "bm90IGEgcmFuaw"})
    assert bad.status_code in (400, 422)
    assert anonymous.get("/api/v1/occupations", params={"q": "cashier"}).status_code == 401


def test_an_occupations_requirements_are_rated_skills_knowledge_technologies_and_esco_skills(client):
    response = client.get(f"/api/v1/occupations/{CASHIERS}/requirements")
    assert response.status_code == 200, response.text
    needs = response.json()
    assert needs["title"] == "Cashiers" and needs["rated"] is True
    for part in ("skills", "knowledge"):
        assert needs[part] and all(set(e) == {"id", "name", "importance", "level"} for e in needs[part])
        assert all(1 <= e["importance"] <= 5 and 0 <= e["level"] <= 7 for e in needs[part])
        importances = [e["importance"] for e in needs[part]]
        assert importances == sorted(importances, reverse=True)
    excel = next(t for t in needs["technology"] if t["example"] == "Microsoft Excel")
    assert excel["hot"] is True and isinstance(excel["in_demand"], bool)
    assert {"operate cash register", "process payments"} <= {s["label"] for s in needs["esco_essential"]}
    assert "41-1011.00" in needs["related"]
    assert "O*NET" in needs["attribution"] and "CC BY 4.0" in needs["attribution"]
    assert "European Union" in needs["attribution"]


def test_an_occupation_onet_has_not_rated_yet_has_technologies_and_esco_skills_only(client):
    needs = client.get("/api/v1/occupations/15-1252.00/requirements").json()
    assert needs["rated"] is False and needs["skills"] == [] and needs["knowledge"] == []
    assert needs["technology"] and needs["esco_essential"]


def test_an_unknown_occupation_has_no_requirements(client):
    missing = client.get("/api/v1/occupations/99-9999.99/requirements")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


@pytest.mark.skipif(not DATA.exists(), reason=f"checks against the public O*NET files: {DATA} is absent")
def test_no_element_onet_suppresses_or_rates_not_relevant_is_shown(client):
    hidden, rated = set(), set()
    for line in (DATA / "onet" / "Skills_v29_3.txt").read_text().splitlines()[1:]:
        cells = line.split("\t")
        if cells[0] == CASHIERS:
            rated.add(cells[1])
            if cells[9] == "Y" or cells[10] == "Y":
                hidden.add(cells[1])
    shown = {e["id"] for e in client.get(f"/api/v1/occupations/{CASHIERS}/requirements").json()["skills"]}
    assert hidden and shown and not shown & hidden
    assert shown == rated - hidden


def test_the_api_document_describes_search_and_requirements(anonymous):
    paths = anonymous.get("/openapi.json").json()["paths"]
    search = paths["/api/v1/occupations"]["get"]
    assert {p["name"] for p in search["parameters"]} >= {"q", "lang", "limit", "cursor"}
    assert "get" in paths["/api/v1/occupations/{code}/requirements"]
