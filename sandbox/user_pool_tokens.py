"""Tokens as Cognito makes them, minted into moto's user pools.

moto signs every pool's tokens with one shared key (`kid: dummy`), leaves out `event_id`,
`version`, `cognito:roles`/`cognito:preferred_role`, resets `auth_time` on refresh and types
`email_verified` as a string. `COGNITO_TOKENS` is installed as moto's token factory (through
`sandbox.moto_adapter`) so that every path that issues tokens (InitiateAuth, challenges,
refresh, admin calls) produces tokens shaped like AWS's (aws-facts.md §1). moto keeps its token
bookkeeping, so GetUser and GlobalSignOut keep working. Keys, sign-in events and the clock are
the pool's (`sandbox.user_pool_state`).
"""

from __future__ import annotations

import base64
import secrets
import uuid
from typing import Any

import jwt

from sandbox import moto_adapter as moto
from sandbox.keys import TokenUse
from sandbox.moto_adapter import MotoUserPool
from sandbox.user_pool_state import USER_POOLS, SignInEvent

NATIVE_SCOPE = "aws.cognito.signin.user.admin"  # aws-facts.md §2.5
_VERIFIED_FLAGS = ("email_verified", "phone_number_verified")
_UNIT_SECONDS = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}


def issuer(pool: MotoUserPool) -> str:
    # The issuer is always on the AWS host, whatever domain the pool has (aws-facts.md §1.1).
    return f"https://cognito-idp.{pool.region}.amazonaws.com/{pool.id}"


def _sign_in_events(pool: MotoUserPool) -> dict[str, SignInEvent]:
    return USER_POOLS.of(pool.id).sign_in_events


def _now() -> int:
    return int(USER_POOLS.clock())


def _sign_in_event(pool: MotoUserPool, origin_jti: str) -> SignInEvent:
    events = _sign_in_events(pool)
    if origin_jti not in events:
        events[origin_jti] = SignInEvent(_now(), str(uuid.uuid4()))
    return events[origin_jti]


def record_sign_in(pool: MotoUserPool, origin_jti: str, auth_time: int, scope: str) -> None:
    """Remember an OAuth sign-in: it happened at the sign-in page, before the code was redeemed."""
    _sign_in_events(pool)[origin_jti] = SignInEvent(auth_time, str(uuid.uuid4()), scope)


def granted_scope(pool: MotoUserPool, origin_jti: str) -> str | None:
    """The scopes of the OAuth sign-in behind these tokens, or None for a native sign-in."""
    return _sign_in_event(pool, origin_jti).scope


def token_lifetime(pool: MotoUserPool, client_id: str, token_use: TokenUse) -> int:
    """Seconds a token lives, from the app client's settings (default 1 hour, §1.5)."""
    client = pool.clients.get(client_id)
    config = client.extended_config if client else {}
    key = "IdTokenValidity" if token_use == "id" else "AccessTokenValidity"
    unit_key = "IdToken" if token_use == "id" else "AccessToken"
    units = (config.get("TokenValidityUnits") or {}).get(unit_key, "hours")
    return int(config.get(key) or 1) * _UNIT_SECONDS[units]


def _user(pool: MotoUserPool, username: str) -> moto.MotoUser:
    user = moto.find_user(pool, username)
    assert user is not None, "moto asks for tokens of users it holds"
    return user


def _by_precedence(group: Any) -> tuple[bool, int]:
    # "Groups with lower precedence values take precedence over groups with higher or null
    # precedence values" ([CG:cognito-user-pools-user-groups.md]): no precedence sorts last.
    return group.precedence is None, group.precedence or 0


def _group_claims(pool: MotoUserPool, username: str, with_roles: bool = True) -> dict[str, Any]:
    """`cognito:groups`, and for the ID token the groups' roles (aws-facts.md §1.2). The access
    token carries the groups only: AWS's sample access tokens have no roles (§1.3)."""
    groups = sorted(_user(pool, username).groups, key=_by_precedence)
    if not groups:
        return {}
    claims: dict[str, Any] = {"cognito:groups": [group.group_name for group in groups]}
    roles = list(dict.fromkeys(group.role_arn for group in groups if group.role_arn))
    if roles and with_roles:
        claims["cognito:roles"] = roles  # a JSON array in real tokens (§1.2)
        preferred = preferred_role([group for group in groups if group.role_arn])
        if preferred:
            claims["cognito:preferred_role"] = preferred
    return claims


def preferred_role(groups_with_roles: list[Any]) -> str | None:
    """The role of the best-precedence group; none when the best groups tie with different roles
    (aws-facts.md §1.2, [CG:role-based-access-control.md]). `groups_with_roles` is sorted."""
    best = _by_precedence(groups_with_roles[0])
    tied = {group.role_arn for group in groups_with_roles if _by_precedence(group) == best}
    return tied.pop() if len(tied) == 1 else None


def _readable_attributes(pool: MotoUserPool, client_id: str, username: str) -> dict[str, Any]:
    claims = moto.readable_attributes(pool, client_id, username)
    for attribute in _user(pool, username).attributes:
        if attribute["Name"].startswith("custom:"):
            claims[attribute["Name"]] = attribute["Value"]  # custom attributes stay strings
    for flag in _VERIFIED_FLAGS:
        if flag in claims:
            claims[flag] = str(claims[flag]).lower() == "true"  # booleans in the ID token
    claims.pop("sub", None)
    return claims


