"""A client's finished assessment reaches their counselor: accounts, scheduling, assessments and
notifications in real containers, with a real SMTP server on 127.0.0.1."""

from datetime import datetime

import pytest
from nameko.standalone.events import event_dispatcher

from services.accounts.service import AccountsService
from services.assessments.inventories import RIASEC
from services.assessments.service import AssessmentsService
from services.notifications.service import NotificationsService
from services.scheduling.service import SchedulingService
from shared.events.contracts import ASSESSMENT_COMPLETED
from shared.events.envelope import build
from shared.events.handling import inbox_key
from shared.mongo import now
from tests.support.containers import call, open_practice, start_containers, store_of
from tests.support.recorders import event_recorder
from tests.support.waiting import wait_until

# Stands beside notifications: keeps each assessment.completed, to send it again.
RecorderService, completed = event_recorder("assessments", ASSESSMENT_COMPLETED, name="summary_recorder")


def answers_with(**sums):
    """RIASEC answers whose per-area sums are ``sums`` (each spread evenly over the area's items)."""
    answers = {}
    for area in RIASEC.area_keys:
        items = RIASEC.items_of(area)
        base, extra = divmod(sums[area], len(items))
        for n, item in enumerate(items):
            answers[item.id] = base + (1 if n < extra else 0)
    return answers


@pytest.fixture
def settings(config, smtp):
    return {
        **config,
        "NJIA_SMTP_PORT": str(smtp.port),
        "NJIA_REMINDER_SWEEP_SECONDS": "0.2",
        "NJIA_OCCUPATIONS_REFRESH_SECONDS": "0.1",
        "NJIA_NO_SHOW_SWEEP_SECONDS": "3600",
    }


@pytest.fixture
def platform(container_factory, settings):
    completed.clear()
    return start_containers(
        container_factory,
        settings,
        AccountsService,
        SchedulingService,
        AssessmentsService,
        NotificationsService,
        RecorderService,
    )


def summaries(smtp, user_id):
    return [
        m
        for m in smtp.messages
        if m["X-Njia-Delivery"].startswith("assessment_summary:") and user_id in m["X-Njia-Delivery"]
    ]


def summaries_in_app(platform, token):
    inbox = call(platform["notifications"], "list_notifications", {}, token=token)["items"]
    return [n for n in inbox if n["kind"] == "assessment_summary"]


def test_a_clients_counselor_gets_one_summary_of_a_finished_assessment_by_email_and_in_the_app(
    platform, settings, smtp
):
    practice = open_practice(platform)
    counselor_id, client_id = practice["counselor_id"], practice["client_id"]
    slot = call(
        platform["scheduling"], "open_slots", {"counselor_id": counselor_id}, token=practice["client"]
    )
    booking = {"counselor_id": counselor_id, "start": slot["items"][0]["start"]}
    call(platform["scheduling"], "book_session", booking, token=practice["client"])
    assessments = store_of(platform["assessments"])
    wait_until(lambda: assessments.counsels(counselor_id, client_id), message="session.booked not kept")

    answers = answers_with(R=14, I=22, A=12, S=38, E=20, C=18)  # code SIE
    call(platform["assessments"], "submit_response", "riasec", {"answers": answers}, token=practice["client"])
    event = wait_until(lambda: completed and completed[0], message="no assessment.completed")["data"]
    result_id = event["result_id"]
    email = wait_until(lambda: summaries(smtp, counselor_id), timeout=15, message="no summary email")[0]

    assert email["X-Njia-Delivery"] == f"assessment_summary:{result_id}:{counselor_id}:email"
    assert email["Subject"] == f"{event['client']['name']} completed {event['title']}"
    text = email.get_body(("plain",)).get_content()
    assert f"has completed {event['title']}. Their code is SIE." in text
    assert f"/results/{result_id}" in text
    assert all(match["title"] in text for match in event["top_matches"])
    in_app = summaries_in_app(platform, practice["counselor"])
    assert len(in_app) == 1 and in_app[0]["subject"] == email["Subject"]

    # The same result told again (a second publication, a new event id): nothing new goes out.
    again = build(
        ASSESSMENT_COMPLETED, {**event, "completed_at": datetime.fromisoformat(event["completed_at"])}, now()
    )
    event_dispatcher(settings)("assessments", ASSESSMENT_COMPLETED, again)
    kept = store_of(platform["notifications"])
    wait_until(
        lambda: kept.event_seen(inbox_key("handle_assessment_completed", again["event_id"])), timeout=10
    )
    call(platform["notifications"], "send_due")

    assert len(summaries(smtp, counselor_id)) == 1
    assert len(summaries_in_app(platform, practice["counselor"])) == 1
    assert summaries(smtp, client_id) == [] and summaries_in_app(platform, practice["client"]) == []
    planned = list(kept.deliveries.find({"kind": "assessment_summary"}))
    assert sorted(d["_id"] for d in planned) == [
        f"assessment_summary:{result_id}:{counselor_id}:email",
        f"assessment_summary:{result_id}:{counselor_id}:in_app",
    ]
    assert {d["status"] for d in planned} == {"sent"}
