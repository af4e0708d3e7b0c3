""""Would it pass?": what each AWS consumer of a token would decide, and why.

Pure functions over a token's claims and whether its signature checked out, following the
rules of aws-facts.md §4.1 (identity pool), §5.1 (REST Cognito authorizer), §5.2 (HTTP API JWT
authorizer) and §6. They predict; the API page shows what the sandbox actually answers.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from flows.jwt_verify import Verification


@dataclass(frozen=True)
class Prediction:
    consumer: str  # message key naming the consumer
    passes: bool
    outcome: str  # e.g. "200", "401 Unauthorized", "NotAuthorizedException"
    reason: str  # message key
    params: dict[str, Any] = field(default_factory=dict)


def _scopes(claims: dict[str, Any]) -> set[str]:
    return set(str(claims.get("scope", claims.get("scp", ""))).split())


def _basics(verification: Verification, issuer: str, now: float) -> str | None:
    """The reason key if the token fails what every consumer checks first, else None."""
    claims = verification.claims
    if verification.check("signature").passed is not True:
        return "predict.reason.signature"
    if claims.get("iss") != issuer:
        return "predict.reason.issuer"
    if not isinstance(claims.get("exp"), (int, float)) or claims["exp"] <= now:
        return "predict.reason.expired"
    return None


def rest_cognito(verification: Verification, issuer: str, method_scopes: tuple[str, ...] = (),
                 now: float | None = None) -> Prediction:
    consumer = "predict.rest_scoped" if method_scopes else "predict.rest"
    problem = _basics(verification, issuer, now or time.time())
    if problem == "predict.reason.expired":
        return Prediction(consumer, False, '401 "The incoming token has expired"', problem)
    if problem:
        return Prediction(consumer, False, "401 Unauthorized", problem)
    claims = verification.claims
    if not method_scopes:
        if claims.get("token_use") != "id":
            return Prediction(consumer, False, "401 Unauthorized", "predict.reason.rest_needs_id")
        return Prediction(consumer, True, "200", "predict.reason.rest_id_ok")
    matching = sorted(_scopes(claims) & set(method_scopes))
    if claims.get("token_use") != "access" or not matching:
        return Prediction(consumer, False, "401 Unauthorized", "predict.reason.rest_needs_scope",
                          {"scopes": " ".join(method_scopes)})
    return Prediction(consumer, True, "200", "predict.reason.rest_scope_ok", {"scopes": " ".join(matching)})


def http_jwt(verification: Verification, issuer: str, audience: tuple[str, ...],
             route_scopes: tuple[str, ...] = (), now: float | None = None) -> Prediction:
    problem = _basics(verification, issuer, now or time.time())
    if problem:
        return Prediction("predict.http", False, "401 Unauthorized", problem)
    claims = verification.claims
    named = claims["aud"] if "aud" in claims else claims.get("client_id")  # aud wins when both exist
    if named not in audience:
        return Prediction("predict.http", False, "401 Unauthorized", "predict.reason.audience", {"client": str(named)})
    if route_scopes and not _scopes(claims) & set(route_scopes):
        return Prediction("predict.http", False, "403 Forbidden (unconfirmed)", "predict.reason.http_scope",
                          {"scopes": " ".join(route_scopes)})
    return Prediction("predict.http", True, "200", "predict.reason.http_ok", {"claim": "aud" if "aud" in claims else "client_id"})


def identity_pool(verification: Verification, issuer: str, pool_client_ids: tuple[str, ...],
                  now: float | None = None) -> Prediction:
    claims = verification.claims
    problem = _basics(verification, issuer, now or time.time())
    failures = {"predict.reason.signature": "Couldn't verify signed token.",
                "predict.reason.issuer": "Issuer doesn't match providerName",
                "predict.reason.expired": "Token expired"}
    if problem:
        return Prediction("predict.identity", False, f"NotAuthorizedException: {failures[problem]}", problem)
    if "aud" not in claims:
        return Prediction("predict.identity", False, "NotAuthorizedException: Missing a required claim: aud",
                          "predict.reason.identity_needs_id")
    if claims["aud"] not in pool_client_ids:
        return Prediction("predict.identity", False, "NotAuthorizedException: Token is not from a supported provider",
                          "predict.reason.identity_client")
    return Prediction("predict.identity", True, "IdentityId + credentials", "predict.reason.identity_ok")
