"""Writers racing on the real database: the FerretDB races the stores must survive."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import eventlet

WRITERS = 8


def race(write: Callable[[int], Any], writers: int = WRITERS) -> list[BaseException]:
    """``write(writer)`` by ``writers`` green threads at once; the errors any of them met."""
    pool = eventlet.GreenPool(writers)
    errors: list[BaseException] = []

    def one(writer: int) -> None:
        try:
            write(writer)
        except Exception as exc:  # what a handler would have seen: the test reports every one
            errors.append(exc)

    for writer in range(writers):
        pool.spawn_n(one, writer)
    pool.waitall()
    return errors
