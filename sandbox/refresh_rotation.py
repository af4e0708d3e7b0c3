"""Refresh-token rotation and GetTokensFromRefreshToken (aws-facts.md §1.5; API reference,
https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RefreshTokenRotationType.html).

An app client's `RefreshTokenRotation` is `{"Feature": "ENABLED"|"DISABLED", "RetryGracePeriodSeconds": 0–60}`:

- enabled: a refresh issues new ID, access **and** refresh tokens, and "must be completed with
  GetTokensFromRefreshToken": `REFRESH_TOKEN_AUTH` is refused. The refresh token sent stays
  valid for the grace period ("for client-side retries"), then GetTokensFromRefreshToken answers
  `RefreshTokenReuseException` ("a refresh token that has been invalidated by refresh-token
  rotation" [IDP-model]);
- disabled (the default): a refresh issues ID and access tokens only, by either call.

The token endpoint's `refresh_token` grant follows the same setting (§3.2). The new refresh token
belongs to the same sign-in (its `origin_jti`), so `auth_time` and the granted scopes carry over.
"""

from __future__ import annotations

from typing import Any

from sandbox import moto_adapter as moto
from sandbox import revocation, user_pool_tokens
from sandbox.errors import InvalidParameterException, RefreshTokenReuseException, UserDisabled
from sandbox.moto_adapter import MotoClient, MotoUserPool
from sandbox.user_pool_state import USER_POOLS


def is_enabled(client: MotoClient) -> bool:
    return (client.extended_config.get("RefreshTokenRotation") or {}).get("Feature") == "ENABLED"


def grace_seconds(client: MotoClient) -> int:
    return int((client.extended_config.get("RefreshTokenRotation") or {}).get("RetryGracePeriodSeconds") or 0)


def check_refresh_token_auth(client: MotoClient) -> None:
    """REFRESH_TOKEN_AUTH on a client that rotates: refused. The exception and text are
    UNCONFIRMED (the API reference only says rotation "must be completed with" the new call)."""
    if is_enabled(client):
        raise InvalidParameterException(
            "Refresh token rotation is enabled for this client: use GetTokensFromRefreshToken")


def is_rotated_out(pool: MotoUserPool, refresh_token: str) -> bool:
    """Was this refresh token rotated out, and is its grace period over?"""
    until = USER_POOLS.of(pool.id).rotated_refresh_tokens.get(refresh_token)
    return until is not None and USER_POOLS.clock() >= until


def rotate(pool: MotoUserPool, client: MotoClient, refresh_token: str) -> str:
    """A new refresh token for the same sign-in; the old one works on for the grace period."""
    _, username, origin_jti = moto.refresh_token_entry(pool, refresh_token) or ("", "", "")
    new_token = user_pool_tokens.opaque_refresh_token()
    moto.register_refresh_token(pool, new_token, client.id, username, origin_jti)
    # A retry within the grace period rotates again but does not extend the old token's life.
    rotated = USER_POOLS.of(pool.id).rotated_refresh_tokens
    rotated.setdefault(refresh_token, USER_POOLS.clock() + grace_seconds(client))
    return new_token


def get_tokens(pool: MotoUserPool, client: MotoClient, refresh_token: str) -> dict[str, Any]:
    """GetTokensFromRefreshToken's AuthenticationResult."""
    if is_rotated_out(pool, refresh_token):
        # The exception is the API model's; its text is UNCONFIRMED.
        raise RefreshTokenReuseException("Refresh token has been invalidated by refresh token rotation.")
    username = revocation.refresh_token_owner(pool, client, refresh_token)
    user = moto.find_user(pool, username)
    if user is None or not user.enabled:
        raise UserDisabled()
    _, _, origin_jti = moto.refresh_token_entry(pool, refresh_token) or ("", "", "")
    access_token, expires_in = pool.create_access_token(client.id, username, origin_jti)
    id_token, _ = pool.create_id_token(client.id, username, origin_jti)
    result = {"AccessToken": access_token, "ExpiresIn": expires_in, "TokenType": "Bearer", "IdToken": id_token}
    if is_enabled(client):
        result["RefreshToken"] = rotate(pool, client, refresh_token)
    return result
