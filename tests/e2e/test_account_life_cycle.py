"""Issue 14: invitations, password resets, deactivation, admins changing people and branches,
sign-out everywhere and sign-in throttling, over HTTP against the platform as processes, with a real
SMTP server and SMS provider receiving what people are sent."""

from __future__ import annotations

import re
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

import pyotp
import pytest
import requests

from shared.clock import utc_now
from shared.mongo import connect
from tests.e2e.test_accounts_api import error_of
from tests.support.builders import make_branch, make_organization, make_registration, make_user
from tests.support.databases import mongo_uri
from tests.support.http_provider import SMS_PATH, HttpProvider
from tests.support.platform import Api, Platform
from tests.support.smtp_sink import SmtpSink
from tests.support.waiting import wait_until

PASSWORD = "pass-word-1"
LINK = re.compile(r"https?://[^\s\"'<>]+/#/(accept|reset)\?token=([A-Za-z0-9_\-]+)")


@pytest.fixture(scope="module")
def servers():
    with SmtpSink() as smtp, HttpProvider() as sms:
        yield smtp, sms


@pytest.fixture(scope="module")
def platform(servers):
    smtp, sms = servers
    running = Platform(
        env={
            "NJIA_SMTP_PORT": str(smtp.port),
            **sms.sms_settings(),
            "NJIA_REMINDER_SWEEP_SECONDS": "1",
        },
    ).start()
    yield running
    running.stop()
    errors = running.logged_errors()
    assert not errors, "services logged errors:\n" + "\n".join(errors[:10])


@pytest.fixture(scope="module")
def second_gateway(platform):
    return platform.start_gateway_replica(2)


def sign_in(platform, email, password=PASSWORD, **extra):
    return Api(platform).post("/api/v1/auth/token", {"email": email, "password": password, **extra})


def signed_in(platform, email, password=PASSWORD):
    response = sign_in(platform, email, password)
    assert response.status_code == 200, response.text
    return Api(platform, response.json()["access_token"])


@pytest.fixture
def org(platform):
    """A new organization: its admin (signed in), a branch and that branch's admin."""
    body = make_organization()
    created = Api(platform).post("/api/v1/organizations", body)
    assert created.status_code == 201, created.text
    admin = signed_in(platform, body["admin"]["email"])
    admin.org = created.json()
    admin.email = body["admin"]["email"]
    branch = admin.post("/api/v1/branches", make_branch()).json()
    admin.branch = branch
    return admin


def add(admin, role="counselor", branch_id=None, **overrides):
    body = make_user(role, branch_id or admin.branch["id"], **overrides)
    created = admin.post("/api/v1/users", body)
    assert created.status_code == 201, created.text
    person = created.json()
    person["password"] = body.get("password")
    return person


def link_in(smtp, to, kind, after=0):
    """The token of the newest ``kind`` link emailed to ``to`` (waiting for it)."""

    def found():
        for message in reversed(smtp.messages[after:]):
            if to in message.envelope_rcpt:
                text = message.get_body(("plain",)).get_content()
                match = LINK.search(text)
                if match and match.group(1) == kind:
                    return match.group(2)
        return None

    return wait_until(found, timeout=20, interval=0.2, message=f"no {kind} link emailed")


def accounts_db(platform):
    return connect(mongo_uri())[platform.env["NJIA_MONGO_DB_PREFIX"] + "accounts"]


# Invitations ---------------------------------------------------------------------------------


