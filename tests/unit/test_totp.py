"""The demo MFA user's authenticator code (RFC 6238, through pyotp)."""

from __future__ import annotations

import base64

from flows import signin


def test_authenticator_code_follows_rfc_6238():
    secret = base64.b32encode(b"12345678901234567890").decode()
    assert [signin.authenticator_code(secret, t) for t in (59, 1111111109)] == ["287082", "081804"]
