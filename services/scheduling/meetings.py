"""Video rooms on Jitsi Meet: unguessable room names and join links.

Pure functions: no I/O, and time comes in as ``now``. With an app id and secret the join
link carries a JWT in the format a self-hosted Jitsi Meet with token authentication
(prosody ``mod_auth_token`` / ``token_verification``) accepts; ``context.user.moderator``
is what ``token_affiliation``-style plugins read to make the counselor a moderator.
"""

from __future__ import annotations

import secrets
import string
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode, urlsplit

import jwt

ROOM_PREFIX = "njia-"
ROOM_RANDOM_LENGTH = 24
# Jitsi room names are case-insensitive (prosody lowercases them), so only lowercase letters and digits:
# 36**24 is about 2**124 names.
ROOM_ALPHABET = string.ascii_lowercase + string.digits
JITSI_AUDIENCE = "jitsi"
JWT_ALGORITHM = "HS256"
# Tolerates a participant's clock (and the video server's) running a little behind ours.
NOT_BEFORE_SKEW = timedelta(seconds=60)
REQUIRED_CLAIMS = ["aud", "iss", "sub", "room", "iat", "nbf", "exp", "context"]


def new_room_name() -> str:
    """An unguessable room name: ``njia-`` and 24 random lowercase letters and digits."""
    return ROOM_PREFIX + "".join(secrets.choice(ROOM_ALPHABET) for _ in range(ROOM_RANDOM_LENGTH))


def join_url(
    base_url: str,
    room: str,
    *,
    participant_id: str,
    participant_name: str,
    participant_email: str | None,
    moderator: bool,
    expires_at: datetime,
    now: datetime,
    app_id: str | None = None,
    app_secret: str | None = None,
) -> str:
    """The URL one participant opens to join ``room``.

    Without ``app_id`` and ``app_secret`` it is the plain room URL (an open Jitsi server).
    With both it carries ``?jwt=<token>`` signed with ``app_secret``, valid from a minute
    before ``now`` until ``expires_at``, for this room only.
    """
    _require_aware(expires_at, "expires_at")
    _require_aware(now, "now")
    if not room:
        raise ValueError("room must not be empty")
    plain = f"{base_url.rstrip('/')}/{room}"
    if app_id is None and app_secret is None:
        return plain
    if not app_id or not app_secret:
        raise ValueError("app_id and app_secret go together: give both or neither")
    host = urlsplit(base_url).hostname
    if not host:
        raise ValueError(f"base_url has no host name: {base_url!r}")
    claims: dict[str, Any] = {
        "aud": JITSI_AUDIENCE,
        "iss": app_id,
        "sub": host,
        "room": room,
        "iat": _epoch_seconds(now),
        "nbf": _epoch_seconds(now - NOT_BEFORE_SKEW),
        "exp": _epoch_seconds(expires_at),
        "context": {
            "user": {
                "id": participant_id,
                "name": participant_name,
                "email": participant_email,
                "moderator": bool(moderator),
            }
        },
    }
    token = jwt.encode(claims, app_secret, algorithm=JWT_ALGORITHM)
    return f"{plain}?{urlencode({'jwt': token})}"


def verify_join_token(
    token: str, app_secret: str, app_id: str, *, now: datetime | None = None
) -> dict[str, Any]:
    """The claims of a join token, after checking its signature, audience and issuer.

    Raises ``jwt.InvalidTokenError`` (or a subclass) for a token that fails a check. The
    wall clock is never read: with ``now`` the token must also be valid at that moment
    (``nbf <= now < exp``), without it the time claims are only required to be present.
    """
    claims: dict[str, Any] = jwt.decode(
        token,
        app_secret,
        algorithms=[JWT_ALGORITHM],
        audience=JITSI_AUDIENCE,
        issuer=app_id,
        options={"require": REQUIRED_CLAIMS, "verify_exp": False, "verify_nbf": False, "verify_iat": False},
    )
    if now is not None:
        _require_aware(now, "now")
        moment = now.timestamp()
        if moment < claims["nbf"]:
            raise jwt.ImmatureSignatureError("The join token is not yet valid")
        if moment >= claims["exp"]:
            raise jwt.ExpiredSignatureError("The join token has expired")
    return claims


def _epoch_seconds(moment: datetime) -> int:
    return int(moment.timestamp())


def _require_aware(moment: datetime, name: str) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got a naive datetime")
