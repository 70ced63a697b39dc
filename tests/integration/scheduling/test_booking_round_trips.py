"""A booking's database round trips, counted on the real database: making bookings safe to send
again costs nothing without an Idempotency-Key, and one insert with one."""

import uuid

import pytest
from nameko.testing.services import entrypoint_hook
from pymongo import monitoring

from services.accounts.service import AccountsService
from services.scheduling.service import SchedulingService
from shared.auth import IDEMPOTENCY_KEY, TOKEN_KEY
from shared.logs import REQUEST_ID_KEY
from tests.support.containers import call, open_practice, start_containers


class Commands(monitoring.CommandListener):
    """The commands sent to one database while ``recording`` (pymongo's listeners are per process)."""

    def __init__(self) -> None:
        self.database = ""
        self.recording: list[tuple[str, str]] | None = None

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        if self.recording is not None and event.database_name == self.database:
            self.recording.append((event.command_name, str(event.command.get(event.command_name))))

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass


COMMANDS = Commands()
monitoring.register(COMMANDS)  # before the containers open their clients


@pytest.fixture
def practice(container_factory, config, db_prefix):
    quiet = {  # no timer reads the database while a booking is counted
        "NJIA_OUTBOX_RELAY_SECONDS": "3600",
        "NJIA_EVENT_RETRY_SECONDS": "3600",
        "NJIA_NO_SHOW_SWEEP_SECONDS": "3600",
    }
    containers = start_containers(container_factory, {**config, **quiet}, AccountsService, SchedulingService)
    COMMANDS.database = f"{db_prefix}sessions"
    made = open_practice(containers)
    return containers, made


def book(containers, made, start, key=None):
    data = {TOKEN_KEY: made["client"], REQUEST_ID_KEY: uuid.uuid4().hex}
    if key:
        data[IDEMPOTENCY_KEY] = key
    with entrypoint_hook(containers["scheduling"], "book_session", context_data=data) as hook:
        return hook({"counselor_id": made["counselor_id"], "start": start})


def round_trips(containers, made, start, key=None):
    COMMANDS.recording = []
    try:
        book(containers, made, start, key)
        return COMMANDS.recording
    finally:
        COMMANDS.recording = None


def test_a_booking_without_a_key_makes_the_round_trips_it_always_made_and_one_more_insert_with_one(practice):
    containers, made = practice
    query = {"counselor_id": made["counselor_id"]}
    starts = [
        s["start"] for s in call(containers["scheduling"], "open_slots", query, token=made["client"])["items"]
    ]
    book(containers, made, starts[0])  # people are read once, then kept for a minute
    plain = round_trips(containers, made, starts[2])
    assert plain == [
        ("find", "session_types"),  # the organization's default type (#15): its length, how it is held
        ("find", "availability"),
        ("insert", "claims"),
        ("insert", "sessions"),
        ("update", "sessions"),
    ]
    keyed = round_trips(containers, made, starts[4], key="one-more-insert")
    assert keyed == [("insert", "idempotency_keys"), *plain]
