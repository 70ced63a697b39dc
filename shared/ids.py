"""Opaque, unguessable identifiers that still sort by creation time."""

from __future__ import annotations

import secrets
import time


def new_id(prefix: str) -> str:
    """``<prefix>_<12 hex of ms since epoch><16 hex random>``: sortable, 64 random bits."""
    return f"{prefix}_{int(time.time() * 1000):012x}{secrets.token_hex(8)}"


def new_event_id() -> str:
    return new_id("evt")
