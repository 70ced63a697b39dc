"""End-to-end tests: the platform as processes, called over HTTP only."""

import pytest

from tests.support.builders import make_organization, make_user
from tests.support.platform import Api, Platform
from tests.support.waiting import wait_until


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


def add_person(platform, admin, branch, role, **overrides):
    """A person added by ``admin`` to ``branch``, signed in, with ``.user`` their account."""
    body = make_user(role, branch["id"], **overrides)
    created = admin.post("/api/v1/users", body)
    assert created.status_code == 201, created.text
    api = sign_in(platform, body["email"], body["password"])
    api.user = created.json()
    return api


def with_json_resume(client, resume):
    """``client`` once their profile holds ``resume`` (posted as a JSON Resume and read)."""
    accepted = client.put("/api/v1/profile/sources/json-resume", resume)
    assert accepted.status_code == 202, accepted.text
    sync = f"/api/v1/profile/syncs/{accepted.json()['sync_id']}"
    wait_until(lambda: client.get(sync).json()["status"] == "done", timeout=30, message="resume not read")
    return client


@pytest.fixture
def org_admin(platform):
    """A new organization's admin, signed in, with ``.org`` set to the created organization."""
    body = make_organization()
    created = Api(platform).post("/api/v1/organizations", body)
    assert created.status_code == 201, created.text
    admin = sign_in(platform, body["admin"]["email"], body["admin"]["password"])
    admin.org = created.json()
    return admin
