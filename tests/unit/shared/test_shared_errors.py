"""shared/errors.py: API.md's error codes, their body, and their trip over RPC."""

import pytest
from nameko.exceptions import deserialize, serialize

from shared.errors import (
    BadRequest,
    Conflict,
    Forbidden,
    NotFound,
    PayloadTooLarge,
    RateLimited,
    TooEarly,
    Unauthorized,
    Unavailable,
    ValidationFailed,
    field_errors,
)

API_ERRORS = [
    (BadRequest, 400, "bad_request"),
    (Unauthorized, 401, "unauthorized"),
    (Forbidden, 403, "forbidden"),
    (NotFound, 404, "not_found"),
    (Conflict, 409, "conflict"),
    (PayloadTooLarge, 413, "payload_too_large"),
    (ValidationFailed, 422, "validation_error"),
    (TooEarly, 425, "too_early"),
    (RateLimited, 429, "rate_limited"),
    (Unavailable, 503, "unavailable"),
]


@pytest.mark.parametrize(("error", "status", "code"), API_ERRORS)
def test_each_error_has_the_status_and_code_api_md_promises(error, status, code):
    raised = error("something")

    assert raised.status == status
    assert raised.code == code
    assert raised.to_body()["error"]["code"] == code


def test_error_body_has_code_message_and_details():
    body = Conflict("That slot is taken.", {"start": ["Booked by someone else."]}).to_body()

    assert body == {
        "error": {
            "code": "conflict",
            "message": "That slot is taken.",
            "details": {"start": ["Booked by someone else."]},
        }
    }


@pytest.mark.parametrize(("error", "_status", "_code"), API_ERRORS)
def test_error_without_a_message_still_tells_the_user_something(error, _status, _code):
    body = error().to_body()

    assert body["error"]["message"].strip()
    assert body["error"]["details"] == {}


def test_error_prints_as_its_message():
    assert str(NotFound("No such branch.")) == "No such branch."


@pytest.mark.parametrize(("error", "_status", "_code"), API_ERRORS)
def test_error_raised_in_a_service_reaches_the_caller_as_the_same_error(error, _status, _code):
    original = error("It went wrong.", {"field": ["a reason"]})

    received = deserialize(serialize(original))

    assert type(received) is error
    assert received.message == "It went wrong."
    assert received.details == {"field": ["a reason"]}
    assert received.to_body() == original.to_body()


def test_not_found_keeps_its_details_across_rpc():
    received = deserialize(serialize(NotFound("no", {"a": 1})))

    assert isinstance(received, NotFound)
    assert received.message == "no"
    assert received.details == {"a": 1}


def test_rate_limit_wait_stays_a_number_in_the_body_after_crossing_rpc():
    received = deserialize(serialize(RateLimited(details={"retry_after_seconds": 30})))

    assert received.retry_after == 30
    assert received.to_body()["error"]["details"] == {"retry_after_seconds": 30}


def test_rate_limit_asks_to_wait_a_minute_unless_told_otherwise():
    assert RateLimited().retry_after == 60
    assert RateLimited(details={"retry_after_seconds": 7}).retry_after == 7


def test_nested_field_errors_are_named_with_dots():
    assert field_errors({"admin": {"email": ["x"]}}) == {"admin.email": ["x"]}


def test_schema_level_error_is_named_after_its_parent():
    assert field_errors({"admin": {"_schema": ["Passwords differ."]}}) == {"admin": ["Passwords differ."]}


def test_top_level_schema_error_is_named_body():
    assert field_errors({"_schema": ["Invalid input type."]}) == {"body": ["Invalid input type."]}


def test_errors_in_list_items_are_named_by_position():
    messages = {"links": {1: {"url": ["Not a valid URL."]}}, "name": ["Required."]}

    assert field_errors(messages) == {"links.1.url": ["Not a valid URL."], "name": ["Required."]}


def test_messages_for_the_same_field_are_all_kept():
    flat = field_errors({"admin": [{"_schema": ["first"]}, {"_schema": ["second"]}]})

    assert flat == {"admin": ["first", "second"]}
