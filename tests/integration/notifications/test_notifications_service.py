"""Notifications beside accounts and scheduling in real containers, with a real SMTP server and a
real HTTP SMS gateway and webhook receiver on 127.0.0.1."""

import hashlib
import hmac
from datetime import datetime, timedelta

import pytest
from nameko.standalone.events import event_dispatcher

from services.accounts.service import AccountsService
from services.notifications.domain import due_bucket
from services.notifications.service import NotificationsService
from services.scheduling.service import SchedulingService
from shared.errors import BadRequest
from shared.events.contracts import NOTIFICATION_FAILED, SESSION_BOOKED
from shared.events.envelope import build
from shared.events.handling import inbox_key
from shared.mongo import encode_cursor, now
from tests.support.builders import make_availability, make_branch, make_organization, make_user
from tests.support.containers import call, start_containers, store_of
from tests.support.recorders import event_recorder
from tests.support.waiting import wait_until

FailureWatcher, failures = event_recorder("notifications", NOTIFICATION_FAILED, name="failure_watcher")


@pytest.fixture
def settings(config, smtp, provider):
    return {
        **config,
        "NJIA_SMTP_PORT": str(smtp.port),
        **provider.sms_settings(),
        "NJIA_SMS_INBOUND_TOKEN": "inbound-secret",
        "NJIA_REMINDER_SWEEP_SECONDS": "0.2",
        "NJIA_DELIVERY_RETRY_SECONDS": "0.2",
        "NJIA_DELIVERY_MAX_ATTEMPTS": "3",
        "NJIA_DELIVERY_LEASE_SECONDS": "5",
        "NJIA_WEBHOOK_MAX_FAILURES": "2",
        "NJIA_WEBHOOK_ALLOW_PRIVATE": "true",  # the webhook receiver is on 127.0.0.1
        "NJIA_NO_SHOW_SWEEP_SECONDS": "3600",
    }


@pytest.fixture
def platform(container_factory, settings):
    failures.clear()
    return start_containers(
        container_factory, settings, AccountsService, SchedulingService, NotificationsService, FailureWatcher
    )


@pytest.fixture
def people(platform):
    accounts = platform["accounts"]
    body = make_organization()
    call(accounts, "create_organization", body)
    admin = call(accounts, "issue_token", {"email": body["admin"]["email"], "password": "pass-word-1"})[
        "access_token"
    ]
    branch = call(
        accounts, "create_branch", make_branch(timezone="Africa/Nairobi", language="sw"), token=admin
    )
    made = {"admin": {"token": admin}}
    for role, extra in (
        ("counselor", {"timezone": "Europe/London", "language": "en", "phone": "+447911123456"}),
        ("client", {"phone": "0712345678"}),
    ):
        user = make_user(role, branch["id"], **extra)
        made[role] = call(accounts, "create_user", user, token=admin)
        made[role]["token"] = call(
            accounts, "issue_token", {"email": user["email"], "password": "pass-word-1"}
        )["access_token"]
    call(
        platform["scheduling"],
        "set_availability",
        made["counselor"]["id"],
        make_availability(),
        token=made["counselor"]["token"],
    )
    return made


def book(platform, people, index=0):
    scheduling = platform["scheduling"]
    client = people["client"]
    slots = call(
        scheduling, "open_slots", {"counselor_id": people["counselor"]["id"]}, token=client["token"]
    )["items"]
    return call(
        scheduling,
        "book_session",
        {"counselor_id": people["counselor"]["id"], "start": slots[index]["start"]},
        token=client["token"],
    ), slots


def deliveries(platform, **query):
    return list(store_of(platform["notifications"]).deliveries.find(query))


def make_due(platform, session_id, kind="reminder", **extra):
    """As if the reminders' time had come (tests only): due now."""
    due = now() - timedelta(seconds=1)
    store_of(platform["notifications"]).deliveries.update_many(
        {"session_id": session_id, "kind": kind, "status": "scheduled"},
        {"$set": {"due_at": due, "due_bucket": due_bucket(due), **extra}},
    )


