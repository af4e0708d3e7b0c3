"""PKCE as RFC 7636 defines it."""

from __future__ import annotations

import base64
import hashlib

from flows import oauth


def test_new_pkce_follows_rfc_7636():
    pkce = oauth.new_pkce()
    assert 43 <= len(pkce.verifier) <= 128 and pkce.method == "S256"
    digest = hashlib.sha256(pkce.verifier.encode()).digest()
    assert pkce.challenge == base64.urlsafe_b64encode(digest).decode().rstrip("=")
    assert pkce.state and pkce.nonce and pkce.state != pkce.nonce != pkce.verifier
    assert pkce.verifier not in repr(pkce)