def _base_claims(pool: MotoUserPool, username: str, origin_jti: str, token_use: TokenUse,
                 lifetime: int) -> dict[str, Any]:
    event = _sign_in_event(pool, origin_jti)
    now = _now()
    return {
        "sub": _user(pool, username).id,
        "iss": issuer(pool),
        "origin_jti": origin_jti,
        "event_id": event.event_id,
        "token_use": token_use,
        "auth_time": event.auth_time,
        "exp": now + lifetime,
        "iat": now,
        "jti": str(uuid.uuid4()),
        # How a USER_AUTH sign-in was made (sandbox.user_auth); absent for the other flows.
        **({"amr": list(methods)} if (methods := USER_POOLS.of(pool.id).sign_in_methods.get(origin_jti)) else {}),
    }


def sign(pool: MotoUserPool, claims: dict[str, Any], token_use: TokenUse) -> str:
    key = USER_POOLS.of(pool.id).keys.for_use(token_use)
    # Cognito's header has only kid and alg, no typ (aws-facts.md §1.1).
    return jwt.encode(claims, key.private_key, algorithm="RS256",
                      headers={"kid": key.kid, "alg": "RS256", "typ": None})


def id_token_claims(pool: MotoUserPool, client_id: str, username: str, origin_jti: str,
                    extra: dict[str, Any] | None = None) -> dict[str, Any]:
    user = _user(pool, username)
    claims = _base_claims(pool, username, origin_jti, "id", token_lifetime(pool, client_id, "id"))
    claims.update(_group_claims(pool, username))
    claims.update(_readable_attributes(pool, client_id, username))
    claims.update({"aud": client_id, "cognito:username": user.username})
    claims.update(extra or {})
    return claims


def access_token_claims(pool: MotoUserPool, client_id: str, username: str, origin_jti: str,
                        scope: str = NATIVE_SCOPE) -> dict[str, Any]:
    user = _user(pool, username)
    lifetime = token_lifetime(pool, client_id, "access")
    claims = _base_claims(pool, username, origin_jti, "access", lifetime)
    claims.update(_group_claims(pool, username, with_roles=False))
    # Access tokens have client_id instead of aud, and a `version` claim (aws-facts.md §1.3).
    claims.update({"client_id": client_id, "scope": scope, "version": 2, "username": user.username})
    return claims


def client_credentials_claims(pool: MotoUserPool, client_id: str, scope: str) -> dict[str, Any]:
    """A machine-to-machine access token: no user, so `sub` is the client id, and no username
    or groups. UNCONFIRMED (aws-facts.md UNCONFIRMED item 4): no AWS page lists these claims."""
    now = _now()
    return {"sub": client_id, "token_use": "access", "scope": scope, "auth_time": now,
            "iss": issuer(pool), "exp": now + token_lifetime(pool, client_id, "access"), "iat": now,
            "version": 2, "jti": str(uuid.uuid4()), "client_id": client_id}


def opaque_refresh_token() -> str:
    # Real refresh tokens are encrypted JWEs: five dot-separated segments, unreadable to the
    # client. A random token of that shape teaches the same lesson: don't try to decode it.
    header = base64.urlsafe_b64encode(b'{"cty":"JWT","enc":"A256GCM","alg":"RSA-OAEP"}')
    parts = [header.decode().rstrip("=")] + [secrets.token_urlsafe(n) for n in (192, 9, 600, 16)]
    return ".".join(parts)


class CognitoTokens:
    """moto's token factory, replaced (`moto_adapter.TokenFactory`): Cognito-shaped tokens,
    registered in moto's token registries so GetUser and GlobalSignOut see them."""

    def id_token(self, pool: MotoUserPool, client_id: str, username: str, origin_jti: str) -> tuple[str, int]:
        token = sign(pool, id_token_claims(pool, client_id, username, origin_jti), "id")
        moto.register_id_token(pool, token, client_id, username)
        return token, token_lifetime(pool, client_id, "id")

    def access_token(self, pool: MotoUserPool, client_id: str, username: str, origin_jti: str) -> tuple[str, int]:
        scope = _sign_in_event(pool, origin_jti).scope or NATIVE_SCOPE  # an OAuth refresh keeps its scopes
        token = sign(pool, access_token_claims(pool, client_id, username, origin_jti, scope), "access")
        moto.register_access_token(pool, token, client_id, username)
        return token, token_lifetime(pool, client_id, "access")

    def refresh_token(self, pool: MotoUserPool, client_id: str, username: str) -> tuple[str, str]:
        refresh_token, origin_jti = opaque_refresh_token(), str(uuid.uuid4())
        moto.register_refresh_token(pool, refresh_token, client_id, username, origin_jti)
        _sign_in_event(pool, origin_jti)  # a new sign-in: auth_time is now
        return refresh_token, origin_jti


COGNITO_TOKENS = CognitoTokens()


def install() -> None:
    """Make moto's user pools mint Cognito-shaped tokens. Idempotent."""
    moto.install_token_factory(COGNITO_TOKENS)


EXPIRED_COPY_PREFIX = "/_sandbox/expired-copy/"  # SANDBOX-ONLY: AWS has no such endpoint


def expired_copy(user_pool_id: str, token: str, now: float | None = None) -> str | None:
    """The same token as if the clock had moved past its exp, re-signed with the pool's key.

    Sandbox-only, for the "expire the token" lesson: on AWS one waits an hour. It only re-dates
    a token this pool really issued (signature and iss checked), so it mints nothing new.
    Returns None when the token is not one of the pool's.
    """
    pool_keys = USER_POOLS.keys(user_pool_id)
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
    expired_at = int(now if now is not None else USER_POOLS.clock()) - 60
    claims.update(exp=expired_at, iat=expired_at - lifetime)
    key = next(k for k in (pool_keys.id_key, pool_keys.access_key) if k.kid == header["kid"])
    return jwt.encode(claims, key.private_key, algorithm="RS256", headers={"kid": key.kid, "alg": "RS256", "typ": None})
