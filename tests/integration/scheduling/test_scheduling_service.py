"""The scheduling service in real containers beside accounts: events, no-shows, join links."""

from datetime import timedelta

import pytest

from services.accounts.service import AccountsService
from services.scheduling import meetings
from services.scheduling.service import SchedulingService
from shared.events.contracts import (
    SESSION_BOOKED,
    SESSION_CANCELLED,
    SESSION_COMPLETED,
    SESSION_NO_SHOW,
    SESSION_RESCHEDULED,
)
from shared.events.envelope import validate_envelope
from shared.links import session_page
from shared.mongo import now
from tests.support.builders import make_availability, make_branch, make_organization, make_user
from tests.support.containers import call, start_containers, store_of
from tests.support.recorders import event_recorder
from tests.support.waiting import wait_until

# Stands where notifications will: records every session event it is sent.
RecorderService, received = event_recorder(
    "scheduling",
    SESSION_BOOKED,
    SESSION_RESCHEDULED,
    SESSION_CANCELLED,
    SESSION_COMPLETED,
    SESSION_NO_SHOW,
    name="recorder",
)


JITSI = {
    "NJIA_JITSI_APP_ID": "njia-test-app",
    "NJIA_JITSI_APP_SECRET": "a-jitsi-secret-of-at-least-32-bytes!!",
}


@pytest.fixture(autouse=True)
def _clear():
    received.clear()


@pytest.fixture
def platform(container_factory, config):
    config = {**config, **JITSI, "NJIA_NO_SHOW_SWEEP_SECONDS": "3600"}
    return start_containers(container_factory, config, AccountsService, SchedulingService, RecorderService)


@pytest.fixture
def people(platform):
    accounts = platform["accounts"]
    body = make_organization()
    call(accounts, "create_organization", body)
    admin = call(accounts, "issue_token", {"email": body["admin"]["email"], "password": "pass-word-1"})[
        "access_token"
    ]
    branch = call(accounts, "create_branch", make_branch(), token=admin)
    tokens = {"admin": admin}
    ids = {}
    for role in ("counselor", "client"):
        user = make_user(role, branch["id"])
        ids[role] = call(accounts, "create_user", user, token=admin)["id"]
        tokens[role] = call(accounts, "issue_token", {"email": user["email"], "password": "pass-word-1"})[
            "access_token"
        ]
    call(
        platform["scheduling"],
        "set_availability",
        ids["counselor"],
        make_availability(),
        token=tokens["counselor"],
    )
    return {"tokens": tokens, "ids": ids, "branch": branch}


def book(platform, people, index=0):
    scheduling = platform["scheduling"]
    slots = call(
        scheduling,
        "open_slots",
        {"counselor_id": people["ids"]["counselor"]},
        token=people["tokens"]["client"],
    )
    start = slots["items"][index]["start"]
    session = call(
        scheduling,
        "book_session",
        {"counselor_id": people["ids"]["counselor"], "start": start},
        token=people["tokens"]["client"],
    )
    return session, slots["items"]


def move_session(platform, session_id, starts_in: timedelta, minutes=45):
    """Put a booked session at another time, as if booked long ago (tests only). Once its booking is
    relayed: FerretDB writes a whole document back, so clearing its outbox could undo the move."""
    sessions = store_of(platform["scheduling"]).sessions
    wait_until(
        lambda: not sessions.find_one({"_id": session_id}).get("outbox"), message="booking not relayed"
    )
    start = now() + starts_in
    sessions.update_one(
        {"_id": session_id}, {"$set": {"start": start, "end": start + timedelta(minutes=minutes)}}
    )


def events_of(kind):
    return [e for e in received if e["event_type"] == kind]


