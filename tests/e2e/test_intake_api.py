"""The intake form over HTTP: an admin sets it (versioned), a client saves a draft and submits, and
who may read a client's intake."""

import pytest

from tests.e2e.conftest import add_person, sign_in
from tests.support.builders import make_availability, make_branch, make_organization
from tests.support.platform import Api
from tests.support.waiting import wait_until

FORM = {
    "questions": [
        {
            "id": "goal",
            "label": {
                "en": "What would you like from counseling?",
                "sw": "Ungependa nini kutoka kwa ushauri?",
            },
            "kind": "text",
            "required": True,
        },
        {
            "id": "situation",
            "label": {"en": "What do you do now?", "sw": "Unafanya nini sasa?"},
            "kind": "choice",
            "options": [
                {"id": "student", "label": {"en": "Student", "sw": "Mwanafunzi"}},
                {"id": "employed", "label": {"en": "Employed", "sw": "Nimeajiriwa"}},
                "looking",
            ],
            "required": True,
        },
        {
            "id": "interests",
            "label": {"en": "Which fields interest you?", "sw": "Ni nyanja zipi zinakuvutia?"},
            "kind": "multi",
            "options": ["tech", "farming", "health"],
            "required": False,
        },
        {"id": "birth_date", "label": {"en": "Date of birth", "sw": "Tarehe ya kuzaliwa"}, "kind": "date"},
        {"id": "years_worked", "label": {"en": "Years worked", "sw": "Miaka ya kazi"}, "kind": "number"},
    ]
}


def error_of(response):
    return response.json()["error"]


@pytest.fixture
def branch(org_admin):
    return org_admin.post("/api/v1/branches", make_branch(timezone="Africa/Nairobi")).json()


def test_each_form_put_is_a_new_version_everyone_of_the_organization_reads(platform, org_admin, branch):
    client = add_person(platform, org_admin, branch, "client")
    none_yet = client.get("/api/v1/intake-form")
    assert (
        none_yet.status_code == 200 and none_yet.json()["version"] == 0 and none_yet.json()["questions"] == []
    )

    first = org_admin.put("/api/v1/intake-form", FORM)
    assert first.status_code == 200, first.text
    assert first.json()["version"] == 1
    looking = first.json()["questions"][1]["options"][2]
    assert looking == {
        "id": "looking",
        "label": {"en": "looking", "sw": "looking"},
    }  # a string is its own label

    second = org_admin.put("/api/v1/intake-form", {"questions": FORM["questions"][:2]})
    assert second.status_code == 200 and second.json()["version"] == 2
    read = client.get("/api/v1/intake-form").json()
    assert read["version"] == 2 and [q["id"] for q in read["questions"]] == ["goal", "situation"]

    counselor = add_person(platform, org_admin, branch, "counselor")
    refused = counselor.put("/api/v1/intake-form", FORM)
    assert refused.status_code == 403
    assert client.get("/api/v1/intake-form").json()["version"] == 2


def test_a_form_with_a_choice_without_options_or_a_repeated_id_is_refused_naming_the_question(
    org_admin,
):
    broken = [dict(q) for q in FORM["questions"]]
    broken[2] = {**broken[2], "options": []}
    broken[4] = {**broken[4], "id": "goal"}
    refused = org_admin.put("/api/v1/intake-form", {"questions": broken})
    assert refused.status_code == 422
    details = error_of(refused)["details"]
    assert set(details) == {"questions.2.options", "questions.4.id"}
    bad_kind = org_admin.put(
        "/api/v1/intake-form", {"questions": [{**FORM["questions"][0], "kind": "essay"}]}
    )
    assert bad_kind.status_code == 422 and "questions.0.kind" in error_of(bad_kind)["details"]
    assert org_admin.get("/api/v1/intake-form").json()["version"] == 0  # nothing was written


def test_a_client_saves_a_draft_then_submits_and_missing_required_answers_are_named(
    platform, org_admin, branch
):
    assert org_admin.put("/api/v1/intake-form", FORM).status_code == 200
    client = add_person(platform, org_admin, branch, "client")
    fresh = client.get("/api/v1/me/intake").json()
    assert fresh["status"] == "draft" and fresh["missing"] == ["goal", "situation"] and fresh["answers"] == {}

    draft = client.put(
        "/api/v1/me/intake", {"answers": {"goal": "A job in nursing", "interests": ["health"]}}
    )
    assert draft.status_code == 200, draft.text
    assert draft.json()["status"] == "draft" and draft.json()["missing"] == ["situation"]
    assert draft.json()["updated_at"].endswith("+03:00")  # in the client's (the branch's) time zone

    early = client.put("/api/v1/me/intake", {"submit": True})
    assert early.status_code == 422
    assert error_of(early)["details"] == {"answers.situation": ["Required: answer this before submitting."]}

    wrong = client.put(
        "/api/v1/me/intake",
        {
            "answers": {
                "situation": "retired",
                "birth_date": "12/05/2001",
                "years_worked": "two",
                "pet": "cat",
            }
        },
    )
    assert wrong.status_code == 422
    assert set(error_of(wrong)["details"]) == {
        "answers.situation",
        "answers.birth_date",
        "answers.years_worked",
        "answers.pet",
    }
    assert client.get("/api/v1/me/intake").json()["answers"] == {
        "goal": "A job in nursing",
        "interests": ["health"],
    }

    done = client.put(
        "/api/v1/me/intake", {"answers": {"situation": "student", "birth_date": "2001-05-12"}, "submit": True}
    )
    assert done.status_code == 200, done.text
    intake = done.json()
    assert intake["status"] == "complete" and intake["missing"] == [] and intake["version"] == 1
    assert intake["answers"]["situation"] == "student" and intake["submitted_at"]

    staff = add_person(platform, org_admin, branch, "counselor")
    assert staff.get("/api/v1/me/intake").status_code == 403  # the client's own page


