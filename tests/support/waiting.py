"""Wait on a condition, never on the clock."""

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def wait_until(
    condition: Callable[[], T],
    timeout: float = 10.0,
    interval: float = 0.05,
    message: str | Callable[[], str] = "",
) -> T:
    """Poll ``condition`` until it returns something truthy; fail with ``message`` after ``timeout``
    (a callable message is asked then, so it can describe the state the test gave up on)."""
    deadline = time.monotonic() + timeout
    last: T = condition()
    while not last:
        if time.monotonic() > deadline:
            text = message() if callable(message) else message
            raise AssertionError(text or f"condition not met within {timeout} s")
        time.sleep(interval)
        last = condition()
    return last