def test_every_change_publishes_its_event_once_matching_its_contract(platform, people):
    scheduling, tokens = platform["scheduling"], people["tokens"]
    session, slots = book(platform, people)
    call(
        scheduling, "reschedule_session", session["id"], {"start": slots[3]["start"]}, token=tokens["client"]
    )
    call(scheduling, "cancel_session", session["id"], {"reason": "travelling"}, token=tokens["counselor"])
    wait_until(lambda: len(received) >= 3, message="session events not received")
    # Delivery is at least once (the outbox relay may publish an event the request also did):
    # once per change means one distinct event id per change.
    kinds = [e["event_type"] for e in {e["event_id"]: e for e in received}.values()]
    assert sorted(kinds) == sorted([SESSION_BOOKED, SESSION_RESCHEDULED, SESSION_CANCELLED])
    for envelope in received:
        validate_envelope(envelope)
        assert envelope["data"]["session_id"] == session["id"]
        assert envelope["data"]["client"]["email"].startswith("client-")
        assert envelope["data"]["counselor"]["timezone"] == "Africa/Nairobi"
        assert envelope["data"]["join_path"] == session_page(session["id"])
    moved = events_of(SESSION_RESCHEDULED)[0]["data"]
    assert moved["previous_start"] != moved["start"]
    assert events_of(SESSION_CANCELLED)[0]["data"]["late"] is False  # the counselor cancelled
    assert store_of(platform["scheduling"]).sessions.find_one({"_id": session["id"]})["outbox"] == {}


def test_a_session_whose_client_never_joined_becomes_a_no_show_once(platform, people):
    scheduling = platform["scheduling"]
    missed, _ = book(platform, people, 0)
    attended, _ = book(platform, people, 2)
    move_session(platform, missed["id"], -timedelta(minutes=20))
    move_session(platform, attended["id"], -timedelta(minutes=100))
    store_of(platform["scheduling"]).sessions.update_one(
        {"_id": attended["id"]}, {"$set": {"client_joined_at": now()}}
    )
    call(scheduling, "mark_no_shows")
    call(scheduling, "mark_no_shows")  # a second sweep (or another replica's) changes nothing
    tokens = people["tokens"]
    assert call(scheduling, "get_session", missed["id"], token=tokens["counselor"])["status"] == "no_show"
    assert call(scheduling, "get_session", attended["id"], token=tokens["counselor"])["status"] == "booked"
    wait_until(lambda: events_of(SESSION_NO_SHOW), message="no session.no_show event")
    assert [e["data"]["session_id"] for e in events_of(SESSION_NO_SHOW)] == [missed["id"]]


def test_a_counselor_completes_a_started_session_but_not_a_future_one(platform, people):
    scheduling, tokens = platform["scheduling"], people["tokens"]
    session, _ = book(platform, people)
    from shared.errors import Conflict

    with pytest.raises(Conflict):
        call(scheduling, "complete_session", session["id"], {}, token=tokens["counselor"])
    move_session(platform, session["id"], -timedelta(minutes=30))
    done = call(scheduling, "complete_session", session["id"], {}, token=tokens["counselor"])
    assert done["status"] == "completed"
    wait_until(lambda: events_of(SESSION_COMPLETED), message="no session.completed event")


def test_joining_after_the_end_is_a_conflict(platform, people):
    from shared.errors import Conflict

    session, _ = book(platform, people)
    move_session(platform, session["id"], -timedelta(hours=2))
    with pytest.raises(Conflict):
        call(platform["scheduling"], "join_session", session["id"], token=people["tokens"]["client"])


def test_join_links_carry_a_verified_token_naming_the_participant(platform, people):
    session, _ = book(platform, people)
    move_session(platform, session["id"], timedelta(minutes=5))
    joined = call(platform["scheduling"], "join_session", session["id"], token=people["tokens"]["client"])
    url, token = joined["url"].split("?jwt=")
    assert url.startswith("https://meet.jit.si/njia-")
    claims = meetings.verify_join_token(token, JITSI["NJIA_JITSI_APP_SECRET"], JITSI["NJIA_JITSI_APP_ID"])
    assert claims["room"] == url.rsplit("/", 1)[1]
    assert claims["context"]["user"]["id"] == people["ids"]["client"]
    assert claims["context"]["user"]["moderator"] is False
    assert claims["exp"] > now().timestamp()
    counselor_link = call(
        platform["scheduling"], "join_session", session["id"], token=people["tokens"]["counselor"]
    )
    counselor_claims = meetings.verify_join_token(
        counselor_link["url"].split("?jwt=")[1], JITSI["NJIA_JITSI_APP_SECRET"], JITSI["NJIA_JITSI_APP_ID"]
    )
    assert counselor_claims["context"]["user"]["moderator"] is True
    joins = list(store_of(platform["scheduling"]).joins.find({"session_id": session["id"]}))
    assert {j["role"] for j in joins} == {"client", "counselor"}


