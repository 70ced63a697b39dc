"""Sign-in and sign-up limits (API.md: 429 ``rate_limited`` with Retry-After), in a real container
on the real database. Each request carries the HTTP client's address as the gateway passes it."""

import pytest
from nameko.testing.services import entrypoint_hook

from services.accounts.service import AccountsService
from shared.auth import ADDRESS_KEY
from shared.errors import Conflict, RateLimited, Unauthorized
from tests.support.builders import make_organization, make_registration

SIGN_UPS_PER_HOUR = 3


@pytest.fixture
def accounts(container_factory, config):
    limits = {"NJIA_SIGN_UPS_PER_HOUR": str(SIGN_UPS_PER_HOUR), "NJIA_SIGN_IN_FAILURES_PER_MINUTE": "30"}
    container = container_factory(AccountsService, {**config, **limits})
    container.start()
    return container


def call_from(address, container, method, *args):
    """``method`` as the gateway calls it for an HTTP client at ``address`` ("": no HTTP request)."""
    with entrypoint_hook(container, method, context_data={ADDRESS_KEY: address} if address else {}) as hook:
        return hook(*args)


def sign_in(container, email, password, address="198.51.100.7"):
    return call_from(address, container, "issue_token", {"email": email, "password": password})


@pytest.fixture
def admin(accounts):
    body = make_organization()
    call_from("", accounts, "create_organization", body)
    return body


# --- Sign-in -------------------------------------------------------------------------------------


def test_five_wrong_passwords_for_an_account_refuse_even_the_right_one_with_a_wait(accounts, admin):
    email = admin["admin"]["email"]
    for _ in range(5):
        with pytest.raises(Unauthorized):
            sign_in(accounts, email, "not-the-password")
    with pytest.raises(RateLimited) as info:
        sign_in(accounts, email, "pass-word-1")
    assert 0 < info.value.retry_after <= 15 * 60
    # From another address too: the limit is the account's.
    with pytest.raises(RateLimited):
        sign_in(accounts, email.upper(), "pass-word-1", address="203.0.113.9")


def test_successful_sign_ins_do_not_count_against_the_account(accounts, admin):
    email = admin["admin"]["email"]
    for _ in range(4):
        with pytest.raises(Unauthorized):
            sign_in(accounts, email, "not-the-password")
    for _ in range(3):
        assert sign_in(accounts, email, "pass-word-1")["user"]["email"] == email
    with pytest.raises(Unauthorized):
        sign_in(accounts, email, "not-the-password")  # the fifth failure: refused, not yet limited
    with pytest.raises(RateLimited):
        sign_in(accounts, email, "pass-word-1")


def test_thirty_failed_sign_ins_from_one_address_in_a_minute_refuse_the_next(accounts, admin):
    for n in range(30):
        with pytest.raises(Unauthorized):
            sign_in(accounts, f"guess-{n}@example.org", "not-the-password", address="192.0.2.1")
    with pytest.raises(RateLimited) as info:
        sign_in(accounts, admin["admin"]["email"], "pass-word-1", address="192.0.2.1")
    assert 0 < info.value.retry_after <= 60
    # Another address still signs in.
    assert sign_in(accounts, admin["admin"]["email"], "pass-word-1", address="192.0.2.2")["user"]


# --- Sign-up -------------------------------------------------------------------------------------


def test_sign_ups_from_one_address_are_limited_per_hour_organizations_and_clients_together(accounts, admin):
    address = "198.51.100.20"
    org = call_from(address, accounts, "create_organization", make_organization())
    call_from(address, accounts, "register_client", make_registration(org["slug"]))
    with pytest.raises(Conflict):  # a sign-up that fails counts too: each costs a password hash
        call_from(
            address,
            accounts,
            "register_client",
            make_registration(admin["slug"], email=admin["admin"]["email"]),
        )
    with pytest.raises(RateLimited) as info:
        call_from(address, accounts, "register_client", make_registration(org["slug"]))
    assert 0 < info.value.retry_after <= 3600
    with pytest.raises(RateLimited):
        call_from(address, accounts, "create_organization", make_organization())
    # Others still sign up.
    assert call_from("198.51.100.21", accounts, "register_client", make_registration(org["slug"]))["id"]


def test_a_refused_sign_up_writes_nothing(accounts, admin):
    address = "198.51.100.30"
    for _ in range(SIGN_UPS_PER_HOUR):
        call_from(address, accounts, "register_client", make_registration(admin["slug"]))
    body = make_organization()
    with pytest.raises(RateLimited):
        call_from(address, accounts, "create_organization", body)
    assert call_from("198.51.100.31", accounts, "create_organization", body)["slug"] == body["slug"]