def test_a_booking_confirms_to_both_by_email_sms_and_in_app_in_their_own_zone_and_language(
    platform, people, smtp, provider
):
    session, _ = book(platform, people)
    emails = wait_until(
        lambda: (
            [m for m in smtp.messages if m["X-Njia-Delivery"].startswith("confirmation:")][1:]
            and [m for m in smtp.messages if m["X-Njia-Delivery"].startswith("confirmation:")]
        ),
        timeout=15,
        message="two confirmation emails not received",
    )
    by_recipient = {m["To"]: m for m in emails}
    client_mail = by_recipient[people["client"]["email"]]
    counselor_mail = by_recipient[people["counselor"]["email"]]
    assert "EAT" in client_mail.get_body(("plain",)).get_content()  # the client's branch is in Nairobi
    assert (
        "GMT" in counselor_mail.get_body(("plain",)).get_content()
        or "BST" in counselor_mail.get_body(("plain",)).get_content()
    )
    assert (
        client_mail["Subject"] != counselor_mail["Subject"]
    )  # Swahili for the client, English for the counselor
    attachments = [
        part for part in client_mail.iter_attachments() if part.get_content_type() == "text/calendar"
    ]
    assert attachments and f"UID:{session['id']}@njia" in attachments[0].get_content()
    sms = provider.wait_for("/version1/messaging", 2, timeout=15)
    assert {r.form["to"] for r in sms} == {"+254712345678", "+447911123456"}
    assert all((r.client_ref or "").startswith("confirmation:") for r in sms)
    inbox = call(platform["notifications"], "list_notifications", {}, token=people["client"]["token"])
    assert [n["kind"] for n in inbox["items"]] == ["confirmation"]


def calendar_file(mail):
    """The email's .ics attachment, its folded lines unfolded (RFC 5545 3.1)."""
    [part] = [p for p in mail.iter_attachments() if p.get_content_type() == "text/calendar"]
    content = part.get_content()
    text = content.decode() if isinstance(content, bytes) else content
    return text.replace("\r\n ", "").replace("\n ", "")


def test_the_clients_calendar_file_names_the_counselor_without_their_email_and_the_counselors_keeps_it(
    platform, people, smtp
):
    session, _ = book(platform, people)
    confirmed = lambda: [m for m in smtp.messages if m["X-Njia-Delivery"].startswith("confirmation:")]  # noqa: E731
    wait_until(lambda: len(confirmed()) == 2, timeout=15, message="two confirmation emails not received")
    by_recipient = {m["To"]: calendar_file(m) for m in confirmed()}
    counselor_email = people["counselor"]["email"]

    clients = by_recipient[people["client"]["email"]]
    assert f"UID:{session['id']}@njia" in clients
    assert counselor_email.lower() not in clients.lower()
    assert "ORGANIZER;CN=" in clients and "mailto:counselor@njia.invalid" in clients
    counselors = by_recipient[counselor_email]
    assert f"mailto:{counselor_email}".lower() in counselors.lower()


def test_a_moved_sessions_calendar_file_is_a_newer_version_so_calendar_apps_replace_the_event(
    platform, people, smtp
):
    session, slots = book(platform, people)
    client = people["client"]
    call(
        platform["scheduling"],
        "reschedule_session",
        session["id"],
        {"start": slots[3]["start"]},
        token=client["token"],
    )

    def files(kind):
        return [calendar_file(m) for m in smtp.messages if m["X-Njia-Delivery"].startswith(f"{kind}:")]

    wait_until(lambda: len(files("rescheduled")) == 2, timeout=15, message="two move emails not received")
    assert all("SEQUENCE:0" in f for f in files("confirmation"))
    assert all("SEQUENCE:1" in f for f in files("rescheduled"))


def later_than(slots, hours):

    return next(
        i for i, s in enumerate(slots) if datetime.fromisoformat(s["start"]) > now() + timedelta(hours=hours)
    )


