"""A deactivated person's sessions (#14): a counselor's wait for another counselor, a client's are
cancelled; admins reassign the waiting ones; a counselor's calendar feed URL is rotated. Scheduling
beside accounts in real containers; `user.deactivated` is published here as accounts publishes it."""

from datetime import datetime

import pytest
from nameko.standalone.events import event_dispatcher

from services.accounts.service import AccountsService
from services.scheduling.service import SchedulingService
from shared.errors import Conflict, Forbidden, NotFound, ValidationFailed
from shared.events.contracts import (
    AUDIT_RECORDED,
    SESSION_BOOKED,
    SESSION_CANCELLED,
    SESSION_REASSIGNED,
    SESSION_UNASSIGNED,
    USER_DEACTIVATED,
)
from shared.events.envelope import build
from shared.events.handling import inbox_key
from shared.mongo import now
from tests.support.builders import make_availability, make_branch, make_organization, make_user
from tests.support.containers import call, start_containers, store_of
from tests.support.recorders import event_recorder
from tests.support.waiting import wait_until

RecorderService, received = event_recorder(
    "scheduling",
    SESSION_BOOKED,
    SESSION_CANCELLED,
    SESSION_UNASSIGNED,
    SESSION_REASSIGNED,
    AUDIT_RECORDED,
    name="recorder",
)


@pytest.fixture(autouse=True)
def _clear():
    received.clear()


@pytest.fixture
def settings(config):
    return {**config, "NJIA_NO_SHOW_SWEEP_SECONDS": "3600"}


@pytest.fixture
def platform(container_factory, settings):
    return start_containers(container_factory, settings, AccountsService, SchedulingService, RecorderService)


def _token(accounts, email):
    return call(accounts, "issue_token", {"email": email, "password": "pass-word-1"})["access_token"]


def _person(platform, admin, role, branch_id, hours=True):
    accounts = platform["accounts"]
    body = make_user(role, branch_id)
    made = call(accounts, "create_user", body, token=admin)
    made["token"] = _token(accounts, body["email"])
    if hours:
        call(platform["scheduling"], "set_availability", made["id"], make_availability(), token=made["token"])
    return made


def _practice(platform):
    """An organization with two branches: in the first two counselors, a client and a branch admin;
    in the second a branch admin."""
    accounts = platform["accounts"]
    body = make_organization()
    org = call(accounts, "create_organization", body)
    admin = _token(accounts, body["admin"]["email"])
    branch = call(accounts, "create_branch", make_branch(), token=admin)
    other_branch = call(accounts, "create_branch", make_branch(), token=admin)
    return {
        "org_id": org["id"],
        "admin": admin,
        "admin_id": org["admin"]["id"],
        "branch": branch,
        "counselor": _person(platform, admin, "counselor", branch["id"]),
        "other_counselor": _person(platform, admin, "counselor", branch["id"]),
        "client": _person(platform, admin, "client", branch["id"], hours=False),
        "branch_admin": _person(platform, admin, "branch_admin", branch["id"], hours=False),
        "other_branch_admin": _person(platform, admin, "branch_admin", other_branch["id"], hours=False),
    }


@pytest.fixture
def practice(platform):
    return _practice(platform)


def book(platform, practice, index=0, counselor="counselor", client="client"):
    scheduling = platform["scheduling"]
    counselor_id = practice[counselor]["id"]
    token = practice[client]["token"]
    slots = call(scheduling, "open_slots", {"counselor_id": counselor_id}, token=token)["items"]
    body = {"counselor_id": counselor_id, "start": slots[index]["start"]}
    return call(scheduling, "book_session", body, token=token)


def deactivate(settings, platform, practice, who):
    person = practice[who]
    data = {
        "user_id": person["id"],
        "org_id": practice["org_id"],
        "branch_id": practice["branch"]["id"],
        "role": person["role"],
        "by": practice["admin_id"],
        "at": now(),
    }
    event = build(USER_DEACTIVATED, data, now())
    event_dispatcher(settings)("accounts", USER_DEACTIVATED, event)
    key = inbox_key("handle_user_deactivated", event["event_id"])
    wait_until(lambda: store_of(platform["scheduling"]).event_seen(key), timeout=10, message="not handled")
    return event