def test_an_admin_invites_a_counselor_who_accepts_from_the_emailed_link(platform, servers, org):
    smtp, _ = servers
    email = f"invited-{time.time_ns()}@example.org"
    sent = org.post(
        "/api/v1/invitations",
        {"name": "Njeri Mwangi", "role": "counselor", "branch_id": org.branch["id"], "email": email},
    )
    assert sent.status_code == 201, sent.text
    invitation = sent.json()
    assert invitation["status"] == "sent"
    assert invitation["email"] == email and invitation["role"] == "counselor"
    expires = invitation["expires_at"]
    assert utc_now() + timedelta(days=6) < _moment(expires) <= utc_now() + timedelta(days=7, minutes=1)

    token = link_in(smtp, email, "accept")
    # The token is stored nowhere: the accounts database holds only its digest.
    stored = accounts_db(platform)["invitations"].find_one({"_id": invitation["id"]})
    assert token not in repr(stored)

    accepted = Api(platform).post("/api/v1/invitations/accept", {"token": token, "password": "a-new-pass-1"})
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["user"]["email"] == email
    assert accepted.json()["user"]["role"] == "counselor"
    counselor = Api(platform, accepted.json()["access_token"])
    assert counselor.get("/api/v1/me").json()["status"] == "active"
    assert sign_in(platform, email, "a-new-pass-1").status_code == 200

    again = Api(platform).post("/api/v1/invitations/accept", {"token": token, "password": "other-pass-2"})
    assert again.status_code == 422
    assert "token" in error_of(again)["details"]
    listed = org.get("/api/v1/invitations", params={"status": "accepted"}).json()["items"]
    assert [i["id"] for i in listed] == [invitation["id"]]


def test_a_wrong_expired_or_revoked_invitation_link_is_refused(platform, servers, org):
    smtp, _ = servers
    wrong = Api(platform).post("/api/v1/invitations/accept", {"token": "not-a-token", "password": PASSWORD})
    assert wrong.status_code == 422 and "token" in error_of(wrong)["details"]

    email = f"late-{time.time_ns()}@example.org"
    body = {"name": "Late Comer", "role": "counselor", "branch_id": org.branch["id"], "email": email}
    invitation = org.post("/api/v1/invitations", body).json()
    token = link_in(smtp, email, "accept")
    accounts_db(platform)["invitations"].update_one(
        {"_id": invitation["id"]}, {"$set": {"expires_at": utc_now() - timedelta(minutes=1)}}
    )
    expired = Api(platform).post("/api/v1/invitations/accept", {"token": token, "password": PASSWORD})
    assert expired.status_code == 422
    assert "expired" in error_of(expired)["details"]["token"][0]
    assert (
        org.get("/api/v1/invitations", params={"status": "expired"}).json()["items"][0]["id"]
        == invitation["id"]
    )

    # Resent: a new link works, the old one does not.
    count = smtp.count
    resent = org.post(f"/api/v1/invitations/{invitation['id']}/resend")
    assert resent.status_code == 200 and resent.json()["sent_count"] == 2
    fresh = link_in(smtp, email, "accept", after=count)
    assert fresh != token
    old = Api(platform).post("/api/v1/invitations/accept", {"token": token, "password": PASSWORD})
    assert old.status_code == 422

    # Revoked: the fresh link stops working, and it cannot be resent.
    revoked = org.delete(f"/api/v1/invitations/{invitation['id']}")
    assert revoked.status_code == 200 and revoked.json()["status"] == "revoked"
    refused = Api(platform).post("/api/v1/invitations/accept", {"token": fresh, "password": PASSWORD})
    assert refused.status_code == 422 and "withdrawn" in error_of(refused)["details"]["token"][0]
    assert org.post(f"/api/v1/invitations/{invitation['id']}/resend").status_code == 409


