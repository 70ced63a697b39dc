"""Rules of staff two-factor sign-in: TOTP codes (RFC 6238, via pyotp), single-use recovery
codes, and what an authenticator app is shown. Plain data and functions; time comes in as `now`;
no I/O (the random parts come from ``secrets``).

A code is accepted for the time-step it was made for, one step (30 s) either side of now, and
never for a step at or before the last one used (RFC 6238 §5.2: a code is good once). The store
makes "once" hold across replicas with a claim per used step; ``accepted_step`` is the rule.
"""

from __future__ import annotations

import hashlib
import io
import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pyotp
import segno
from pyotp.exceptions import OTPVerificationError

from services.accounts.domain import AccountsError

ISSUER = "Njia"
STAFF_ROLES = ("counselor", "branch_admin", "org_admin")
RECOVERY_CODES = 10
# No 0/o, 1/l/i: read from paper and typed on a phone. 31 symbols, 8 of them: about 40 bits each.
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
RECOVERY_CODE = re.compile(r"^[a-z0-9]{4}-?[a-z0-9]{4}$")
TOTP_CODE = re.compile(r"^[0-9]{6}$")
INTERVAL_SECONDS = 30  # what every authenticator app assumes
STEPS_EITHER_SIDE = 1  # a phone's clock a little off, or a code typed as it changes


class TwoFactorError(AccountsError):
    """A code was missing, wrong or used before; ``field`` is ``code``."""


class WrongCode(TwoFactorError):
    pass


class CodeAlreadyUsed(TwoFactorError):
    pass


@dataclass(frozen=True)
class TwoFactor:
    """What a person's account holds of two-factor sign-in (``users.two_factor``)."""

    secret: str | None = field(default=None, repr=False)  # set once confirmed
    pending_secret: str | None = field(default=None, repr=False)  # set-up begun, not confirmed
    enabled_at: datetime | None = None
    recovery_code_hashes: tuple[str, ...] = field(default=(), repr=False)
    last_step: int = -1  # the last time-step whose code signed in

    @property
    def enabled(self) -> bool:
        return self.secret is not None


def is_staff(role: str) -> bool:
    return role in STAFF_ROLES


def new_secret() -> str:
    """A fresh base32 TOTP secret (160 bits, as RFC 4226 recommends)."""
    return pyotp.random_base32(32)


def otpauth_uri(secret: str, account: str, issuer: str = ISSUER) -> str:
    """The key URI authenticator apps read (``otpauth://totp/Njia:<account>?secret=...``)."""
    return pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=issuer)


def qr_svg(uri: str) -> str:
    """The URI as a QR code, a standalone SVG document (usable inline or as an image)."""
    out = io.BytesIO()
    segno.make(uri, error="m").save(out, kind="svg", scale=4, xmldecl=False, svgns=True, nl=False)
    return out.getvalue().decode("utf-8")


def code_at(secret: str, now: datetime, steps: int = 0) -> str:
    """The code an authenticator app shows at ``now`` (``steps`` later); for tests and tools."""
    return pyotp.TOTP(secret).at(now, counter_offset=steps)


def time_step(now: datetime) -> int:
    """The RFC 6238 time-step ``now`` falls in (30-second steps since 1970)."""
    return int(now.timestamp()) // INTERVAL_SECONDS


def looks_like_totp(code: str) -> bool:
    return bool(TOTP_CODE.match(_compact(code)))


def looks_like_recovery_code(code: str) -> bool:
    return bool(RECOVERY_CODE.match(_normalized_recovery(code)))


def accepted_step(secret: str, code: str, now: datetime, last_step: int = -1) -> int:
    """The time-step ``code`` was made for, if it is good now: raises ``WrongCode`` when no step
    within one of now matches, ``CodeAlreadyUsed`` for a step at or before ``last_step``."""
    try:
        step = pyotp.TOTP(secret).verify_and_get_timecode(
            _compact(code), for_time=now, valid_window=STEPS_EITHER_SIDE
        )
    except OTPVerificationError:
        raise WrongCode(
            "That code is not right; enter the code your authenticator app shows now.", "code"
        ) from None
    if step <= last_step:
        raise CodeAlreadyUsed("That code was already used; wait for the next one.", "code")
    return step


def new_recovery_codes(count: int = RECOVERY_CODES) -> list[str]:
    """``count`` distinct codes like ``k7mq-2xfa``; shown once, stored only as hashes."""
    codes: set[str] = set()
    while len(codes) < count:
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(8))
        codes.add(f"{raw[:4]}-{raw[4:]}")
    return sorted(codes)


def recovery_code_hash(user_id: str, code: str) -> str:
    """SHA-256 of the code in its one written form, salted with the person's id."""
    return hashlib.sha256(f"{user_id}:{_normalized_recovery(code)}".encode()).hexdigest()


def matching_recovery_hash(two_factor: TwoFactor, user_id: str, code: str) -> str:
    """The stored hash ``code`` matches (its single use is the store's claim), else ``WrongCode``."""
    digest = recovery_code_hash(user_id, code)
    if not looks_like_recovery_code(code) or digest not in two_factor.recovery_code_hashes:
        raise WrongCode("That recovery code is not right, or was already used.", "code")
    return digest


def secret_digest(secret: str) -> str:
    """Names a set-up in claims without the secret itself."""
    return hashlib.sha256(secret.encode()).hexdigest()[:32]


def setup_answer(secret: str, account: str) -> dict[str, Any]:
    uri = otpauth_uri(secret, account)
    return {"secret": secret, "otpauth_uri": uri, "qr_svg": qr_svg(uri)}


def _compact(code: str) -> str:
    return re.sub(r"\s", "", code)


def _normalized_recovery(code: str) -> str:
    compact = _compact(code).lower().replace("-", "")
    return f"{compact[:4]}-{compact[4:]}" if len(compact) == 8 else compact
