"""Booking, rescheduling and cancelling sent again: with the client's Idempotency-Key, and as RabbitMQ
redelivers an RPC whose replica died (the same request id). Two scheduling containers on one
database stand for two replicas; each attempt is sent to one of them, as the broker would."""

import uuid
from datetime import datetime, timedelta

import eventlet
import eventlet.event
import pytest
from nameko.standalone.rpc import ClusterRpcProxy
from nameko.testing.services import entrypoint_hook

from services.accounts.service import AccountsService
from services.scheduling.service import SchedulingService
from shared.auth import IDEMPOTENCY_KEY, TOKEN_KEY
from shared.errors import Conflict, Unavailable, ValidationFailed
from shared.events.contracts import SESSION_BOOKED, SESSION_CANCELLED, SESSION_RESCHEDULED
from shared.logs import REQUEST_ID_KEY
from shared.mongo import now
from tests.support.builders import make_user
from tests.support.containers import call, open_practice, store_of
from tests.support.recorders import event_recorder
from tests.support.waiting import wait_until

RecorderService, received = event_recorder(
    "scheduling", SESSION_BOOKED, SESSION_RESCHEDULED, SESSION_CANCELLED, name="retries_recorder"
)


class ReplicaDied(Exception):
    """Stands for SIGKILL: the attempt stops where it is, its RPC unanswered."""


@pytest.fixture(autouse=True)
def _clear():
    received.clear()


@pytest.fixture
def replicas(container_factory, config):
    """accounts, two scheduling replicas and an event recorder, started."""
    config = {**config, "NJIA_NO_SHOW_SWEEP_SECONDS": "3600"}
    accounts = container_factory(AccountsService, config)
    first, second = container_factory(SchedulingService, config), container_factory(SchedulingService, config)
    recorder = container_factory(RecorderService, config)
    for container in (accounts, first, second, recorder):
        container.start()
    return {"accounts": accounts, "scheduling": first, "first": first, "second": second}


@pytest.fixture
def practice(replicas):
    return open_practice(replicas)


def send(container, method, *args, token, key=None, request_id=None):
    """``method`` as the gateway sends it: the caller's token, the request id, the client's key."""
    data = {TOKEN_KEY: token, REQUEST_ID_KEY: request_id or uuid.uuid4().hex}
    if key:
        data[IDEMPOTENCY_KEY] = key
    with entrypoint_hook(container, method, context_data=data) as hook:
        return hook(*args)


def slots(replicas, practice, count=6):
    query = {"counselor_id": practice["counselor_id"]}
    return [
        s["start"] for s in call(replicas["first"], "open_slots", query, token=practice["client"])["items"]
    ][:count]


def booking(practice, start):
    return {"counselor_id": practice["counselor_id"], "start": start}


def sessions_of(replicas, client_id):
    return list(store_of(replicas["first"]).sessions.find({"client_id": client_id}))


def dying_after(container, method):
    """Make ``container``'s store stop (as its process would die) when ``method`` is called."""
    store = store_of(container)

    def died(*args, **kwargs):
        raise ReplicaDied

    setattr(store, method, died)
    return lambda: delattr(store, method)


def another_client(replicas, practice):
    """A second client of the practice's branch: their id and token."""
    accounts, admin = replicas["accounts"], practice["admin"]
    branch_id = call(accounts, "get_user", practice["client_id"], token=admin)["branch_id"]
    user = make_user("client", branch_id)
    user_id = call(accounts, "create_user", user, token=admin)["id"]
    return user_id, call(accounts, "issue_token", {"email": user["email"], "password": "pass-word-1"})[
        "access_token"
    ]


def booked_events():
    return {e["event_id"]: e for e in received if e["event_type"] == SESSION_BOOKED}.values()


# Idempotency-Key ------------------------------------------------------------------------------------


