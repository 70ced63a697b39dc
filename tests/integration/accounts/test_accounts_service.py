"""The accounts service in a real nameko container, on real RabbitMQ and FerretDB."""

import eventlet
import pytest
from nameko.rpc import rpc
from nameko.standalone.rpc import ServiceRpcProxy

from services.accounts.service import AccountsService
from services.gateway.service import GatewayService
from shared.auth import GATEWAY, TOKEN_KEY
from shared.errors import Conflict, Forbidden, NotFound, Unauthorized, ValidationFailed
from shared.events.contracts import USER_UPDATED
from shared.rpc import ServiceRpc
from tests.support.builders import make_branch, make_organization, make_registration, make_user
from tests.support.containers import call, store_of
from tests.support.recorders import event_recorder
from tests.support.waiting import wait_until


@pytest.fixture
def accounts(container_factory, config):
    container = container_factory(AccountsService, config)
    container.start()
    return container


def sign_up(container, **overrides):
    body = make_organization(**overrides)
    org = call(container, "create_organization", body)
    token = call(
        container, "issue_token", {"email": body["admin"]["email"], "password": body["admin"]["password"]}
    )
    return org, token["access_token"]


def test_organization_admin_can_sign_in_and_see_themselves(accounts):
    body = make_organization(admin={"email": "Mixed.Case@Example.org"})
    org = call(accounts, "create_organization", body)
    assert org["admin"]["role"] == "org_admin"
    assert org["admin"]["email"] == "mixed.case@example.org"
    token = call(accounts, "issue_token", {"email": "MIXED.case@example.org", "password": "pass-word-1"})
    me = call(accounts, "me", token=token["access_token"])
    assert me["id"] == org["admin"]["id"]
    assert me["org_id"] == org["id"]
    assert "password_hash" not in me


def test_anyone_signed_in_reads_their_organization_code_to_share_the_sign_up_link(accounts):
    org, token = sign_up(accounts)
    mine = call(accounts, "my_organization", token=token)
    assert mine == {"id": org["id"], "name": org["name"], "slug": org["slug"]}
    with pytest.raises(Unauthorized):
        call(accounts, "my_organization")


def test_wrong_password_and_unknown_email_are_both_unauthorized(accounts):
    body = make_organization()
    call(accounts, "create_organization", body)
    with pytest.raises(Unauthorized):
        call(accounts, "issue_token", {"email": body["admin"]["email"], "password": "not-the-password"})
    with pytest.raises(Unauthorized):
        call(accounts, "issue_token", {"email": "nobody@example.org", "password": "pass-word-1"})


def test_taken_slug_is_a_conflict_and_leaves_the_admin_email_free(accounts):
    first = make_organization()
    call(accounts, "create_organization", first)
    second = make_organization(slug=first["slug"])
    with pytest.raises(Conflict) as info:
        call(accounts, "create_organization", second)
    assert "slug" in info.value.details
    # The second admin's email was never kept: a fresh organization can use it.
    org = call(accounts, "create_organization", make_organization(admin={"email": second["admin"]["email"]}))
    assert org["admin"]["email"] == second["admin"]["email"]


def test_taken_admin_email_is_a_conflict_and_leaves_the_slug_free(accounts):
    first = make_organization()
    call(accounts, "create_organization", first)
    second = make_organization(admin={"email": first["admin"]["email"]})
    with pytest.raises(Conflict) as info:
        call(accounts, "create_organization", second)
    assert "admin.email" in info.value.details
    org = call(accounts, "create_organization", make_organization(slug=second["slug"]))
    assert org["slug"] == second["slug"]


def test_invalid_organization_writes_nothing(accounts):
    body = make_organization(admin={"email": "not-an-email"})
    with pytest.raises(ValidationFailed) as info:
        call(accounts, "create_organization", body)
    assert "admin.email" in info.value.details
    assert call(accounts, "create_organization", make_organization(slug=body["slug"]))["slug"] == body["slug"]


def test_twenty_simultaneous_sign_ups_with_one_email_create_one_account(accounts, config):
    org, token = sign_up(accounts)
    email = "same.person@example.org"

    def register(_):
        # Real RPC over RabbitMQ: nameko's entrypoint_hook is not safe for concurrent calls.
        with ServiceRpcProxy("accounts", config) as proxy:
            try:
                return proxy.register_client(make_registration(org["slug"], email=email))
            except Conflict:
                return None

    results = list(eventlet.GreenPool(20).imap(register, range(20)))
    winners = [r for r in results if r]
    assert len(winners) == 1
    assert winners[0]["email"] == email
    clients = call(accounts, "list_users", {"role": "client"}, token=token)["items"]
    assert [c["email"] for c in clients] == [email]


