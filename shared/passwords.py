"""Password hashing with argon2id, run off the eventlet hub so one login never stalls others."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from eventlet import tpool

from shared.config import Settings

# A hash to verify against when the email is unknown, so both paths take as long.
_DECOY_PASSWORD = "njia-decoy-password"  # noqa: S105


class Passwords:
    def __init__(self, settings: Settings) -> None:
        self._hasher = PasswordHasher(
            time_cost=settings.argon2_time_cost, memory_cost=settings.argon2_memory_kib, parallelism=1
        )
        self._decoy = self._hasher.hash(_DECOY_PASSWORD)

    def hash(self, password: str) -> str:
        return str(tpool.execute(self._hasher.hash, password))

    def verify(self, stored_hash: str | None, password: str) -> bool:
        try:
            return bool(tpool.execute(self._hasher.verify, stored_hash or self._decoy, password)) and bool(stored_hash)
        except (VerificationError, InvalidHashError):
            return False