def test_slots_honour_exceptions_and_a_day_off(platform, people):
    scheduling, tokens = platform["scheduling"], people["tokens"]
    counselor = people["ids"]["counselor"]
    search = {"counselor_id": counselor, "limit": 200}  # the whole fortnight on one page
    slots = call(scheduling, "open_slots", search, token=tokens["client"])["items"]
    day_off = slots[-1]["start"][:10]
    call(
        scheduling,
        "set_availability",
        counselor,
        make_availability(exceptions=[{"date": day_off, "available": False}]),
        token=tokens["counselor"],
    )
    after = call(scheduling, "open_slots", search, token=tokens["client"])["items"]
    assert not [s for s in after if s["start"].startswith(day_off)]
    assert len(after) < len(slots)


@pytest.mark.parametrize(
    ("limit", "said"),
    [(1, "rescheduled once, the most allowed"), (3, "rescheduled 3 times, the most allowed")],
)
def test_the_reschedule_limit_says_once_or_how_many_times(platform, people, limit, said):
    from shared.errors import Conflict

    scheduling, tokens = platform["scheduling"], people["tokens"]
    call(scheduling, "set_policy", {"max_reschedules": limit}, token=tokens["admin"])
    session, slots = book(platform, people)
    for move in range(limit):
        call(
            scheduling,
            "reschedule_session",
            session["id"],
            {"start": slots[2 + move]["start"]},
            token=tokens["client"],
        )
    with pytest.raises(Conflict) as refused:
        call(
            scheduling,
            "reschedule_session",
            session["id"],
            {"start": slots[1]["start"]},
            token=tokens["client"],
        )
    assert said in refused.value.message
    assert refused.value.details["reason"] == "reschedule_limit"


def test_a_policy_allowing_no_reschedule_says_so_rather_than_zero_times(platform, people):
    from shared.errors import Conflict

    scheduling, tokens = platform["scheduling"], people["tokens"]
    call(scheduling, "set_policy", {"max_reschedules": 0}, token=tokens["admin"])
    session, slots = book(platform, people)
    with pytest.raises(Conflict) as refused:
        call(
            scheduling,
            "reschedule_session",
            session["id"],
            {"start": slots[2]["start"]},
            token=tokens["client"],
        )
    assert "0 times" not in refused.value.message
    assert refused.value.details["reason"] == "reschedule_limit"


def unfolded(ics: str) -> str:
    return ics.replace("\r\n ", "")


def test_a_clients_calendar_file_names_the_counselor_without_their_email(platform, people):
    scheduling, tokens, ids = platform["scheduling"], people["tokens"], people["ids"]
    session, _ = book(platform, people)
    email = store_of(scheduling).person(ids["counselor"])["email"]
    as_client = unfolded(call(scheduling, "session_calendar", session["id"], token=tokens["client"]))
    assert email not in as_client
    assert "ORGANIZER;CN=" in as_client and "mailto:counselor@njia.invalid" in as_client
    as_counselor = unfolded(call(scheduling, "session_calendar", session["id"], token=tokens["counselor"]))
    assert f"mailto:{email}" in as_counselor
    feed_url = call(scheduling, "calendar_feed_url", ids["counselor"], token=tokens["counselor"])["url"]
    feed = unfolded(call(scheduling, "calendar_feed", feed_url.rsplit("/", 1)[1].removesuffix(".ics")))
    assert f"mailto:{email}" in feed


@pytest.fixture
def other_branch(platform, people):
    """A second branch of the organization with a counselor who has set hours."""
    accounts, scheduling, admin = platform["accounts"], platform["scheduling"], people["tokens"]["admin"]
    branch = call(accounts, "create_branch", make_branch(), token=admin)
    user = make_user("counselor", branch["id"])
    counselor_id = call(accounts, "create_user", user, token=admin)["id"]
    token = call(accounts, "issue_token", {"email": user["email"], "password": "pass-word-1"})["access_token"]
    call(scheduling, "set_availability", counselor_id, make_availability(), token=token)
    return {"id": branch["id"], "counselor_id": counselor_id}


