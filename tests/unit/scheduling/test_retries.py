"""services/scheduling/retries.py: how a request that writes is known across its retries."""

from datetime import UTC, datetime, timedelta

import pytest

from services.scheduling.retries import (
    KEPT_FOR,
    MAY_STILL_RUN,
    KeyReused,
    Request,
    by_key,
    by_request_id,
    expired,
    is_final,
    key_record,
    refusal,
)

AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
BOOKING = Request(
    "book_session", None, {"counselor_id": "usr_a", "start": "2026-03-03T09:00:00+03:00"}, "ses"
)


def record(request=BOOKING, user_id="usr_client", key="key-1", request_id="req-1", at=AT):
    return key_record(request, "org_a", user_id, key, request_id, "ses_first", at)


def test_a_requests_fingerprint_ignores_the_order_of_its_fields():
    reordered = Request(
        "book_session", None, {"start": "2026-03-03T09:00:00+03:00", "counselor_id": "usr_a"}, "ses"
    )

    assert reordered.fingerprint == BOOKING.fingerprint


@pytest.mark.parametrize(
    "other",
    [
        Request("book_session", None, {"counselor_id": "usr_a", "start": "2026-03-03T10:00:00+03:00"}, "ses"),
        Request("cancel_session", None, BOOKING.body, "chg"),
    ],
)
def test_another_body_or_operation_is_another_request(other):
    assert other.fingerprint != BOOKING.fingerprint


def test_the_same_change_of_another_session_is_another_request():
    assert (
        Request("cancel_session", "ses_1", {}, "chg").fingerprint
        != Request("cancel_session", "ses_2", {}, "chg").fingerprint
    )
    assert (
        Request("cancel_session", "ses_1", {}, "chg").fingerprint
        != Request("cancel_session", "ses_2", {}, "chg").fingerprint
    )


def test_a_redelivered_request_derives_the_same_id_and_nothing_else_does():
    first = by_request_id(BOOKING, "org_a", "usr_client", "req-1")

    assert by_request_id(BOOKING, "org_a", "usr_client", "req-1") == first
    assert first.id.startswith("ses_") and len(first.id) == len("ses_") + 28
    assert by_request_id(BOOKING, "org_a", "usr_client", "req-2").id != first.id
    assert by_request_id(BOOKING, "org_a", "usr_other", "req-1").id != first.id
    assert by_request_id(BOOKING, "org_b", "usr_client", "req-1").id != first.id
    other_body = Request("book_session", None, {"counselor_id": "usr_b", "start": "x"}, "ses")
    assert by_request_id(other_body, "org_a", "usr_client", "req-1").id != first.id
    assert first.key_id is None and first.may_run(AT)


def test_ids_of_requests_without_a_key_sort_by_when_the_gateway_took_them_as_new_ids_do():
    earlier = by_request_id(BOOKING, "org_a", "usr_client", "req-9", "0190a0b0c0d0")
    later = by_request_id(BOOKING, "org_a", "usr_client", "req-1", "0190a0b0c0d1")

    assert earlier.id < later.id
    assert earlier.id.startswith("ses_0190a0b0c0d0") and len(earlier.id) == len("ses_") + 28
    # Redelivered, the request carries the same time: the same id.
    assert by_request_id(BOOKING, "org_a", "usr_client", "req-9", "0190a0b0c0d0") == earlier


def test_a_key_is_kept_for_a_day_under_an_id_of_the_caller_and_the_key():
    kept = record()

    assert kept["_id"] == record(request_id="req-9")["_id"]  # the same key, sent again
    assert kept["_id"] != record(user_id="usr_other")["_id"]  # another caller's same key
    assert kept["_id"] != record(key="key-2")["_id"]
    assert kept["expires_at"] == AT + KEPT_FOR and timedelta(hours=24) <= KEPT_FOR
    assert "key-1" not in str(kept)  # the key itself is not stored, only its digest


def test_a_first_attempt_goes_on_with_the_id_it_chose():
    attempt = by_key(record(), True, BOOKING, "req-1")

    assert (attempt.id, attempt.retried, attempt.refusal) == ("ses_first", False, None)
    assert attempt.may_run(AT)


def test_a_key_sent_with_another_request_is_refused():
    other = Request("book_session", None, {"counselor_id": "usr_b", "start": "x"}, "ses")

    with pytest.raises(KeyReused):
        by_key(record(), False, other, "req-2")


def test_a_retry_waits_while_the_first_attempt_may_still_run_unless_it_is_that_attempt_redelivered():
    kept = record()
    retry = by_key(kept, False, BOOKING, "req-2")
    redelivered = by_key(kept, False, BOOKING, "req-1")

    assert retry.id == redelivered.id == "ses_first"
    assert not retry.may_run(AT + MAY_STILL_RUN - timedelta(seconds=1))
    assert retry.may_run(AT + MAY_STILL_RUN)
    assert redelivered.may_run(AT)


def test_a_retry_goes_on_at_once_when_the_earlier_attempt_failed_and_said_so():
    stopped = {**record(), "stopped_at": AT}

    assert by_key(stopped, False, BOOKING, "req-2").may_run(AT)


def test_a_retry_sent_anew_takes_over_a_redelivered_one_does_not():
    kept = record()

    assert by_key(kept, False, BOOKING, "req-2").takes_over
    assert not by_key(kept, False, BOOKING, "req-1").takes_over
    assert not by_key(kept, True, BOOKING, "req-1").takes_over


def test_a_retry_waits_for_the_latest_attempt_that_took_over():
    taken_over = {**record(), "request_id": "req-2", "attempted_at": AT + MAY_STILL_RUN}

    assert not by_key(taken_over, False, BOOKING, "req-3").may_run(AT + MAY_STILL_RUN + timedelta(seconds=1))
    assert by_key(taken_over, False, BOOKING, "req-2").may_run(AT + MAY_STILL_RUN)  # it, redelivered


def test_a_kept_refusal_comes_with_the_attempt():
    kept = {
        **record(),
        "refusal": refusal("conflict", "That time was just taken; choose another.", {"a.b": [1]}),
    }

    attempt = by_key(kept, False, BOOKING, "req-2")

    assert attempt.refusal == {
        "code": "conflict",
        "message": "That time was just taken; choose another.",
        "details": '{"a.b": [1]}',
    }


def test_a_key_expires_a_day_after_it_was_first_sent():
    kept = record()

    assert not expired(kept, AT + KEPT_FOR - timedelta(seconds=1))
    assert expired(kept, AT + KEPT_FOR)


@pytest.mark.parametrize(
    ("status", "final"), [(400, True), (403, True), (404, True), (409, True), (422, True)]
)
def test_a_refusal_of_the_request_is_its_answer(status, final):
    assert is_final(status) is final


@pytest.mark.parametrize("status", [401, 429, 500, 503])
def test_a_refusal_about_the_caller_or_a_failure_of_ours_is_not_kept(status):
    assert not is_final(status)
