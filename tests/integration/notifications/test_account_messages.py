"""Account messages and deactivations (#14): accounts, scheduling and notifications in real
containers, a real SMTP server and a real HTTP SMS gateway on 127.0.0.1. Invitations, resets and
paused sign-ins are published here as accounts publishes them; deactivations go through accounts."""

import logging
import re
from datetime import timedelta

import pytest
from nameko.standalone.events import event_dispatcher

from services.accounts.service import AccountsService
from services.notifications.service import NotificationsService
from services.scheduling.service import SchedulingService
from shared.config import load_settings
from shared.errors import ValidationFailed
from shared.events.contracts import INVITATION_SENT, PASSWORD_RESET_REQUESTED, SIGN_IN_THROTTLED
from shared.events.envelope import build
from shared.events.handling import inbox_key
from shared.links import accept_invitation_page, reset_password_page
from shared.mongo import now
from shared.one_time import link_token, new_nonce
from tests.support.builders import make_availability, make_branch, make_organization, make_user
from tests.support.containers import call, start_containers, store_of
from tests.support.waiting import wait_until

TOKEN = re.compile(r"token=([A-Za-z0-9_-]+)")


@pytest.fixture
def settings(config, smtp, provider):
    return {
        **config,
        "NJIA_SMTP_PORT": str(smtp.port),
        **provider.sms_settings(),
        "NJIA_REMINDER_SWEEP_SECONDS": "0.2",
        "NJIA_DELIVERY_LEASE_SECONDS": "5",
        "NJIA_NO_SHOW_SWEEP_SECONDS": "3600",
    }


@pytest.fixture
def platform(container_factory, settings):
    return start_containers(
        container_factory, settings, AccountsService, SchedulingService, NotificationsService
    )


@pytest.fixture
def secrets(settings):
    kept = load_settings(settings)
    return kept.jwt_secret, kept.public_url.rstrip("/")


def _token(accounts, email):
    return call(accounts, "issue_token", {"email": email, "password": "pass-word-1"})["access_token"]


@pytest.fixture
def practice(platform):
    """An organization; a branch in Nairobi (Kiswahili) with two counselors and a client who has a phone."""
    accounts = platform["accounts"]
    body = make_organization()
    org = call(accounts, "create_organization", body)
    admin = _token(accounts, body["admin"]["email"])
    branch = call(
        accounts, "create_branch", make_branch(timezone="Africa/Nairobi", language="sw"), token=admin
    )
    made = {"org_id": org["id"], "admin": admin, "admin_id": org["admin"]["id"], "branch": branch}
    for key, role, extra in (
        ("counselor", "counselor", {"language": "en"}),
        ("other_counselor", "counselor", {"language": "en"}),
        ("client", "client", {"phone": "0712345678"}),
    ):
        user = make_user(role, branch["id"], **extra)
        made[key] = {
            **call(accounts, "create_user", user, token=admin),
            "token": _token(accounts, user["email"]),
        }
        if role == "counselor":
            call(
                platform["scheduling"], "set_availability", made[key]["id"], make_availability(), token=admin
            )
    return made


def publish(settings, platform, event_type, data, handler):
    event = build(event_type, data, now())
    event_dispatcher(settings)("accounts", event_type, event)
    kept = store_of(platform["notifications"])
    wait_until(
        lambda: kept.event_seen(inbox_key(handler, event["event_id"])), timeout=10, message="not handled"
    )
    return event


def invitation(practice, **overrides):
    data = {
        "invitation_id": f"inv_{new_nonce()[:10]}",
        "org_id": practice["org_id"],
        "org_name": "Njia Nakuru",
        "branch_id": practice["branch"]["id"],
        "role": "counselor",
        "name": "Baraka Mwangi",
        "email": f"baraka-{new_nonce()[:6].lower()}@example.org",
        "phone": None,
        "language": "en",
        "timezone": "Africa/Nairobi",
        "invited_by": practice["admin_id"],
        "inviter_name": "Amina Njeri",
        "nonce": new_nonce(),
        "expires_at": now() + timedelta(days=7),
    }
    return {**data, **overrides}


def mails(smtp, prefix, to=None):
    return [m for m in smtp.messages if m["X-Njia-Delivery"].startswith(prefix) and to in (None, m["To"])]


def text_of(mail):
    return mail.get_body(("plain",)).get_content()


def everything_stored(platform):
    """Every document of the notifications database, as text."""
    db = store_of(platform["notifications"]).deliveries.database
    return "\n".join(repr(doc) for name in db.list_collection_names() for doc in db[name].find())


