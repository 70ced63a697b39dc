"""services/accounts/schemas.py: what the accounts service accepts."""

import pytest

from services.accounts.schemas import CreateOrganization, CreateUser, OwnDetails, Registration
from shared.errors import ValidationFailed
from shared.schemas import load


def organization(**overrides):
    body = {
        "name": "Nakuru Careers",
        "slug": "nakuru-careers",
        "admin": {"email": "wanjiru@example.org", "password": "correct horse", "name": "Wanjiru"},
    }
    body.update(overrides)
    return body


def registration(**overrides):
    body = {
        "org_slug": "nakuru-careers",
        "email": "amina@example.org",
        "password": "correct horse",
        "name": "Amina",
    }
    body.update(overrides)
    return body


def problems(schema, body):
    with pytest.raises(ValidationFailed) as caught:
        load(schema, body)
    return caught.value.details


@pytest.mark.parametrize("slug", ["nakuru-careers", "a", "kisumu2", "a" * 40])
def test_organization_with_a_good_slug_is_accepted(slug):
    assert load(CreateOrganization(), organization(slug=slug))["slug"] == slug


@pytest.mark.parametrize("slug", ["-abc", "abc-", "ABC", "a b", "a" * 41, "", "nakuru_careers"])
def test_organization_with_a_bad_slug_is_refused(slug):
    assert list(problems(CreateOrganization(), organization(slug=slug))) == ["slug"]


def test_slug_with_a_trailing_newline_is_refused():
    assert list(problems(CreateOrganization(), organization(slug="nakuru-careers\n"))) == ["slug"]


def test_organization_name_is_trimmed_and_may_not_be_blank():
    assert load(CreateOrganization(), organization(name="  Nakuru  "))["name"] == "Nakuru"
    assert list(problems(CreateOrganization(), organization(name="   "))) == ["name"]


def test_mistakes_in_the_first_admin_are_named_under_admin():
    body = organization(admin={"email": "not-an-email", "password": "short", "name": "W"})

    assert set(problems(CreateOrganization(), body)) == {"admin.email", "admin.password"}


def test_password_shorter_than_8_characters_is_refused():
    assert list(problems(Registration(), registration(password="1234567"))) == ["password"]


def test_password_of_8_characters_is_accepted():
    assert load(Registration(), registration(password="12345678"))["password"] == "12345678"


@pytest.mark.parametrize("written", ["0712 345 678", "+254 712 345 678", "254712345678"])
def test_kenyan_phone_number_is_stored_in_international_form(written):
    assert load(Registration(), registration(phone=written))["phone"] == "+254712345678"


def test_foreign_phone_number_keeps_its_country():
    assert load(Registration(), registration(phone="+1 212 555 0100"))["phone"] == "+12125550100"


@pytest.mark.parametrize("written", ["12", "call me", "+254 12"])
def test_impossible_phone_number_is_refused(written):
    assert list(problems(Registration(), registration(phone=written))) == ["phone"]


def test_registration_without_optional_fields_leaves_them_to_defaults():
    loaded = load(Registration(), registration())

    assert (loaded["phone"], loaded["timezone"], loaded["language"], loaded["branch_id"]) == (
        None,
        None,
        None,
        None,
    )


def test_registration_with_an_unknown_field_is_refused():
    assert list(problems(Registration(), registration(role="org_admin"))) == ["role"]


def test_new_user_with_an_unknown_role_is_refused():
    body = {"email": "otieno@example.org", "name": "Otieno", "role": "superuser"}

    assert list(problems(CreateUser(), body)) == ["role"]


def test_changing_ones_details_takes_any_of_them_trimmed_and_a_phone_may_be_removed():
    assert load(OwnDetails(), {"name": " Amina ", "phone": None}) == {"name": "Amina", "phone": None}
    assert load(OwnDetails(), {"phone": "0712 345 678", "language": "sw"}) == {
        "phone": "+254712345678",
        "language": "sw",
    }


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "body"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"language": None}, "language"),
        ({"name": ""}, "name"),
        ({"password": "new one please"}, "password"),
    ],
)
def test_a_bad_change_of_ones_details_names_the_field(body, field):
    with pytest.raises(ValidationFailed) as info:
        load(OwnDetails(), body)
    assert field in info.value.details