def test_a_booking_sent_again_with_its_key_gets_the_first_answer_and_one_session(replicas, practice):
    body = booking(practice, slots(replicas, practice)[0])
    first = send(
        replicas["first"], "book_session", body, token=practice["client"], key="k-1", request_id="r-1"
    )
    again = send(
        replicas["second"], "book_session", body, token=practice["client"], key="k-1", request_id="r-2"
    )
    assert again == first
    assert [s["_id"] for s in sessions_of(replicas, practice["client_id"])] == [first["id"]]
    wait_until(lambda: booked_events(), message="no session.booked")
    eventlet.sleep(0.5)  # the relay's ticks: a second event would be out by now
    assert [e["data"]["session_id"] for e in booked_events()] == [first["id"]]


def test_a_key_sent_again_with_another_body_is_refused_naming_the_key_and_nothing_is_written(
    replicas, practice
):
    starts = slots(replicas, practice)
    first = send(
        replicas["first"], "book_session", booking(practice, starts[0]), token=practice["client"], key="k-2"
    )
    with pytest.raises(ValidationFailed) as refused:
        send(
            replicas["second"],
            "book_session",
            booking(practice, starts[2]),
            token=practice["client"],
            key="k-2",
        )
    assert "Idempotency-Key" in refused.value.details
    assert [s["_id"] for s in sessions_of(replicas, practice["client_id"])] == [first["id"]]
    assert starts[2] in slots(replicas, practice, count=50)  # its time was never claimed
    with pytest.raises(ValidationFailed):  # nor is the key's use as a reschedule
        send(
            replicas["first"],
            "reschedule_session",
            first["id"],
            {"start": starts[0]},
            token=practice["client"],
            key="k-2",
        )


def test_a_key_is_the_callers_own(replicas, practice):
    other_id, other_token = another_client(replicas, practice)
    starts = slots(replicas, practice)
    mine = send(
        replicas["first"], "book_session", booking(practice, starts[0]), token=practice["client"], key="k-3"
    )
    theirs = send(
        replicas["second"], "book_session", booking(practice, starts[2]), token=other_token, key="k-3"
    )
    assert mine["id"] != theirs["id"] and theirs["client_id"] == other_id


def test_a_refusal_is_the_answer_a_retry_with_the_key_gets_too(replicas, practice):
    _, rival_token = another_client(replicas, practice)
    body = booking(practice, slots(replicas, practice)[0])
    taken = send(replicas["first"], "book_session", body, token=practice["client"])
    with pytest.raises(Conflict) as first:
        send(replicas["first"], "book_session", body, token=rival_token, key="k-4")
    send(replicas["second"], "cancel_session", taken["id"], {}, token=practice["client"])
    with pytest.raises(Conflict) as again:  # the time is free now, but this request's answer was a 409
        send(replicas["second"], "book_session", body, token=rival_token, key="k-4")
    assert (again.value.message, again.value.details) == (first.value.message, first.value.details)
    assert send(replicas["second"], "book_session", body, token=rival_token, key="k-5")["status"] == "booked"


def test_simultaneous_requests_with_one_key_book_once(replicas, practice, config):
    # Over RabbitMQ to both replicas at once (a double click, or a retry while the first is running).
    body = booking(practice, slots(replicas, practice)[0])
    pool = eventlet.GreenPool()
    outcomes = []

    def one(n):
        context = {TOKEN_KEY: practice["client"], REQUEST_ID_KEY: f"click-{n}", IDEMPOTENCY_KEY: "k-6"}
        with ClusterRpcProxy(config, context_data=context) as cluster:
            try:
                outcomes.append(cluster.scheduling.book_session(body))
            except Conflict as exc:
                outcomes.append(exc.details.get("reason"))

    for n in range(8):
        pool.spawn_n(one, n)
    pool.waitall()
    answers = [o for o in outcomes if isinstance(o, dict)]
    assert len(outcomes) == 8 and answers and all(a == answers[0] for a in answers), outcomes
    assert {o for o in outcomes if not isinstance(o, dict)} <= {"in_progress"}
    assert [s["_id"] for s in sessions_of(replicas, practice["client_id"])] == [answers[0]["id"]]


