"""Staff two-factor sign-in and the organization's security settings over HTTP, against the
platform as processes; codes are made as an authenticator app makes them (pyotp)."""

import time
from concurrent.futures import ThreadPoolExecutor

import pyotp
import pytest

from tests.e2e.conftest import sign_in
from tests.support.builders import make_branch, make_organization, make_registration, make_user
from tests.support.platform import Api

TWO_FACTOR = "/api/v1/me/two-factor"
SECURITY = "/api/v1/organization/security"


def error_of(response):
    body = response.json()
    assert set(body) == {"error"}, body
    return body["error"]


def delete(api, path, body):
    return api.http.delete(api.platform.url(path), json=body, timeout=30)


def code(secret, steps=0):
    """What the authenticator app shows now (``steps`` of 30 s later)."""
    return pyotp.TOTP(secret).at(time.time(), counter_offset=steps)


def token_for(platform, email, code_given=None):
    body = {"email": email, "password": "pass-word-1"}
    if code_given is not None:
        body["code"] = code_given
    return Api(platform).post("/api/v1/auth/token", body)


def add_person(platform, org_admin, role="counselor"):
    branch = org_admin.post("/api/v1/branches", make_branch()).json()
    body = make_user(role, branch_id=branch["id"])
    created = org_admin.post("/api/v1/users", body)
    assert created.status_code == 201, created.text
    person = sign_in(platform, body["email"], body["password"])
    person.email = body["email"]
    return person


def turn_on(person):
    """Begin and confirm two-factor sign-in: the secret and the 10 recovery codes."""
    begun = person.post(TWO_FACTOR)
    assert begun.status_code == 201, begun.text
    secret = begun.json()["secret"]
    confirmed = person.post(f"{TWO_FACTOR}/confirm", {"code": code(secret)})
    assert confirmed.status_code == 200, confirmed.text
    return secret, confirmed.json()["recovery_codes"]


@pytest.fixture
def counselor(platform, org_admin):
    return add_person(platform, org_admin)


def test_a_counselor_turns_on_two_factor_sign_in_with_an_authenticator_app(counselor):
    begun = counselor.post(TWO_FACTOR)
    assert begun.status_code == 201, begun.text
    setup = begun.json()
    assert set(setup) == {"secret", "otpauth_uri", "qr_svg"}
    assert (
        setup["otpauth_uri"].startswith("otpauth://totp/Njia:")
        and f"secret={setup['secret']}" in setup["otpauth_uri"]
    )
    assert setup["qr_svg"].startswith("<svg") and setup["qr_svg"].endswith("</svg>")
    assert counselor.get(TWO_FACTOR).json() == {
        "enabled": False,
        "pending": True,
        "recovery_codes_left": 0,
        "required_by_organization": False,
    }

    wrong = counselor.post(
        f"{TWO_FACTOR}/confirm", {"code": f"{(int(code(setup['secret'])) + 7) % 10**6:06d}"}
    )
    assert wrong.status_code == 422 and "code" in error_of(wrong)["details"]
    confirmed = counselor.post(f"{TWO_FACTOR}/confirm", {"code": code(setup["secret"])})
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["enabled"] is True
    recovery = confirmed.json()["recovery_codes"]
    assert len(recovery) == 10 == len(set(recovery))
    assert counselor.get(TWO_FACTOR).json()["recovery_codes_left"] == 10
    again = counselor.post(f"{TWO_FACTOR}/confirm", {"code": code(setup["secret"], 1)})
    assert again.status_code == 409


def test_two_confirmations_at_once_turn_it_on_once(platform, org_admin):
    person = add_person(platform, org_admin)
    secret = person.post(TWO_FACTOR).json()["secret"]
    first_code = code(secret)
    with ThreadPoolExecutor(6) as pool:
        answers = list(
            pool.map(lambda _: person.post(f"{TWO_FACTOR}/confirm", {"code": first_code}), range(6))
        )
    assert sorted(a.status_code for a in answers) == [200] + [409] * 5
    (won,) = [a.json()["recovery_codes"] for a in answers if a.status_code == 200]
    assert token_for(platform, person.email, won[0]).status_code == 200  # the codes shown are the ones kept


def test_with_two_factor_on_signing_in_needs_a_code_that_works_once(platform, counselor):
    secret, _ = turn_on(counselor)

    missing = token_for(platform, counselor.email)
    assert missing.status_code == 401
    assert error_of(missing)["details"]["reason"] == "two_factor_required"
    assert "code" in error_of(missing)["details"]
    wrong = token_for(platform, counselor.email, f"{(int(code(secret, 1)) + 1) % 10**6:06d}")
    assert wrong.status_code == 401 and error_of(wrong)["details"]["reason"] == "two_factor_invalid"
    wrong_password = Api(platform).post(
        "/api/v1/auth/token", {"email": counselor.email, "password": "not-the-one", "code": code(secret)}
    )
    assert wrong_password.status_code == 401 and "reason" not in error_of(wrong_password)["details"]

    fresh = code(secret, 1)  # the confirmation used this step's code: the app's next one
    signed_in = token_for(platform, counselor.email, fresh)
    assert signed_in.status_code == 200, signed_in.text
    assert Api(platform, signed_in.json()["access_token"]).get("/api/v1/me").status_code == 200
    assert "two_factor_setup_required" not in signed_in.json()

    reused = token_for(platform, counselor.email, fresh)
    assert reused.status_code == 401 and error_of(reused)["details"]["reason"] == "two_factor_invalid"
    confirming_code = token_for(platform, counselor.email, code(secret))
    assert confirming_code.status_code == 401


