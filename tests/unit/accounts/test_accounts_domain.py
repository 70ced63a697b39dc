"""services/accounts/domain.py: who may add whom, and a person's defaults."""

from datetime import UTC, datetime

import pytest

from services.accounts.domain import (
    Branch,
    BranchRequired,
    RoleNotAllowed,
    User,
    changed_details,
    check_new_user,
    defaults_from_branch,
    normalize_email,
    user_scope,
    with_details,
)

NOW = datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
NAKURU = Branch("brn_nakuru", "org_1", "Nakuru", "Africa/Nairobi", NOW, language="sw")


@pytest.mark.parametrize(
    ("role", "branch_id"),
    [("org_admin", None), ("branch_admin", "brn_1"), ("counselor", "brn_1"), ("client", "brn_1")],
)
def test_org_admin_may_add_anyone(role, branch_id):
    check_new_user(actor_role="org_admin", actor_branch_id=None, role=role, branch_id=branch_id)


@pytest.mark.parametrize("role", ["client", "counselor", "branch_admin"])
def test_org_admin_adding_a_branch_role_without_a_branch_is_told_to_give_branch_id(role):
    with pytest.raises(BranchRequired) as caught:
        check_new_user(actor_role="org_admin", actor_branch_id=None, role=role, branch_id=None)

    assert caught.value.field == "branch_id"


def test_unknown_role_is_refused():
    with pytest.raises(RoleNotAllowed) as caught:
        check_new_user(actor_role="org_admin", actor_branch_id=None, role="owner", branch_id="b")

    assert caught.value.field == "role"


@pytest.mark.parametrize("role", ["client", "counselor", "branch_admin"])
def test_branch_admin_may_add_people_to_their_own_branch(role):
    check_new_user(actor_role="branch_admin", actor_branch_id="brn_1", role=role, branch_id="brn_1")


def test_branch_admin_cannot_add_an_org_admin():
    with pytest.raises(RoleNotAllowed) as caught:
        check_new_user(
            actor_role="branch_admin", actor_branch_id="brn_1", role="org_admin", branch_id="brn_1"
        )

    assert caught.value.field == "role"


@pytest.mark.parametrize("branch_id", ["brn_2", None])
def test_branch_admin_cannot_add_people_outside_their_branch(branch_id):
    with pytest.raises(RoleNotAllowed) as caught:
        check_new_user(actor_role="branch_admin", actor_branch_id="brn_1", role="client", branch_id=branch_id)

    assert caught.value.field == "branch_id"


@pytest.mark.parametrize("actor", ["counselor", "client"])
@pytest.mark.parametrize("role", ["client", "counselor"])
def test_counselors_and_clients_cannot_add_anyone(actor, role):
    with pytest.raises(RoleNotAllowed):
        check_new_user(actor_role=actor, actor_branch_id="brn_1", role=role, branch_id="brn_1")


def test_new_person_takes_time_zone_and_language_from_their_branch():
    assert defaults_from_branch(NAKURU, None, None) == ("Africa/Nairobi", "sw")


def test_person_may_choose_their_own_time_zone_and_language():
    assert defaults_from_branch(NAKURU, "Europe/London", "en") == ("Europe/London", "en")
    assert defaults_from_branch(NAKURU, "Europe/London", None) == ("Europe/London", "sw")


def test_person_without_a_branch_defaults_to_utc_and_english():
    assert defaults_from_branch(None, None, None) == ("UTC", "en")


def test_email_is_compared_without_case_or_stray_spaces():
    assert normalize_email("  Amina.W@Example.ORG ") == "amina.w@example.org"


def test_org_admin_lists_the_whole_organization():
    assert user_scope("org_admin", "org_1", None) == {"org_id": "org_1"}


def test_branch_admin_lists_only_their_branch():
    assert user_scope("branch_admin", "org_1", "brn_1") == {"org_id": "org_1", "branch_id": "brn_1"}


def test_public_view_of_a_person_never_shows_the_password_hash():
    user = User(
        "usr_1",
        "org_1",
        "amina@example.org",
        "Amina",
        "client",
        NOW,
        branch_id="brn_1",
        password_hash="$argon2id$v=19$secret",
    )

    public = user.public()

    assert "password_hash" not in public
    assert "$argon2id$v=19$secret" not in repr(public)
    assert "$argon2id$v=19$secret" not in repr(user)
    assert public["email"] == "amina@example.org"
    assert public["branch_id"] == "brn_1"


COUNSELOR = User(
    "usr_c",
    "org_1",
    "wanjiru@example.org",
    "Wanjiru",
    "counselor",
    NOW,
    branch_id="brn_1",
    phone="+254712345678",
)


def test_a_client_sees_a_counselor_without_email_or_phone():
    seen = COUNSELOR.seen_by("usr_client", viewer_is_staff=False)

    assert seen == {
        "id": "usr_c",
        "name": "Wanjiru",
        "role": "counselor",
        "org_id": "org_1",
        "branch_id": "brn_1",
        "timezone": "UTC",
        "language": "en",
    }


def test_staff_see_a_counselors_email_and_phone():
    assert COUNSELOR.seen_by("usr_admin", viewer_is_staff=True) == COUNSELOR.public()


def test_a_client_sees_all_of_themselves():
    client = User("usr_a", "org_1", "amina@example.org", "Amina", "client", NOW, phone="+254722000000")

    assert client.seen_by("usr_a", viewer_is_staff=False) == client.public()


def test_a_change_of_ones_details_keeps_only_what_differs_and_counts_one_revision():
    amina = User("usr_1", "org_1", "amina@example.org", "Amina", "client", NOW, "Africa/Nairobi", "sw")
    changes = changed_details(amina, {"language": "en", "timezone": "Africa/Nairobi", "phone": None})
    assert changes == {"language": "en"}
    later = NOW.replace(hour=11)
    changed = with_details(amina, changes, later)
    assert (changed.language, changed.timezone, changed.revision, changed.updated_at) == (
        "en",
        "Africa/Nairobi",
        1,
        later,
    )
    assert with_details(changed, {"phone": "+254712345678"}, later).revision == 2


def test_asking_for_what_is_already_so_is_no_change():
    amina = User("usr_1", "org_1", "amina@example.org", "Amina", "client", NOW, language="sw")
    assert changed_details(amina, {"name": "Amina", "language": "sw"}) == {}
