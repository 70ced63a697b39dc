"""The counselor's daily agenda: notifications beside accounts and scheduling in real containers, with
a real SMTP server on 127.0.0.1.

Deterministic whatever the hour the tests run at: the counselors live in a zone where it is late
morning now (an ``Etc/GMT`` zone picked from the current UTC time, never UTC itself), so the rest
of their local day is bookable (availability 08:00-18:00 every day, no minimum notice) and far
from midnight. The agenda hour is set through the container's config: 23 while the day's sessions
are booked, then (notifications restarted) the counselors' current hour, as the morning's agenda
hour comes after the bookings.
"""

import time
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from services.accounts.service import AccountsService
from services.notifications import messages
from services.notifications.agenda import Agendas, AgendaState
from services.notifications.service import NotificationsService
from services.scheduling.service import SchedulingService
from shared.links import session_page
from tests.support.builders import make_availability, make_branch, make_organization, make_user
from tests.support.containers import call, start_containers, store_of
from tests.support.smtp_sink import ReceivedEmail, SmtpSink
from tests.support.waiting import wait_until

SWEEP_SECONDS = 0.2
BEFORE_THE_HOUR = 23  # the counselors' local time is 11:00-12:59 while a test runs


def late_morning_zone(at: datetime) -> str:
    """A fixed-offset zone where it is 11:xx (12:xx when that offset would be UTC's own) at ``at``."""
    for target in (11, 12):
        offset = (target - at.hour + 12) % 24 - 12  # hours east of UTC, -12..+11
        if offset:
            break
    return f"Etc/GMT{-offset:+d}"  # POSIX signs: Etc/GMT-3 is three hours east of UTC


@pytest.fixture
def zone() -> ZoneInfo:
    return ZoneInfo(late_morning_zone(datetime.now(UTC)))


@pytest.fixture
def settings(config, smtp):
    return {
        **config,
        "NJIA_SMTP_PORT": str(smtp.port),
        "NJIA_REMINDER_SWEEP_SECONDS": str(SWEEP_SECONDS),
        "NJIA_DELIVERY_RETRY_SECONDS": "0.2",
        "NJIA_DELIVERY_MAX_ATTEMPTS": "3",
        "NJIA_DELIVERY_LEASE_SECONDS": "5",
        "NJIA_NO_SHOW_SWEEP_SECONDS": "3600",
    }


def start_platform(container_factory, settings, agenda_hour):
    config = {**settings, "NJIA_AGENDA_HOUR": str(agenda_hour)}
    return start_containers(
        container_factory, config, AccountsService, SchedulingService, NotificationsService
    )


def restart_notifications(platform, container_factory, settings, agenda_hour):
    """Notifications again, with another agenda hour (events meanwhile wait in its queues)."""
    platform["notifications"].stop()
    platform["notifications"] = container_factory(
        NotificationsService, {**settings, "NJIA_AGENDA_HOUR": str(agenda_hour)}
    )
    platform["notifications"].start()


def make_people(platform, zone: ZoneInfo) -> dict[str, Any]:
    """Two counselors in ``zone`` (Amina reads Swahili, Baraka English) free all day, three clients."""
    accounts = platform["accounts"]
    body = make_organization()
    call(accounts, "create_organization", body)
    admin = call(accounts, "issue_token", {"email": body["admin"]["email"], "password": "pass-word-1"})[
        "access_token"
    ]
    branch = call(accounts, "create_branch", make_branch(timezone="Africa/Nairobi"), token=admin)
    made: dict[str, Any] = {}
    for key, role, name, language in (
        ("amina", "counselor", "Amina Mwangi", "sw"),
        ("baraka", "counselor", "Baraka Otieno", "en"),
        ("wanjiru", "client", "Wanjiru Kamau", "sw"),
        ("kiprop", "client", "Kiprop Chebet", "en"),
        ("njeri", "client", "Njeri Wambui", "en"),
    ):
        extra = {"timezone": zone.key, "language": language} if role == "counselor" else {}
        user = make_user(role, branch["id"], name=name, **extra)
        made[key] = call(accounts, "create_user", user, token=admin)
        made[key]["token"] = call(
            accounts, "issue_token", {"email": user["email"], "password": "pass-word-1"}
        )["access_token"]
    for key in ("amina", "baraka"):
        call(
            platform["scheduling"],
            "set_availability",
            made[key]["id"],
            make_availability(timezone=zone.key, min_notice_minutes=0),
            token=made[key]["token"],
        )
    return made


def open_starts(platform, people, counselor: str, zone: ZoneInfo, day: date) -> list[datetime]:
    slots = call(
        platform["scheduling"],
        "open_slots",
        {"counselor_id": people[counselor]["id"]},
        token=people["njeri"]["token"],
    )["items"]
    starts = [datetime.fromisoformat(s["start"]).astimezone(zone) for s in slots]
    return [s for s in starts if s.date() == day]


def book(platform, people, client: str, counselor: str, start: datetime) -> dict[str, Any]:
    return call(
        platform["scheduling"],
        "book_session",
        {"counselor_id": people[counselor]["id"], "start": start.isoformat()},
        token=people[client]["token"],
    )


def agenda_emails(smtp: SmtpSink) -> list[ReceivedEmail]:
    return [m for m in smtp.messages if str(m["X-Njia-Delivery"]).startswith("agenda:")]


def agendas_in_app(platform, person: dict[str, Any]) -> list[dict[str, Any]]:
    inbox = call(platform["notifications"], "list_notifications", {}, token=person["token"])["items"]
    return [n for n in inbox if n["kind"] == "agenda"]


def agenda_deliveries(platform) -> list[dict[str, Any]]:
    return list(store_of(platform["notifications"]).deliveries.find({"kind": "agenda"}))


