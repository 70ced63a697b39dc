"""A sign-up or registration whose write fails, or stops half-way, leaves nothing behind: no
organization without its admin, no slug or email held (API.md: nothing half-written after a 4xx or
5xx; a retry with the same slug and email succeeds)."""

from datetime import timedelta

import pytest
from pymongo.errors import AutoReconnect

from services.accounts.domain import Organization, User
from services.accounts.service import AccountsService
from services.accounts.store import STALE_CLAIM, email_claim_key
from shared.errors import Conflict, Unauthorized, ValidationFailed
from shared.ids import new_id
from shared.mongo import now
from tests.support.builders import make_organization, make_registration
from tests.support.containers import call, store_of


class Stopped(BaseException):
    """The process died here (kill -9): no code of the request runs after it."""


class Inserts:
    """Counts ``insert_one`` across the collections it stands in for; the ``fail_at``-th raises."""

    def __init__(self, fail_at: int, error: BaseException) -> None:
        self.count = 0
        self.fail_at = fail_at
        self.error = error

    def wrap(self, collection):
        plan = self

        class Failing:
            def __getattr__(self, name):
                return getattr(collection, name)

            def insert_one(self, *args, **kwargs):
                plan.count += 1
                if plan.count == plan.fail_at:
                    raise plan.error
                return collection.insert_one(*args, **kwargs)

        return Failing()


def fail(monkeypatch, store, fail_at: int, error: BaseException, *names: str) -> None:
    inserts = Inserts(fail_at, error)
    for name in names:
        monkeypatch.setattr(store, name, inserts.wrap(getattr(store, name)))


@pytest.fixture
def accounts(container_factory, config):
    container = container_factory(AccountsService, config)
    container.start()
    return container


def sign_in(accounts, email):
    return call(accounts, "issue_token", {"email": email, "password": "pass-word-1"})


def test_a_sign_up_whose_second_write_fails_leaves_nothing_and_signs_up_again_at_once(accounts, monkeypatch):
    body = make_organization()
    fail(monkeypatch, store_of(accounts), 2, AutoReconnect("connection lost"), "organizations", "users")
    with pytest.raises(AutoReconnect):
        call(accounts, "create_organization", body)
    # No organization to register into, no admin to sign in as.
    with pytest.raises(ValidationFailed) as info:
        call(accounts, "register_client", make_registration(body["slug"]))
    assert "org_slug" in info.value.details
    with pytest.raises(Unauthorized):
        sign_in(accounts, body["admin"]["email"])
    # The same slug and email sign up at once (the failing write happened once).
    org = call(accounts, "create_organization", body)
    assert sign_in(accounts, body["admin"]["email"])["user"]["org_id"] == org["id"]
    store = store_of(accounts)
    kept = list(store.organizations.find({"slug": body["slug"]}))
    assert [doc["_id"] for doc in kept] == [org["id"]]
    assert kept[0]["outbox"] == {} and not kept[0]["outbox_pending"]  # both events went out
    assert store.users.count_documents({"email": body["admin"]["email"]}) == 1


def staged_sign_up(slug: str, email: str, at):
    org = Organization(id=new_id("org"), name="Nakuru Careers", slug=slug, created_at=at)
    admin = User(
        id=new_id("usr"), org_id=org.id, email=email, name="Wanjiku", role="org_admin", created_at=at
    )
    return org, admin


def test_a_sign_up_stopped_between_its_writes_shows_no_organization_and_frees_slug_and_email_once_stale(
    accounts, monkeypatch
):
    store = store_of(accounts)
    body = make_organization()
    slug, email = body["slug"], body["admin"]["email"]
    at = now()
    fail(monkeypatch, store, 2, Stopped(), "organizations", "users")
    with pytest.raises(Stopped):
        store.create_organization(*staged_sign_up(slug, email, at), [], at)
    monkeypatch.undo()
    # Nobody registers into it, its admin signs in to nothing.
    with pytest.raises(ValidationFailed):
        call(accounts, "register_client", make_registration(slug))
    assert store.organization_by_slug(slug) is None
    assert store.user_by_email(email) is None
    # Once its claims are stale, the same slug and email sign up, and the stopped admin is gone.
    later = at + STALE_CLAIM + timedelta(seconds=1)
    org, admin = staged_sign_up(slug, email, later)
    store.create_organization(org, admin, [], later)
    assert store.organization_by_slug(slug).id == org.id
    assert store.user_by_email(email).id == admin.id
    assert [doc["_id"] for doc in store.users.find({"email": email})] == [admin.id]


@pytest.mark.parametrize("fail_at", [1, 2])
def test_a_sign_up_that_fails_gives_its_claims_back(accounts, monkeypatch, fail_at):
    store = store_of(accounts)
    body = make_organization()
    fail(monkeypatch, store, fail_at, AutoReconnect("connection lost"), "organizations", "users")
    with pytest.raises(AutoReconnect):
        call(accounts, "create_organization", body)
    assert store.claims.find_one({"_id": f"slug:{body['slug']}"}) is None
    assert store.claims.find_one({"_id": email_claim_key(body["admin"]["email"])}) is None
    assert store.users.find_one({"email": body["admin"]["email"]}) is None
    assert store.organizations.find_one({"slug": body["slug"]}) is None


def test_a_registration_whose_write_fails_frees_the_email_at_once(accounts, monkeypatch):
    org = call(accounts, "create_organization", make_organization())
    registration = make_registration(org["slug"])
    fail(monkeypatch, store_of(accounts), 1, AutoReconnect("connection lost"), "users")
    with pytest.raises(AutoReconnect):
        call(accounts, "register_client", registration)
    client = call(accounts, "register_client", registration)
    assert client["email"] == registration["email"]
    assert sign_in(accounts, registration["email"])["user"]["id"] == client["id"]


def test_an_email_claimed_the_old_way_still_finds_its_person_and_stays_taken(accounts):
    """Claims were once keyed by the address itself (now by its digest, so the database's log names
    nobody): accounts made then still sign in, and their address cannot be taken again."""
    store = store_of(accounts)
    body = make_organization()
    call(accounts, "create_organization", body)
    email = body["admin"]["email"]
    claim = store.claims.find_one({"_id": email_claim_key(email)})
    assert email not in claim["_id"]
    store.claims.delete_one({"_id": claim["_id"]})
    store.claims.insert_one({**claim, "_id": f"email:{email}"})

    assert store.user_by_email(email).id == claim["owner"]
    again = make_organization(admin={"email": email})
    with pytest.raises(Conflict):
        call(accounts, "create_organization", again)
