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
from moto.cognitoidp.models import CognitoIdpUserPool, CognitoIdpUserPoolClient

from sandbox.errors import (InvalidRefreshToken, RevokedAccessToken, RevokedRefreshToken,
                            UnsupportedTokenTypeException)


def _revoked(pool: CognitoIdpUserPool) -> set[str]:
    if not hasattr(pool, "lab_revoked_access_tokens"):
        pool.lab_revoked_access_tokens = set()
    return pool.lab_revoked_access_tokens


def unverified_claims(token: str) -> dict[str, Any]:
    """The claims of a token this sandbox issued, or {} for anything else."""
    try:
        return jwt.decode(token, options={"verify_signature": False})
    except jwt.InvalidTokenError:
        return {}


def check_access_token(pool: CognitoIdpUserPool, access_token: str) -> None:
    if access_token in _revoked(pool):
        raise RevokedAccessToken()


def refresh_token_owner(pool: CognitoIdpUserPool, client: CognitoIdpUserPoolClient, refresh_token: str) -> str:
    """The username a refresh token was issued to, if this client may use it."""
    if refresh_token not in pool.refresh_tokens:
        raise InvalidRefreshToken()
    entry = pool.refresh_tokens[refresh_token]
    if entry is None:
        raise RevokedRefreshToken()
    if entry[0] != client.id:
        raise InvalidRefreshToken()  # UNCONFIRMED: AWS's text for another client's token
    return entry[1]


def _revoke_access_tokens(pool: CognitoIdpUserPool, tokens: list[str]) -> None:
    for token in tokens:
        _revoked(pool).add(token)
        pool.access_tokens.pop(token, None)


def global_sign_out(pool: CognitoIdpUserPool, username: str) -> dict[str, Any]:
    _revoke_access_tokens(pool, [t for t, (_, owner) in list(pool.access_tokens.items()) if owner == username])
    pool.sign_out(username)  # moto's: every refresh token of the user becomes None (revoked)
    return {}


def revoke_refresh_token(pool: CognitoIdpUserPool, client: CognitoIdpUserPoolClient, token: str) -> dict[str, Any]:
    if token.count(".") == 2:
        # An access or ID token (a JWT). UNCONFIRMED text; the exception is in the API model.
        raise UnsupportedTokenTypeException("Unsupported token type.")
    entry = pool.refresh_tokens.get(token)
    if entry is None or entry[0] != client.id:
        return {}
    pool.refresh_tokens[token] = None
    issued_from_it = [t for t in list(pool.access_tokens) if unverified_claims(t).get("origin_jti") == entry[2]]
    _revoke_access_tokens(pool, issued_from_it)
    return {}
