"""Tokens as Cognito makes them, minted into moto's user pools.

moto signs every pool's tokens with one shared key (`kid: dummy`), leaves out `event_id`,
`version`, `cognito:roles`/`cognito:preferred_role`, resets `auth_time` on refresh and types
`email_verified` as a string. The sandbox replaces moto's token factory methods with the ones
below so that every path that issues tokens (InitiateAuth, challenges, refresh, admin calls)
produces tokens shaped like AWS's (aws-facts.md §1). moto keeps its token bookkeeping
(`access_tokens`, `refresh_tokens`), so GetUser and GlobalSignOut keep working.
"""

from __future__ import annotations

import base64
import secrets
import time
import uuid
from dataclasses import dataclass
from typing import Any

import jwt
from moto.cognitoidp.models import CognitoIdpUserPool

from sandbox.keys import KEYS, TokenUse

NATIVE_SCOPE = "aws.cognito.signin.user.admin"  # aws-facts.md §2.5
_VERIFIED_FLAGS = ("email_verified", "phone_number_verified")
_UNIT_SECONDS = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}


@dataclass(frozen=True)
class SignInEvent:
    """What stays fixed for every token issued from one sign-in (and its refreshes)."""

    auth_time: int
    event_id: str
    # The scopes an OAuth sign-in was granted: its refreshes keep them (aws-facts.md §3.2).
    # None for a native-API sign-in, whose access tokens carry NATIVE_SCOPE only (§2.5).
    scope: str | None = None


def issuer(pool: CognitoIdpUserPool) -> str:
    # The issuer is always on the AWS host, whatever domain the pool has (aws-facts.md §1.1).
    return f"https://cognito-idp.{pool.region}.amazonaws.com/{pool.id}"


def _sign_in_events(pool: CognitoIdpUserPool) -> dict[str, SignInEvent]:
    if not hasattr(pool, "lab_sign_in_events"):
        pool.lab_sign_in_events = {}
    return pool.lab_sign_in_events


def _sign_in_event(pool: CognitoIdpUserPool, origin_jti: str) -> SignInEvent:
    events = _sign_in_events(pool)
    if origin_jti not in events:
        events[origin_jti] = SignInEvent(int(time.time()), str(uuid.uuid4()))
    return events[origin_jti]


def record_sign_in(pool: CognitoIdpUserPool, origin_jti: str, auth_time: int, scope: str) -> None:
    """Remember an OAuth sign-in: it happened at the sign-in page, before the code was redeemed."""
    _sign_in_events(pool)[origin_jti] = SignInEvent(auth_time, str(uuid.uuid4()), scope)


def granted_scope(pool: CognitoIdpUserPool, origin_jti: str) -> str | None:
    """The scopes of the OAuth sign-in behind these tokens, or None for a native sign-in."""
    return _sign_in_event(pool, origin_jti).scope


def token_lifetime(pool: CognitoIdpUserPool, client_id: str, token_use: TokenUse) -> int:
    """Seconds a token lives, from the app client's settings (default 1 hour, §1.5)."""
    client = pool.clients.get(client_id)
    config = client.extended_config if client else {}
    key = "IdTokenValidity" if token_use == "id" else "AccessTokenValidity"
    unit_key = "IdToken" if token_use == "id" else "AccessToken"
    units = (config.get("TokenValidityUnits") or {}).get(unit_key, "hours")
    return int(config.get(key) or 1) * _UNIT_SECONDS[units]


def _group_claims(pool: CognitoIdpUserPool, username: str) -> dict[str, Any]:
    groups = sorted(pool._get_user(username).groups, key=lambda g: g.precedence or 0)
    if not groups:
        return {}
    claims: dict[str, Any] = {"cognito:groups": [group.group_name for group in groups]}
    roles = [group.role_arn for group in groups if group.role_arn]
    if roles:
        # Real tokens carry cognito:roles as a JSON array (aws-facts.md §1.2), and the
        # preferred role is that of the group with the lowest precedence value.
        claims["cognito:roles"] = roles
        claims["cognito:preferred_role"] = roles[0]
    return claims


def _readable_attributes(pool: CognitoIdpUserPool, client_id: str, username: str) -> dict[str, Any]:
    claims: dict[str, Any] = pool.get_user_extra_data_by_client_id(client_id, username)
    for attribute in pool._get_user(username).attributes:
        if attribute["Name"].startswith("custom:"):
            claims[attribute["Name"]] = attribute["Value"]  # custom attributes stay strings
    for flag in _VERIFIED_FLAGS:
        if flag in claims:
            claims[flag] = str(claims[flag]).lower() == "true"  # booleans in the ID token
    claims.pop("sub", None)
    return claims


def _base_claims(pool: CognitoIdpUserPool, username: str, origin_jti: str, token_use: TokenUse,
                 lifetime: int) -> dict[str, Any]:
    event = _sign_in_event(pool, origin_jti)
    now = int(time.time())
    return {
        "sub": pool._get_user(username).id,
        "iss": issuer(pool),
        "origin_jti": origin_jti,
        "event_id": event.event_id,
        "token_use": token_use,
        "auth_time": event.auth_time,
        "exp": now + lifetime,
        "iat": now,
        "jti": str(uuid.uuid4()),
    }


