"""Revoking user-pool tokens: GlobalSignOut and RevokeToken (aws-facts.md §1.5, §2.6).

- GlobalSignOut: the user's refresh tokens stop working ("Refresh Token has been revoked") and
  so do their access tokens for the user-pool API ("Access Token has been revoked"). moto
  forgets the access tokens instead, so GetUser would answer a generic "Invalid token": the
  sandbox remembers which tokens it revoked.
- RevokeToken (moto has none): revokes one refresh token and the access tokens issued from it
  (same `origin_jti`). An unknown or already revoked token is not an error, as at the OAuth
  revocation endpoint (§3.4).
"""

from __future__ import annotations

from typing import Any

import jwt

from sandbox import moto_adapter as moto
from sandbox.errors import (InvalidRefreshToken, RevokedAccessToken, RevokedRefreshToken,
                            UnsupportedTokenTypeException)
from sandbox.moto_adapter import MotoClient, MotoUserPool
from sandbox.user_pool_state import USER_POOLS


def _revoked(pool: MotoUserPool) -> set[str]:
    return USER_POOLS.of(pool.id).revoked_access_tokens


def unverified_claims(token: str) -> dict[str, Any]:
    """The claims of a token this sandbox issued, or {} for anything else."""
    try:
        return jwt.decode(token, options={"verify_signature": False})
    except jwt.InvalidTokenError:
        return {}


def check_access_token(pool: MotoUserPool, access_token: str) -> None:
    if access_token in _revoked(pool):
        raise RevokedAccessToken()


def refresh_token_owner(pool: MotoUserPool, client: MotoClient, refresh_token: str) -> str:
    """The username a refresh token was issued to, if this client may use it."""
    if not moto.is_known_refresh_token(pool, refresh_token):
        raise InvalidRefreshToken()
    entry = moto.refresh_token_entry(pool, refresh_token)
    if entry is None:
        raise RevokedRefreshToken()
    if entry[0] != client.id:
        raise InvalidRefreshToken()  # UNCONFIRMED: AWS's text for another client's token
    return entry[1]


def _revoke_access_tokens(pool: MotoUserPool, tokens: list[str]) -> None:
    for token in tokens:
        _revoked(pool).add(token)
        moto.forget_access_token(pool, token)


def global_sign_out(pool: MotoUserPool, username: str) -> dict[str, Any]:
    _revoke_access_tokens(pool, moto.access_tokens_of(pool, username))
    moto.sign_out(pool, username)  # every refresh token of the user becomes revoked
    return {}


def revoke_refresh_token(pool: MotoUserPool, client: MotoClient, token: str) -> dict[str, Any]:
    if token.count(".") == 2:
        # An access or ID token (a JWT). UNCONFIRMED text; the exception is in the API model.
        raise UnsupportedTokenTypeException("Unsupported token type.")
    entry = moto.refresh_token_entry(pool, token)
    if entry is None or entry[0] != client.id:
        return {}
    moto.revoke_refresh_token(pool, token)
    issued_from_it = [t for t in moto.access_tokens_of(pool) if unverified_claims(t).get("origin_jti") == entry[2]]
    _revoke_access_tokens(pool, issued_from_it)
    return {}
