"""TOTP, RFC 6238, as Cognito's SOFTWARE_TOKEN_MFA uses it: HMAC-SHA1, 30-second steps, 6 digits,
a base32 secret shared with the user's authenticator app (aws-facts.md §2.3).

The arithmetic is pyotp's; this module only fixes Cognito's parameters and the drift the
sandbox tolerates. moto's own check uses one fixed secret for every user, so the sandbox keeps a
secret per user and checks codes here.
"""

from __future__ import annotations

import pyotp

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


def matches(secret: str, code: str, unix_time: float) -> bool:
    """Is `code` the current code, or one step either side of it?"""
    return _totp(secret).verify(code, for_time=unix_time, valid_window=DRIFT_STEPS)
