"""Test-wide setup. nameko needs eventlet's monkey-patching before anything else imports sockets."""

import eventlet

eventlet.monkey_patch()

import os  # noqa: E402
import uuid  # noqa: E402

import pytest  # noqa: E402

# Fast password hashing in tests only: production defaults are checked in tests/unit.
TEST_ENV = {
    "NJIA_ENV": "test",
    "NJIA_ARGON2_TIME_COST": "1",
    "NJIA_ARGON2_MEMORY_KIB": "1024",
    # Every test signs up from 127.0.0.1; the limit itself is tested with its own low value.
    "NJIA_SIGN_UPS_PER_HOUR": "1000000",
    "NJIA_SIGN_IN_FAILURES_PER_MINUTE": "1000000",
}


@pytest.fixture(scope="session", autouse=True)
def _test_environment():
    saved = {k: os.environ.get(k) for k in TEST_ENV}
    os.environ.update(TEST_ENV)
    yield
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture
def db_prefix():
    """A database namespace of this test's own; dropped afterwards."""
    from tests.support.databases import drop_databases

    prefix = f"t{uuid.uuid4().hex[:10]}_"
    yield prefix
    drop_databases(prefix)
