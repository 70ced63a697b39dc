"""How and where sessions are held, workshop seats, clients with only a phone, counselors' no-shows
(#15): accounts and notifications in real containers, a real SMTP server and a real HTTP SMS gateway
on 127.0.0.1. Session events are published here as scheduling publishes them."""

from datetime import timedelta
from typing import Any

import pytest
from nameko.standalone.events import event_dispatcher

from services.accounts.service import AccountsService
from services.notifications.domain import due_bucket
from services.notifications.service import NotificationsService
from shared.events.contracts import SESSION_BOOKED, SESSION_CANCELLED, SESSION_COUNSELOR_NO_SHOW
from shared.events.envelope import build
from shared.events.handling import inbox_key
from shared.ids import new_id
from shared.links import session_page
from shared.mongo import now
from tests.support.builders import make_branch, make_organization, make_user
from tests.support.containers import call, start_containers, store_of
from tests.support.waiting import wait_until

ADDRESS = "Njia Career Centre, 3rd Floor, Kenyatta Avenue, Nakuru"
WORKSHOP_TYPE = {"id": "sty_cv_clinic", "name": {"en": "CV clinic", "sw": "Kliniki ya CV"}}


@pytest.fixture
def settings(config, smtp, provider):
    return {
        **config,
        "NJIA_SMTP_PORT": str(smtp.port),
        **provider.sms_settings(),
        "NJIA_REMINDER_SWEEP_SECONDS": "0.2",
        "NJIA_DELIVERY_LEASE_SECONDS": "5",
    }


@pytest.fixture
def platform(container_factory, settings):
    return start_containers(container_factory, settings, AccountsService, NotificationsService)


def _token(accounts: Any, email: str) -> str:
    return str(call(accounts, "issue_token", {"email": email, "password": "pass-word-1"})["access_token"])


@pytest.fixture
def practice(platform):
    """An organization with a branch in Nairobi (Kiswahili) holding a branch admin and a counselor,
    and a second branch with no admin of its own; notifications has heard of them all."""
    accounts = platform["accounts"]
    body = make_organization()
    org = call(accounts, "create_organization", body)
    admin = _token(accounts, body["admin"]["email"])
    branch = call(
        accounts, "create_branch", make_branch(timezone="Africa/Nairobi", language="sw"), token=admin
    )
    bare_branch = call(accounts, "create_branch", make_branch(timezone="Africa/Nairobi"), token=admin)
    made: dict[str, Any] = {
        "org_id": org["id"],
        "org_admin": {"id": org["admin"]["id"], "email": body["admin"]["email"], "token": admin},
        "branch_id": branch["id"],
        "bare_branch_id": bare_branch["id"],
    }
    for key, role, extra in (
        ("branch_admin", "branch_admin", {"language": "en"}),
        ("counselor", "counselor", {"language": "en", "phone": "+447911123456"}),
    ):
        user = make_user(role, branch["id"], **extra)
        made[key] = {
            **call(accounts, "create_user", user, token=admin),
            "token": _token(accounts, user["email"]),
        }
    kept = store_of(platform["notifications"])
    for key in ("org_admin", "branch_admin", "counselor"):
        wait_until(lambda key=key: kept.person(made[key]["id"]), timeout=10, message=f"{key} not kept")
    return made