def test_a_retry_with_the_key_while_the_first_attempt_runs_is_told_to_wait_then_gets_its_answer(
    replicas, practice
):
    # The first attempt outlives the gateway's timeout (the client got a 503) and the client retries.
    body = booking(practice, slots(replicas, practice)[0])
    go_on, writing = eventlet.event.Event(), []
    store = store_of(replicas["first"])
    write = store.add_session
    store.add_session = lambda *args: (writing.append(True), go_on.wait(), write(*args))[2]
    try:
        first = eventlet.spawn(
            send, replicas["first"], "book_session", body, token=practice["client"], key="k-7"
        )
        wait_until(lambda: writing, message="the first attempt never came to write the session")
        with pytest.raises(Conflict) as waiting:
            send(replicas["second"], "book_session", body, token=practice["client"], key="k-7")
        assert waiting.value.details["reason"] == "in_progress"
    finally:
        go_on.send()
        del store.add_session
    answer = first.wait()
    assert send(replicas["second"], "book_session", body, token=practice["client"], key="k-7") == answer
    assert [s["_id"] for s in sessions_of(replicas, practice["client_id"])] == [answer["id"]]


def test_a_retry_with_the_key_after_the_first_attempt_died_books_with_its_claims(replicas, practice):
    body = booking(practice, slots(replicas, practice)[0])
    revive = dying_after(replicas["first"], "add_session")  # claimed the time; then nothing (SIGKILL)
    revive_marking = dying_after(replicas["first"], "stop_key")  # a killed process tells nobody
    with pytest.raises(ReplicaDied):
        send(replicas["first"], "book_session", body, token=practice["client"], key="k-8", request_id="r-8")
    revive(), revive_marking()
    with pytest.raises(Conflict):  # retried at once: the first attempt may still be running
        send(replicas["second"], "book_session", body, token=practice["client"], key="k-8", request_id="r-9")
    keys = store_of(replicas["first"]).idempotency_keys
    keys.update_many({}, {"$set": {"attempted_at": now() - timedelta(minutes=3)}})
    booked = send(
        replicas["second"], "book_session", body, token=practice["client"], key="k-8", request_id="r-10"
    )
    assert booked["id"] == keys.find_one()["attempt"]  # the first attempt's session, with its claims
    assert [s["_id"] for s in sessions_of(replicas, practice["client_id"])] == [booked["id"]]


def test_a_retry_with_the_key_after_the_first_attempt_failed_goes_on_at_once(replicas, practice):
    body = booking(practice, slots(replicas, practice)[0])
    store = store_of(replicas["first"])

    def database_away(*args):
        raise Unavailable("database for sessions is not reachable: gone")

    store.add_session = database_away
    try:
        with pytest.raises(Unavailable):
            send(replicas["first"], "book_session", body, token=practice["client"], key="k-9")
    finally:
        del store.add_session
    booked = send(replicas["second"], "book_session", body, token=practice["client"], key="k-9")
    assert booked["status"] == "booked"
    assert send(replicas["first"], "book_session", body, token=practice["client"], key="k-9") == booked


def test_an_expired_key_names_a_new_request(replicas, practice):
    starts = slots(replicas, practice)
    send(replicas["first"], "book_session", booking(practice, starts[0]), token=practice["client"], key="k-8")
    store = store_of(replicas["first"])
    store.idempotency_keys.update_many({}, {"$set": {"expires_at": now() - timedelta(seconds=1)}})
    second = send(
        replicas["second"], "book_session", booking(practice, starts[2]), token=practice["client"], key="k-8"
    )
    assert len(sessions_of(replicas, practice["client_id"])) == 2 and second["status"] == "booked"
    store.idempotency_keys.update_many({}, {"$set": {"expires_at": now() - timedelta(seconds=1)}})
    send(replicas["first"], "book_session", booking(practice, starts[4]), token=practice["client"], key="k-9")
    assert store.forget_expired_keys(now()) == 1  # the sweep deletes the expired one only
    assert store.idempotency_keys.count_documents({}) == 1