def test_who_may_invite_and_see_invitations(platform, org):
    other = org.post("/api/v1/branches", make_branch()).json()
    branch_admin_body = make_user("branch_admin", org.branch["id"])
    org.post("/api/v1/users", branch_admin_body)
    branch_admin = signed_in(platform, branch_admin_body["email"])
    invite = {"name": "Otieno", "role": "counselor", "email": f"o-{time.time_ns()}@example.org"}

    assert branch_admin.post("/api/v1/invitations", {**invite, "branch_id": other["id"]}).status_code == 403
    mine = branch_admin.post("/api/v1/invitations", {**invite, "branch_id": org.branch["id"]})
    assert mine.status_code == 201
    theirs = org.post(
        "/api/v1/invitations",
        {**invite, "email": f"p-{time.time_ns()}@example.org", "branch_id": other["id"]},
    ).json()
    seen = {i["id"] for i in branch_admin.get("/api/v1/invitations").json()["items"]}
    assert seen == {mine.json()["id"]}
    assert branch_admin.delete(f"/api/v1/invitations/{theirs['id']}").status_code == 404

    client = Api(platform).post("/api/v1/auth/register", make_registration(org.org["slug"])).json()
    client_api = signed_in(platform, client["email"])
    assert (
        client_api.post("/api/v1/invitations", {**invite, "branch_id": org.branch["id"]}).status_code == 403
    )
    assert client_api.get("/api/v1/invitations").status_code == 403

    stranger_admin = _new_org_admin(platform)
    assert stranger_admin.post(f"/api/v1/invitations/{theirs['id']}/resend").status_code == 404
    assert stranger_admin.delete(f"/api/v1/invitations/{theirs['id']}").status_code == 404

    neither = org.post(
        "/api/v1/invitations", {"name": "Nobody", "role": "counselor", "branch_id": org.branch["id"]}
    )
    assert neither.status_code == 422 and "email" in error_of(neither)["details"]
    taken = org.post("/api/v1/invitations", {**invite, "email": org.email, "branch_id": org.branch["id"]})
    assert taken.status_code == 409


def test_a_person_added_without_a_password_is_invited_and_joins_from_the_link(platform, servers, org):
    smtp, _ = servers
    body = make_user("counselor", org.branch["id"])
    body.pop("password")
    added = org.post("/api/v1/users", body)
    assert added.status_code == 201 and added.json()["status"] == "invited"
    token = link_in(smtp, body["email"], "accept")
    accepted = Api(platform).post("/api/v1/invitations/accept", {"token": token, "password": "chosen-pass-1"})
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["user"]["id"] == added.json()["id"]
    assert accepted.json()["user"]["status"] == "active"
    assert sign_in(platform, body["email"], "chosen-pass-1").status_code == 200


def test_someone_with_only_a_phone_is_invited_by_sms_and_gives_an_email_to_join(platform, servers, org):
    _, sms = servers
    phone = "+254722" + str(time.time_ns())[-6:]
    invitation = org.post(
        "/api/v1/invitations",
        {"name": "Chebet", "role": "counselor", "branch_id": org.branch["id"], "phone": phone},
    )
    assert invitation.status_code == 201, invitation.text

    def texted():
        for request in sms.requests(SMS_PATH):
            match = LINK.search(request.form.get("message", ""))
            if request.form.get("to") == phone and match:
                return match.group(2)
        return None

    token = wait_until(texted, timeout=20, interval=0.2, message="no invitation SMS")
    no_email = Api(platform).post("/api/v1/invitations/accept", {"token": token, "password": PASSWORD})
    assert no_email.status_code == 422 and "email" in error_of(no_email)["details"]
    email = f"chebet-{time.time_ns()}@example.org"
    joined = Api(platform).post(
        "/api/v1/invitations/accept", {"token": token, "password": PASSWORD, "email": email}
    )
    assert joined.status_code == 200, joined.text
    assert joined.json()["user"]["phone"] == phone


def test_a_walk_in_client_added_with_a_phone_joins_by_the_sms_invitation_with_an_email(
    platform, servers, org
):
    """Issue 15: a receptionist adds a client with only a phone; the invitation goes by SMS, and the
    client signs in with the email they give when accepting it: the same person, not a new one."""
    _, sms = servers
    phone = "+254733" + str(time.time_ns())[-6:]
    added = org.post(
        "/api/v1/users", {"role": "client", "name": "Wafula", "phone": phone, "branch_id": org.branch["id"]}
    )
    assert added.status_code == 201, added.text
    assert added.json()["email"] is None and added.json()["status"] == "invited"

    def texted():
        for request in sms.requests(SMS_PATH):
            match = LINK.search(request.form.get("message", ""))
            if request.form.get("to") == phone and match:
                return match.group(2)
        return None

    token = wait_until(texted, timeout=20, interval=0.2, message="no invitation SMS")
    email = f"wafula-{time.time_ns()}@example.org"
    joined = Api(platform).post(
        "/api/v1/invitations/accept", {"token": token, "password": PASSWORD, "email": email}
    )
    assert joined.status_code == 200, joined.text
    assert joined.json()["user"]["id"] == added.json()["id"] and joined.json()["user"]["email"] == email
    me = signed_in(platform, email).get("/api/v1/me").json()
    assert me["id"] == added.json()["id"] and me["phone"] == phone and me["status"] == "active"