def test_sharing_a_record_with_a_counselor_of_another_branch_is_refused_naming_them(
    platform, people, other_branch
):
    from shared.errors import ValidationFailed

    scheduling, tokens, ids = platform["scheduling"], people["tokens"], people["ids"]
    client_id = ids["client"]
    shared = call(
        scheduling,
        "share_client_record",
        client_id,
        {"counselor_ids": [ids["counselor"]]},
        token=tokens["client"],
    )
    assert shared["counselor_ids"] == [ids["counselor"]]
    with pytest.raises(ValidationFailed) as refused:
        call(
            scheduling,
            "share_client_record",
            client_id,
            {"counselor_ids": [ids["counselor"], other_branch["counselor_id"]]},
            token=tokens["admin"],
        )
    assert list(refused.value.details) == ["counselor_ids.1"]
    assert store_of(scheduling).shared_with(client_id) == [ids["counselor"]]  # the earlier share stands


def test_a_counselor_cannot_book_any_free_counselor_of_another_branch(platform, people, other_branch):
    from shared.errors import Forbidden

    scheduling, tokens, ids = platform["scheduling"], people["tokens"], people["ids"]
    slots = call(scheduling, "open_slots", {"branch_id": other_branch["id"]}, token=tokens["admin"])["items"]
    body = {"branch_id": other_branch["id"], "start": slots[0]["start"], "client_id": ids["client"]}
    with pytest.raises(Forbidden):
        call(scheduling, "book_session", body, token=tokens["counselor"])
    assert store_of(scheduling).sessions.count_documents({}) == 0
    booked = call(scheduling, "book_session", body, token=tokens["admin"])  # the org admin may
    assert booked["counselor_id"] == other_branch["counselor_id"]


def test_a_counselor_working_until_midnight_says_24_00_and_is_booked_until_then(platform, people):
    scheduling, tokens, ids = platform["scheduling"], people["tokens"], people["ids"]
    late = make_availability(
        weekly=[{"weekday": day, "start": "22:00", "end": "24:00"} for day in range(7)],
        exceptions=[],
        session_minutes=60,
        buffer_minutes=0,
    )
    saved = call(scheduling, "set_availability", ids["counselor"], late, token=tokens["counselor"])
    assert {w["end"] for w in saved["weekly"]} == {"24:00"}
    shown = call(scheduling, "get_availability", ids["counselor"], token=tokens["client"])
    assert {w["end"] for w in shown["weekly"]} == {"24:00"}
    slots = call(
        scheduling,
        "open_slots",
        {"counselor_id": ids["counselor"], "tz": "Africa/Nairobi"},
        token=tokens["client"],
    )["items"]
    last = next(s for s in slots if s["start"][11:16] == "23:00")
    assert last["end"][11:16] == "00:00" and last["end"][:10] > last["start"][:10]
    booked = call(
        scheduling,
        "book_session",
        {"counselor_id": ids["counselor"], "start": last["start"]},
        token=tokens["client"],
    )
    assert booked["end"] == last["end"]


def every_page(scheduling, method, query, token, limit):
    """Each page ``method`` answers for ``query`` until next_cursor is None."""
    pages, cursor = [], None
    while True:
        page = call(
            scheduling,
            method,
            {**query, "limit": limit, **({"cursor": cursor} if cursor else {})},
            token=token,
        )
        pages.append(page)
        cursor = page["next_cursor"]
        if cursor is None:
            return pages


def test_slots_page_through_the_sorted_list_by_limit_and_cursor(platform, people):
    scheduling, token = platform["scheduling"], people["tokens"]["client"]
    query = {"counselor_id": people["ids"]["counselor"]}
    everything = call(scheduling, "open_slots", {**query, "limit": 200}, token=token)
    assert everything["next_cursor"] is None and 20 < len(everything["items"]) <= 200
    first = call(scheduling, "open_slots", query, token=token)
    assert len(first["items"]) == 50 and first["next_cursor"]  # API.md's default page
    pages = every_page(scheduling, "open_slots", query, token, limit=7)
    assert all(len(p["items"]) == 7 for p in pages[:-1]) and 0 < len(pages[-1]["items"]) <= 7
    assert [s for p in pages for s in p["items"]] == everything["items"]


def test_slots_of_a_branch_page_by_start_then_counselor(platform, people, other_branch):
    scheduling, token = platform["scheduling"], people["tokens"]["admin"]
    accounts = platform["accounts"]
    user = make_user("counselor", other_branch["id"])
    second = call(accounts, "create_user", user, token=token)["id"]
    call(scheduling, "set_availability", second, make_availability(), token=token)
    query = {"branch_id": other_branch["id"]}
    everything = [
        s for p in every_page(scheduling, "open_slots", query, token, limit=200) for s in p["items"]
    ]
    assert len(everything) > 200  # two counselors' fortnights
    pages = every_page(scheduling, "open_slots", query, token, limit=3)  # pairs split across pages
    assert [s for p in pages for s in p["items"]] == everything
    assert len({(s["start"], s["counselor_id"]) for s in everything}) == len(everything)


