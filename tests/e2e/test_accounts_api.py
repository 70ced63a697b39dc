"""API.md's Errors, Health and Accounts sections over HTTP, against the platform as processes."""

import json
from datetime import timedelta

import pytest

from shared.auth import Caller, Tokens
from shared.clock import utc_now
from shared.config import BACKENDS, load_settings
from tests.e2e.conftest import sign_in
from tests.support.builders import make_branch, make_organization, make_registration, make_user
from tests.support.platform import Api


def error_of(response):
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message", "details"}, body
    return body["error"]


# Health ---------------------------------------------------------------------------------


def test_health_and_readiness_answer_when_the_platform_is_up(anonymous):
    assert anonymous.get("/healthz").json() == {"status": "ok"}
    ready = anonymous.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready", "broker": "ok", "services": {name: "ok" for name in BACKENDS}}


def test_the_openapi_document_describes_every_accounts_route(anonymous):
    spec = anonymous.get("/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    for path, method in [
        ("/api/v1/organizations", "post"),
        ("/api/v1/auth/token", "post"),
        ("/api/v1/auth/register", "post"),
        ("/api/v1/me", "get"),
        ("/api/v1/me", "patch"),
        ("/api/v1/organization", "get"),
        ("/api/v1/branches", "post"),
        ("/api/v1/branches", "get"),
        ("/api/v1/users", "post"),
        ("/api/v1/users", "get"),
        ("/api/v1/counselors", "get"),
        ("/healthz", "get"),
        ("/readyz", "get"),
    ]:
        assert method in spec["paths"][path], f"{method.upper()} {path} missing from /openapi.json"


# Sign-up and sign-in -------------------------------------------------------------------------


def test_an_organization_signs_up_and_its_admin_signs_in(anonymous, platform):
    body = make_organization()
    created = anonymous.post("/api/v1/organizations", body)
    assert created.status_code == 201
    org = created.json()
    assert org["slug"] == body["slug"] and org["admin"]["role"] == "org_admin"
    token = anonymous.post("/api/v1/auth/token", {"email": body["admin"]["email"], "password": "pass-word-1"})
    assert token.status_code == 200
    issued = token.json()
    assert issued["token_type"] == "bearer" and issued["expires_in"] > 0
    assert issued["user"]["org_id"] == org["id"]
    me = Api(platform, issued["access_token"]).get("/api/v1/me")
    assert me.json()["email"] == body["admin"]["email"]


def test_a_client_signs_up_with_the_organization_slug_and_gets_the_branch_time_zone(org_admin, anonymous):
    branch = org_admin.post("/api/v1/branches", make_branch(timezone="Africa/Nairobi")).json()
    registered = anonymous.post(
        "/api/v1/auth/register",
        make_registration(org_admin.org["slug"], branch_id=branch["id"], phone="0722000000"),
    )
    assert registered.status_code == 201, registered.text
    client = registered.json()
    assert client["role"] == "client"
    assert client["timezone"] == "Africa/Nairobi"
    assert client["phone"] == "+254722000000"


def test_a_client_changes_their_language_and_time_zone_and_sees_them_on_their_own_page(
    platform, org_admin, anonymous
):
    body = make_registration(org_admin.org["slug"], phone="0722000000")
    assert anonymous.post("/api/v1/auth/register", body).status_code == 201
    client = sign_in(platform, body["email"], body["password"])

    changed = client.patch("/api/v1/me", {"language": "sw", "timezone": "America/New_York", "phone": None})

    assert changed.status_code == 200, changed.text
    assert (changed.json()["language"], changed.json()["timezone"], changed.json()["phone"]) == (
        "sw",
        "America/New_York",
        None,
    )
    me = client.get("/api/v1/me").json()
    assert (me["language"], me["timezone"], me["phone"], me["email"]) == (
        "sw",
        "America/New_York",
        None,
        body["email"],
    )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"timezone": "Africa/Nakuru"}, "timezone"),
        ({"language": "fr"}, "language"),
        ({"role": "org_admin"}, "role"),
    ],
)
def test_a_bad_change_of_ones_own_details_is_a_validation_error_naming_the_field_and_changes_nothing(
    org_admin, change, field
):
    before = org_admin.get("/api/v1/me").json()
    response = org_admin.patch("/api/v1/me", {"name": "Someone Else", **change})
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "validation_error" and field in error["details"]
    assert org_admin.get("/api/v1/me").json() == before


def test_wrong_password_is_unauthorized(anonymous, org_admin):
    response = anonymous.post("/api/v1/auth/token", {"email": "nobody@example.org", "password": "whatever-1"})
    assert response.status_code == 401
    assert error_of(response)["code"] == "unauthorized"


