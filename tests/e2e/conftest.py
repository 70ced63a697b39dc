"""End-to-end tests: the platform as processes, called over HTTP only."""

import pytest

from tests.support.builders import make_organization
from tests.support.platform import Api, Platform


@pytest.fixture(scope="session")
def platform():
    # Two scheduling replicas: every race test runs against competing consumers.
    running = Platform(replicas={"scheduling": 2}).start()
    yield running
    running.stop()
    # A quiet platform: no service logged an error while the tests ran (timers included).
    errors = running.logged_errors()
    assert not errors, "services logged errors:\n" + "\n".join(errors[:10])


@pytest.fixture
def anonymous(platform):
    return Api(platform)


def sign_in(platform, email, password):
    response = Api(platform).post("/api/v1/auth/token", {"email": email, "password": password})
    assert response.status_code == 200, response.text
    return Api(platform, response.json()["access_token"])


@pytest.fixture
def org_admin(platform):
    """A new organization's admin, signed in, with ``.org`` set to the created organization."""
    body = make_organization()
    created = Api(platform).post("/api/v1/organizations", body)
    assert created.status_code == 201, created.text
    admin = sign_in(platform, body["admin"]["email"], body["admin"]["password"])
    admin.org = created.json()
    return admin
