"""Attendance (#15) in real containers: who joined a session, a counselor who never joined a video
session (recorded and told once, however many sweeps), sessions the sweep leaves to staff."""

from datetime import timedelta

import pytest

from services.accounts.service import AccountsService
from services.scheduling.service import SchedulingService
from shared.events.contracts import SESSION_COUNSELOR_NO_SHOW, SESSION_NO_SHOW
from shared.events.envelope import validate_envelope
from shared.mongo import now
from tests.support.containers import call, open_practice, start_containers, store_of
from tests.support.recorders import event_recorder
from tests.support.waiting import wait_until

RecorderService, received = event_recorder(
    "scheduling", SESSION_NO_SHOW, SESSION_COUNSELOR_NO_SHOW, name="attendance_recorder"
)


@pytest.fixture(autouse=True)
def _clear():
    received.clear()


@pytest.fixture
def practice(container_factory, config):
    config = {**config, "NJIA_NO_SHOW_SWEEP_SECONDS": "3600"}
    containers = start_containers(
        container_factory, config, AccountsService, SchedulingService, RecorderService
    )
    return containers, open_practice(containers)


def book(containers, made, index, **extra):
    scheduling = containers["scheduling"]
    query = {"counselor_id": made["counselor_id"], **extra}
    start = call(scheduling, "open_slots", query, token=made["client"])["items"][index]["start"]
    body = {"counselor_id": made["counselor_id"], "start": start, **extra}
    return call(scheduling, "book_session", body, token=made["client"])


def started_ago(containers, session_id, minutes):
    """Put a booked session in the past, as if booked long ago (tests only), once its event is sent:
    FerretDB writes a whole document back, so the relay clearing its outbox could undo this."""
    sessions = store_of(containers["scheduling"]).sessions
    wait_until(lambda: not sessions.find_one({"_id": session_id})["outbox"], message="booking not relayed")
    start = now() - timedelta(minutes=minutes)
    sessions.update_one({"_id": session_id}, {"$set": {"start": start, "end": start + timedelta(minutes=45)}})


def of_kind(kind):
    return list({e["event_id"]: e for e in received if e["event_type"] == kind}.values())


def test_a_counselor_who_never_joined_a_video_session_is_recorded_and_told_once(practice):
    containers, made = practice
    scheduling = containers["scheduling"]
    missed = book(containers, made, 0)
    attended = book(containers, made, 2)
    started_ago(containers, missed["id"], 20)
    started_ago(containers, attended["id"], 30)
    store = store_of(scheduling)
    store.record_join(attended["id"], made["counselor_id"], "counselor", now() - timedelta(minutes=29))
    store.record_join(attended["id"], made["client_id"], "client", now() - timedelta(minutes=28))

    call(scheduling, "mark_no_shows")
    call(scheduling, "mark_no_shows")  # a second sweep (or the other replica's) tells nobody again

    seen = call(scheduling, "get_session", missed["id"], token=made["admin"])
    assert seen["counselor_no_show"] is True and seen["status"] == "no_show"
    assert seen["attendance"] == {"client_joined_at": None, "counselor_joined_at": None}
    both = call(scheduling, "get_session", attended["id"], token=made["admin"])
    assert both["counselor_no_show"] is False and both["status"] == "booked"
    assert both["attendance"]["client_joined_at"] and both["attendance"]["counselor_joined_at"]
    wait_until(lambda: of_kind(SESSION_COUNSELOR_NO_SHOW), message="no session.counselor_no_show event")
    told = of_kind(SESSION_COUNSELOR_NO_SHOW)
    assert [e["data"]["session_id"] for e in told] == [missed["id"]]
    validate_envelope(told[0])
    assert told[0]["data"]["modality"] == "video"


def test_the_sweep_leaves_in_person_sessions_to_staff(practice):
    containers, made = practice
    scheduling = containers["scheduling"]
    store = store_of(scheduling)
    session = book(containers, made, 0)
    started_ago(containers, session["id"], 60)
    store.sessions.update_one({"_id": session["id"]}, {"$set": {"modality": "in_person", "room": None}})

    call(scheduling, "mark_no_shows")

    kept = call(scheduling, "get_session", session["id"], token=made["admin"])
    assert kept["status"] == "booked" and kept["counselor_no_show"] is False
    done = call(scheduling, "complete_session", session["id"], {"no_show": True}, token=made["counselor"])
    assert done["status"] == "no_show"