def test_five_wrong_passwords_are_answered_429_with_retry_after_even_for_the_right_one(anonymous, platform):
    body = make_organization()
    assert anonymous.post("/api/v1/organizations", body).status_code == 201
    email = body["admin"]["email"]
    for _ in range(5):
        wrong = anonymous.post("/api/v1/auth/token", {"email": email, "password": "not-it-1"})
        assert wrong.status_code == 401
    response = anonymous.post("/api/v1/auth/token", {"email": email, "password": "pass-word-1"})
    assert response.status_code == 429
    assert error_of(response)["code"] == "rate_limited"
    assert 0 < int(response.headers["Retry-After"]) <= 15 * 60


def test_duplicate_slug_and_duplicate_email_are_conflicts(anonymous, org_admin):
    again = make_organization(slug=org_admin.org["slug"])
    response = anonymous.post("/api/v1/organizations", again)
    assert response.status_code == 409
    assert "slug" in error_of(response)["details"]
    same_email = make_organization(admin={"email": org_admin.org["admin"]["email"]})
    response = anonymous.post("/api/v1/organizations", same_email)
    assert response.status_code == 409
    assert "admin.email" in error_of(response)["details"]


# Organizations never see each other -------------------------------------------------------------


def test_another_organizations_branches_and_users_are_not_found(platform, org_admin):
    other = make_organization()
    Api(platform).post("/api/v1/organizations", other)
    stranger = sign_in(platform, other["admin"]["email"], other["admin"]["password"])
    branch = org_admin.post("/api/v1/branches", make_branch()).json()
    counselor = org_admin.post("/api/v1/users", make_user("counselor", branch["id"])).json()

    assert stranger.get(f"/api/v1/branches/{branch['id']}").status_code == 404
    assert stranger.get(f"/api/v1/users/{counselor['id']}").status_code == 404
    assert stranger.get("/api/v1/branches").json()["items"] == []
    assert stranger.get("/api/v1/counselors").json()["items"] == []
    listed = stranger.get("/api/v1/users").json()["items"]
    assert [u["email"] for u in listed] == [other["admin"]["email"]]
    # Nor can they place people into the other organization's branch.
    response = stranger.post("/api/v1/users", make_user("counselor", branch["id"]))
    assert response.status_code == 422
    assert "branch_id" in error_of(response)["details"]


def test_a_client_cannot_create_users_or_branches(platform, org_admin, anonymous):
    body = make_registration(org_admin.org["slug"])
    anonymous.post("/api/v1/auth/register", body)
    client = sign_in(platform, body["email"], body["password"])
    for path, payload in [("/api/v1/users", make_user("counselor")), ("/api/v1/branches", make_branch())]:
        response = client.post(path, payload)
        assert response.status_code == 403, path
        assert error_of(response)["code"] == "forbidden"
    assert client.get("/api/v1/users").status_code == 403


def test_counselors_are_listed_per_branch(org_admin):
    first = org_admin.post("/api/v1/branches", make_branch()).json()
    second = org_admin.post("/api/v1/branches", make_branch()).json()
    a = org_admin.post("/api/v1/users", make_user("counselor", first["id"])).json()
    org_admin.post("/api/v1/users", make_user("counselor", second["id"]))
    listed = org_admin.get("/api/v1/counselors", params={"branch_id": first["id"]}).json()
    assert [c["id"] for c in listed["items"]] == [a["id"]]
    assert listed["next_cursor"] is None


def test_a_client_reading_a_counselor_sees_no_email_or_phone_but_staff_do(platform, org_admin, anonymous):
    branch = org_admin.post("/api/v1/branches", make_branch()).json()
    counselor_body = make_user("counselor", branch["id"], phone="+254712345678")
    counselor = org_admin.post("/api/v1/users", counselor_body).json()
    registration = make_registration(org_admin.org["slug"], branch_id=branch["id"])
    assert anonymous.post("/api/v1/auth/register", registration).status_code == 201
    client = sign_in(platform, registration["email"], registration["password"])

    seen = client.get(f"/api/v1/users/{counselor['id']}")
    assert seen.status_code == 200, seen.text
    assert seen.json()["name"] == counselor["name"] and seen.json()["role"] == "counselor"
    assert "email" not in seen.json() and "phone" not in seen.json()
    for staff in (org_admin, sign_in(platform, counselor_body["email"], counselor_body["password"])):
        full = staff.get(f"/api/v1/users/{counselor['id']}").json()
        assert (full["email"], full["phone"]) == (counselor["email"], "+254712345678")


# Tokens ---------------------------------------------------------------------------------------


