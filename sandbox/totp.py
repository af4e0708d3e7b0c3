"""TOTP, RFC 6238, as Cognito's SOFTWARE_TOKEN_MFA uses it: HMAC-SHA1, 30-second steps, 6 digits,
a base32 secret shared with the user's authenticator app (aws-facts.md §2.3).

Hand-written (RFC 4226 §5.3 dynamic truncation, about ten lines) because the lab installs no
TOTP library; moto's own check uses one fixed secret for every user, so the sandbox keeps a
secret per user and checks codes here.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

STEP_SECONDS = 30
DIGITS = 6
DRIFT_STEPS = 1  # accept the previous and the next code too: phone clocks drift


def new_secret() -> str:
    """160 random bits in base32, 32 characters, as AssociateSoftwareToken's SecretCode."""
    return base64.b32encode(secrets.token_bytes(20)).decode()


def code_at(secret: str, unix_time: float) -> str:
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    counter = int(unix_time // STEP_SECONDS).to_bytes(8, "big")
    digest = hmac.new(key, counter, hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = int.from_bytes(digest[offset:offset + 4], "big") & 0x7FFFFFFF
    return f"{number % 10 ** DIGITS:0{DIGITS}d}"


def matches(secret: str, code: str, unix_time: float) -> bool:
    """Is `code` the current code, or one step either side of it?"""
    candidates = (code_at(secret, unix_time + step * STEP_SECONDS) for step in range(-DRIFT_STEPS, DRIFT_STEPS + 1))
    return any(hmac.compare_digest(candidate, code) for candidate in candidates)