def test_due_reminders_go_out_once_however_many_sweeps(platform, people, smtp, provider):
    _, slots = book(platform, people)
    session, _ = book(platform, people, later_than(slots, 25))
    smtp.wait_for(4, timeout=15)
    make_due(platform, session["id"])
    planned = deliveries(platform, session_id=session["id"], kind="reminder")
    assert {d["offset_minutes"] for d in planned} == {1440, 60}
    wait_until(
        lambda: all(
            d["status"] == "sent" for d in deliveries(platform, session_id=session["id"], kind="reminder")
        ),
        timeout=15,
    )
    for _ in range(3):
        call(platform["notifications"], "send_due")
    reminder_mails = [
        m for m in smtp.messages if m["X-Njia-Delivery"].startswith(f"reminder:{session['id']}")
    ]
    assert len(reminder_mails) == 4  # 2 offsets, 2 recipients
    assert len({m["Message-ID"] for m in reminder_mails}) == 4
    reminder_sms = [
        r
        for r in provider.requests("/version1/messaging")
        if (r.client_ref or "").startswith(f"reminder:{session['id']}")
    ]
    assert len(reminder_sms) == 4


def test_a_late_reminder_is_sent_before_the_start_and_skipped_after_it(platform, people, smtp):
    upcoming, _ = book(platform, people, 0)
    started, _ = book(platform, people, 3)
    smtp.wait_for(4, timeout=15)
    make_due(platform, upcoming["id"])
    store_of(platform["notifications"]).deliveries.update_many(
        {"session_id": started["id"], "kind": "reminder"},
        {"$set": {"session_start": now() - timedelta(minutes=5)}},
    )
    make_due(platform, started["id"])
    wait_until(lambda: not deliveries(platform, kind="reminder", status="scheduled"), timeout=15)
    reminders = call(
        platform["notifications"], "session_reminders", started["id"], token=people["counselor"]["token"]
    )["items"]
    assert {r["status"] for r in reminders} == {"skipped"}
    reminders = call(
        platform["notifications"], "session_reminders", upcoming["id"], token=people["counselor"]["token"]
    )["items"]
    assert {r["status"] for r in reminders} == {"sent"}
    assert all(r["sent_at"] for r in reminders)