def events_of(event_type, session_id):
    """Each event once (one published and also relayed from the outbox may be recorded twice)."""
    found = {e["event_id"]: e for e in received if e["event_type"] == event_type}
    return [e for e in found.values() if e["data"]["session_id"] == session_id]


def waiting(platform, token):
    return call(platform["scheduling"], "list_sessions", {"needs_counselor": "true"}, token=token)["items"]


def test_a_deactivated_counselors_future_sessions_stay_booked_waiting_and_their_clients_are_told(
    platform, practice, settings
):
    first, second = book(platform, practice, 0), book(platform, practice, 1)
    deactivate(settings, platform, practice, "counselor")

    for session in (first, second):
        seen = call(platform["scheduling"], "get_session", session["id"], token=practice["admin"])
        assert seen["status"] == "booked" and seen["needs_counselor"] is True
        [told] = wait_until(lambda s=session: events_of(SESSION_UNASSIGNED, s["id"]), timeout=10)
        assert told["data"]["client"]["user_id"] == practice["client"]["id"]
        assert told["data"]["reason"] == "counselor_deactivated"
    listed = {s["id"] for s in waiting(platform, practice["admin"])}
    assert listed == {first["id"], second["id"]}
    assert {s["id"] for s in waiting(platform, practice["branch_admin"]["token"])} == listed
    assert waiting(platform, practice["other_branch_admin"]["token"]) == []
    with pytest.raises(Forbidden):
        waiting(platform, practice["other_counselor"]["token"])


def test_a_deactivated_clients_future_sessions_are_cancelled_and_the_counselor_told(
    platform, practice, settings
):
    session = book(platform, practice)
    deactivate(settings, platform, practice, "client")

    seen = call(platform["scheduling"], "get_session", session["id"], token=practice["admin"])
    assert seen["status"] == "cancelled" and seen["cancel_reason"] == "client account deactivated"
    [told] = wait_until(lambda: events_of(SESSION_CANCELLED, session["id"]), timeout=10)
    assert told["data"]["cause"] == "client_deactivated" and told["data"]["late"] is False
    # Its time is free again: another client books it.
    again = _person(platform, practice["admin"], "client", practice["branch"]["id"], hours=False)
    rebooked = call(
        platform["scheduling"],
        "book_session",
        {"counselor_id": practice["counselor"]["id"], "start": session["start"]},
        token=again["token"],
    )
    assert rebooked["status"] == "booked"


def test_an_admin_reassigns_a_waiting_session_to_a_free_counselor_and_both_hear_of_it(
    platform, practice, settings
):
    session = book(platform, practice)
    deactivate(settings, platform, practice, "counselor")
    new_counselor = practice["other_counselor"]

    moved = call(
        platform["scheduling"],
        "reassign_session",
        session["id"],
        {"counselor_id": new_counselor["id"]},
        token=practice["branch_admin"]["token"],
    )

    assert moved["counselor_id"] == new_counselor["id"] and moved["needs_counselor"] is False
    assert moved["start"] == session["start"] or datetime.fromisoformat(
        moved["start"]
    ) == datetime.fromisoformat(session["start"])
    assert waiting(platform, practice["admin"]) == []
    [told] = wait_until(lambda: events_of(SESSION_REASSIGNED, session["id"]), timeout=10)
    assert told["data"]["counselor"]["user_id"] == new_counselor["id"]
    assert told["data"]["previous_counselor"]["user_id"] == practice["counselor"]["id"]
    # The new counselor's calendar now holds it, as a newer version than the first booking's.
    ics = call(platform["scheduling"], "session_calendar", session["id"], token=new_counselor["token"])
    assert "SEQUENCE:2" in ics  # booked (0), waiting (1), reassigned (2)
    # The new counselor's time is taken: nobody else books them then.
    with pytest.raises(Conflict):
        call(
            platform["scheduling"],
            "book_session",
            {"counselor_id": new_counselor["id"], "start": session["start"]},
            token=_person(platform, practice["admin"], "client", practice["branch"]["id"], hours=False)[
                "token"
            ],
        )