@pytest.mark.parametrize("cursor", ["%%%", "bm90LWEtc2xvdA", "MTIzNDU"])
def test_a_slot_cursor_njia_did_not_give_out_is_a_bad_request_naming_cursor(platform, people, cursor):
    from shared.errors import BadRequest

    query = {"counselor_id": people["ids"]["counselor"], "cursor": cursor}
    with pytest.raises(BadRequest) as refused:
        call(platform["scheduling"], "open_slots", query, token=people["tokens"]["client"])
    assert "cursor" in refused.value.details


def test_the_branch_report_pages_by_limit_and_cursor(platform, people):
    from shared.errors import BadRequest

    accounts, scheduling, admin = platform["accounts"], platform["scheduling"], people["tokens"]["admin"]
    for _ in range(2):
        call(accounts, "create_branch", make_branch(), token=admin)
    start = now()
    query = {"from": start.isoformat(), "to": (start + timedelta(days=7)).isoformat()}
    pages = every_page(scheduling, "branch_report", query, admin, limit=2)
    assert [len(p["items"]) for p in pages] == [2, 1]
    assert len({row["branch_id"] for p in pages for row in p["items"]}) == 3
    with pytest.raises(BadRequest) as refused:
        call(scheduling, "branch_report", {**query, "cursor": "%%%"}, token=admin)
    assert "cursor" in refused.value.details
    user = make_user("branch_admin", people["branch"]["id"])
    call(accounts, "create_user", user, token=admin)
    branch_admin = call(accounts, "issue_token", {"email": user["email"], "password": "pass-word-1"})
    own = call(scheduling, "branch_report", {**query, "limit": 1}, token=branch_admin["access_token"])
    assert [row["branch_id"] for row in own["items"]] == [people["branch"]["id"]]
    assert own["next_cursor"] is None


def branch_row(platform, people, start, end):
    query = {"from": start.isoformat(), "to": end.isoformat()}
    report = call(platform["scheduling"], "branch_report", query, token=people["tokens"]["admin"])
    return next(row for row in report["items"] if row["branch_id"] == people["branch"]["id"])


def test_hours_changed_today_do_not_change_last_weeks_utilization(platform, people):
    scheduling, tokens, ids = platform["scheduling"], people["tokens"], people["ids"]
    store = store_of(scheduling)
    # The counselor's hours (every day 08:00-18:00) have been in force for a month.
    store.availability.update_one(
        {"_id": ids["counselor"]}, {"$set": {"valid_from": now() - timedelta(days=30)}}
    )
    session, _ = book(platform, people)
    move_session(platform, session["id"], -timedelta(days=5))  # held last week
    week_ago, today = now() - timedelta(days=7), now() - timedelta(minutes=1)
    before = branch_row(platform, people, week_ago, today)
    assert before["available_hours"] >= 60 and 0 < before["utilization"] < 1
    mornings = make_availability(
        weekly=[{"weekday": day, "start": "08:00", "end": "10:00"} for day in range(7)]
    )
    call(scheduling, "set_availability", ids["counselor"], mornings, token=tokens["counselor"])
    after = branch_row(platform, people, week_ago, today)
    assert (after["available_hours"], after["utilization"]) == (
        before["available_hours"],
        before["utilization"],
    )
    ahead = branch_row(platform, people, now() + timedelta(days=1), now() + timedelta(days=8))
    assert ahead["available_hours"] == 14  # the new hours from now on: 2 a day


def test_no_hours_count_before_a_counselor_set_any(platform, people):
    # The counselor was created and set their hours moments ago (the people fixture).
    row = branch_row(platform, people, now() - timedelta(days=7), now() - timedelta(minutes=5))
    assert row["available_hours"] == 0 and row["utilization"] == 0
    # Hours saved before versions were kept count from the counselor's creation, not before.
    store_of(platform["scheduling"]).availability.update_one(
        {"_id": people["ids"]["counselor"]}, {"$unset": {"valid_from": ""}}
    )
    row = branch_row(platform, people, now() - timedelta(days=7), now() - timedelta(minutes=5))
    assert row["available_hours"] == 0