def test_branches_are_created_by_org_admins_in_their_own_time_zone(accounts):
    org, token = sign_up(accounts)
    branch = call(accounts, "create_branch", make_branch(timezone="America/New_York"), token=token)
    assert branch["org_id"] == org["id"]
    assert branch["timezone"] == "America/New_York"
    listed = call(accounts, "list_branches", {}, token=token)
    assert [b["id"] for b in listed["items"]] == [branch["id"]]
    with pytest.raises(ValidationFailed) as info:
        call(accounts, "create_branch", make_branch(timezone="Africa/Atlantis"), token=token)
    assert "timezone" in info.value.details


def test_another_organizations_branch_and_user_are_not_found(accounts):
    _, token_a = sign_up(accounts)
    _, token_b = sign_up(accounts)
    branch_a = call(accounts, "create_branch", make_branch(), token=token_a)
    counselor_a = call(accounts, "create_user", make_user("counselor", branch_a["id"]), token=token_a)
    with pytest.raises(NotFound):
        call(accounts, "get_branch", branch_a["id"], token=token_b)
    with pytest.raises(NotFound):
        call(accounts, "get_user", counselor_a["id"], token=token_b)
    assert call(accounts, "list_branches", {}, token=token_b)["items"] == []
    assert call(accounts, "list_users", {}, token=token_b)["items"][0]["role"] == "org_admin"
    # Org B cannot put a person into org A's branch either.
    with pytest.raises(ValidationFailed):
        call(accounts, "create_user", make_user("counselor", branch_a["id"]), token=token_b)


def test_new_people_take_time_zone_and_language_from_their_branch(accounts):
    _, token = sign_up(accounts)
    branch = call(
        accounts, "create_branch", make_branch(timezone="Africa/Nairobi", language="sw"), token=token
    )
    counselor = call(accounts, "create_user", make_user("counselor", branch["id"]), token=token)
    assert (counselor["timezone"], counselor["language"]) == ("Africa/Nairobi", "sw")
    own = call(
        accounts, "create_user", make_user("counselor", branch["id"], timezone="Europe/London"), token=token
    )
    assert own["timezone"] == "Europe/London"


def test_a_self_registered_client_takes_the_first_branchs_time_zone_and_language_until_they_choose(
    accounts,
):
    org, token = sign_up(accounts)
    lonely = call(accounts, "register_client", make_registration(org["slug"]))
    assert (lonely["timezone"], lonely["language"]) == ("UTC", "en")  # no branch yet
    call(accounts, "create_branch", make_branch(timezone="Africa/Nairobi", language="sw"), token=token)
    call(accounts, "create_branch", make_branch(timezone="Europe/London", language="en"), token=token)
    client = call(accounts, "register_client", make_registration(org["slug"]))
    assert (client["timezone"], client["language"], client["branch_id"]) == ("Africa/Nairobi", "sw", None)
    chosen = call(accounts, "register_client", make_registration(org["slug"], timezone="Africa/Kampala"))
    assert (chosen["timezone"], chosen["language"]) == ("Africa/Kampala", "sw")
    changed = call(accounts, "update_me", {"language": "en"}, token=sign_in_token(accounts, client["email"]))
    assert (changed["timezone"], changed["language"]) == ("Africa/Nairobi", "en")


def sign_in_token(accounts, email):
    return call(accounts, "issue_token", {"email": email, "password": "pass-word-1"})["access_token"]


def test_clients_cannot_add_people(accounts):
    org, _ = sign_up(accounts)
    client = make_registration(org["slug"])
    call(accounts, "register_client", client)
    client_token = call(accounts, "issue_token", {"email": client["email"], "password": client["password"]})
    with pytest.raises(Forbidden):
        call(accounts, "create_user", make_user("counselor"), token=client_token["access_token"])
    with pytest.raises(Forbidden):
        call(accounts, "list_users", {}, token=client_token["access_token"])


def test_branch_admin_adds_people_to_their_own_branch_only(accounts):
    _, token = sign_up(accounts)
    home = call(accounts, "create_branch", make_branch(), token=token)
    other = call(accounts, "create_branch", make_branch(), token=token)
    admin_body = make_user("branch_admin", home["id"])
    call(accounts, "create_user", admin_body, token=token)
    branch_token = call(accounts, "issue_token", {"email": admin_body["email"], "password": "pass-word-1"})[
        "access_token"
    ]
    made = call(accounts, "create_user", make_user("counselor", home["id"]), token=branch_token)
    assert made["branch_id"] == home["id"]
    with pytest.raises(Forbidden):
        call(accounts, "create_user", make_user("counselor", other["id"]), token=branch_token)
    with pytest.raises(Forbidden):
        call(accounts, "create_user", make_user("org_admin"), token=branch_token)
    listed = call(accounts, "list_users", {}, token=branch_token)
    assert {u["branch_id"] for u in listed["items"]} == {home["id"]}


