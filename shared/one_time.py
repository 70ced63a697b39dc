"""Single-use links (invitations, password resets) whose token is never stored anywhere.

The token is derived from the platform secret, a purpose, a record id and a random nonce. The
record keeps the nonce and the token's digest; the event that asks notifications to send the link
carries the nonce; only the email or SMS holds the token itself.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

NONCE_BYTES = 16


def new_nonce() -> str:
    return secrets.token_urlsafe(NONCE_BYTES)


def link_token(secret: str, purpose: str, record_id: str, nonce: str) -> str:
    mac = hmac.new(secret.encode(), f"{purpose}\n{record_id}\n{nonce}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(mac.digest()).decode().rstrip("=")


def token_digest(token: str) -> str:
    """What a record keeps to recognise its token (and what it is looked up by)."""
    return hashlib.sha256(token.encode()).hexdigest()