def test_a_reschedule_and_a_cancel_sent_again_with_their_keys_happen_once(replicas, practice):
    starts = slots(replicas, practice)
    session = send(replicas["first"], "book_session", booking(practice, starts[0]), token=practice["client"])
    move = {"start": starts[3]}
    moved = send(
        replicas["first"], "reschedule_session", session["id"], move, token=practice["client"], key="m-1"
    )
    again = send(
        replicas["second"], "reschedule_session", session["id"], move, token=practice["client"], key="m-1"
    )
    assert again == moved and moved["reschedule_count"] == 1
    cancelled = send(
        replicas["second"], "cancel_session", session["id"], {}, token=practice["client"], key="c-1"
    )
    assert (
        send(replicas["first"], "cancel_session", session["id"], {}, token=practice["client"], key="c-1")
        == cancelled
    )
    stored = store_of(replicas["first"]).sessions.find_one({"_id": session["id"]})
    assert (stored["version"], stored["reschedule_count"], stored["status"]) == (2, 1, cancelled["status"])


# A redelivered RPC (no key: the gateway's request id) -------------------------------------------------


def test_a_booking_redelivered_after_it_was_written_gets_its_answer_not_a_409(replicas, practice):
    body = booking(practice, slots(replicas, practice)[0])
    first = send(replicas["first"], "book_session", body, token=practice["client"], request_id="gw-1")
    # The replica died before its answer went out: RabbitMQ gives the same message to the other.
    again = send(replicas["second"], "book_session", body, token=practice["client"], request_id="gw-1")
    assert again == first
    assert len(sessions_of(replicas, practice["client_id"])) == 1


def test_a_booking_redelivered_after_its_first_attempt_claimed_the_time_completes(replicas, practice):
    body = booking(practice, slots(replicas, practice)[0])
    revive = dying_after(replicas["first"], "add_session")
    with pytest.raises(ReplicaDied):
        send(replicas["first"], "book_session", body, token=practice["client"], request_id="gw-2")
    revive()
    booked = send(replicas["second"], "book_session", body, token=practice["client"], request_id="gw-2")
    assert booked["status"] == "booked"
    assert [s["_id"] for s in sessions_of(replicas, practice["client_id"])] == [booked["id"]]
    # Its claims are the session's: the slot is not offered, and nobody else can book it.
    assert body["start"] not in slots(replicas, practice, count=50)


def test_a_branch_booking_redelivered_after_it_was_written_gets_its_answer(replicas, practice):
    branch_id = call(replicas["accounts"], "get_user", practice["counselor_id"], token=practice["admin"])[
        "branch_id"
    ]
    body = {"branch_id": branch_id, "start": slots(replicas, practice)[0]}
    first = send(replicas["first"], "book_session", body, token=practice["client"], request_id="gw-3")
    again = send(replicas["second"], "book_session", body, token=practice["client"], request_id="gw-3")
    assert again == first


def test_a_cancel_redelivered_after_it_was_written_gets_its_answer_not_a_409(replicas, practice):
    session = send(
        replicas["first"],
        "book_session",
        booking(practice, slots(replicas, practice)[0]),
        token=practice["client"],
    )
    first = send(
        replicas["first"],
        "cancel_session",
        session["id"],
        {"reason": "ill"},
        token=practice["client"],
        request_id="gw-4",
    )
    again = send(
        replicas["second"],
        "cancel_session",
        session["id"],
        {"reason": "ill"},
        token=practice["client"],
        request_id="gw-4",
    )
    assert again == first
    wait_until(lambda: any(e["event_type"] == SESSION_CANCELLED for e in received), message="no cancel event")
    eventlet.sleep(0.5)
    assert len({e["event_id"] for e in received if e["event_type"] == SESSION_CANCELLED}) == 1


