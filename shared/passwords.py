"""Password hashing with argon2id, run off the eventlet hub so one login never stalls others."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from eventlet import tpool
from eventlet.semaphore import Semaphore
from nameko.extensions import DependencyProvider

from shared.config import Settings, load_settings

# A hash to verify against when the email is unknown, so both paths take as long.
_DECOY_PASSWORD = "njia-decoy-password"


class Passwords:
    def __init__(self, settings: Settings) -> None:
        self._hasher = PasswordHasher(
            time_cost=settings.argon2_time_cost, memory_cost=settings.argon2_memory_kib, parallelism=1
        )
        self._decoy = self._hasher.hash(_DECOY_PASSWORD)
        # Each hash holds NJIA_ARGON2_MEMORY_KIB: bound how many run at once so a login burst fits in
        # memory. Few threads too: glibc keeps each thread's freed hash memory in that thread's arena.
        self._slots = Semaphore(settings.password_hash_concurrency)
        tpool.set_num_threads(settings.password_hash_concurrency)

    def _run(self, fn: Callable[..., Any], *args: Any) -> Any:
        with self._slots:
            return tpool.execute(fn, *args)

    def hash(self, password: str) -> str:
        return str(self._run(self._hasher.hash, password))

    def verify(self, stored_hash: str | None, password: str) -> bool:
        try:
            return bool(self._run(self._hasher.verify, stored_hash or self._decoy, password)) and bool(
                stored_hash
            )
        except (VerificationError, InvalidHashError):
            return False


class PasswordHashing(DependencyProvider):
    """``passwords = PasswordHashing()`` in a service: one ``Passwords`` per container, built from
    the container's settings when it starts, so its bound on hashes at once holds for all workers."""

    def setup(self) -> None:
        self.passwords = Passwords(load_settings(self.container.config))

    def get_dependency(self, worker_ctx: Any) -> Passwords:
        return self.passwords
