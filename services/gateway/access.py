"""Whether a signed token still counts: the person's standing as accounts knows it.

A token is signed for its whole lifetime, but a person can be deactivated, sign out everywhere,
reset their password or get a new role in the meantime. Accounts owns that standing and tells every
gateway replica at once (`user.access_changed`, a broadcast); each gateway keeps what it heard, asks
accounts (``access_state``) about someone it knows nothing of or has not heard of for
``NJIA_ACCESS_CHECK_SECONDS`` (a missed broadcast while the broker restarted), and then:

* refuses (401) a deactivated person's token, and a token from before their latest reset,
  sign-out-everywhere or deactivation (its ``gen`` claim is older);
* passes a token whose role or branch changed on to the services re-signed with the current ones,
  so a new role counts from the next request.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from eventlet.event import Event
from nameko.extensions import DependencyProvider

from shared.auth import TOKEN_KEY, Caller, Tokens
from shared.config import load_settings
from shared.errors import Unauthorized

# People a gateway remembers before it forgets those it has not heard of for a while.
MOST_REMEMBERED = 20_000


@dataclass(frozen=True)
class Standing:
    access: dict[str, Any]
    heard_at: float  # time.monotonic()


def refusal(caller: Caller, access: dict[str, Any]) -> Unauthorized | None:
    """Why ``caller``'s token no longer counts, if it does not."""
    if not access["active"]:
        return Unauthorized(
            "This account was deactivated; ask your organization's admin.", {"reason": "deactivated"}
        )
    if caller.generation < access["sign_in_generation"]:
        return Unauthorized("This sign-in has ended; sign in again.", {"reason": "signed_out"})
    return None


def acting_as(caller: Caller, access: dict[str, Any]) -> Caller | None:
    """The caller with their current role and branch, when those changed since the token was signed."""
    if (caller.role, caller.branch_id) == (access["role"], access["branch_id"]):
        return None
    return Caller(caller.user_id, caller.org_id, access["role"], access["branch_id"], caller.generation)


class SignInCheck:
    """What a gateway worker sees as ``self.sign_ins``."""

    def __init__(self, provider: SignIns, worker_ctx: Any) -> None:
        self._provider = provider
        self._worker_ctx = worker_ctx

    def learn(self, access: dict[str, Any]) -> None:
        self._provider.learn(access)

    def check(self, accounts_rpc: Any) -> None:
        """401 for a token that no longer counts; re-sign one whose role or branch changed."""
        token = self._worker_ctx.data.get(TOKEN_KEY)
        caller = self._provider.tokens.verify(token)
        access = self._provider.recent(caller.user_id)
        if access is None:
            access = self._provider.ask(caller.user_id, accounts_rpc.access_state)
        refused = refusal(caller, access)
        if refused is not None:
            raise refused
        now_acting = acting_as(caller, access)
        if now_acting is not None:
            self._worker_ctx.data[TOKEN_KEY] = self._provider.tokens.reissue(token, now_acting)


class SignIns(DependencyProvider):
    """Each gateway process's knowledge of people's standing, fed by broadcasts and by accounts."""

    def setup(self) -> None:
        settings = load_settings(self.container.config)
        self.tokens = Tokens.from_settings(settings)
        self.trust_seconds = settings.access_check_seconds
        self.known: dict[str, Standing] = {}
        self.asking: dict[str, Event] = {}  # questions to accounts under way, by person

    def learn(self, access: dict[str, Any]) -> None:
        """Keep ``access`` unless what is kept is newer (a broadcast overtaking an answer)."""
        kept = self.known.get(access["user_id"])
        if kept is not None and kept.access["access_revision"] > access["access_revision"]:
            return
        if len(self.known) >= MOST_REMEMBERED:
            self.known.clear()  # asked again as needed: a cache, never the only copy
        self.known[access["user_id"]] = Standing(access, time.monotonic())

    def ask(self, user_id: str, access_state: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        """Accounts' answer for ``user_id``: one question at a time per person, however many of
        their requests arrive at once (the others wait for that answer)."""
        asked = self.asking.get(user_id)
        if asked is not None:
            return asked.wait()  # type: ignore[no-any-return]
        answer: Event = Event()
        self.asking[user_id] = answer
        try:
            access = access_state()
            self.learn(access)
            answer.send(access)
            return access
        except Exception as exc:
            answer.send_exception(exc)
            raise
        finally:
            del self.asking[user_id]

    def recent(self, user_id: str) -> dict[str, Any] | None:
        kept = self.known.get(user_id)
        if kept is None or time.monotonic() - kept.heard_at > self.trust_seconds:
            return None
        return kept.access

    def get_dependency(self, worker_ctx: Any) -> SignInCheck:
        return SignInCheck(self, worker_ctx)
