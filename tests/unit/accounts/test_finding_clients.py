"""Finding people by what staff type (name, email, phone) and who may be added without an email."""

import re

import pytest

from services.accounts.domain import AccountsError, check_contact, phone_part, search_filter


@pytest.mark.parametrize(
    "typed",
    ["+254712345678", "254712345678", "0712345678", "0712 345 678", "0712-345-678", "(0712) 345678"],
)
def test_a_kenyan_number_typed_any_way_looks_for_the_same_digits(typed):
    assert phone_part(typed) == "712345678"


def test_part_of_a_number_is_looked_for_as_typed_and_words_are_no_number():
    assert phone_part("345678") == "345678"
    assert phone_part("07") is None  # too short to mean a number
    assert phone_part("Wanjiru") is None
    assert phone_part("+44 20 7946 0958") == "442079460958"


def matches(filter_, field, value):
    """Whether the stored ``value`` of ``field`` meets one of the filter's conditions."""
    for condition in filter_["$or"]:
        if field in condition:
            flags = re.IGNORECASE if "i" in condition[field].get("$options", "") else 0
            if re.search(condition[field]["$regex"], value, flags):
                return True
    return False


def test_a_name_is_found_by_any_part_in_any_case_and_the_text_is_not_a_pattern():
    assert matches(search_filter("KAMAU"), "name", "Wanjiru Kamau")
    assert matches(search_filter("wanjiru kam"), "name", "Wanjiru Kamau")
    assert not matches(search_filter("w.njiru"), "name", "Wanjiru Kamau")
    assert not matches(search_filter("(a"), "name", "Wanjiru Kamau")


def test_an_email_is_found_by_part_and_a_person_without_one_is_never_found_by_it():
    assert matches(search_filter("akinyi"), "email", "akinyi@example.org")
    assert matches(search_filter("example.org"), "email", "akinyi@example.org")
    assert matches(search_filter("Akinyi@Example"), "email", "akinyi@example.org")
    assert not matches(search_filter("no-email"), "email", "no-email:usr_123")
    assert not matches(search_filter("usr_123"), "email", "no-email:usr_123")


def test_a_number_finds_the_stored_international_form():
    assert matches(search_filter("0712 345 678"), "phone", "+254712345678")
    assert not matches(search_filter("0712 345 679"), "phone", "+254712345678")
    assert len(search_filter("Wanjiru")["$or"]) == 2  # words look at names and emails only


def test_only_a_client_with_a_phone_and_no_password_may_be_added_without_an_email():
    check_contact(role="client", email=None, phone="+254712345678", password=None)
    check_contact(role="counselor", email="a@example.org", phone=None, password=None)
    for role, phone, password, field in [
        ("counselor", "+254712345678", None, "email"),
        ("client", None, None, "email"),
        ("client", "+254712345678", "pass-word-1", "password"),
    ]:
        with pytest.raises(AccountsError) as refused:
            check_contact(role=role, email=None, phone=phone, password=password)
        assert refused.value.field == field
