"""TOTP, RFC 6238, as Cognito's SOFTWARE_TOKEN_MFA uses it: HMAC-SHA1, 30-second steps, 6 digits,
a base32 secret shared with the user's authenticator app (aws-facts.md §2.3).

The arithmetic is pyotp's; this module only fixes Cognito's parameters and the drift the
sandbox tolerates. moto's own check uses one fixed secret for every user, so the sandbox keeps a
secret per user and checks codes here.
"""

from __future__ import annotations

import datetime

import pyotp
import pyotp.utils

STEP_SECONDS = 30
DIGITS = 6
DRIFT_STEPS = 1  # accept the previous and the next code too: phone clocks drift
SECRET_LENGTH = 32  # base32 characters: 160 random bits, as AssociateSoftwareToken's SecretCode


def _totp(secret: str) -> pyotp.TOTP:
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS)


def new_secret() -> str:
    """160 random bits in base32, 32 characters (pyotp draws them from `secrets`)."""
    return pyotp.random_base32(SECRET_LENGTH)


def code_at(secret: str, unix_time: float) -> str:
    return _totp(secret).at(unix_time)


def matching_step(secret: str, code: str, unix_time: float) -> int | None:
    """The 30-second step whose code `code` is (this one or one either side), or None.
    Knowing the step lets the caller refuse a code used before (RFC 6238 §5.2)."""
    totp = _totp(secret)
    now = totp.timecode(_utc(unix_time))
    return next((step for step in range(now - DRIFT_STEPS, now + DRIFT_STEPS + 1)
                 if pyotp.utils.strings_equal(str(code), totp.generate_otp(step))), None)


def _utc(unix_time: float) -> datetime.datetime:
    return datetime.datetime.fromtimestamp(unix_time, tz=datetime.timezone.utc)


def matches(secret: str, code: str, unix_time: float) -> bool:
    """Is `code` the current code, or one step either side of it?"""
    return _totp(secret).verify(code, for_time=unix_time, valid_window=DRIFT_STEPS)


def spend(secret: str, code: str, unix_time: float, last_step: int | None) -> int | None:
    """The step of a right code not used before, or None for a wrong one. Raises
    `ReusedCode` for a code of a step already spent (this one or an earlier one)."""
    step = matching_step(secret, code, unix_time)
    if step is not None and last_step is not None and step <= last_step:
        raise ReusedCode()
    return step


class ReusedCode(Exception):
    """The code was right, but its step was already spent."""
