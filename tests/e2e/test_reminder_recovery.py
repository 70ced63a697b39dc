"""Reminders across a crash in the middle of sending, and across a time every notifications replica was down.

1. A replica is killed with SIGKILL while reminders are on the wire (the SMTP server holds its answer, the
   SMS gateway answers late) and started again: each reminder is sent, and a message is sent twice only
   if the server had accepted it before the crash (Njia cannot know that; the copy carries the same
   Message-ID or clientRef).
2. Every replica is stopped before two reminders fall due and one is started after the first session has
   begun: the reminder of that session is recorded `skipped` and never arrives; the reminder of the next
   session, which has not begun, is sent late.

Both wait for the clock, so they share one: the arrangement books every session for the same 5-minute mark,
each scenario on a platform of its own, and the module waits for that mark once (3 to 8 minutes in all,
nearly all of it waiting).
"""

import signal
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.support.builders import make_availability, make_branch, make_organization, make_user
from tests.support.http_provider import SMS_PATH, HttpProvider, RecordedRequest
from tests.support.platform import Api, Platform
from tests.support.smtp_sink import ReceivedEmail, SmtpSink
from tests.support.waiting import wait_until

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]
NAIROBI = ZoneInfo("Africa/Nairobi")
# Arranging both scenarios (bookings, confirmations, stopping replicas) must end before the first
# reminder falls due, one minute before the shared start.
LEAD = timedelta(minutes=1, seconds=40)
SESSION = timedelta(minutes=15)
LEASE_SECONDS = 5  # a killed replica's claim on a message lapses this soon
PHONES = {"counselor": "+254711000111", "client": "+254722000222"}


@dataclass
class Practice:
    """One organization on a platform of its own: a counselor, a client, and the servers that their
    email and text messages reach."""

    platform: Platform
    smtp: SmtpSink
    sms: HttpProvider
    counselor: dict[str, Any]
    counselor_api: Api
    client: dict[str, Any]
    client_api: Api

    def reminders(self, session_id: str) -> list[dict[str, Any]]:
        """What the counselor sees: GET /api/v1/sessions/{id}/reminders."""
        response = self.counselor_api.get(f"/api/v1/sessions/{session_id}/reminders")
        assert response.status_code == 200, response.text
        items: list[dict[str, Any]] = response.json()["items"]
        return items

    def mails(self, session_id: str, kind: str = "reminder") -> list[ReceivedEmail]:
        return [m for m in self.smtp.messages if m["X-Njia-Delivery"].startswith(f"{kind}:{session_id}:")]

    def texts(self, session_id: str, kind: str = "reminder") -> list[RecordedRequest]:
        return [
            r for r in self.sms.requests(SMS_PATH) if (r.client_ref or "").startswith(f"{kind}:{session_id}:")
        ]

    def wait_confirmed(self, session_id: str) -> None:
        """Both people have the booking's confirmation by email and SMS."""
        wait_until(
            lambda: (
                len(self.mails(session_id, "confirmation"))
                == len(self.texts(session_id, "confirmation"))
                == 2
            ),
            timeout=30,
            message=f"confirmations of {session_id} did not arrive",
        )

    def inbox_reminders(self, api: Api, session_id: str) -> list[dict[str, Any]]:
        response = api.get("/api/v1/notifications", params={"limit": 100})
        assert response.status_code == 200, response.text
        return [
            n for n in response.json()["items"] if n["kind"] == "reminder" and n["session_id"] == session_id
        ]

    def book(self, starts: list[datetime]) -> list[str]:
        """The counselor opens exactly these 15-minute sessions (no notice needed); the client books them."""
        window = {
            "date": starts[0].date().isoformat(),
            "available": True,
            "start": starts[0].strftime("%H:%M"),
            "end": (starts[-1] + SESSION).strftime("%H:%M"),
        }
        availability = make_availability(
            weekly=[], exceptions=[window], session_minutes=15, buffer_minutes=0, min_notice_minutes=0
        )
        opened = self.counselor_api.put(
            f"/api/v1/counselors/{self.counselor['id']}/availability", availability
        )
        assert opened.status_code == 200, opened.text
        ids = []
        for start in starts:
            booked = self.client_api.post(
                "/api/v1/sessions", {"counselor_id": self.counselor["id"], "start": start.isoformat()}
            )
            assert booked.status_code == 201, booked.text
            ids.append(booked.json()["id"])
        return ids


def sign_in(platform: Platform, email: str) -> Api:
    response = Api(platform).post("/api/v1/auth/token", {"email": email, "password": "pass-word-1"})
    assert response.status_code == 200, response.text
    return Api(platform, response.json()["access_token"])


