"""Event contracts, publishing with an outbox, and validated idempotent handling."""

from shared.events import contracts  # noqa: F401 - registers every contract
from shared.events.envelope import CONTRACTS, InvalidEvent, build, validate_envelope

__all__ = ["CONTRACTS", "InvalidEvent", "build", "validate_envelope"]