def test_missing_tampered_and_expired_tokens_are_unauthorized(platform, org_admin):
    assert Api(platform).get("/api/v1/me").status_code == 401
    header, payload, signature = org_admin.token.split(".")
    tampered = f"{header}.{payload}.{signature[:-3]}{'AAA' if not signature.endswith('AAA') else 'BBB'}"
    assert Api(platform, tampered).get("/api/v1/me").status_code == 401
    forged_role = Tokens("another-secret-that-is-long-enough-for-hs256", 3600).issue(
        Caller("usr_x", org_admin.org["id"], "org_admin", None), utc_now()
    )
    assert Api(platform, forged_role).get("/api/v1/me").status_code == 401
    me = org_admin.get("/api/v1/me").json()
    secret = load_settings(platform.env).jwt_secret
    expired = Tokens(secret, 60).issue(
        Caller(me["id"], me["org_id"], me["role"], None), utc_now() - timedelta(hours=2)
    )
    response = Api(platform, expired).get("/api/v1/me")
    assert response.status_code == 401
    assert "expired" in error_of(response)["message"]


# Bad input: clear 4xx naming the field, nothing half-written --------------------------------------


def test_malformed_json_is_a_bad_request(platform, anonymous):
    response = anonymous.http.post(
        platform.url("/api/v1/organizations"), data=b'{"name": ', headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert error_of(response)["code"] == "bad_request"


def test_a_body_that_is_not_json_is_a_bad_request(platform, anonymous):
    response = anonymous.http.post(
        platform.url("/api/v1/auth/token"),
        data="email=a&password=b",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 400
    assert "content_type" in error_of(response)["details"]


@pytest.mark.parametrize(
    "body, field",
    [
        (
            {
                "name": 12,
                "slug": "ok-slug",
                "admin": {"email": "a@example.org", "password": "pass-word-1", "name": "A"},
            },
            "name",
        ),
        (
            {
                "name": "X",
                "slug": "Bad Slug",
                "admin": {"email": "a@example.org", "password": "pass-word-1", "name": "A"},
            },
            "slug",
        ),
        (
            {
                "name": "X",
                "slug": "ok-slug",
                "admin": {"email": "a@example.org", "password": "short", "name": "A"},
            },
            "admin.password",
        ),
        ({"name": "X", "slug": "ok-slug"}, "admin"),
        ({"name": "X", "slug": "ok-slug", "admin": "nobody"}, "admin"),
        (
            {
                "name": "X",
                "slug": "ok-slug",
                "admin": {"email": "a@example.org", "password": "pass-word-1", "name": "A"},
                "colour": "red",
            },
            "colour",
        ),
        ([1, 2, 3], "body"),
    ],
)
def test_invalid_fields_are_named_in_a_validation_error(anonymous, body, field):
    response = anonymous.post("/api/v1/organizations", body)
    assert response.status_code == 422, response.text
    error = error_of(response)
    assert error["code"] == "validation_error"
    assert field in error["details"], error


def test_a_failed_sign_up_leaves_nothing_behind(anonymous):
    body = make_organization(admin={"email": "not-an-email"})
    assert anonymous.post("/api/v1/organizations", body).status_code == 422
    body["admin"]["email"] = "fine@example.org"
    assert anonymous.post("/api/v1/organizations", body).status_code == 201


def test_an_oversize_body_is_refused_before_it_is_read(platform, anonymous):
    huge = json.dumps({"name": "x" * (1024 * 1024 + 10)})
    response = anonymous.http.post(
        platform.url("/api/v1/organizations"), data=huge, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert error_of(response)["code"] == "payload_too_large"


def test_bad_query_values_are_validation_errors(org_admin):
    response = org_admin.get("/api/v1/users", params={"limit": "500"})
    assert response.status_code == 422
    assert "limit" in error_of(response)["details"]
    response = org_admin.get("/api/v1/users", params={"role": "wizard"})
    assert response.status_code == 422
    response = org_admin.get("/api/v1/users", params={"cursor": "!!not-ours"})
    assert response.status_code in (400, 422)


def test_unknown_paths_and_wrong_methods_get_json_errors(platform, anonymous):
    missing = anonymous.get("/api/v1/nothing-here")
    assert missing.status_code == 404 and error_of(missing)["code"] == "not_found"
    wrong = anonymous.http.delete(platform.url("/api/v1/me"))
    assert wrong.status_code == 405
    assert "GET" in wrong.headers["Allow"]
    error_of(wrong)


def test_every_response_carries_a_request_id_that_the_caller_can_choose(anonymous):
    response = anonymous.get("/healthz", headers={"X-Request-Id": "support-ticket-42"})
    assert response.headers["X-Request-Id"] == "support-ticket-42"
    assert len(anonymous.get("/healthz").headers["X-Request-Id"]) >= 16


def test_text_that_is_not_valid_unicode_is_a_bad_request_not_a_failure(platform, anonymous):
    raw = (
        b'{"name": "\\ud800", "slug": "surrogate-org", '
        b'"admin": {"email": "s@example.org", "password": "pass-word-1", "name": "S"}}'
    )
    response = anonymous.http.post(
        platform.url("/api/v1/organizations"), data=raw, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert error_of(response)["code"] == "bad_request"
