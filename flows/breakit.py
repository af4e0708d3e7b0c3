""""Break it": turn a passing API call into a failing one, to see what each check is for.

Pure functions, no network: they change a token or a set of credentials the way a mistake (or
an attacker) would, and `flows.api_matrix.break_cell` sends the result. What a break teaches is
not written here: `flows.decisions` decides before and after the mutation, and the difference
(which facts changed, which check refused it) is the explanation.

- `expired`: a token past its `exp`, re-dated by hand (so its signature no longer matches).
- `tampered`: a claim changed (the user promoted into a group, or a scope added).
- `wrong_secret`: SigV4 credentials with the secret key one character off.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any, Literal, Mapping, get_args

from flows.jwt_decode import decode_token

__all__ = [
    "BREAKS",
    "BreakName",
    "Tampered",
    "applicable_breaks",
    "expired",
    "tampered",
    "with_claims",
    "wrong_secret",
]

# In the order the page offers them.
BreakName = Literal["expire", "tamper", "other_client", "drop_bearer", "wrong_secret"]
BREAKS: tuple[BreakName, ...] = get_args(BreakName)
_TOKEN_AUTHORIZERS = frozenset({"COGNITO_USER_POOLS", "JWT"})
_TOKENS = frozenset({"id_token", "access_token", "oauth_access_token"})
PROMOTED_GROUP = "superusers"  # a group nobody is in: the forger "promotes" themself
EXPIRED_SECONDS_AGO = 60


@dataclass(frozen=True)
class Tampered:
    token: str
    claim: str
    before: Any
    after: Any


def applicable_breaks(route_auth: str, presented: str) -> tuple[str, ...]:
    """Which breaks make sense for a call: token breaks for token authorizers, the wrong secret
    for a SigV4-signed call to an AWS_IAM route."""
    if route_auth in _TOKEN_AUTHORIZERS and presented in _TOKENS:
        return ("expire", "tamper", "other_client", "drop_bearer")
    if route_auth == "AWS_IAM" and presented == "credentials":
        return ("wrong_secret",)
    return ()


def _segment(claims: Mapping[str, Any]) -> str:
    # Compact JSON, as Cognito writes it; the encoding need not match the original byte for byte,
    # since the point is that any change to the payload voids the signature.
    raw = json.dumps(dict(claims), separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def with_claims(token: str, **changes: Any) -> str:
    """The token with some claims changed, its header and (now stale) signature kept as sent."""
    decoded = decode_token(token)
    header, _, signature = decoded.segments
    return f"{header}.{_segment({**decoded.claims, **changes})}.{signature}"


def expired(token: str, now: float) -> str:
    """The token re-dated to have expired a minute ago. Without the pool's private key this is
    all anyone can do, so the signature no longer matches."""
    return with_claims(token, exp=int(now) - EXPIRED_SECONDS_AGO)


def _promotion(claims: Mapping[str, Any]) -> tuple[str, Any]:
    """The claim a forger would change: a group to join, else a scope to add, else the subject."""
    groups = claims.get("cognito:groups")
    if isinstance(groups, list):
        return "cognito:groups", [*groups, PROMOTED_GROUP]
    if isinstance(claims.get("scope"), str):
        return "scope", f"{claims['scope']} {PROMOTED_GROUP}"
    return "sub", "00000000-0000-4000-8000-000000000000"


def tampered(token: str) -> Tampered:
    claims = decode_token(token).claims
    claim, after = _promotion(claims)
    return Tampered(with_claims(token, **{claim: after}), claim, claims.get(claim), after)


def wrong_secret(credentials: Mapping[str, Any]) -> dict[str, Any]:
    """The same credentials with the secret key one character off: enough to change every byte of
    the SigV4 signature (it is an HMAC chain keyed by the secret)."""
    secret = str(credentials["SecretKey"])
    last = "A" if not secret.endswith("A") else "B"
    return {**credentials, "SecretKey": secret[:-1] + last}
