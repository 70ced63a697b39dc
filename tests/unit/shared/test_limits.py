"""The arithmetic of a rate limit: how long someone waits once they reach it."""

from datetime import UTC, datetime, timedelta

from shared.limits import Limit, wait_for

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
FIVE_IN_15_MINUTES = Limit("sign_in_failures", 5, timedelta(minutes=15))


def test_fewer_attempts_than_the_limit_wait_for_nothing():
    attempts = [NOW - timedelta(minutes=m) for m in (1, 2, 3, 4)]
    assert wait_for(FIVE_IN_15_MINUTES, attempts, NOW) == 0


def test_the_limit_reached_waits_until_the_oldest_counted_attempt_ages_out():
    attempts = [NOW - timedelta(minutes=m) for m in (10, 4, 3, 2, 1)]
    assert wait_for(FIVE_IN_15_MINUTES, attempts, NOW) == 5 * 60


def test_attempts_older_than_the_window_do_not_count():
    attempts = [NOW - timedelta(minutes=m) for m in (40, 30, 20, 3, 2, 1)]
    assert wait_for(FIVE_IN_15_MINUTES, attempts, NOW) == 0


def test_more_attempts_than_the_limit_wait_for_enough_of_them_to_age_out():
    attempts = [NOW - timedelta(minutes=m) for m in (14, 12, 9, 4, 3, 2, 1)]
    # Seven in the window: three must age out before one more is allowed;
    # the third of them is 9 minutes old, so 6 minutes.
    assert wait_for(FIVE_IN_15_MINUTES, attempts, NOW) == 6 * 60


def test_a_wait_is_never_zero_once_limited():
    attempts = [NOW - timedelta(minutes=15) + timedelta(milliseconds=1)] + [NOW] * 4
    assert wait_for(FIVE_IN_15_MINUTES, attempts, NOW) == 1