def participant(person: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    return {
        "user_id": person["id"],
        "role": person["role"],
        "name": person["name"],
        "email": person.get("email"),
        "phone": person.get("phone"),
        "timezone": person.get("timezone") or "Africa/Nairobi",
        "language": person.get("language") or "sw",
        "revision": 0,
        **overrides,
    }


def a_client(name: str = "Wanjiru Kamau", **overrides: Any) -> dict[str, Any]:
    """A client as a session event names them (accounts need not know them: notifications keeps what
    the event says)."""
    person = {
        "id": new_id("usr"),
        "role": "client",
        "name": name,
        "email": f"{new_id('c')}@example.org",
        "phone": "+254712345678",
        "timezone": "Africa/Nairobi",
        "language": "sw",
    }
    return participant(person, **overrides)


def session_facts(practice: dict[str, Any], client: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    """A session three days ahead (its reminders are all still to come), as scheduling tells it."""
    start = (now() + timedelta(days=3)).replace(second=0, microsecond=0)
    session_id = new_id("ses")
    return {
        "session_id": session_id,
        "org_id": practice["org_id"],
        "branch_id": practice["branch_id"],
        "status": "booked",
        "start": start,
        "end": start + timedelta(hours=1),
        "topic": None,
        "counselor": participant(practice["counselor"]),
        "client": client,
        "join_path": session_page(session_id),
        "modality": "video",
        "location": None,
        "session_type": None,
        "workshop_id": None,
        "revision": 0,
        **overrides,
    }


def publish(platform, settings, event_type: str, facts: dict[str, Any], handler: str) -> dict[str, Any]:
    """Publish as scheduling does and wait until notifications has handled it."""
    envelope = build(event_type, facts, now())
    event_dispatcher(settings)("scheduling", event_type, envelope)
    kept = store_of(platform["notifications"])
    wait_until(lambda: kept.event_seen(inbox_key(handler, envelope["event_id"])), timeout=10)
    return envelope


def planned(platform, **query: Any) -> list[dict[str, Any]]:
    return list(store_of(platform["notifications"]).deliveries.find(query))


def emails(smtp, kind: str, to: str) -> list[Any]:
    return [m for m in smtp.messages if m["X-Njia-Delivery"].startswith(f"{kind}:") and m["To"] == to]


def texts(provider, kind: str, to: str) -> list[Any]:
    return [
        r
        for r in provider.delivered("/version1/messaging")
        if (r.client_ref or "").startswith(f"{kind}:") and r.form["to"] == to
    ]


def calendar_file(mail: Any) -> str:
    [part] = [p for p in mail.iter_attachments() if p.get_content_type() == "text/calendar"]
    content = part.get_content()
    text = content.decode() if isinstance(content, bytes) else content
    return str(text).replace("\r\n ", "").replace("\n ", "")


def make_reminders_due(platform, session_id: str) -> None:
    """As if the reminders' time had come (tests only)."""
    due = now() - timedelta(seconds=1)
    store_of(platform["notifications"]).deliveries.update_many(
        {"session_id": session_id, "kind": "reminder", "status": "scheduled"},
        {"$set": {"due_at": due, "due_bucket": due_bucket(due)}},
    )


def test_a_workshop_seats_client_is_confirmed_reminded_and_told_of_its_cancellation_and_the_counselor_is_not(
    platform, settings, practice, smtp, provider
):
    client = a_client()
    seat = session_facts(
        practice,
        client,
        workshop_id="wks_cv_clinic",
        modality="in_person",
        location=ADDRESS,
        session_type=WORKSHOP_TYPE,
    )
    publish(
        platform, settings, SESSION_BOOKED, {**seat, "booked_by": client["user_id"]}, "handle_session_booked"
    )

    [confirmation] = wait_until(
        lambda: emails(smtp, "confirmation", client["email"]), timeout=15, message="no confirmation email"
    )
    text = confirmation.get_body(("plain",)).get_content()
    assert f"Mahali: {ADDRESS}" in text and "Kliniki ya CV" in text
    assert f"LOCATION:{ADDRESS.replace(',', chr(92) + ',')}" in calendar_file(confirmation)
    [sms] = wait_until(lambda: texts(provider, "confirmation", client["phone"]), timeout=15, message="no SMS")
    assert f"mahali: {ADDRESS}" in sms.form["message"] and "/#/sessions/" not in sms.form["message"]

    make_reminders_due(platform, seat["session_id"])
    call(platform["notifications"], "send_due")
    wait_until(
        lambda: len(emails(smtp, "reminder", client["email"])) == 2, timeout=15, message="no reminders"
    )
    assert len(texts(provider, "reminder", client["phone"])) == 2

    cancelled = {
        **seat,
        "status": "cancelled",
        "revision": 1,
        "cancelled_by": client["user_id"],
        "late": False,
    }
    publish(platform, settings, SESSION_CANCELLED, cancelled, "handle_session_cancelled")
    wait_until(lambda: emails(smtp, "cancelled", client["email"]), timeout=15, message="no cancellation")
    call(platform["notifications"], "send_due")

    counselor = practice["counselor"]
    assert planned(platform, recipient_id=counselor["id"]) == []  # no confirmation, reminder, cancellation
    assert not [m for m in smtp.messages if m["To"] == counselor["email"]]
    assert not [r for r in provider.requests("/version1/messaging") if r.form["to"] == counselor["phone"]]


def test_a_client_with_only_a_phone_gets_sms_and_no_email_and_nothing_fails(
    platform, settings, practice, smtp, provider
):
    client = a_client(email=None, phone="+254700111222")
    facts = session_facts(practice, client, modality="phone")
    publish(
        platform, settings, SESSION_BOOKED, {**facts, "booked_by": client["user_id"]}, "handle_session_booked"
    )

    [sms] = wait_until(lambda: texts(provider, "confirmation", "+254700111222"), timeout=15, message="no SMS")
    assert "Mshauri wako atakupigia simu kwa +254700111222." in sms.form["message"]
    counselor = practice["counselor"]
    [to_counselor] = wait_until(
        lambda: emails(smtp, "confirmation", counselor["email"]), timeout=15, message="counselor not told"
    )
    assert "Call Wanjiru Kamau on +254700111222." in to_counselor.get_body(("plain",)).get_content()
    call(platform["notifications"], "send_due")

    to_client = planned(platform, session_id=facts["session_id"], recipient_id=client["user_id"])
    assert {d["channel"] for d in to_client} == {"sms", "in_app"}
    assert not [d for d in planned(platform, session_id=facts["session_id"]) if d["status"] == "failed"]


def test_a_client_with_neither_email_nor_phone_is_sent_nothing_and_nothing_fails(
    platform, settings, practice, smtp, provider
):
    client = a_client(email=None, phone=None)
    facts = session_facts(practice, client, modality="in_person", location=ADDRESS)
    publish(
        platform, settings, SESSION_BOOKED, {**facts, "booked_by": client["user_id"]}, "handle_session_booked"
    )

    counselor = practice["counselor"]
    wait_until(
        lambda: emails(smtp, "confirmation", counselor["email"]), timeout=15, message="counselor not told"
    )
    call(platform["notifications"], "send_due")

    to_client = planned(platform, session_id=facts["session_id"], recipient_id=client["user_id"])
    assert {d["channel"] for d in to_client} <= {"in_app"}  # the app's inbox, for when they sign in
    assert not [d for d in planned(platform, session_id=facts["session_id"]) if d["status"] == "failed"]


def test_a_counselors_no_show_reaches_the_branch_admin_once_without_the_clients_contacts(
    platform, settings, practice, smtp
):
    client = a_client()
    facts = session_facts(practice, client, start=now() - timedelta(minutes=20))
    facts["end"] = facts["start"] + timedelta(hours=1)
    for _ in range(2):  # published again (a relay after a lost confirm): still one message
        publish(platform, settings, SESSION_COUNSELOR_NO_SHOW, facts, "handle_session_counselor_no_show")

    admin = practice["branch_admin"]
    [mail] = wait_until(
        lambda: emails(smtp, "counselor_no_show", admin["email"]), timeout=15, message="branch admin not told"
    )
    text = mail.get_body(("plain",)).get_content()
    assert mail["Subject"].startswith(f"Counselor did not join: {practice['counselor']['name']}")
    assert "Client:    Wanjiru" in text and "Kamau" not in text
    assert client["email"] not in text and client["phone"] not in text
    inbox = call(platform["notifications"], "list_notifications", {}, token=admin["token"])["items"]
    assert [n["kind"] for n in inbox] == ["counselor_no_show"]

    call(platform["notifications"], "send_due")
    assert len(emails(smtp, "counselor_no_show", admin["email"])) == 1
    assert emails(smtp, "counselor_no_show", practice["org_admin"]["email"]) == []  # the branch has its own


def test_a_counselors_no_show_in_a_branch_without_admins_reaches_the_organizations_admins(
    platform, settings, practice, smtp
):
    facts = session_facts(practice, a_client(), branch_id=practice["bare_branch_id"])
    publish(platform, settings, SESSION_COUNSELOR_NO_SHOW, facts, "handle_session_counselor_no_show")

    org_admin = practice["org_admin"]
    wait_until(
        lambda: emails(smtp, "counselor_no_show", org_admin["email"]),
        timeout=15,
        message="org admin not told",
    )
    assert emails(smtp, "counselor_no_show", practice["branch_admin"]["email"]) == []