def agenda_state(container) -> AgendaState:
    """Which counselors a running container has looked at today (its Agendas provider's state)."""
    return next(ext for ext in container.extensions if isinstance(ext, Agendas)).state


def sweep_a_few_times(platform) -> None:
    """Several sweeps of this replica (its timers, and by hand), then of a replica in another
    process, which has not looked at anyone yet today."""
    time.sleep(5 * SWEEP_SECONDS)
    for _ in range(3):
        call(platform["notifications"], "plan_agendas")
        call(platform["notifications"], "send_due")
    # The look-once memo is per container: another process's replica plans again, by the same ids.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(agenda_state(platform["notifications"]), "looked_at", {})
        call(platform["notifications"], "plan_agendas")
        call(platform["notifications"], "send_due")
    time.sleep(5 * SWEEP_SECONDS)


def test_at_the_agenda_hour_a_counselor_gets_one_agenda_of_todays_sessions_in_their_zone_and_language(
    container_factory, settings, smtp, zone
):
    platform = start_platform(container_factory, settings, BEFORE_THE_HOUR)
    people = make_people(platform, zone)
    today = datetime.now(zone).date()
    tomorrow = today + timedelta(days=1)
    todays = open_starts(platform, people, "amina", zone, today)
    assert len(todays) >= 4, f"too few open slots left today in {zone.key}: {todays}"
    first = book(platform, people, "wanjiru", "amina", todays[1])
    second = book(platform, people, "kiprop", "amina", todays[3])
    not_today = book(
        platform, people, "njeri", "amina", open_starts(platform, people, "amina", zone, tomorrow)[0]
    )
    baraka_tomorrow = book(
        platform, people, "njeri", "baraka", open_starts(platform, people, "baraka", zone, tomorrow)[2]
    )
    booked = {s["id"] for s in (first, second, not_today, baraka_tomorrow)}
    notifications = store_of(platform["notifications"])
    wait_until(
        lambda: (
            {s["_id"] for s in notifications.sessions.find({})} == booked
            and all(notifications.person(people[key]["id"]) for key in ("amina", "baraka"))
        ),
        timeout=15,
        message="notifications did not learn of the counselors and their four bookings",
    )
    sweep_a_few_times(platform)
    assert agenda_deliveries(platform) == [], "an agenda before the agenda hour"

    # The agenda hour comes (the counselors' local hour now).
    restart_notifications(platform, container_factory, settings, datetime.now(zone).hour)
    wait_until(
        lambda: agenda_emails(smtp),
        timeout=15,
        message=lambda: f"no agenda email; agenda deliveries: {agenda_deliveries(platform)}",
    )
    sweep_a_few_times(platform)

    emails = agenda_emails(smtp)
    assert len(emails) == 1, [m["X-Njia-Delivery"] for m in emails]
    email = emails[0]
    assert email["To"] == people["amina"]["email"]
    assert email["X-Njia-Delivery"] == f"agenda:{people['amina']['id']}:{today.isoformat()}:email"
    assert email["Subject"] == f"Ratiba yako ya {messages.long_date(today, 'sw')}"  # Swahili, today
    text = email.get_body(("plain",)).get_content()
    in_app = agendas_in_app(platform, people["amina"])
    assert len(in_app) == 1 and in_app[0]["subject"] == email["Subject"]
    for body in (text, in_app[0]["text"]):
        assert "Habari za asubuhi Amina Mwangi" in body
        assert f"saa za {messages.zone_label(datetime.now(zone))}" in body
        lines = []
        for session, client in ((first, "Wanjiru Kamau"), (second, "Kiprop Chebet")):
            start = datetime.fromisoformat(session["start"]).astimezone(zone)
            end = datetime.fromisoformat(session["end"]).astimezone(zone)
            assert start.date() == today
            line = f"{start:%H:%M}{messages.DASH}{end:%H:%M}  ({messages.clock(start, 'sw')})  {client}"
            assert line in body, body
            # In the counselor's zone, not in UTC (the zone is never UTC's own offset).
            start, end = start.astimezone(UTC), end.astimezone(UTC)
            assert (
                f"{start:%H:%M}{messages.DASH}{end:%H:%M}  ({messages.clock(start, 'sw')})  {client}"
                not in body
            )
            lines.append(body.index(line))
            assert session_page(session["id"]) in body
        assert lines == sorted(lines), "the day's sessions in order"
        assert "Njeri Wambui" not in body and session_page(not_today["id"]) not in body

    # Baraka has a session tomorrow, none today: no agenda by any channel.
    assert agendas_in_app(platform, people["baraka"]) == []
    assert [d["recipient_id"] for d in agenda_deliveries(platform)] == [people["amina"]["id"]] * 2
    assert {d["status"] for d in agenda_deliveries(platform)} == {"sent"}


def test_a_first_session_booked_after_the_agenda_hour_for_later_today_brings_the_agenda(
    container_factory, settings, smtp, zone
):
    platform = start_platform(container_factory, settings, 0)
    people = make_people(platform, zone)
    today = datetime.now(zone).date()
    notifications = store_of(platform["notifications"])
    wait_until(lambda: notifications.person(people["amina"]["id"]), timeout=10)
    call(platform["notifications"], "plan_agendas")  # this morning's look: nothing booked yet
    session = book(
        platform, people, "wanjiru", "amina", open_starts(platform, people, "amina", zone, today)[1]
    )
    wait_until(lambda: notifications.session(session["id"]), timeout=15)
    emails = wait_until(
        lambda: agenda_emails(smtp),
        timeout=5,
        message=lambda: (
            f"no agenda for a session booked today; agenda deliveries: {agenda_deliveries(platform)}"
        ),
    )
    assert len(emails) == 1 and "Wanjiru Kamau" in emails[0].get_body(("plain",)).get_content()