def test_an_invitation_email_carries_a_link_whose_token_is_derived_and_kept_nowhere(
    platform, practice, settings, smtp, secrets, caplog
):
    caplog.set_level(logging.INFO)  # as the services run (library debug output echoes documents)
    secret, public_url = secrets
    data = invitation(practice)

    publish(settings, platform, INVITATION_SENT, data, "handle_invitation_sent")

    [mail] = wait_until(lambda: mails(smtp, "invitation:"), timeout=30, message="no invitation email")
    token = link_token(secret, "invitation", data["invitation_id"], data["nonce"])
    body = text_of(mail)
    assert public_url + accept_invitation_page(token) in body
    assert TOKEN.findall(body) == [token]
    assert token in mail.get_body(("html",)).get_content()
    assert mail["To"] == data["email"] and mail["Subject"] == "Amina Njeri invited you to Njia Nakuru on Njia"
    assert "as a counselor" in body and "(EAT)" in body  # the invitee's zone
    assert token not in everything_stored(platform)
    assert data["nonce"] not in mail["X-Njia-Delivery"]
    logged = "\n".join(
        f"{r.getMessage()} {r.__dict__}" for r in caplog.records if not r.name.startswith("mail")
    )
    for secret_part in (token, data["email"]):
        assert secret_part not in logged


def test_an_invitation_without_an_email_goes_by_sms_with_its_link(
    platform, practice, settings, provider, secrets
):
    secret, public_url = secrets
    data = invitation(practice, email=None, phone="+254722000111", language="sw")

    publish(settings, platform, INVITATION_SENT, data, "handle_invitation_sent")

    [sms] = provider.wait_for("/version1/messaging", 1, timeout=30)
    token = link_token(secret, "invitation", data["invitation_id"], data["nonce"])
    assert sms.form["to"] == "+254722000111"
    assert public_url + accept_invitation_page(token) in sms.form["message"]
    assert sms.form["message"].startswith("Njia: Amina Njeri amekualika Njia Nakuru.")
    assert token not in everything_stored(platform)


def test_a_resent_invitation_is_sent_again_and_the_same_one_handled_twice_is_not(
    platform, practice, settings, smtp, secrets
):
    secret, _ = secrets
    first = invitation(practice)
    publish(settings, platform, INVITATION_SENT, first, "handle_invitation_sent")
    publish(
        settings, platform, INVITATION_SENT, first, "handle_invitation_sent"
    )  # a second event, same nonce
    resent = {**first, "nonce": new_nonce()}
    publish(settings, platform, INVITATION_SENT, resent, "handle_invitation_sent")

    sent = wait_until(lambda: mails(smtp, "invitation:")[1:] and mails(smtp, "invitation:"), timeout=30)
    call(platform["notifications"], "send_due")
    assert len(mails(smtp, "invitation:")) == 2
    tokens = {TOKEN.findall(text_of(m))[0] for m in sent}
    assert tokens == {
        link_token(secret, "invitation", first["invitation_id"], n) for n in (first["nonce"], resent["nonce"])
    }


def test_a_password_reset_reaches_someone_notifications_never_heard_of_by_asking_accounts(
    platform, practice, settings, smtp, secrets
):
    secret, public_url = secrets
    client = practice["client"]
    kept = store_of(platform["notifications"])
    wait_until(lambda: kept.person(client["id"]), timeout=10)
    kept.people.delete_one({"_id": client["id"]})  # as if user.registered had never come
    kept.recent_people.clear()
    data = {
        "reset_id": f"rst_{new_nonce()[:10]}",
        "user_id": client["id"],
        "org_id": practice["org_id"],
        "nonce": new_nonce(),
        "expires_at": now() + timedelta(minutes=30),
    }

    publish(settings, platform, PASSWORD_RESET_REQUESTED, data, "handle_password_reset_requested")

    [mail] = wait_until(lambda: mails(smtp, "password_reset:"), timeout=30, message="no reset email")
    token = link_token(secret, "password_reset", data["reset_id"], data["nonce"])
    body = text_of(mail)
    assert mail["To"] == client["email"]
    assert public_url + reset_password_page(token) in body
    assert "dakika 30" in body and "puuza ujumbe huu" in body  # the client's branch speaks Kiswahili
    assert token not in everything_stored(platform)
    inbox = call(platform["notifications"], "list_notifications", {}, token=client["token"])["items"]
    assert [n for n in inbox if n["kind"] == "password_reset"] == []


