"""Access tokens, and who is calling: checked again inside every service.

The gateway forwards the caller's bearer token in nameko's context data
(``auth_token``); every service verifies it itself through the ``Auth``
dependency, so authorization never rests on the gateway alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import jwt
from nameko.extensions import DependencyProvider

from shared.config import BACKENDS, Settings, load_settings
from shared.errors import Forbidden, Unauthorized

TOKEN_KEY = "auth_token"
ADDRESS_KEY = "client_address"  # who sent the HTTP request (for per-address limits), set by the gateway
IDEMPOTENCY_KEY = "idempotency_key"  # the client's Idempotency-Key header, when it sent one
RECEIVED_AT_KEY = "received_at"  # when the gateway took the request: 12 hex digits of ms since 1970
ALGORITHM = "HS256"
ISSUER = "njia"
ADMIN_ROLES = frozenset({"org_admin", "branch_admin"})
STAFF_ROLES = ADMIN_ROLES | {"counselor"}
# The service that answers HTTP: a call it makes directly is an end user's request.
GATEWAY = "gateway"


@dataclass(frozen=True)
class Caller:
    user_id: str
    org_id: str
    role: str
    branch_id: str | None
    # The person's sign-in generation when the token was issued: a reset, sign-out-everywhere or
    # deactivation raises theirs, and every gateway then refuses tokens of an older one.
    generation: int = 0

    @property
    def is_org_admin(self) -> bool:
        return self.role == "org_admin"

    @property
    def is_admin(self) -> bool:
        return self.role in ADMIN_ROLES

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    def require(self, *roles: str) -> Caller:
        if roles and self.role not in roles:
            raise Forbidden(f"This needs the role {' or '.join(roles)}.")
        return self

    def as_dict(self) -> dict[str, Any]:
        return {
            "user_id": self.user_id,
            "org_id": self.org_id,
            "role": self.role,
            "branch_id": self.branch_id,
        }


class Tokens:
    def __init__(self, secret: str, ttl_seconds: int) -> None:
        self.secret = secret
        self.ttl_seconds = ttl_seconds

    @classmethod
    def from_settings(cls, settings: Settings) -> Tokens:
        return cls(settings.jwt_secret, settings.token_ttl_seconds)

    def issue(self, caller: Caller, now: datetime) -> str:
        claims = {
            "iss": ISSUER,
            "sub": caller.user_id,
            "org": caller.org_id,
            "role": caller.role,
            "branch": caller.branch_id,
            "gen": caller.generation,
            "iat": int(now.timestamp()),
            "exp": int((now + timedelta(seconds=self.ttl_seconds)).timestamp()),
        }
        return jwt.encode(claims, self.secret, algorithm=ALGORITHM)

    def reissue(self, token: str, caller: Caller) -> str:
        """The same sign-in (its issue and expiry times) acting with ``caller``'s role and branch now:
        how a gateway makes a role change count from the next request."""
        claims = jwt.decode(token, self.secret, algorithms=[ALGORITHM], issuer=ISSUER)
        claims.update(role=caller.role, branch=caller.branch_id)
        return jwt.encode(claims, self.secret, algorithm=ALGORITHM)

    def verify(self, token: str | None) -> Caller:
        if not token:
            raise Unauthorized("Sign in to continue: no access token was sent.")
        try:
            claims = jwt.decode(
                token,
                self.secret,
                algorithms=[ALGORITHM],
                issuer=ISSUER,
                options={"require": ["exp", "iat", "sub", "iss"]},
            )
        except jwt.ExpiredSignatureError:
            raise Unauthorized("Your session has expired; sign in again.") from None
        except jwt.PyJWTError:
            raise Unauthorized("The access token is not valid.") from None
        try:
            generation = int(claims.get("gen") or 0)
            return Caller(
                str(claims["sub"]), str(claims["org"]), str(claims["role"]), claims.get("branch"), generation
            )
        except (KeyError, TypeError, ValueError):
            raise Unauthorized("The access token is not valid.") from None


def bearer_token(header: str | None) -> str | None:
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


class Authenticator:
    """What a worker sees as ``self.auth``."""

    def __init__(
        self,
        tokens: Tokens,
        token: str | None,
        parent_call_id: str | None = None,
        address: str = "",
        idempotency_key: str | None = None,
        received_at: str | None = None,
    ) -> None:
        self._tokens = tokens
        self._token = token
        self._parent_call_id = parent_call_id
        self.address = address  # the HTTP client's address; empty when no HTTP request started this
        # The client's own key for this request, if it gave one; not in a call one service makes of
        # another on the request's behalf (it inherits the context, but the key is not that call's).
        nested = (parent_call_id or "").split(".", 1)[0] in BACKENDS
        self.idempotency_key = None if nested else idempotency_key
        self.received_at = received_at  # when the gateway took the request (see RECEIVED_AT_KEY)

    def caller(self, *roles: str) -> Caller:
        """The verified caller (401 if none), optionally required to hold one of ``roles`` (403)."""
        return self._tokens.verify(self._token).require(*roles)

    def optional(self) -> Caller | None:
        return self._tokens.verify(self._token) if self._token else None

    def service_caller(self) -> Caller:
        """The verified caller (any role) of an RPC that only Njia's services make on their behalf:
        refused (403) when the gateway asks directly, so no HTTP route can ever reach it."""
        # nameko call ids read "<service>.<method>.<uuid>"; HTTP headers never set them (ApiServer).
        if (self._parent_call_id or "").split(".", 1)[0] == GATEWAY:
            raise Forbidden("Only Njia's own services may ask this.")
        return self.caller()


class Auth(DependencyProvider):
    def setup(self) -> None:
        self.tokens = Tokens.from_settings(load_settings(self.container.config))

    def get_dependency(self, worker_ctx: Any) -> Authenticator:
        return Authenticator(
            self.tokens,
            worker_ctx.data.get(TOKEN_KEY),
            worker_ctx.immediate_parent_call_id,
            str(worker_ctx.data.get(ADDRESS_KEY) or ""),
            worker_ctx.data.get(IDEMPOTENCY_KEY) or None,
            worker_ctx.data.get(RECEIVED_AT_KEY) or None,
        )