def test_a_reassignment_is_refused_to_a_busy_counselor_a_client_a_counselor_and_outsiders(
    platform, practice, settings
):
    session = book(platform, practice)
    # The other counselor is busy at that very time with another client.
    other_client = _person(platform, practice["admin"], "client", practice["branch"]["id"], hours=False)
    call(
        platform["scheduling"],
        "book_session",
        {"counselor_id": practice["other_counselor"]["id"], "start": session["start"]},
        token=other_client["token"],
    )
    deactivate(settings, platform, practice, "counselor")
    body = {"counselor_id": practice["other_counselor"]["id"]}

    def reassign(token, asked=body):
        return call(platform["scheduling"], "reassign_session", session["id"], asked, token=token)

    with pytest.raises(Conflict) as busy:
        reassign(practice["admin"])
    assert busy.value.details["reason"] == "counselor_busy" and "counselor_id" in busy.value.details
    with pytest.raises(Forbidden):
        reassign(practice["client"]["token"])
    with pytest.raises(Forbidden):
        reassign(practice["other_counselor"]["token"])
    with pytest.raises(NotFound):  # a session of another branch is not among the branch admin's
        reassign(practice["other_branch_admin"]["token"])
    stranger = _practice(platform)
    with pytest.raises(NotFound):  # nor is another organization's
        reassign(stranger["admin"])
    with pytest.raises(ValidationFailed) as unknown:  # a counselor of another organization is unknown
        reassign(practice["admin"], {"counselor_id": stranger["counselor"]["id"]})
    assert "counselor_id" in unknown.value.details
    # Nothing changed: still waiting, with its first counselor.
    [still] = waiting(platform, practice["admin"])
    assert still["counselor_id"] == practice["counselor"]["id"]


def feed_token(url):
    return url.rsplit("/", 1)[1].removesuffix(".ics")


def test_rotating_a_calendar_feed_ends_the_old_url_at_once_and_the_new_one_works(platform, practice):
    scheduling, counselor = platform["scheduling"], practice["counselor"]
    book(platform, practice)
    old = call(scheduling, "calendar_feed_url", counselor["id"], token=counselor["token"])["url"]
    assert "BEGIN:VEVENT" in call(scheduling, "calendar_feed", feed_token(old))

    new = call(scheduling, "rotate_calendar_feed", counselor["id"], token=counselor["token"])["url"]

    assert new != old
    with pytest.raises(NotFound):
        call(scheduling, "calendar_feed", feed_token(old))
    assert "BEGIN:VEVENT" in call(scheduling, "calendar_feed", feed_token(new))
    assert call(scheduling, "calendar_feed_url", counselor["id"], token=counselor["token"])["url"] == new


def test_an_admin_ends_a_leaked_feed_url_without_being_given_the_new_one(platform, practice):
    scheduling, counselor = platform["scheduling"], practice["counselor"]
    old = call(scheduling, "calendar_feed_url", counselor["id"], token=counselor["token"])["url"]

    answer = call(
        scheduling, "rotate_calendar_feed", counselor["id"], token=practice["branch_admin"]["token"]
    )

    assert answer == {"url": None}
    with pytest.raises(NotFound):
        call(scheduling, "calendar_feed", feed_token(old))
    for outsider in ("other_branch_admin", "other_counselor", "client"):
        with pytest.raises(Forbidden):
            call(scheduling, "rotate_calendar_feed", counselor["id"], token=practice[outsider]["token"])


def test_reading_a_sessions_case_notes_is_recorded_in_the_audit_log(platform, practice):
    scheduling, counselor = platform["scheduling"], practice["counselor"]
    session = book(platform, practice)
    call(scheduling, "add_note", session["id"], {"text": "Talked about CVs."}, token=counselor["token"])

    notes = call(scheduling, "list_notes", session["id"], {}, token=practice["admin"])

    assert [n["text"] for n in notes["items"]] == ["Talked about CVs."]
    [entry] = wait_until(lambda: [e for e in received if e["event_type"] == AUDIT_RECORDED], timeout=10)
    assert entry["data"]["action"] == "case_notes.read"
    assert entry["data"]["subject_id"] == practice["client"]["id"]
    assert entry["data"]["actor_id"] == practice["admin_id"]
    assert entry["data"]["org_id"] == practice["org_id"]
