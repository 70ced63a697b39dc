"""Events between real containers: contracts, idempotency, retries, dead letters, outbox, early queues."""

import pytest
from nameko.amqp.publish import Publisher
from nameko.standalone.events import event_dispatcher, get_event_exchange
from nameko.standalone.rpc import ServiceRpcProxy
from nameko.testing.services import entrypoint_hook, entrypoint_waiter

from services.accounts.service import AccountsService
from services.accounts.store import AccountsStore
from shared.admin import declare_queues
from shared.events.contracts import USER_REGISTERED
from shared.events.handling import on_event
from shared.events.publishing import EventPublisher, relay_outbox
from shared.mongo import MongoStore, Store, connect, database_name, now
from tests.support.builders import make_organization, make_registration
from tests.support.databases import mongo_uri
from tests.support.waiting import wait_until


class Behaviour:
    """What the listener's handler does this test: record, and fail the first N calls."""

    def __init__(self):
        self.received = []
        self.fail_times = 0
        self.calls = 0


behaviour = Behaviour()


class ListenerStore(Store):
    pass


from shared.service import NjiaService  # noqa: E402 - after the store it names


class ListenerService(NjiaService):
    name = "listener"
    store = MongoStore(ListenerStore, "listener")

    @on_event("accounts", USER_REGISTERED)
    def handle_user_registered(self, envelope):
        behaviour.calls += 1
        if behaviour.calls <= behaviour.fail_times:
            raise RuntimeError(f"listener down for call {behaviour.calls}")
        behaviour.received.append(envelope)


@pytest.fixture(autouse=True)
def fresh_behaviour():
    behaviour.__init__()
    yield behaviour


@pytest.fixture
def accounts(container_factory, config):
    container = container_factory(AccountsService, config)
    container.start()
    return container


@pytest.fixture
def listener(container_factory, config):
    container = container_factory(ListenerService, config)
    container.start()
    return container


def sign_up(accounts):
    body = make_organization()
    with entrypoint_hook(accounts, "create_organization") as create:
        return create(body)


def register(accounts, org):
    with entrypoint_hook(accounts, "register_client") as hook:
        return hook(make_registration(org["slug"], phone="0712345678"))


def test_a_registration_reaches_a_subscriber_once_with_the_contracted_fields(accounts, listener):
    org = sign_up(accounts)
    wait_until(lambda: len(behaviour.received) == 1, message="admin's user.registered not received")
    with entrypoint_waiter(listener, "handle_user_registered"):
        client = register(accounts, org)
    envelope = behaviour.received[-1]
    assert envelope["event_type"] == "user.registered"
    assert envelope["version"] == 1 and envelope["source"] == "accounts"
    assert envelope["data"]["user_id"] == client["id"]
    assert envelope["data"]["phone"] == "+254712345678"
    assert envelope["occurred_at"].endswith("+00:00")


def test_the_same_event_delivered_twice_is_handled_once(accounts, listener, config):
    org = sign_up(accounts)
    wait_until(lambda: len(behaviour.received) == 1)
    envelope = behaviour.received[0]
    dispatch = event_dispatcher(config)
    with entrypoint_waiter(listener, "handle_user_registered"):
        dispatch("accounts", USER_REGISTERED, envelope)
    assert behaviour.calls == 1
    assert org["admin"]["id"] == envelope["data"]["user_id"]


def test_a_failing_handler_is_retried_until_it_succeeds(accounts, listener):
    behaviour.fail_times = 2
    sign_up(accounts)
    wait_until(lambda: len(behaviour.received) == 1, timeout=15, message="event not retried to success")
    assert behaviour.calls == 3


def test_a_handler_that_keeps_failing_leaves_a_dead_letter_that_can_be_replayed(accounts, listener, config):
    behaviour.fail_times = 10**6
    org = sign_up(accounts)
    with ServiceRpcProxy("listener", config) as proxy:
        letters = wait_until(proxy.list_dead_letters, timeout=15, message="no dead letter after 3 attempts")
        assert len(letters) == 1
        assert letters[0]["event_type"] == "user.registered"
        assert letters[0]["attempts"] == 3
        assert behaviour.received == []
        behaviour.fail_times = 0
        replayed = proxy.replay_dead_letter(letters[0]["id"])
        assert replayed["status"] == "handled"
        assert proxy.list_dead_letters() == []
    assert [e["data"]["user_id"] for e in behaviour.received] == [org["admin"]["id"]]