def test_a_new_version_reopens_the_intake_only_for_a_newly_required_question(platform, org_admin, branch):
    assert org_admin.put("/api/v1/intake-form", FORM).status_code == 200
    client = add_person(platform, org_admin, branch, "client")
    answers = {"goal": "A job", "situation": "employed"}
    assert (
        client.put("/api/v1/me/intake", {"answers": answers, "submit": True}).json()["status"] == "complete"
    )

    optional = {"id": "county", "label": {"en": "County", "sw": "Kaunti"}, "kind": "text", "required": False}
    assert (
        org_admin.put("/api/v1/intake-form", {"questions": [*FORM["questions"], optional]}).status_code == 200
    )
    still = client.get("/api/v1/me/intake").json()
    assert still["status"] == "complete" and still["form_version"] == 2 and still["version"] == 1

    required = {**optional, "required": True}
    assert (
        org_admin.put("/api/v1/intake-form", {"questions": [*FORM["questions"], required]}).status_code == 200
    )
    reopened = client.get("/api/v1/me/intake").json()
    assert reopened["status"] == "draft" and reopened["missing"] == ["county"]

    answered = client.put("/api/v1/me/intake", {"answers": {"county": "Nakuru"}, "submit": True}).json()
    assert answered["status"] == "complete"
    assert answered["answer_versions"] == {"goal": 1, "situation": 1, "county": 3}  # each keeps its version


def test_a_clients_intake_is_read_by_their_branchs_counselor_and_admins_and_by_nobody_else(
    platform, org_admin, branch
):
    assert org_admin.put("/api/v1/intake-form", FORM).status_code == 200
    client = add_person(platform, org_admin, branch, "client")
    answers = {"goal": "A job", "situation": "looking"}
    assert client.put("/api/v1/me/intake", {"answers": answers, "submit": True}).status_code == 200
    path = f"/api/v1/clients/{client.user['id']}/intake"

    counselor = add_person(platform, org_admin, branch, "counselor")
    branch_admin = add_person(platform, org_admin, branch, "branch_admin")
    for reader in (counselor, branch_admin, org_admin, client):
        seen = reader.get(path)
        assert seen.status_code == 200, seen.text
        assert seen.json()["answers"]["situation"] == "looking" and seen.json()["status"] == "complete"

    another_client = add_person(platform, org_admin, branch, "client")
    other_branch = org_admin.post("/api/v1/branches", make_branch()).json()
    far_counselor = add_person(platform, org_admin, other_branch, "counselor")
    far_admin = add_person(platform, org_admin, other_branch, "branch_admin")
    elsewhere = make_organization()
    Api(platform).post("/api/v1/organizations", elsewhere)
    other_org_admin = sign_in(platform, elsewhere["admin"]["email"], elsewhere["admin"]["password"])
    for outsider in (another_client, far_counselor, far_admin, other_org_admin):
        refused = outsider.get(path)
        assert refused.status_code == 404 and error_of(refused)["code"] == "not_found"
    assert counselor.get(f"/api/v1/clients/{counselor.user['id']}/intake").status_code == 404  # not a client


def test_a_counselor_of_another_branch_reads_the_intake_once_the_client_booked_them(
    platform, org_admin, branch
):
    client = add_person(platform, org_admin, branch, "client")
    other_branch = org_admin.post("/api/v1/branches", make_branch()).json()
    counselor = add_person(platform, org_admin, other_branch, "counselor")
    path = f"/api/v1/clients/{client.user['id']}/intake"
    assert counselor.get(path).status_code == 404

    availability = counselor.put(
        f"/api/v1/counselors/{counselor.user['id']}/availability", make_availability()
    )
    assert availability.status_code == 200, availability.text
    slot = client.get("/api/v1/slots", params={"counselor_id": counselor.user["id"]}).json()["items"][0]
    booked = client.post("/api/v1/sessions", {"counselor_id": counselor.user["id"], "start": slot["start"]})
    assert booked.status_code == 201, booked.text
    wait_until(lambda: counselor.get(path).status_code == 200, message="the booked counselor never read it")


def test_the_intake_routes_are_in_the_api_document(anonymous):
    paths = anonymous.get("/openapi.json").json()["paths"]
    for path, method in [
        ("/api/v1/intake-form", "put"),
        ("/api/v1/intake-form", "get"),
        ("/api/v1/me/intake", "get"),
        ("/api/v1/me/intake", "put"),
        ("/api/v1/clients/{client_id}/intake", "get"),
    ]:
        assert method in paths[path], f"{method.upper()} {path}"
