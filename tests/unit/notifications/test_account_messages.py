"""Account messages (#14): invitations, password resets, paused sign-ins, and the notices of a
session whose counselor left or changed: what is planned (no token in it) and what they say."""

from datetime import UTC, datetime, timedelta

from services.notifications import domain
from services.notifications.messages import render
from shared.links import accept_invitation_page, reset_password_page
from shared.one_time import link_token
from tests.unit.notifications.test_messages import ACCOUNT_FACTS, CLIENT, COUNSELOR, PUBLIC_URL, make_facts

NOW = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)
SECRET = "a-test-secret"


def invitation(**overrides):
    facts = {
        "invitation_id": "inv_1",
        "org_id": "org_1",
        "org_name": "Njia Nakuru",
        "branch_id": "br_1",
        "role": "counselor",
        "name": "Baraka Mwangi",
        "email": "baraka@example.org",
        "phone": "+254712345678",
        "language": "sw",
        "timezone": "Africa/Nairobi",
        "invited_by": "usr_admin",
        "inviter_name": "Amina Njeri",
        "nonce": "first-nonce",
        "expires_at": NOW + timedelta(days=7),
    }
    return {**facts, **overrides}


def test_an_invitation_goes_by_email_when_it_has_one_else_by_sms():
    [by_email] = domain.plan_invitation(invitation(), NOW)
    [by_sms] = domain.plan_invitation(invitation(email=None), NOW)

    assert (by_email.channel, by_sms.channel) == ("email", "sms")
    assert domain.plan_invitation(invitation(email=None, phone=None), NOW) == []


def test_a_resent_invitation_is_a_new_delivery_and_the_same_event_again_is_the_same_one():
    [first] = domain.plan_invitation(invitation(), NOW)
    [again] = domain.plan_invitation(invitation(), NOW + timedelta(seconds=5))
    [resent] = domain.plan_invitation(invitation(nonce="second-nonce"), NOW)

    assert first.id == again.id != resent.id
    assert first.id.startswith("invitation:inv_1:") and "first-nonce" not in first.id


def test_what_is_planned_keeps_the_nonce_and_never_the_token():
    [planned] = domain.plan_invitation(invitation(), NOW)
    token = link_token(SECRET, "invitation", "inv_1", "first-nonce")

    assert planned.facts["nonce"] == "first-nonce"
    assert token not in repr(planned)


def test_the_link_is_made_from_the_nonce_when_sent():
    [planned] = domain.plan_invitation(invitation(), NOW)
    token = link_token(SECRET, "invitation", "inv_1", "first-nonce")

    assert domain.one_time_link("invitation", planned.facts, SECRET, PUBLIC_URL + "/") == (
        PUBLIC_URL + accept_invitation_page(token)
    )
    reset = {"record_id": "rst_1", "nonce": "n"}
    assert domain.one_time_link(
        "password_reset", reset, SECRET, PUBLIC_URL
    ) == PUBLIC_URL + reset_password_page(link_token(SECRET, "password_reset", "rst_1", "n"))


def test_a_password_reset_goes_by_email_only_and_knows_how_long_it_lasts():
    person = domain.recipient_of(
        {"user_id": "usr_1", "role": "client", "name": "Wanjiru", "email": "w@example.org"}
    )
    facts = {"reset_id": "rst_1", "user_id": "usr_1", "nonce": "n", "expires_at": NOW + timedelta(minutes=30)}

    [planned] = domain.plan_password_reset(facts, person, NOW, NOW)

    assert planned.channel == "email" and planned.facts["valid_minutes"] == 30
    assert planned.kind in domain.ACCOUNT_KINDS  # sent whatever the person's channel preferences


def test_a_swahili_invitation_names_the_inviter_the_organization_the_role_and_the_expiry():
    message = render("invitation", "sw", make_facts("invitation"), CLIENT, PUBLIC_URL)

    assert message.subject == "Amina Njeri amekualika ujiunge na Njia Nakuru kwenye Njia"
    assert "kama mshauri" in message.text
    assert "Jumanne, 8 Desemba 2026, saa 3:00 asubuhi (09:00 EAT)" in message.text
    assert (
        ACCOUNT_FACTS["invitation"]["link"] in message.text
        and ACCOUNT_FACTS["invitation"]["link"] in message.html
    )
    assert "Kubali kabla ya 8 Des" in message.sms


def test_an_english_invitation_says_as_what_and_until_when():
    message = render("invitation", "en", make_facts("invitation"), COUNSELOR, PUBLIC_URL)

    assert message.subject == "Amina Njeri invited you to Njia Nakuru on Njia"
    assert "as a counselor" in message.text
    assert "until Tuesday 8 December 2026, 06:00 (GMT)" in message.text


def test_a_password_reset_says_thirty_minutes_and_to_ignore_it_if_not_asked_for():
    english = render("password_reset", "en", make_facts("password_reset"), COUNSELOR, PUBLIC_URL)
    swahili = render("password_reset", "sw", make_facts("password_reset"), CLIENT, PUBLIC_URL)

    assert "expires in 30 minutes" in english.text and "If you did not ask for this, ignore" in english.text
    assert "dakika 30" in swahili.text and "puuza ujumbe huu" in swahili.text
    assert ACCOUNT_FACTS["password_reset"]["link"] in swahili.text


def test_a_paused_sign_in_says_how_many_wrong_passwords_and_to_reset_if_it_was_not_them():
    english = render("sign_in_throttled", "en", make_facts("sign_in_throttled"), COUNSELOR, PUBLIC_URL)
    swahili = render("sign_in_throttled", "sw", make_facts("sign_in_throttled"), CLIENT, PUBLIC_URL)

    assert "5 times in a row" in english.text and "15 minutes" in english.text
    assert "If it was not you, reset your password" in english.text
    assert "mara 5 mfululizo" in swahili.text and "dakika 15" in swahili.text


def test_a_client_hears_in_swahili_that_their_session_waits_for_a_new_counselor_and_then_who_took_it():
    waiting = render("unassigned", "sw", make_facts("unassigned"), CLIENT, PUBLIC_URL)
    taken = render("reassigned", "sw", make_facts("reassigned"), CLIENT, PUBLIC_URL)

    assert "Achieng Otieno hapatikani tena" in waiting.text and "Muda wako umehifadhiwa" in waiting.text
    assert taken.subject.startswith("Kipindi chako cha Jumanne, 1 Desemba 2026")
    assert "sasa ni na Achieng Otieno, badala ya Otieno Mwangi" in taken.text


def test_the_new_counselor_hears_the_session_is_theirs():
    message = render("reassigned", "en", make_facts("reassigned"), COUNSELOR, PUBLIC_URL)

    assert message.subject == "New session for you: Tuesday 1 December 2026, 06:00 (GMT)"
    assert "A session with Wanjiru Kamau has been given to you." in message.text
