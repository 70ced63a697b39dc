"""Integration tests: real RabbitMQ (a vhost per test, from nameko's rabbit_config) and real FerretDB."""

import pytest

from shared.admin import declare_queues
from shared.events.contracts import AUDIT_RECORDED, SUBSCRIPTIONS
from tests.conftest import TEST_ENV
from tests.support.http_provider import HttpProvider
from tests.support.smtp_sink import SmtpSink


@pytest.fixture
def config(rabbit_config, db_prefix):
    """A nameko config for containers under test: own vhost, own databases, quick timers. The audit
    log's queues exist, as `njia-admin declare-queues` makes them before traffic: a service that
    records a read refuses it (503) when no queue would take the record."""
    audit_queues = tuple(s for s in SUBSCRIPTIONS if s[1] == AUDIT_RECORDED)
    declare_queues(rabbit_config["AMQP_URI"], audit_queues)
    return {
        **rabbit_config,
        **TEST_ENV,
        "NJIA_AMQP_URI": rabbit_config["AMQP_URI"],
        "NJIA_MONGO_DB_PREFIX": db_prefix,
        "NJIA_OUTBOX_RELAY_SECONDS": "0.2",
        "NJIA_EVENT_RETRY_SECONDS": "0.1",
        "NJIA_EVENT_MAX_ATTEMPTS": "3",
        "NJIA_RPC_TIMEOUT_SECONDS": "5",
    }


@pytest.fixture(autouse=True)
def _quiet_teardown(fast_teardown):
    """nameko's fast_teardown: consumers stop before the test's vhost is deleted (no reconnect noise)."""
    yield


@pytest.fixture
def smtp():
    """A real SMTP server on 127.0.0.1 that keeps what it receives."""
    with SmtpSink() as sink:
        yield sink


@pytest.fixture
def provider():
    """A real HTTP server on 127.0.0.1 playing the SMS gateway and webhook receivers."""
    with HttpProvider() as server:
        yield server