def test_user_lists_page_with_a_cursor(accounts):
    _, token = sign_up(accounts)
    branch = call(accounts, "create_branch", make_branch(), token=token)
    made = [
        call(accounts, "create_user", make_user("counselor", branch["id"]), token=token)["id"]
        for _ in range(5)
    ]
    seen, cursor = [], None
    while True:
        page = call(accounts, "list_users", {"role": "counselor", "limit": 2, "cursor": cursor}, token=token)
        assert len(page["items"]) <= 2
        seen += [u["id"] for u in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == made


def test_clients_see_counselors_without_their_contact_details(accounts):
    org, token = sign_up(accounts)
    branch = call(accounts, "create_branch", make_branch(), token=token)
    call(accounts, "create_user", make_user("counselor", branch["id"], phone="+254712345678"), token=token)
    client = make_registration(org["slug"])
    call(accounts, "register_client", client)
    client_token = call(accounts, "issue_token", {"email": client["email"], "password": client["password"]})
    seen = call(accounts, "list_counselors", {"branch_id": branch["id"]}, token=client_token["access_token"])
    assert len(seen["items"]) == 1
    assert "email" not in seen["items"][0] and "phone" not in seen["items"][0]
    staff_view = call(accounts, "list_counselors", {}, token=token)
    assert staff_view["items"][0]["phone"] == "+254712345678"


def test_a_token_for_a_deleted_or_forged_user_is_refused(accounts):
    with pytest.raises(Unauthorized):
        call(accounts, "me", token="not.a.token")
    with pytest.raises(Unauthorized):
        call(accounts, "me")


# What one person sees of another -------------------------------------------------------------


@pytest.fixture
def branch_people(accounts):
    """An organization with a branch, a counselor with a phone, a client and their tokens."""
    org, admin = sign_up(accounts)
    branch = call(accounts, "create_branch", make_branch(), token=admin)
    counselor_body = make_user("counselor", branch["id"], phone="+254712345678")
    counselor = call(accounts, "create_user", counselor_body, token=admin)
    client_body = make_registration(org["slug"])
    client = call(accounts, "register_client", client_body)
    tokens = {
        "admin": admin,
        "counselor": call(
            accounts, "issue_token", {"email": counselor_body["email"], "password": "pass-word-1"}
        )["access_token"],
        "client": call(
            accounts, "issue_token", {"email": client_body["email"], "password": client_body["password"]}
        )["access_token"],
    }
    return {"counselor": counselor, "client": client, "tokens": tokens}


def test_a_client_reading_a_counselor_sees_no_email_or_phone(accounts, branch_people):
    counselor, tokens = branch_people["counselor"], branch_people["tokens"]
    seen = call(accounts, "get_user", counselor["id"], token=tokens["client"])
    assert seen["id"] == counselor["id"] and seen["name"] == counselor["name"]
    assert seen["role"] == "counselor" and seen["branch_id"] == counselor["branch_id"]
    assert "email" not in seen and "phone" not in seen
    # Their own record they see whole.
    own = call(accounts, "get_user", branch_people["client"]["id"], token=tokens["client"])
    assert own["email"] == branch_people["client"]["email"]


@pytest.mark.parametrize("viewer", ["admin", "counselor"])
def test_staff_reading_a_counselor_still_see_email_and_phone(accounts, branch_people, viewer):
    counselor = branch_people["counselor"]
    seen = call(accounts, "get_user", counselor["id"], token=branch_people["tokens"][viewer])
    assert (seen["email"], seen["phone"]) == (counselor["email"], "+254712345678")


def test_a_service_asking_for_a_client_gets_the_counselors_contact_details(accounts, branch_people):
    counselor = branch_people["counselor"]
    person = call(accounts, "person", counselor["id"], token=branch_people["tokens"]["client"])
    assert (person["email"], person["phone"]) == (counselor["email"], "+254712345678")
    # Still only within the caller's organization.
    _, stranger = sign_up(accounts)
    with pytest.raises(NotFound):
        call(accounts, "person", counselor["id"], token=stranger)


class Relay:
    """Stands where a service (or, named "gateway", the gateway) asks accounts for a person."""

    accounts_rpc = ServiceRpc("accounts")

    @rpc
    def ask(self, user_id):
        return self.accounts_rpc.person(user_id)


class SchedulingRelay(Relay):
    name = "scheduling"


class GatewayRelay(Relay):
    name = GATEWAY


def test_the_service_only_person_lookup_is_refused_when_the_gateway_asks(
    accounts, branch_people, container_factory, config
):
    assert GatewayService.name == GATEWAY
    counselor, client = branch_people["counselor"], branch_people["tokens"]["client"]
    relays = {}
    for cls in (SchedulingRelay, GatewayRelay):
        relays[cls.name] = container_factory(cls, config)
        relays[cls.name].start()
    assert call(relays["scheduling"], "ask", counselor["id"], token=client)["email"] == counselor["email"]
    with pytest.raises(Forbidden):
        call(relays[GATEWAY], "ask", counselor["id"], token=client)


# A person changing their own details ------------------------------------------------------------

# Stands where a service keeping people hears `user.updated`.
UpdateListener, heard = event_recorder("accounts", USER_UPDATED, name="update_listener")


def test_a_client_changes_their_language_and_time_zone_and_sees_them_when_they_look_again(
    accounts, branch_people, container_factory, config
):
    heard.clear()
    container_factory(UpdateListener, config).start()
    client, token = branch_people["client"], branch_people["tokens"]["client"]

    changed = call(
        accounts,
        "update_me",
        {"language": "sw", "timezone": "Africa/Kampala", "name": " Kamau N. "},
        token=token,
    )

    assert (changed["language"], changed["timezone"], changed["name"]) == ("sw", "Africa/Kampala", "Kamau N.")
    me = call(accounts, "me", token=token)
    assert (me["language"], me["timezone"], me["name"]) == ("sw", "Africa/Kampala", "Kamau N.")
    assert me["email"] == client["email"] and me["created_at"] == client["created_at"]
    # Other services hear of it once, with the person as they are now and their revision.
    wait_until(lambda: heard, timeout=10, message="user.updated never arrived")
    data = heard[0]["data"]
    assert (data["user_id"], data["revision"], data["language"], data["timezone"]) == (
        client["id"],
        1,
        "sw",
        "Africa/Kampala",
    )
    assert data["changed_fields"] == ["language", "name", "timezone"]
    assert data["email"] == client["email"] and data["org_id"] == client["org_id"]
    assert store_of(accounts).users.find_one({"_id": client["id"]})["outbox"] == {}


def test_a_counselor_removes_their_phone_number_and_a_second_change_is_the_next_revision(
    accounts, branch_people
):
    counselor_token = branch_people["tokens"]["counselor"]
    assert call(accounts, "update_me", {"phone": None}, token=counselor_token)["phone"] is None
    assert call(accounts, "update_me", {"phone": "0712 345 678"}, token=counselor_token)["phone"] == (
        "+254712345678"
    )
    # Asking for what is already so changes nothing and tells nobody.
    call(accounts, "update_me", {"phone": "+254712345678"}, token=counselor_token)
    kept = store_of(accounts).users.find_one({"_id": branch_people["counselor"]["id"]})
    assert kept["revision"] == 2


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"timezone": "Nairobi/Kenya", "language": "en"}, "timezone"),
        ({"language": "fr"}, "language"),
        ({"name": "   "}, "name"),
        ({"phone": "12"}, "phone"),
        ({"email": "new@example.org"}, "email"),
        ({"role": "org_admin"}, "role"),
        ({}, "body"),
    ],
)
def test_a_bad_change_of_ones_details_names_the_field_and_changes_nothing(
    accounts, branch_people, body, field
):
    token = branch_people["tokens"]["client"]
    before = call(accounts, "me", token=token)
    with pytest.raises(ValidationFailed) as info:
        call(accounts, "update_me", body, token=token)
    assert field in info.value.details
    assert call(accounts, "me", token=token) == before
    assert store_of(accounts).users.find_one({"_id": before["id"]}).get("revision", 0) == 0


def test_changing_ones_details_needs_a_signed_in_person(accounts):
    with pytest.raises(Unauthorized):
        call(accounts, "update_me", {"language": "sw"})


def test_ten_simultaneous_changes_of_one_person_run_one_at_a_time_each_its_own_revision(
    accounts, branch_people, config
):
    token = branch_people["tokens"]["client"]
    user_id = branch_people["client"]["id"]

    def change(index):
        with ServiceRpcProxy("accounts", config, context_data={TOKEN_KEY: token}) as proxy:
            try:
                return proxy.update_me({"name": f"Kamau {index}"})
            except Conflict:
                return None

    done = [r for r in eventlet.GreenPool(10).imap(change, range(10)) if r]
    kept = store_of(accounts).users.find_one({"_id": user_id})
    # None undid another: as many revisions as changes that succeeded, the last one's name kept.
    assert done and kept["revision"] == len(done)
    assert kept["name"] in {r["name"] for r in done}
    assert kept["outbox"] == {}
    assert store_of(accounts).claims.find_one({"_id": f"changing:{user_id}"}) is None