def test_a_sessions_reminders_page_in_the_order_they_fall_due_and_a_foreign_cursor_is_refused(
    platform, people
):
    session, _ = book(platform, people)
    wait_until(lambda: deliveries(platform, session_id=session["id"], kind="reminder"), timeout=10)
    notifications, counselor = platform["notifications"], people["counselor"]["token"]
    whole = call(notifications, "session_reminders", session["id"], {"limit": "200"}, token=counselor)
    count = len(whole["items"])  # 2 people, 3 channels, each offset still ahead
    assert count in (6, 12) and whole["next_cursor"] is None
    assert [r["due_at"] for r in whole["items"]] == sorted(r["due_at"] for r in whole["items"])

    pages, cursor = [], None
    while True:
        query = {"limit": "5", **({"cursor": cursor} if cursor else {})}
        answer = call(notifications, "session_reminders", session["id"], query, token=counselor)
        pages.append(answer["items"])
        cursor = answer["next_cursor"]
        if cursor is None:
            break
    assert [len(p) for p in pages] == [5] * (count // 5) + [count % 5]
    assert [r for p in pages for r in p] == whole["items"]

    for junk in ("%%%", encode_cursor("wh_0190f0000000aaaa")):
        with pytest.raises(BadRequest) as caught:
            call(notifications, "session_reminders", session["id"], {"cursor": junk}, token=counselor)
        assert set(caught.value.details) == {"cursor"}


def test_smtp_down_for_a_while_is_retried_and_delivered_once(platform, people, smtp):
    smtp.down()
    session, _ = book(platform, people)
    wait_until(
        lambda: any(
            d.get("last_error") for d in deliveries(platform, session_id=session["id"], channel="email")
        ),
        timeout=15,
    )
    smtp.up()
    mails = smtp.wait_for(2, timeout=15)
    wait_until(
        lambda: all(
            d["status"] == "sent"
            for d in deliveries(platform, session_id=session["id"], kind="confirmation", channel="email")
        ),
        timeout=15,
    )
    assert len(mails) == 2 and len({m["Message-ID"] for m in smtp.messages}) == len(smtp.messages)


def test_smtp_down_for_good_marks_the_message_failed_and_says_so(platform, people, smtp):
    smtp.down()
    session, _ = book(platform, people)
    wait_until(
        lambda: len(deliveries(platform, session_id=session["id"], channel="email", status="failed")) == 2,
        timeout=20,
        message=lambda: (
            "emails not marked failed after 3 attempts: "
            + repr(
                [
                    (d["status"], d.get("attempts"), d.get("last_error", "")[:80])
                    for d in deliveries(platform, session_id=session["id"], channel="email")
                ]
            )
        ),
    )
    failed = deliveries(platform, session_id=session["id"], channel="email", status="failed")
    assert all(d["attempts"] == 3 and "SMTP" in d["last_error"] for d in failed)
    wait_until(
        lambda: len([f for f in failures if f["data"]["session_id"] == session["id"]]) == 2,
        timeout=10,
        message=lambda: (
            f"notification.failed received: {[f['data']['delivery_id'] for f in failures]}; "
            f"outboxes: {[(d.get('outbox_pending'), list(d.get('outbox') or {})) for d in failed]}"
        ),
    )
    assert smtp.count == 0


def test_rescheduling_moves_reminders_and_cancelling_stops_them(platform, people, smtp):
    session, slots = book(platform, people)
    scheduling, client = platform["scheduling"], people["client"]
    call(scheduling, "reschedule_session", session["id"], {"start": slots[4]["start"]}, token=client["token"])
    wait_until(lambda: deliveries(platform, session_id=session["id"], kind="rescheduled"), timeout=10)
    wait_until(
        lambda: len(deliveries(platform, session_id=session["id"], kind="reminder", status="cancelled")) > 0,
        timeout=10,
    )
    scheduled = deliveries(platform, session_id=session["id"], kind="reminder", status="scheduled")
    assert scheduled and all(
        d["session_start"].isoformat().startswith(slots[4]["start"][:10]) for d in scheduled
    )
    call(scheduling, "cancel_session", session["id"], {}, token=client["token"])
    wait_until(lambda: deliveries(platform, session_id=session["id"], kind="cancelled"), timeout=10)
    assert deliveries(platform, session_id=session["id"], kind="reminder", status="scheduled") == []
    make_due(platform, session["id"])
    call(platform["notifications"], "send_due")
    assert not [m for m in smtp.messages if "reminder:" in m["X-Njia-Delivery"]]


def test_a_booking_event_arriving_after_its_cancellation_plans_nothing(platform, people, settings, smtp):
    session, _ = book(platform, people)
    confirmed = lambda: [m for m in smtp.messages if m["X-Njia-Delivery"].startswith("confirmation:")]  # noqa: E731
    wait_until(lambda: len(confirmed()) == 2, timeout=10, message="the booking was not confirmed")
    call(platform["scheduling"], "cancel_session", session["id"], {}, token=people["client"]["token"])
    wait_until(lambda: deliveries(platform, session_id=session["id"], kind="cancelled"), timeout=10)
    # The booking's event once more, as a retry that failed the first time would bring it: late.
    booked = deliveries(platform, session_id=session["id"], kind="confirmation")[0]["facts"]
    times = {key: datetime.fromisoformat(booked[key]) for key in ("start", "end")}
    late = build(SESSION_BOOKED, {**booked, **times}, now())
    event_dispatcher(settings)("scheduling", SESSION_BOOKED, late)
    kept = store_of(platform["notifications"])
    wait_until(lambda: kept.event_seen(inbox_key("handle_session_booked", late["event_id"])), timeout=10)
    call(platform["notifications"], "send_due")

    assert kept.session(session["id"])["status"] in ("cancelled", "late_cancelled")
    assert deliveries(platform, session_id=session["id"], kind="reminder", status="scheduled") == []
    assert len(confirmed()) == 2  # the first booking's, to each person; none again


def test_turning_sms_off_stops_reminders_already_planned(platform, people, provider):
    session, _ = book(platform, people)
    provider.wait_for("/version1/messaging", 2, timeout=15)
    call(
        platform["notifications"],
        "set_preferences",
        {"channels": {"email": True, "sms": False, "in_app": True}, "reminder_offsets_minutes": [1440, 60]},
        token=people["client"]["token"],
    )
    make_due(platform, session["id"])
    wait_until(
        lambda: not deliveries(platform, session_id=session["id"], kind="reminder", status="scheduled"),
        timeout=15,
    )
    client_sms = deliveries(
        platform,
        session_id=session["id"],
        kind="reminder",
        channel="sms",
        recipient_id=people["client"]["id"],
    )
    assert {d["status"] for d in client_sms} == {"cancelled"}
    assert not [
        r
        for r in provider.requests("/version1/messaging")
        if (r.client_ref or "").startswith("reminder:") and r.form["to"] == "+254712345678"
    ]


def test_webhooks_are_signed_and_one_that_keeps_failing_is_turned_off_and_the_admin_told(
    platform, people, provider
):
    notifications, admin = platform["notifications"], people["admin"]["token"]
    secret = "a-webhook-secret-for-tests"
    hook = call(
        notifications,
        "add_webhook",
        {"url": f"{provider.url}/hooks/njia", "events": ["session.booked"], "secret": secret},
        token=admin,
    )
    session, _ = book(platform, people)
    received = provider.wait_for("/hooks/njia", 1, timeout=15)[0]
    expected = hmac.new(secret.encode(), received.body, hashlib.sha256).hexdigest()
    assert received.headers["X-Njia-Signature"] == f"sha256={expected}"
    assert received.json()["data"]["session_id"] == session["id"]
    provider.set_status("/hooks/njia", 500)
    book(platform, people, 3)
    book(platform, people, 6)
    wait_until(
        lambda: not call(notifications, "list_webhooks", token=admin)["items"][0]["active"], timeout=20
    )
    admin_inbox = call(notifications, "list_notifications", {}, token=admin)["items"]
    [notice] = [n for n in admin_inbox if n["kind"] == "webhook_disabled"]
    assert "after 2 failed deliveries in a row" in notice["text"]  # the admin's language: English
    assert hook["id"] == call(notifications, "list_webhooks", token=admin)["items"][0]["id"]


def test_an_sms_reply_hapana_cancels_the_clients_next_session(platform, people):
    session, _ = book(platform, people)
    wait_until(lambda: deliveries(platform, session_id=session["id"], kind="confirmation"), timeout=10)
    answer = call(
        platform["notifications"],
        "sms_inbound",
        {"from": "+254712345678", "text": "Hapana"},
        "inbound-secret",
    )
    assert answer == {"handled": True, "action": "cancel", "session_id": session["id"]}
    status = call(platform["scheduling"], "get_session", session["id"], token=people["client"]["token"])[
        "status"
    ]
    assert status in ("cancelled", "late_cancelled")
    [kept] = store_of(platform["notifications"]).sms_replies.find()
    assert (kept["outcome"], kept["answer"], kept["form"]["text"]) == ("handled", answer, "Hapana")
    from shared.errors import Unauthorized

    with pytest.raises(Unauthorized):
        call(platform["notifications"], "sms_inbound", {"from": "+254712345678", "text": "2"}, "wrong")


def test_an_sms_reply_whose_cancellation_scheduling_refuses_is_answered_and_its_outcome_kept(
    platform, people
):
    session, _ = book(platform, people)
    kept = store_of(platform["notifications"])
    wait_until(lambda: deliveries(platform, session_id=session["id"], kind="confirmation"), timeout=10)
    call(platform["scheduling"], "cancel_session", session["id"], {}, token=people["client"]["token"])
    wait_until(lambda: kept.session(session["id"])["status"] != "booked", timeout=10)
    # As if the reply came in before notifications heard of the cancellation: scheduling says 409.
    kept.sessions.update_one({"_id": session["id"]}, {"$set": {"status": "booked"}})

    reply = {"from": "+254712345678", "text": "2", "id": "ATXid_1", "to": "12345"}
    answer = call(platform["notifications"], "sms_inbound", reply, "inbound-secret")

    assert answer["handled"] is False and answer["reason"] == "conflict"
    assert (answer["action"], answer["session_id"]) == ("cancel", session["id"])
    [record] = kept.sms_replies.find()
    assert (record["_id"], record["outcome"], record["answer"]) == ("sms:ATXid_1", "refused", answer)
    # The gateway sending the same reply again gets the same answer; nothing is done twice.
    assert call(platform["notifications"], "sms_inbound", reply, "inbound-secret") == answer
    assert kept.sms_replies.count_documents({}) == 1


def test_only_ten_replies_a_minute_from_one_number_are_acted_on_and_the_rest_are_kept(platform, people):
    session, _ = book(platform, people)
    wait_until(lambda: deliveries(platform, session_id=session["id"], kind="confirmation"), timeout=10)
    notifications, kept = platform["notifications"], store_of(platform["notifications"])

    answers = [
        call(notifications, "sms_inbound", {"from": "+254712345678", "text": "1"}, "inbound-secret")
        for _ in range(12)
    ]

    assert answers[:10] == [{"handled": True, "action": "confirm", "session_id": session["id"]}] * 10
    assert answers[10:] == [{"handled": False, "reason": "too many replies"}] * 2
    outcomes = [r["outcome"] for r in kept.sms_replies.find({"form.from": "+254712345678"})]
    assert sorted(outcomes) == ["handled"] * 10 + ["refused"] * 2
    # Another number has its own count.
    other = call(notifications, "sms_inbound", {"from": "+447911123456", "text": "1"}, "inbound-secret")
    assert other == {"handled": False, "reason": "unknown sender"}  # a counselor's, not a client's


def test_a_client_who_switches_to_english_and_london_gets_their_next_reminder_that_way(
    platform, people, smtp
):
    session, _ = book(platform, people)
    confirmed = lambda: [m for m in smtp.messages if m["X-Njia-Delivery"].startswith("confirmation:")]  # noqa: E731
    wait_until(lambda: len(confirmed()) == 2, timeout=15, message="the booking was not confirmed")
    client = people["client"]
    # Planned in Swahili for Nairobi, as the client was when they booked.
    planned = deliveries(platform, session_id=session["id"], kind="reminder", recipient_id=client["id"])
    assert planned and {d["recipient"]["language"] for d in planned} == {"sw"}

    call(
        platform["accounts"],
        "update_me",
        {"language": "en", "timezone": "Europe/London"},
        token=client["token"],
    )
    kept = store_of(platform["notifications"])
    wait_until(lambda: kept.person(client["id"])["revision"] == 1, timeout=10, message="change not heard")
    assert (kept.person(client["id"])["language"], kept.person(client["id"])["timezone"]) == (
        "en",
        "Europe/London",
    )
    make_due(platform, session["id"])

    reminders = wait_until(
        lambda: [
            m
            for m in smtp.messages
            if m["X-Njia-Delivery"].startswith(f"reminder:{session['id']}") and m["To"] == client["email"]
        ],
        timeout=15,
        message="the client's reminder never arrived",
    )
    text = reminders[0].get_body(("plain",)).get_content()
    assert reminders[0]["Subject"].startswith("Reminder:")
    assert "GMT" in text or "BST" in text