# Password resets -------------------------------------------------------------------------------


def test_a_forgotten_password_is_reset_from_the_emailed_link_ending_earlier_sign_ins(platform, servers, org):
    smtp, _ = servers
    person = add(org, "client")
    before = signed_in(platform, person["email"])
    asked = Api(platform).post("/api/v1/auth/password-reset", {"email": person["email"]})
    nobody = Api(platform).post("/api/v1/auth/password-reset", {"email": "nobody-here@example.org"})
    assert asked.status_code == nobody.status_code == 202
    assert asked.json() == nobody.json()

    token = link_in(smtp, person["email"], "reset")
    assert not [m for m in smtp.messages if "nobody-here@example.org" in m.envelope_rcpt]
    done = Api(platform).post(
        "/api/v1/auth/password-reset/confirm", {"token": token, "password": "fresh-pass-9"}
    )
    assert done.status_code == 200, done.text
    assert Api(platform, done.json()["access_token"]).get("/api/v1/me").status_code == 200
    # The earlier sign-in ended; the old password no longer works; the link works once.
    wait_until(
        lambda: before.get("/api/v1/me").status_code == 401, timeout=2, message="old token still works"
    )
    assert sign_in(platform, person["email"], PASSWORD).status_code == 401
    assert sign_in(platform, person["email"], "fresh-pass-9").status_code == 200
    reused = Api(platform).post(
        "/api/v1/auth/password-reset/confirm", {"token": token, "password": "again-pass-9"}
    )
    assert reused.status_code == 422 and "token" in error_of(reused)["details"]


def test_an_expired_reset_link_is_refused(platform, servers, org):
    smtp, _ = servers
    person = add(org, "client")
    Api(platform).post("/api/v1/auth/password-reset", {"email": person["email"]})
    token = link_in(smtp, person["email"], "reset")
    accounts_db(platform)["resets"].update_many(
        {"user_id": person["id"]}, {"$set": {"expires_at": utc_now() - timedelta(seconds=1)}}
    )
    late = Api(platform).post(
        "/api/v1/auth/password-reset/confirm", {"token": token, "password": "fresh-pass-9"}
    )
    assert late.status_code == 422 and "expired" in error_of(late)["details"]["token"][0]
    assert sign_in(platform, person["email"]).status_code == 200
    made_up = Api(platform).post(
        "/api/v1/auth/password-reset/confirm", {"token": "made-up", "password": "fresh-pass-9"}
    )
    assert made_up.status_code == 422 and "token" in error_of(made_up)["details"]
    short = Api(platform).post("/api/v1/auth/password-reset/confirm", {"token": token, "password": "short"})
    assert short.status_code == 422 and "password" in error_of(short)["details"]


# Deactivation, roles, branches -------------------------------------------------------------------