def open_practice(platform: Platform, smtp: SmtpSink, sms: HttpProvider, offsets: list[int]) -> Practice:
    """An organization whose counselor and client take reminders by email, SMS and in-app at ``offsets``."""
    body = make_organization()
    assert Api(platform).post("/api/v1/organizations", body).status_code == 201
    admin = sign_in(platform, body["admin"]["email"])
    branch = admin.post("/api/v1/branches", make_branch(timezone="Africa/Nairobi")).json()
    people = {}
    for role, phone in PHONES.items():
        user = make_user(role, branch["id"], phone=phone)
        created = admin.post("/api/v1/users", user)
        assert created.status_code == 201, created.text
        api = sign_in(platform, user["email"])
        prefs = api.put(
            "/api/v1/me/notification-preferences",
            {"channels": {"email": True, "sms": True, "in_app": True}, "reminder_offsets_minutes": offsets},
        )
        assert prefs.status_code == 200, prefs.text
        people[role] = (created.json(), api)
    return Practice(platform, smtp, sms, *people["counselor"], *people["client"])


def next_start(minimum_lead: timedelta) -> datetime:
    """The first 5-minute mark (Nairobi time) at least ``minimum_lead`` from now."""
    soon = datetime.now(NAIROBI) + minimum_lead
    return soon.replace(second=0, microsecond=0) + timedelta(minutes=(5 - soon.minute % 5) % 5 or 5)


def at(moment: str) -> datetime:
    return datetime.fromisoformat(moment)


@dataclass
class Arrangement:
    start: datetime  # when the crash scenario's session and the downtime scenario's first session begin
    crash: Practice
    crash_session: str  # reminders 1 minute before start
    downtime: Practice  # every notifications replica stopped, none running
    started: str  # begins at start while the replicas are down; reminders 1 minute before
    upcoming: str  # begins 15 minutes later; reminders at start (15 minutes before) and 1 minute before


@pytest.fixture(scope="module")
def arrangement() -> Iterator[Arrangement]:
    with ExitStack() as stack:
        # One SMTP server for both (under eventlet a second asyncio loop cannot run in the same OS thread):
        # mail is told apart by its delivery id; the downtime platform sends none while crash mail is held.
        smtp = stack.enter_context(SmtpSink())
        servers = [(smtp, stack.enter_context(HttpProvider())) for _ in range(2)]
        platforms = [
            Platform(
                replicas={"notifications": replicas},
                env={
                    "NJIA_SMTP_PORT": str(smtp.port),
                    **sms.sms_settings(),
                    "NJIA_REMINDER_SWEEP_SECONDS": "1",
                    "NJIA_DELIVERY_LEASE_SECONDS": str(LEASE_SECONDS),
                },
            )
            for replicas, (_, sms) in zip((1, 2), servers, strict=True)
        ]
        for platform in platforms:
            stack.callback(platform.stop)
        with ThreadPoolExecutor(len(platforms)) as pool:
            list(pool.map(Platform.start, platforms))
        crash = open_practice(platforms[0], *servers[0], offsets=[1])
        downtime = open_practice(platforms[1], *servers[1], offsets=[15, 1])

        start = next_start(LEAD)
        if start.date() != (start + 2 * SESSION).date():
            pytest.skip("the sessions would cross local midnight; any other time of day runs them")
        [crash_session] = crash.book([start])
        started, upcoming = downtime.book([start, start + SESSION])
        # Two people x three channels per offset still ahead (the 15-minute one of `started` is past).
        for practice, session_id, count in (
            (crash, crash_session, 6),
            (downtime, started, 6),
            (downtime, upcoming, 12),
        ):
            wait_until(
                lambda: len(practice.reminders(session_id)) == count,  # noqa: B023 - called at once
                timeout=30,
                message=f"reminders of {session_id} not planned",
            )
        # Both sessions confirmed to both people, so the replicas stop with nothing but reminders left.
        downtime.wait_confirmed(started)
        downtime.wait_confirmed(upcoming)
        # Stopped now, not in its test: the first reminder falls due while the crash scenario runs.
        for replica in (1, 2):
            downtime.platform.kill("notifications", replica, signal.SIGTERM)
        first_due = start - timedelta(minutes=1)
        assert datetime.now(NAIROBI) < first_due - timedelta(seconds=10), "arranging took longer than LEAD"
        yield Arrangement(start, crash, crash_session, downtime, started, upcoming)


