"""How an identity pool checks the token in a Logins map (aws-facts.md §4.1).

The pool checks that "the token is valid and from the configured provider; the token is not
expired; the token matches the application identifier created with that provider". Each
failure answers NotAuthorizedException with the message AWS users have reported.
The sandbox checks with its own code, not the lab's verifier: it plays AWS.
"""

from __future__ import annotations

from typing import Any

import jwt

from sandbox.errors import AwsError, NotAuthorizedException
from sandbox.user_pool_state import USER_POOLS

_USER_POOL_PREFIX = "cognito-idp."


def _not_authorized(message: str) -> AwsError:
    return NotAuthorizedException(message)


def _unverified(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    try:
        return jwt.get_unverified_header(token), jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError as error:
        raise _not_authorized("Invalid login token. Not a Cognito token.") from error


def _check_signature(token: str, header: dict[str, Any], user_pool_id: str) -> None:
    pool_keys = USER_POOLS.keys(user_pool_id)
    public_key = pool_keys.public_key(str(header.get("kid"))) if pool_keys else None
    if public_key is None or header.get("alg") != "RS256":
        raise _not_authorized("Invalid login token. Couldn't verify signed token.")
    try:
        jwt.decode(token, public_key, algorithms=["RS256"],
                   options={"verify_exp": False, "verify_aud": False, "verify_iat": False})
    except jwt.PyJWTError as error:
        raise _not_authorized("Invalid login token. Couldn't verify signed token.") from error


def check_user_pool_login(provider_name: str, token: str, allowed_client_ids: set[str], now: float) -> dict[str, Any]:
    """Return the token's claims if the pool accepts it under this Logins key, else raise."""
    header, claims = _unverified(token)
    if not str(claims.get("iss", "")).startswith("https://" + _USER_POOL_PREFIX):
        raise _not_authorized("Invalid login token. Not a Cognito token.")
    if claims.get("iss") != "https://" + provider_name:
        # The key has no scheme; a typo, a wrong region or an https:// prefix all land here.
        raise _not_authorized("Invalid login token. Issuer doesn't match providerName")
    _check_signature(token, header, provider_name.rsplit("/", 1)[-1])
    if int(claims.get("exp", 0)) <= int(now):
        raise _not_authorized(f"Invalid login token. Token expired: {int(now)} >= {claims.get('exp')}")
    if "aud" not in claims:
        # An access token has client_id, not aud: the pool wants the ID token.
        raise _not_authorized("Invalid login token. Missing a required claim: aud")
    if claims["aud"] not in allowed_client_ids:
        raise _not_authorized("Token is not from a supported provider of this identity pool.")
    return claims