def test_a_deactivated_counselors_token_stops_within_a_second_on_every_gateway(platform, org, second_gateway):
    person = add(org, "counselor")
    token = sign_in(platform, person["email"]).json()["access_token"]
    gateways = [platform.base_url, second_gateway]
    for base in gateways:  # both gateways know the person as active (and remember it)
        assert requests.get(base + "/api/v1/me", headers=_bearer(token), timeout=10).status_code == 200

    deactivated = org.post(f"/api/v1/users/{person['id']}/deactivate")
    assert deactivated.status_code == 200 and deactivated.json()["status"] == "deactivated"
    at = time.monotonic()
    for base in gateways:
        wait_until(
            lambda base=base: (
                requests.get(base + "/api/v1/sessions", headers=_bearer(token), timeout=5).status_code == 401
            ),
            timeout=1.0,
            interval=0.02,
            message=f"token still works on {base}",
        )
    assert time.monotonic() - at < 1.0
    refused = sign_in(platform, person["email"])
    assert refused.status_code == 401 and error_of(refused)["details"]["reason"] == "deactivated"

    back = org.post(f"/api/v1/users/{person['id']}/reactivate")
    assert back.status_code == 200 and back.json()["status"] == "active"
    assert sign_in(platform, person["email"]).status_code == 200
    # A token from before the deactivation stays ended.
    assert requests.get(gateways[1] + "/api/v1/me", headers=_bearer(token), timeout=10).status_code == 401


def test_who_may_deactivate_whom(platform, org):
    other_branch = org.post("/api/v1/branches", make_branch()).json()
    branch_admin_body = make_user("branch_admin", org.branch["id"])
    org.post("/api/v1/users", branch_admin_body)
    branch_admin = signed_in(platform, branch_admin_body["email"])
    here = add(org, "counselor")
    there = add(org, "counselor", other_branch["id"])

    assert branch_admin.post(f"/api/v1/users/{there['id']}/deactivate").status_code == 404
    assert branch_admin.post(f"/api/v1/users/{here['id']}/deactivate").status_code == 200
    assert org.get(f"/api/v1/users/{here['id']}").json()["status"] == "deactivated"
    me = org.get("/api/v1/me").json()
    assert org.post(f"/api/v1/users/{me['id']}/deactivate").status_code == 403
    counselor = signed_in(platform, there["email"])
    assert counselor.post(f"/api/v1/users/{here['id']}/reactivate").status_code == 403
    stranger = _new_org_admin(platform)
    assert stranger.post(f"/api/v1/users/{there['id']}/deactivate").status_code == 404


def test_a_new_role_counts_from_the_next_request_and_a_move_keeps_the_person(platform, org):
    person = add(org, "counselor")
    api = signed_in(platform, person["email"])
    assert api.get("/api/v1/users").status_code == 403

    promoted = org.patch(f"/api/v1/users/{person['id']}", {"role": "branch_admin", "name": "Njeri Lead"})
    assert promoted.status_code == 200, promoted.text
    assert promoted.json()["role"] == "branch_admin" and promoted.json()["name"] == "Njeri Lead"
    wait_until(
        lambda: api.get("/api/v1/users").status_code == 200, timeout=1, message="new role not in force"
    )

    other = org.post("/api/v1/branches", make_branch()).json()
    moved = org.patch(f"/api/v1/users/{person['id']}", {"branch_id": other["id"]})
    assert moved.status_code == 200 and moved.json()["branch_id"] == other["id"]
    users = wait_until(
        lambda: (
            api.get("/api/v1/users").json()["items"] if api.get("/api/v1/users").status_code == 200 else None
        ),
        timeout=2,
    )
    assert {u["branch_id"] for u in users} == {other["id"]}

    assert org.patch(f"/api/v1/users/{person['id']}", {"branch_id": "br_nowhere"}).status_code == 422
    assert org.patch(f"/api/v1/users/{person['id']}", {}).status_code == 422
    me = org.get("/api/v1/me").json()
    assert org.patch(f"/api/v1/users/{me['id']}", {"role": "counselor"}).status_code == 403
    assert api.patch(f"/api/v1/users/{me['id']}", {"name": "x"}).status_code == 404  # not in their branch
    assert api.patch(f"/api/v1/users/{person['id']}", {"role": "org_admin"}).status_code == 403
    assert _new_org_admin(platform).patch(f"/api/v1/users/{person['id']}", {"name": "x"}).status_code == 404