def test_a_replica_killed_while_sending_reminders_is_restarted_and_each_reminder_is_sent_once(arrangement):
    crash, session_id = arrangement.crash, arrangement.crash_session
    counselor, client = crash.counselor, crash.client
    due = arrangement.start - timedelta(minutes=1)
    crash.wait_confirmed(session_id)
    assert datetime.now(NAIROBI) < due - timedelta(seconds=5), "too late to hold the reminders"
    # The SMTP server receives each reminder and keeps its answer back. Killed then, Njia never learns
    # the outcome: the server had queued the client's message already (RFC 1047), not the counselor's.
    crash.smtp.hold(keep_if_dropped=lambda message: client["email"] in message.envelope_rcpt)
    # The SMS gateway takes both texts and answers only after the kill.
    crash.sms.delay_next(2, seconds=10, path_prefix=SMS_PATH)

    wait_until(
        lambda: len(crash.smtp.held) == 2 and len(crash.texts(session_id)) == 2,
        timeout=(due - datetime.now(NAIROBI)).total_seconds() + 60,
        interval=0.05,
        message=lambda: (
            f"reminders not in flight: {len(crash.smtp.held)} email(s) held,"
            f" {len(crash.texts(session_id))} text(s) taken"
        ),
    )
    crash.platform.kill("notifications", 1, signal.SIGKILL)
    wait_until(lambda: not crash.smtp.held, timeout=10, message="the SMTP server still holds a connection")
    assert [m.envelope_rcpt for m in crash.smtp.dropped] == [(counselor["email"],)]
    crash.smtp.release()
    crash.platform.start_service("notifications", 1)
    crash.platform.wait_ready()

    wait_until(
        lambda: {r["status"] for r in crash.reminders(session_id)} == {"sent"},
        timeout=60,
        message=lambda: f"reminders after the restart: {crash.reminders(session_id)}",
    )
    reminders = crash.reminders(session_id)
    assert Counter((r["recipient_id"], r["offset_minutes"], r["channel"]) for r in reminders) == Counter(
        {
            (person["id"], 1, channel): 1
            for person in (counselor, client)
            for channel in ("email", "sms", "in_app")
        }
    )
    # Every email and text was mid-send when its replica died: each says it may have arrived twice.
    resent = [r for r in reminders if r["channel"] in ("email", "sms")]
    assert all(r["possible_duplicate"] and r["attempts"] == 2 for r in resent), resent
    mails = crash.mails(session_id)
    # The counselor's was lost on the wire when the replica died: sent again, it arrives once.
    assert [m.envelope_rcpt for m in mails].count((counselor["email"],)) == 1
    # The client's had reached the server: sent again, the copy is the same message, same Message-ID.
    copies = [m for m in mails if m.envelope_rcpt == (client["email"],)]
    assert 1 <= len(copies) <= 2 and len({m["Message-ID"] for m in copies}) == 1
    assert len({m["Message-ID"] for m in mails}) == 2
    # Both texts had reached the gateway: at most one copy of each, under the same clientRef.
    texts = crash.texts(session_id)
    per_number = Counter(r.form["to"] for r in texts)
    assert set(per_number) == set(PHONES.values()) and max(per_number.values()) <= 2
    assert len({r.client_ref for r in texts}) == 2
    # In-app reminders are one each, however often they were written.
    for api in (crash.counselor_api, crash.client_api):
        assert len(crash.inbox_reminders(api, session_id)) == 1


def test_reminders_due_while_every_replica_was_down_are_sent_late_or_skipped_once_one_is_back(arrangement):
    downtime, start = arrangement.downtime, arrangement.start
    started, upcoming = arrangement.started, arrangement.upcoming
    wait_until(
        lambda: datetime.now(NAIROBI) >= start + timedelta(seconds=2),
        timeout=(start - datetime.now(NAIROBI)).total_seconds() + 30,
        interval=0.5,
    )
    # Nothing went out while every replica was down (and GET .../reminders has nobody to answer it).
    assert downtime.mails(started) == downtime.mails(upcoming) == []
    assert downtime.texts(started) == downtime.texts(upcoming) == []
    back = datetime.now(UTC)

    downtime.platform.start_service("notifications", 1)
    downtime.platform.wait_ready()

    def settled() -> bool:
        return {r["status"] for r in downtime.reminders(started)} == {"skipped"} and {
            r["status"] for r in downtime.reminders(upcoming) if r["offset_minutes"] == 15
        } == {"sent"}

    wait_until(
        settled,
        timeout=60,
        message=lambda: f"after the restart: {downtime.reminders(started) + downtime.reminders(upcoming)}",
    )
    # The session that began while the service was down: recorded skipped, nothing sent.
    skipped = downtime.reminders(started)
    assert len(skipped) == 6 and all(at(r["due_at"]) < back and r["sent_at"] is None for r in skipped)
    assert downtime.mails(started) == [] and downtime.texts(started) == []
    # The session that has not begun: its 15-minute reminder is sent late, once per person and channel;
    # the 1-minute one is not due yet.
    upcoming_rows = downtime.reminders(upcoming)
    assert Counter((r["offset_minutes"], r["status"]) for r in upcoming_rows) == Counter(
        {(15, "sent"): 6, (1, "scheduled"): 6}
    )
    mails = downtime.mails(upcoming)
    assert sorted(m["To"].addresses[0].addr_spec for m in mails) == sorted(
        [downtime.counselor["email"], downtime.client["email"]]
    )
    assert Counter(r.form["to"] for r in downtime.texts(upcoming)) == Counter(PHONES.values())
    assert all(back <= at(r["sent_at"]) < start + SESSION for r in upcoming_rows if r["offset_minutes"] == 15)
    assert all(back.timestamp() <= m.received_at for m in mails)
    for api in (downtime.counselor_api, downtime.client_api):
        assert len(downtime.inbox_reminders(api, upcoming)) == 1
        assert downtime.inbox_reminders(api, started) == []
