"""API Gateway's authorizers, deciding as AWS does (aws-facts.md §5).

Each authorizer returns a Decision: allowed or not, the status and body API Gateway answers
with, and the reasoning step by step. The sandbox checks tokens with its own code, not the
lab's verifier: it plays AWS.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import jwt

from sandbox.user_pool_state import USER_POOLS

UNAUTHORIZED = {"message": "Unauthorized"}
EXPIRED = {"message": "The incoming token has expired"}  # aws-facts.md §5.1


@dataclass
class Decision:
    allowed: bool
    status: int = 200
    body: dict[str, Any] = field(default_factory=dict)
    claims: dict[str, Any] = field(default_factory=dict)
    scopes: list[str] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)

    def deny(self, status: int, body: dict[str, Any], reason: str, **headers: str) -> Decision:
        self.allowed, self.status, self.body = False, status, body
        self.headers.update(headers)
        self.reasons.append(reason)
        return self


def bearer_token(header_value: str | None) -> str:
    """The token in an Authorization header; a `Bearer ` prefix is accepted (§5.1, §5.2)."""
    value = (header_value or "").strip()
    return value[7:].strip() if value[:7].lower() == "bearer " else value


def _verified_claims(token: str, user_pool_id: str) -> dict[str, Any] | None:
    """Claims if the signature is good under the pool's keys; expiry is checked separately."""
    pool_keys = USER_POOLS.keys(user_pool_id)
    try:
        header = jwt.get_unverified_header(token)
        public_key = pool_keys.public_key(str(header.get("kid"))) if pool_keys else None
        if public_key is None:
            return None
        return jwt.decode(token, public_key, algorithms=["RS256"],
                          options={"verify_exp": False, "verify_aud": False, "verify_iat": False})
    except jwt.PyJWTError:
        return None


def cognito_user_pools(header_value: str | None, user_pool_id: str, issuer: str,
                       method_scopes: list[str], now: float) -> Decision:
    """REST API authorizer of type COGNITO_USER_POOLS (aws-facts.md §5.1, §6)."""
    decision = Decision(allowed=True)
    token = bearer_token(header_value)
    if not token:
        return decision.deny(401, UNAUTHORIZED, "No token in the Authorization header.")
    claims = _verified_claims(token, user_pool_id)
    if claims is None or claims.get("iss") != issuer:
        return decision.deny(401, UNAUTHORIZED, "The token is not signed by this user pool's keys.")
    decision.reasons.append("Signature verified with the user pool's JWKS.")
    if int(claims.get("exp", 0)) <= now:
        return decision.deny(401, EXPIRED, "The token's exp is in the past.")
    decision.reasons.append("The token has not expired.")
    if not method_scopes:
        return _needs_id_token(decision, claims)
    return _needs_scoped_access_token(decision, claims, method_scopes)


def _needs_id_token(decision: Decision, claims: dict[str, Any]) -> Decision:
    # "API Gateway treats the supplied token as an identity token" when the method has no scopes.
    if claims.get("token_use") != "id":
        return decision.deny(401, UNAUTHORIZED, "The method has no scopes, so only an ID token is accepted; "
                             f"this is an {claims.get('token_use')} token (no aud claim).")
    decision.reasons.append("The method has no scopes and this is an ID token: allowed.")
    decision.claims = claims
    return decision


def _needs_scoped_access_token(decision: Decision, claims: dict[str, Any], method_scopes: list[str]) -> Decision:
    token_scopes = str(claims.get("scope", "")).split()
    if claims.get("token_use") != "access":
        return decision.deny(401, UNAUTHORIZED, "The method has scopes, so an access token is required; this is an ID token.")
    if not set(token_scopes) & set(method_scopes):
        return decision.deny(401, UNAUTHORIZED, f"None of the method's scopes {method_scopes} is in the token's scope {token_scopes}.")
    decision.reasons.append(f"The access token carries a method scope ({sorted(set(token_scopes) & set(method_scopes))}): allowed.")
    decision.claims, decision.scopes = claims, token_scopes
    return decision


def _invalid_token(description: str) -> dict[str, str]:
    return {"www-authenticate": f'Bearer scope="" error="invalid_token" error_description="{description}"'}


def jwt_authorizer(header_value: str | None, user_pool_id: str, issuer: str, audience: list[str],
                   route_scopes: list[str], now: float) -> Decision:
    """HTTP API authorizer of type JWT (aws-facts.md §5.2)."""
    decision = Decision(allowed=True)
    token = bearer_token(header_value)
    if not token:
        return decision.deny(401, UNAUTHORIZED, "No token in the Authorization header.", **_invalid_token("the token is missing"))
    claims = _verified_claims(token, user_pool_id)
    if claims is None or claims.get("iss") != issuer:
        return decision.deny(401, UNAUTHORIZED, "Signature or issuer does not match.", **_invalid_token("the token has an invalid signature"))
    if int(claims.get("exp", 0)) <= now:
        return decision.deny(401, UNAUTHORIZED, "The token's exp is in the past.", **_invalid_token("the token has expired"))
    # aud is evaluated when present; client_id only when aud is absent.
    audience_claim = claims["aud"] if "aud" in claims else claims.get("client_id")
    if audience_claim not in audience:
        return decision.deny(401, UNAUTHORIZED, f"Neither aud nor client_id is in the audience {audience}.",
                             **_invalid_token("the token does not have a valid audience"))
    decision.reasons.append(f"{'aud' if 'aud' in claims else 'client_id'} {audience_claim} is in the audience.")
    token_scopes = str(claims.get("scope", claims.get("scp", ""))).split()
    if route_scopes and not set(token_scopes) & set(route_scopes):
        # Status for a scope mismatch is UNCONFIRMED; 403 insufficient_scope is the likely answer.
        return decision.deny(403, {"message": "Forbidden"}, f"None of the route's scopes {route_scopes} is in the token.",
                             **{"www-authenticate": 'Bearer scope="" error="insufficient_scope" error_description="the token does not have the required scopes"'})
    decision.claims, decision.scopes = claims, (token_scopes if route_scopes else None)
    decision.reasons.append("All checks passed: allowed.")
    return decision
