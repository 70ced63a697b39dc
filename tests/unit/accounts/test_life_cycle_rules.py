"""The account life cycle's rules (issue 14): who manages whom, what a change does to a person's
standing and sign-ins, when links work, and how a gateway judges a token. No I/O."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from services.accounts.domain import (
    Invitation,
    LinkNotUsable,
    PasswordReset,
    RoleNotAllowed,
    User,
    check_admin_changes,
    check_reset_usable,
    check_usable,
    manages,
    signed_out_everywhere,
    staff_zone_follows,
    with_admin_changes,
    with_status,
)
from services.gateway.access import acting_as, refusal
from shared.auth import Caller
from shared.one_time import link_token, new_nonce, token_digest

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


def person(**overrides):
    base = User(
        id="usr_1",
        org_id="org_1",
        email="a@example.org",
        name="Achieng",
        role="counselor",
        created_at=NOW,
        branch_id="br_1",
    )
    return replace(base, **overrides)


def invitation(**overrides):
    base = Invitation(
        id="inv_1",
        org_id="org_1",
        name="Njeri",
        role="counselor",
        branch_id="br_1",
        email="n@example.org",
        phone=None,
        timezone="Africa/Nairobi",
        language="en",
        invited_by="usr_admin",
        created_at=NOW,
        expires_at=NOW + timedelta(days=7),
        nonce="n",
        token_digest="d",
    )
    return replace(base, **overrides)


@pytest.mark.parametrize(
    ("actor_role", "actor_branch", "target", "expected"),
    [
        ("org_admin", None, person(), True),
        ("org_admin", None, person(org_id="org_2"), False),
        ("branch_admin", "br_1", person(), True),
        ("branch_admin", "br_2", person(), False),
        ("branch_admin", "br_1", person(role="org_admin", branch_id="br_1"), False),
        ("counselor", "br_1", person(role="client"), False),
    ],
)
def test_who_manages_whom(actor_role, actor_branch, target, expected):
    assert manages(actor_role, "org_1", actor_branch, target) is expected


def test_nobody_changes_their_own_role_or_branch_and_branch_admins_stay_in_their_branch():
    with pytest.raises(RoleNotAllowed):
        check_admin_changes(
            actor_role="org_admin",
            actor_id="usr_1",
            actor_branch_id=None,
            person=person(),
            changes={"role": "client"},
        )
    with pytest.raises(RoleNotAllowed):
        check_admin_changes(
            actor_role="branch_admin",
            actor_id="usr_9",
            actor_branch_id="br_1",
            person=person(),
            changes={"branch_id": "br_2"},
        )
    with pytest.raises(RoleNotAllowed):
        check_admin_changes(
            actor_role="branch_admin",
            actor_id="usr_9",
            actor_branch_id="br_1",
            person=person(),
            changes={"role": "org_admin"},
        )
    check_admin_changes(
        actor_role="branch_admin",
        actor_id="usr_9",
        actor_branch_id="br_1",
        person=person(),
        changes={"name": "N"},
    )


def test_a_new_role_or_branch_is_a_new_access_revision_and_an_org_admin_has_no_branch():
    renamed = with_admin_changes(person(), {"name": "New"}, NOW)
    assert (renamed.revision, renamed.access_revision) == (1, 0)
    promoted = with_admin_changes(person(), {"role": "org_admin"}, NOW)
    assert promoted.branch_id is None and promoted.access_revision == 1
    assert promoted.access()["role"] == "org_admin"


def test_deactivation_ends_sign_ins_and_reactivation_does_not_bring_them_back():
    off = with_status(person(), "deactivated", NOW, end_sign_ins=True)
    assert not off.active and off.sign_in_generation == 1 and off.access_revision == 1
    back = with_status(off, "active", NOW, end_sign_ins=False)
    assert back.active and back.sign_in_generation == 1 and back.access_revision == 2
    everywhere = signed_out_everywhere(back, NOW)
    assert everywhere.sign_in_generation == 2 and everywhere.active


def test_a_branch_zone_moves_staff_who_had_it_only():
    assert staff_zone_follows(person(timezone="Africa/Nairobi"), "Africa/Nairobi", "Africa/Kampala")
    assert not staff_zone_follows(person(timezone="Europe/London"), "Africa/Nairobi", "Africa/Kampala")
    assert not staff_zone_follows(person(role="client", timezone="Africa/Nairobi"), "Africa/Nairobi", "UTC")


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"status": "accepted"}, "already accepted"),
        ({"status": "revoked"}, "withdrawn"),
        ({"expires_at": NOW}, "expired"),
    ],
)
def test_an_invitation_link_works_only_while_sent_and_unexpired(changes, words):
    assert check_usable(invitation(), NOW).id == "inv_1"
    with pytest.raises(LinkNotUsable, match=words):
        check_usable(invitation(**changes), NOW)
    with pytest.raises(LinkNotUsable):
        check_usable(None, NOW)
    assert invitation(expires_at=NOW).public(NOW)["status"] == "expired"


def test_a_reset_link_works_once_and_for_thirty_minutes():
    reset = PasswordReset(
        id="rst_1",
        user_id="usr_1",
        org_id="org_1",
        created_at=NOW,
        expires_at=NOW + timedelta(minutes=30),
        token_digest="d",
    )
    assert check_reset_usable(reset, NOW) is reset
    with pytest.raises(LinkNotUsable, match="expired"):
        check_reset_usable(reset, NOW + timedelta(minutes=30))
    with pytest.raises(LinkNotUsable, match="already used"):
        check_reset_usable(replace(reset, used_at=NOW), NOW)


def test_link_tokens_come_from_the_secret_and_nonce_and_are_kept_as_digests():
    nonce = new_nonce()
    token = link_token("secret", "invitation", "inv_1", nonce)
    assert token == link_token("secret", "invitation", "inv_1", nonce)
    assert token != link_token("other", "invitation", "inv_1", nonce)
    assert token != link_token("secret", "password_reset", "inv_1", nonce)
    assert token != link_token("secret", "invitation", "inv_1", new_nonce())
    assert token not in token_digest(token) and len(token_digest(token)) == 64


def test_a_gateway_refuses_ended_sign_ins_and_re_signs_a_changed_role():
    caller = Caller("usr_1", "org_1", "counselor", "br_1", generation=1)
    access = person(sign_in_generation=1).access()
    assert refusal(caller, access) is None and acting_as(caller, access) is None
    assert refusal(caller, {**access, "active": False}).details["reason"] == "deactivated"
    assert refusal(caller, {**access, "sign_in_generation": 2}).details["reason"] == "signed_out"
    now_acting = acting_as(caller, {**access, "role": "branch_admin"})
    assert (now_acting.role, now_acting.branch_id, now_acting.generation) == ("branch_admin", "br_1", 1)