def test_a_paused_sign_in_is_told_by_email_and_in_the_app_without_a_link(platform, practice, settings, smtp):
    counselor = practice["counselor"]
    wait_until(lambda: store_of(platform["notifications"]).person(counselor["id"]), timeout=10)
    data = {
        "user_id": counselor["id"],
        "org_id": practice["org_id"],
        "failures": 5,
        "retry_after_seconds": 900,
        "at": now(),
    }

    publish(settings, platform, SIGN_IN_THROTTLED, data, "handle_sign_in_throttled")

    [mail] = wait_until(lambda: mails(smtp, "sign_in_throttled:"), timeout=30, message="no email")
    assert "5 times in a row" in text_of(mail) and "reset your password" in text_of(mail)
    inbox = wait_until(
        lambda: call(platform["notifications"], "list_notifications", {}, token=counselor["token"])["items"],
        timeout=10,
    )
    [notice] = [n for n in inbox if n["kind"] == "sign_in_throttled"]
    assert "token=" not in notice["text"] and "15 minutes" in notice["text"]


def book(platform, practice, index=0, counselor="counselor"):
    scheduling, client = platform["scheduling"], practice["client"]
    counselor_id = practice[counselor]["id"]
    slots = call(scheduling, "open_slots", {"counselor_id": counselor_id}, token=client["token"])["items"]
    body = {"counselor_id": counselor_id, "start": slots[index * 3]["start"]}
    return call(scheduling, "book_session", body, token=client["token"])


def deliveries(platform, **query):
    return list(store_of(platform["notifications"]).deliveries.find(query))


def ics_of(mail):
    [part] = [p for p in mail.iter_attachments() if p.get_content_type() == "text/calendar"]
    return part.get_content().replace("\r\n ", "")


def test_a_deactivated_counselors_client_hears_the_session_waits_and_then_who_took_it(
    platform, practice, smtp
):
    session = book(platform, practice)
    counselor, client, other = practice["counselor"], practice["client"], practice["other_counselor"]
    wait_until(lambda: len(mails(smtp, "confirmation:")) == 2, timeout=30, message="not confirmed")

    call(platform["accounts"], "deactivate_user", counselor["id"], token=practice["admin"])

    [waiting] = wait_until(lambda: mails(smtp, "unassigned:"), timeout=30, message="the client was not told")
    assert waiting["To"] == client["email"]
    assert "Muda wako umehifadhiwa" in text_of(waiting)
    assert deliveries(platform, recipient_id=counselor["id"], status="scheduled") == []
    with pytest.raises(ValidationFailed):  # a deactivated counselor takes no session
        call(
            platform["scheduling"],
            "reassign_session",
            session["id"],
            {"counselor_id": counselor["id"]},
            token=practice["admin"],
        )

    call(
        platform["scheduling"],
        "reassign_session",
        session["id"],
        {"counselor_id": other["id"]},
        token=practice["admin"],
    )

    told = wait_until(lambda: mails(smtp, "reassigned:")[1:] and mails(smtp, "reassigned:"), timeout=30)
    by_recipient = {m["To"]: m for m in told}
    assert set(by_recipient) == {client["email"], other["email"]}
    assert "sasa ni na" in text_of(by_recipient[client["email"]])
    ics = ics_of(by_recipient[client["email"]])
    assert "SEQUENCE:2" in ics and other["name"] in ics
    assert [
        d
        for d in deliveries(platform, session_id=session["id"], kind="reminder", status="scheduled")
        if d["recipient_id"] == other["id"]
    ]
    assert mails(smtp, "unassigned:", to=counselor["email"]) == []


def test_a_deactivated_clients_counselor_hears_of_each_cancelled_session_and_the_client_of_none(
    platform, practice, smtp, provider
):
    first, second = book(platform, practice, 0), book(platform, practice, 1)
    client, counselor = practice["client"], practice["counselor"]
    wait_until(lambda: len(mails(smtp, "confirmation:")) == 4, timeout=30, message="not confirmed")

    call(platform["accounts"], "deactivate_user", client["id"], token=practice["admin"])

    told = wait_until(lambda: mails(smtp, "cancelled:")[1:] and mails(smtp, "cancelled:"), timeout=30)
    assert {m["To"] for m in told} == {counselor["email"]}
    assert {m["X-Njia-Delivery"].split(":")[1] for m in told} == {first["id"], second["id"]}
    assert "client account deactivated" in text_of(told[0])
    call(platform["notifications"], "send_due")
    assert deliveries(platform, recipient_id=client["id"], kind="cancelled") == []
    assert deliveries(platform, recipient_id=client["id"], status="scheduled") == []
    assert [r for r in provider.requests("/version1/messaging") if "cancelled:" in (r.client_ref or "")] == []