def test_a_branchs_new_zone_moves_staff_who_had_its_zone_only(platform, org):
    follows = add(org, "counselor")
    own = add(org, "counselor", timezone="Europe/London")
    client = add(org, "client")
    changed = org.patch(
        f"/api/v1/branches/{org.branch['id']}", {"timezone": "Africa/Kampala", "address": "Kenyatta Ave"}
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["timezone"] == "Africa/Kampala" and changed.json()["address"] == "Kenyatta Ave"
    zones = {p["id"]: org.get(f"/api/v1/users/{p['id']}").json()["timezone"] for p in (follows, own, client)}
    assert zones == {
        follows["id"]: "Africa/Kampala",
        own["id"]: "Europe/London",
        client["id"]: "Africa/Nairobi",
    }

    assert org.patch(f"/api/v1/branches/{org.branch['id']}", {"timezone": "Mars/Olympus"}).status_code == 422
    assert (
        _new_org_admin(platform).patch(f"/api/v1/branches/{org.branch['id']}", {"name": "x"}).status_code
        == 404
    )
    counselor = signed_in(platform, follows["email"])
    assert counselor.patch(f"/api/v1/branches/{org.branch['id']}", {"name": "x"}).status_code == 403


def test_sign_out_everywhere_ends_every_sign_in(platform, org):
    person = add(org, "client")
    first, second = signed_in(platform, person["email"]), signed_in(platform, person["email"])
    assert first.post("/api/v1/auth/sign-out-everywhere").json() == {"status": "signed_out"}
    for api in (first, second):
        wait_until(
            lambda api=api: api.get("/api/v1/me").status_code == 401, timeout=1, message="still signed in"
        )
    assert signed_in(platform, person["email"]).get("/api/v1/me").status_code == 200
    assert Api(platform).post("/api/v1/auth/sign-out-everywhere").status_code == 401


def test_five_wrong_passwords_pause_sign_in_and_tell_the_owner(platform, servers, org):
    smtp, _ = servers
    person = add(org, "counselor")
    count = smtp.count
    answers = [sign_in(platform, person["email"], "wrong-pass-0").status_code for _ in range(5)]
    assert answers == [401] * 5
    paused = sign_in(platform, person["email"])  # even the right password waits
    assert paused.status_code == 429
    assert int(paused.headers["Retry-After"]) > 0

    def told():
        return [m for m in smtp.messages[count:] if person["email"] in m.envelope_rcpt]

    assert wait_until(told, timeout=20, interval=0.2, message="owner not told")


def test_no_email_phone_or_token_reaches_a_service_log(platform, org):
    """Everything above ran on this platform: its logs name nobody."""
    text = "\n".join(log.read_text() for log in platform.logs.glob("*.log"))
    assert not re.search(r"[\w.+-]+@example\.org", text)
    assert not re.search(r"\+2547\d{8}", text)
    assert "token=" not in text and "eyJ" not in text  # link tokens, JWTs


# Helpers -----------------------------------------------------------------------------------------


def _bearer(token):
    return {"Authorization": f"Bearer {token}"}


def _moment(text):
    return datetime.fromisoformat(text)


def _new_org_admin(platform):
    body = make_organization()
    assert Api(platform).post("/api/v1/organizations", body).status_code == 201
    return signed_in(platform, body["admin"]["email"])


def test_sign_ins_invitations_and_changes_of_people_are_in_the_audit_log(platform, servers, org):
    smtp, _ = servers
    person = add(org, "counselor")
    assert sign_in(platform, person["email"], "wrong-pass-0").status_code == 401
    assert sign_in(platform, person["email"]).status_code == 200
    other = org.post("/api/v1/branches", make_branch()).json()
    org.patch(f"/api/v1/users/{person['id']}", {"role": "branch_admin", "branch_id": other["id"]})
    org.post(f"/api/v1/users/{person['id']}/deactivate")
    email = f"audited-{time.time_ns()}@example.org"
    body = {"name": "Audited", "role": "counselor", "branch_id": org.branch["id"], "email": email}
    invitation = org.post("/api/v1/invitations", body).json()
    Api(platform).post(
        "/api/v1/invitations/accept", {"token": link_in(smtp, email, "accept"), "password": PASSWORD}
    )

    expected = {
        "sign_in.failed",
        "sign_in.succeeded",
        "user.role_changed",
        "user.branch_changed",
        "user.deactivated",
    }

    def recorded(subject):
        items = org.get("/api/v1/audit", params={"subject_id": subject}).json()["items"]
        return items

    entries = wait_until(
        lambda: (found := recorded(person["id"])) and {e["action"] for e in found} >= expected and found,
        timeout=10,
        interval=0.2,
        message="audit entries missing",
    )
    admin_id = org.get("/api/v1/me").json()["id"]
    by_action = {e["action"]: e for e in entries}
    assert by_action["user.deactivated"]["actor_id"] == admin_id
    assert by_action["sign_in.succeeded"]["actor_id"] == person["id"]
    assert by_action["sign_in.failed"]["ip"] == "127.0.0.1"
    invited = wait_until(
        lambda: (
            {e["action"] for e in recorded(invitation["id"])} >= {"invitation.sent", "invitation.accepted"}
        ),
        timeout=10,
        interval=0.2,
    )
    assert invited


def test_one_invitation_link_used_at_once_by_many_makes_one_account(platform, servers, org):
    smtp, _ = servers
    email = f"racing-{time.time_ns()}@example.org"
    body = {"name": "Racer", "role": "counselor", "branch_id": org.branch["id"], "email": email}
    assert org.post("/api/v1/invitations", body).status_code == 201
    token = link_in(smtp, email, "accept")
    with ThreadPoolExecutor(8) as pool:
        answers = list(
            pool.map(
                lambda i: Api(platform).post(
                    "/api/v1/invitations/accept", {"token": token, "password": f"pass-word-{i}x"}
                ),
                range(8),
            )
        )
    assert sorted(a.status_code for a in answers) == [200] + [422] * 7
    winner = next(a for a in answers if a.status_code == 200).json()
    people = org.get("/api/v1/users", params={"role": "counselor"}).json()["items"]
    assert [p["id"] for p in people if p["email"] == email] == [winner["user"]["id"]]


def test_a_reset_password_alone_does_not_pass_two_factor_sign_in(platform, servers, org):
    smtp, _ = servers
    person = add(org, "counselor")
    api = signed_in(platform, person["email"])
    secret = api.post("/api/v1/me/two-factor").json()["secret"]
    assert api.post("/api/v1/me/two-factor/confirm", {"code": pyotp.TOTP(secret).now()}).status_code == 200

    Api(platform).post("/api/v1/auth/password-reset", {"email": person["email"]})
    token = link_in(smtp, person["email"], "reset")
    reset = Api(platform).post(
        "/api/v1/auth/password-reset/confirm", {"token": token, "password": "fresh-pass-9"}
    )
    assert reset.status_code == 401 and error_of(reset)["details"]["reason"] == "two_factor_required"
    # The password did change; signing in still takes the code.
    assert sign_in(platform, person["email"], "fresh-pass-9").status_code == 401
    next_code = pyotp.TOTP(secret).at(time.time(), counter_offset=1)
    assert sign_in(platform, person["email"], "fresh-pass-9", code=next_code).status_code == 200


def test_a_person_added_quietly_is_not_invited_and_joins_by_forgot_password(platform, servers, org):
    smtp, _ = servers
    body = {**make_user("client", org.branch["id"]), "invite": False}
    body.pop("password")
    count = smtp.count
    added = org.post("/api/v1/users", body)
    assert added.status_code == 201 and added.json()["status"] == "invited"
    assert org.get("/api/v1/invitations").json()["items"] == []

    Api(platform).post("/api/v1/auth/password-reset", {"email": body["email"]})
    token = link_in(smtp, body["email"], "reset", after=count)
    assert not [m for m in smtp.messages[count:] if "/#/accept" in m.get_body(("plain",)).get_content()]
    joined = Api(platform).post(
        "/api/v1/auth/password-reset/confirm", {"token": token, "password": "chosen-pass-1"}
    )
    assert joined.status_code == 200 and joined.json()["user"]["status"] == "active"