def sign(pool: CognitoIdpUserPool, claims: dict[str, Any], token_use: TokenUse) -> str:
    key = KEYS.for_pool(pool.id).for_use(token_use)
    # Cognito's header has only kid and alg, no typ (aws-facts.md §1.1).
    return jwt.encode(claims, key.private_key, algorithm="RS256",
                      headers={"kid": key.kid, "alg": "RS256", "typ": None})


def id_token_claims(pool: CognitoIdpUserPool, client_id: str, username: str, origin_jti: str,
                    extra: dict[str, Any] | None = None) -> dict[str, Any]:
    user = pool._get_user(username)
    claims = _base_claims(pool, username, origin_jti, "id", token_lifetime(pool, client_id, "id"))
    claims.update(_group_claims(pool, username))
    claims.update(_readable_attributes(pool, client_id, username))
    claims.update({"aud": client_id, "cognito:username": user.username})
    claims.update(extra or {})
    return claims


def access_token_claims(pool: CognitoIdpUserPool, client_id: str, username: str, origin_jti: str,
                        scope: str = NATIVE_SCOPE) -> dict[str, Any]:
    user = pool._get_user(username)
    lifetime = token_lifetime(pool, client_id, "access")
    claims = _base_claims(pool, username, origin_jti, "access", lifetime)
    claims.update(_group_claims(pool, username))
    # Access tokens have client_id instead of aud, and a `version` claim (aws-facts.md §1.3).
    claims.update({"client_id": client_id, "scope": scope, "version": 2, "username": user.username})
    return claims


def client_credentials_claims(pool: CognitoIdpUserPool, client_id: str, scope: str) -> dict[str, Any]:
    """A machine-to-machine access token: no user, so `sub` is the client id, and no username
    or groups. UNCONFIRMED (aws-facts.md UNCONFIRMED item 4): no AWS page lists these claims."""
    now = int(time.time())
    return {"sub": client_id, "token_use": "access", "scope": scope, "auth_time": now,
            "iss": issuer(pool), "exp": now + token_lifetime(pool, client_id, "access"), "iat": now,
            "version": 2, "jti": str(uuid.uuid4()), "client_id": client_id}


def opaque_refresh_token() -> str:
    # Real refresh tokens are encrypted JWEs: five dot-separated segments, unreadable to the
    # client. A random token of that shape teaches the same lesson: don't try to decode it.
    header = base64.urlsafe_b64encode(b'{"cty":"JWT","enc":"A256GCM","alg":"RSA-OAEP"}')
    parts = [header.decode().rstrip("=")] + [secrets.token_urlsafe(n) for n in (192, 9, 600, 16)]
    return ".".join(parts)


def _create_id_token(self: CognitoIdpUserPool, client_id: str, username: str,
                     origin_jti: str) -> tuple[str, int]:
    token = sign(self, id_token_claims(self, client_id, username, origin_jti), "id")
    self.id_tokens[token] = (client_id, username)
    return token, token_lifetime(self, client_id, "id")


def _create_access_token(self: CognitoIdpUserPool, client_id: str, username: str,
                         origin_jti: str) -> tuple[str, int]:
    scope = _sign_in_event(self, origin_jti).scope or NATIVE_SCOPE  # an OAuth refresh keeps its scopes
    token = sign(self, access_token_claims(self, client_id, username, origin_jti, scope), "access")
    self.access_tokens[token] = (client_id, username)
    return token, token_lifetime(self, client_id, "access")


def _create_refresh_token(self: CognitoIdpUserPool, client_id: str, username: str) -> tuple[str, str]:
    refresh_token, origin_jti = opaque_refresh_token(), str(uuid.uuid4())
    self.refresh_tokens[refresh_token] = (client_id, username, origin_jti)
    _sign_in_event(self, origin_jti)  # a new sign-in: auth_time is now
    return refresh_token, origin_jti


def install() -> None:
    """Make moto's user pools mint Cognito-shaped tokens. Idempotent."""
    CognitoIdpUserPool.create_id_token = _create_id_token
    CognitoIdpUserPool.create_access_token = _create_access_token
    CognitoIdpUserPool.create_refresh_token = _create_refresh_token


EXPIRED_COPY_PREFIX = "/_sandbox/expired-copy/"  # SANDBOX-ONLY: AWS has no such endpoint


def expired_copy(user_pool_id: str, token: str, now: float | None = None) -> str | None:
    """The same token as if the clock had moved past its exp, re-signed with the pool's key.

    Sandbox-only, for the "expire the token" lesson: on AWS one waits an hour. It only re-dates
    a token this pool really issued (signature and iss checked), so it mints nothing new.
    Returns None when the token is not one of the pool's.
    """
    pool_keys = KEYS.find(user_pool_id)
    try:
        header = jwt.get_unverified_header(token)
        public_key = pool_keys.public_key(str(header.get("kid"))) if pool_keys else None
        claims = jwt.decode(token, public_key, algorithms=["RS256"],
                            options={"verify_exp": False, "verify_aud": False, "verify_iat": False})
    except (jwt.PyJWTError, AttributeError, TypeError):
        return None
    if not claims.get("iss", "").endswith("/" + user_pool_id):
        return None
    lifetime = int(claims["exp"]) - int(claims["iat"])
    expired_at = int(now if now is not None else time.time()) - 60
    claims.update(exp=expired_at, iat=expired_at - lifetime)
    key = next(k for k in (pool_keys.id_key, pool_keys.access_key) if k.kid == header["kid"])
    return jwt.encode(claims, key.private_key, algorithm="RS256", headers={"kid": key.kid, "alg": "RS256", "typ": None})