def test_a_reschedule_redelivered_after_its_first_attempt_claimed_the_change_completes(replicas, practice):
    starts = slots(replicas, practice)
    session = send(replicas["first"], "book_session", booking(practice, starts[0]), token=practice["client"])
    revive = dying_after(replicas["first"], "update_session")  # claimed the new time and the change
    with pytest.raises(ReplicaDied):
        send(
            replicas["first"],
            "reschedule_session",
            session["id"],
            {"start": starts[3]},
            token=practice["client"],
            request_id="gw-5",
        )
    revive()
    moved = send(
        replicas["second"],
        "reschedule_session",
        session["id"],
        {"start": starts[3]},
        token=practice["client"],
        request_id="gw-5",
    )
    assert moved["start"] == starts[3] and moved["reschedule_count"] == 1
    assert starts[0] in slots(replicas, practice, count=50)  # the old time is free again


def test_the_same_request_id_with_another_request_is_another_booking(replicas, practice):
    # A client may send its own X-Request-Id twice: only the same request shares the ids.
    starts = slots(replicas, practice)
    first = send(
        replicas["first"],
        "book_session",
        booking(practice, starts[0]),
        token=practice["client"],
        request_id="mine",
    )
    second = send(
        replicas["second"],
        "book_session",
        booking(practice, starts[2]),
        token=practice["client"],
        request_id="mine",
    )
    assert first["id"] != second["id"]


def test_clients_racing_for_one_slot_over_both_replicas_get_one_session(replicas, practice, config):
    accounts, admin = replicas["accounts"], practice["admin"]
    branch_id = call(accounts, "get_user", practice["client_id"], token=admin)["branch_id"]
    clients = [
        call(accounts, "create_user", make_user("client", branch_id), token=admin)["id"] for _ in range(12)
    ]
    start = slots(replicas, practice)[0]
    pool = eventlet.GreenPool()
    outcomes = []

    def one(n):
        # Half send a key, half do not: either way one slot goes to one session.
        context = {
            TOKEN_KEY: admin,
            REQUEST_ID_KEY: f"race-{n}",
            **({IDEMPOTENCY_KEY: f"race-{n}"} if n % 2 else {}),
        }
        body = {**booking(practice, start), "client_id": clients[n]}
        with ClusterRpcProxy(config, context_data=context) as cluster:
            try:
                outcomes.append(cluster.scheduling.book_session(body)["id"])
            except Conflict as exc:
                outcomes.append(exc.details.get("reason"))

    for n in range(len(clients)):
        pool.spawn_n(one, n)
    pool.waitall()
    won = [o for o in outcomes if o != "slot_taken"]
    assert len(won) == 1 and len(outcomes) == len(clients), outcomes
    booked = list(store_of(replicas["first"]).sessions.find({"status": "booked"}))
    assert [s["_id"] for s in booked] == won


def test_two_moves_of_one_session_to_one_time_at_once_leave_that_time_claimed(replicas, practice, config):
    # The client, the counselor and an admin move the session at the same moment, without keys:
    # whoever loses must not give back the time the moved session now holds.
    _, rival_token = another_client(replicas, practice)

    def move(outcomes, session_id, target, token, request_id):
        with ClusterRpcProxy(config, context_data={TOKEN_KEY: token, REQUEST_ID_KEY: request_id}) as cluster:
            try:
                moved = cluster.scheduling.reschedule_session(session_id, {"start": target})
                outcomes.append(datetime.fromisoformat(moved["start"]))
            except Conflict as exc:
                outcomes.append(exc.details.get("reason"))

    for round_ in range(4):
        starts = slots(replicas, practice, count=50)
        session = send(
            replicas["first"], "book_session", booking(practice, starts[0]), token=practice["client"]
        )
        pool, outcomes = eventlet.GreenPool(), []
        for n, token in enumerate([practice["client"], practice["counselor"], practice["admin"]]):
            pool.spawn_n(move, outcomes, session["id"], starts[4], token, f"move-{round_}-{n}")
        pool.waitall()
        target = datetime.fromisoformat(starts[4])
        assert target in outcomes and set(outcomes) <= {target, "state_clash", "reschedule_limit"}, outcomes
        with pytest.raises(Conflict):  # the moved session's time is still its own
            send(replicas["second"], "book_session", booking(practice, starts[4]), token=rival_token)
        send(replicas["first"], "cancel_session", session["id"], {}, token=practice["admin"])
