"""Reminders in real time with two notifications replicas, one killed with SIGKILL on the way.

A session starting a few minutes from now, reminder offsets of 2 and 1 minutes for both people:
each reminder arrives exactly once by email and by SMS, on time, although a replica dies between
the two offsets. Slow by nature (it waits for the clock), so marked `slow`; it still runs in CI.
"""

import signal
from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.support.builders import make_availability, make_branch, make_organization, make_user
from tests.support.http_provider import HttpProvider
from tests.support.platform import Api, Platform
from tests.support.smtp_sink import SmtpSink
from tests.support.waiting import wait_until

# It waits for the clock: up to about seven minutes until the next 5-minute mark's reminders.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]
NAIROBI = ZoneInfo("Africa/Nairobi")


@pytest.fixture(scope="module")
def servers():
    with SmtpSink() as smtp, HttpProvider() as sms:
        yield smtp, sms


@pytest.fixture(scope="module")
def platform(servers):
    smtp, sms = servers
    running = Platform(
        replicas={"notifications": 2},
        env={
            "NJIA_SMTP_PORT": str(smtp.port),
            **sms.sms_settings(),
            "NJIA_REMINDER_SWEEP_SECONDS": "1",
            "NJIA_DELIVERY_LEASE_SECONDS": "10",
        },
    ).start()
    yield running
    running.stop()


def sign_in(platform, email, password="pass-word-1"):
    token = (
        Api(platform)
        .post("/api/v1/auth/token", {"email": email, "password": password})
        .json()["access_token"]
    )
    return Api(platform, token)


def next_start(minimum_lead: timedelta) -> datetime:
    """The first 5-minute mark (Nairobi time) at least ``minimum_lead`` from now."""
    soon = datetime.now(NAIROBI) + minimum_lead
    return soon.replace(second=0, microsecond=0) + timedelta(minutes=(5 - soon.minute % 5) % 5 or 5)


def test_reminders_at_two_and_one_minute_arrive_once_each_though_a_replica_is_killed(platform, servers):
    smtp, sms = servers
    start = next_start(timedelta(minutes=2, seconds=40))
    if start.date() != (start + timedelta(minutes=15)).date():
        pytest.skip("the session would cross local midnight; any other time of day runs it")
    body = make_organization()
    Api(platform).post("/api/v1/organizations", body)
    admin = sign_in(platform, body["admin"]["email"])
    branch = admin.post("/api/v1/branches", make_branch(timezone="Africa/Nairobi")).json()
    people = {}
    for role, phone in (("counselor", "+254711000111"), ("client", "+254722000222")):
        user = make_user(role, branch["id"], phone=phone)
        created = admin.post("/api/v1/users", user).json()
        people[role] = (created, sign_in(platform, user["email"]))
        prefs = people[role][1].put(
            "/api/v1/me/notification-preferences",
            {"channels": {"email": True, "sms": True, "in_app": True}, "reminder_offsets_minutes": [2, 1]},
        )
        assert prefs.status_code == 200, prefs.text
    window = {
        "date": start.date().isoformat(),
        "available": True,
        "start": start.strftime("%H:%M"),
        "end": (start + timedelta(minutes=15)).strftime("%H:%M"),
    }
    counselor, counselor_api = people["counselor"]
    assert (
        counselor_api.put(
            f"/api/v1/counselors/{counselor['id']}/availability",
            make_availability(
                exceptions=[window], session_minutes=15, buffer_minutes=0, min_notice_minutes=0
            ),
        ).status_code
        == 200
    )
    _, client_api = people["client"]
    booked = client_api.post(
        "/api/v1/sessions", {"counselor_id": counselor["id"], "start": start.isoformat()}
    )
    assert booked.status_code == 201, booked.text
    session_id = booked.json()["id"]

    def reminder_mails(offset):
        return [
            m
            for m in smtp.messages
            if m["X-Njia-Delivery"].startswith(f"reminder:{session_id}:")
            and f":{offset}:email" in m["X-Njia-Delivery"]
        ]

    def reminder_sms(offset):
        return [
            r
            for r in sms.requests("/version1/messaging")
            if (r.client_ref or "").startswith(f"reminder:{session_id}:") and f":{offset}:sms" in r.client_ref
        ]

    # The 2-minute reminders, then one replica dies.
    two_minutes_before = start - timedelta(minutes=2)
    wait_until(
        lambda: len(reminder_mails(2)) >= 2 and len(reminder_sms(2)) >= 2,
        timeout=(two_minutes_before - datetime.now(NAIROBI)).total_seconds() + 60,
        interval=0.5,
        message="2-minute reminders did not arrive",
    )
    platform.kill("notifications", 1, signal.SIGKILL)
    one_minute_before = start - timedelta(minutes=1)
    wait_until(
        lambda: len(reminder_mails(1)) >= 2 and len(reminder_sms(1)) >= 2,
        timeout=(one_minute_before - datetime.now(NAIROBI)).total_seconds() + 60,
        interval=0.5,
        message="1-minute reminders did not arrive after a replica was killed",
    )
    wait_until(
        lambda: datetime.now(NAIROBI) > one_minute_before + timedelta(seconds=5), timeout=120, interval=0.5
    )

    for offset in (2, 1):
        mails, texts = reminder_mails(offset), reminder_sms(offset)
        assert sorted(m["To"] for m in mails) == sorted(u["email"] for u, _ in people.values())
        assert Counter(r.form["to"] for r in texts) == Counter({"+254711000111": 1, "+254722000222": 1})
        due = start - timedelta(minutes=offset)
        assert all(0 <= m.received_at - due.timestamp() < 30 for m in mails), "a reminder came late"
    statuses = {
        (r["offset_minutes"], r["channel"]): r["status"]
        for r in counselor_api.get(f"/api/v1/sessions/{session_id}/reminders").json()["items"]
    }
    assert set(statuses.values()) == {"sent"}