def test_an_event_breaking_its_contract_is_dead_lettered_and_never_handled(listener, config):
    dispatch = event_dispatcher(config)
    broken = {
        "event_id": "evt_broken_0001",
        "event_type": USER_REGISTERED,
        "version": 1,
        "occurred_at": "2026-12-01T09:00:00+03:00",
        "source": "accounts",
        "data": {"user_id": "usr_1", "role": "wizard"},
    }
    with entrypoint_waiter(listener, "handle_user_registered"):
        dispatch("accounts", USER_REGISTERED, broken)
    assert behaviour.calls == 0
    with ServiceRpcProxy("listener", config) as proxy:
        letters = proxy.list_dead_letters()
    assert [letter["event_id"] for letter in letters] == ["evt_broken_0001"]


def test_an_event_the_broker_did_not_take_stays_in_the_outbox_until_the_relay_sends_it(listener, config):
    client = connect(mongo_uri())
    store = AccountsStore(client[database_name(config["NJIA_MONGO_DB_PREFIX"], "accounts")])
    store.ensure_indexes()
    exchange = get_event_exchange("accounts", {})
    broker_away = EventPublisher("accounts", Publisher("amqp://guest:guest@127.0.0.1:1/"), exchange, {})
    from services.accounts.domain import User

    user = User(
        id="usr_outbox_1",
        org_id="org_1",
        email="outbox@example.org",
        name="Outbox Test",
        role="client",
        created_at=now(),
    )
    envelope = broker_away.new(
        USER_REGISTERED,
        {
            "user_id": user.id,
            "org_id": user.org_id,
            "branch_id": None,
            "role": "client",
            "email": user.email,
            "name": user.name,
            "phone": None,
            "timezone": "UTC",
            "language": "en",
        },
        user.created_at,
    )
    store.add_user(user, [envelope], now())
    assert broker_away.deliver(store, "users", user.id, [envelope]) == 0
    assert [e["event_id"] for _, _, pending in store.pending_outbox() for e in pending] == [
        envelope["event_id"]
    ]

    broker_back = EventPublisher("accounts", Publisher(config["AMQP_URI"]), exchange, {})
    with entrypoint_waiter(listener, "handle_user_registered"):
        assert relay_outbox(store, broker_back) == 1
    assert behaviour.received[0]["event_id"] == envelope["event_id"]
    assert list(store.pending_outbox()) == []
    client.close()


def test_events_published_before_the_subscriber_starts_wait_in_its_queue(accounts, container_factory, config):
    declare_queues(config["AMQP_URI"], (("accounts", USER_REGISTERED, "listener", "handle_user_registered"),))
    org = sign_up(accounts)  # published while no listener runs
    container = container_factory(ListenerService, config)
    container.start()
    wait_until(lambda: behaviour.received, message="event published before start was lost")
    assert behaviour.received[0]["data"]["user_id"] == org["admin"]["id"]


def test_an_event_whose_outbox_flag_was_lost_is_found_by_the_full_relay(listener, config):
    """FerretDB writes whole documents back: a writer clearing the flag can hide another's event."""
    client = connect(mongo_uri())
    store = AccountsStore(client[database_name(config["NJIA_MONGO_DB_PREFIX"], "accounts")])
    store.ensure_indexes()
    exchange = get_event_exchange("accounts", {})
    from services.accounts.domain import User

    user = User(
        id="usr_outbox_2",
        org_id="org_1",
        email="hidden@example.org",
        name="Hidden Event",
        role="client",
        created_at=now(),
    )
    broker = EventPublisher("accounts", Publisher(config["AMQP_URI"]), exchange, {})
    data = {
        "user_id": user.id,
        "org_id": user.org_id,
        "branch_id": None,
        "role": "client",
        "email": user.email,
        "name": user.name,
        "phone": None,
        "timezone": "UTC",
        "language": "en",
    }
    envelope = broker.new(USER_REGISTERED, data, user.created_at)
    store.add_user(user, [envelope], now())
    store.users.update_one({"_id": user.id}, {"$set": {"outbox_pending": False}})  # the lost flag

    assert relay_outbox(store, broker) == 0  # the quick pass reads flagged documents only
    with entrypoint_waiter(listener, "handle_user_registered"):
        assert relay_outbox(store, broker, everything=True) == 1
    assert behaviour.received[-1]["event_id"] == envelope["event_id"]
    assert list(store.pending_outbox(everything=True)) == []
    client.close()