def test_one_code_sent_by_many_sign_ins_at_once_signs_in_once(platform, org_admin):
    person = add_person(platform, org_admin)
    secret, _ = turn_on(person)
    fresh = code(secret, 1)
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: token_for(platform, person.email, fresh).status_code, range(8)))
    assert answers.count(200) == 1, answers
    assert set(answers) - {200} <= {401, 429}  # the losers' wrong codes count towards the limit


def test_five_wrong_codes_make_signing_in_wait(platform, counselor):
    secret, _ = turn_on(counselor)
    wrong = f"{(int(code(secret, 1)) + 500_000) % 10**6:06d}"
    for _ in range(5):
        assert token_for(platform, counselor.email, wrong).status_code == 401
    waiting = token_for(platform, counselor.email, code(secret, 1))
    assert waiting.status_code == 429 and int(waiting.headers["Retry-After"]) > 0


def test_a_recovery_code_signs_in_once(platform, counselor):
    _, recovery = turn_on(counselor)

    first = token_for(platform, counselor.email, recovery[0])
    assert first.status_code == 200, first.text
    again = token_for(platform, counselor.email, recovery[0])
    assert again.status_code == 401 and error_of(again)["details"]["reason"] == "two_factor_invalid"
    typed_loosely = token_for(platform, counselor.email, recovery[1].replace("-", "").upper())
    assert typed_loosely.status_code == 200, typed_loosely.text
    assert counselor.get(TWO_FACTOR).json()["recovery_codes_left"] == 8


def test_two_factor_sign_in_is_turned_off_with_a_code(platform, counselor):
    secret, recovery = turn_on(counselor)

    no_code = delete(counselor, TWO_FACTOR, {})
    assert no_code.status_code == 422 and "code" in error_of(no_code)["details"]
    wrong = delete(counselor, TWO_FACTOR, {"code": "zzzz-zzzz"})
    assert wrong.status_code == 422 and "code" in error_of(wrong)["details"]
    off = delete(counselor, TWO_FACTOR, {"code": recovery[5]})
    assert off.status_code == 200, off.text
    assert off.json() == {"enabled": False}
    assert counselor.get(TWO_FACTOR).json()["enabled"] is False
    assert token_for(platform, counselor.email).status_code == 200
    assert delete(counselor, TWO_FACTOR, {"code": code(secret)}).json() == {"enabled": False}


def test_clients_do_not_set_up_two_factor_sign_in(platform, org_admin, anonymous):
    registration = make_registration(org_admin.org["slug"])
    assert anonymous.post("/api/v1/auth/register", registration).status_code == 201
    client = sign_in(platform, registration["email"], registration["password"])
    refused = client.post(TWO_FACTOR)
    assert refused.status_code == 403
    assert client.post(f"{TWO_FACTOR}/confirm", {"code": "123456"}).status_code == 403
    assert client.get(TWO_FACTOR).json()["enabled"] is False


def test_an_organization_requires_two_factor_sign_in_of_its_staff(platform, org_admin, anonymous):
    counselor = add_person(platform, org_admin)
    assert org_admin.get(SECURITY).json() == {"require_two_factor_for_staff": False}
    assert counselor.get(SECURITY).status_code == 403
    assert counselor.put(SECURITY, {"require_two_factor_for_staff": True}).status_code == 403
    assert org_admin.put(SECURITY, {"require_two_factor_for_staff": "maybe"}).status_code == 422

    required = org_admin.put(SECURITY, {"require_two_factor_for_staff": True})
    assert required.status_code == 200, required.text
    assert required.json() == {"require_two_factor_for_staff": True}
    assert org_admin.get(SECURITY).json() == {"require_two_factor_for_staff": True}

    asked = token_for(platform, counselor.email)
    assert asked.status_code == 200, asked.text
    assert asked.json()["two_factor_setup_required"] is True
    assert counselor.get(TWO_FACTOR).json()["required_by_organization"] is True
    registration = make_registration(org_admin.org["slug"])
    assert anonymous.post("/api/v1/auth/register", registration).status_code == 201
    assert "two_factor_setup_required" not in token_for(platform, registration["email"]).json()

    secret, _ = turn_on(counselor)
    with_code = token_for(platform, counselor.email, code(secret, 1))
    assert with_code.status_code == 200, with_code.text
    assert "two_factor_setup_required" not in with_code.json()


def test_another_organizations_admin_neither_reads_nor_changes_our_setting(platform, org_admin):
    assert org_admin.put(SECURITY, {"require_two_factor_for_staff": True}).status_code == 200
    other_body = make_organization()
    assert Api(platform).post("/api/v1/organizations", other_body).status_code == 201
    other = sign_in(platform, other_body["admin"]["email"], other_body["admin"]["password"])
    assert other.get(SECURITY).json() == {"require_two_factor_for_staff": False}
    assert other.put(SECURITY, {"require_two_factor_for_staff": False}).status_code == 200
    assert org_admin.get(SECURITY).json() == {"require_two_factor_for_staff": True}


def test_the_openapi_document_describes_the_two_factor_routes(anonymous):
    paths = anonymous.get("/openapi.json").json()["paths"]
    assert {"get", "post", "delete"} <= set(paths[TWO_FACTOR])
    assert "post" in paths[f"{TWO_FACTOR}/confirm"]
    assert {"get", "put"} <= set(paths[SECURITY])


def test_no_key_or_recovery_code_reaches_a_service_log(platform, counselor):
    secret, recovery = turn_on(counselor)
    assert token_for(platform, counselor.email, recovery[0]).status_code == 200
    assert token_for(platform, counselor.email, recovery[0]).status_code == 401
    assert delete(counselor, TWO_FACTOR, {"code": recovery[1]}).status_code == 200
    text = "\n".join(log.read_text() for log in platform.logs.glob("*.log"))
    assert secret not in text
    assert not [c for c in recovery if c in text or c.replace("-", "") in text]
