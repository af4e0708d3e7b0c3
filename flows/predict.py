"""Predictions for a target's routes: each route's gate (flows.decisions) configured as the target
builds it, applied to what the caller presents. The matrix, "would it pass?" and
`python -m flows predict` all go through `decide_route`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Mapping

from flows import decisions
from flows.decisions import Decision, IamGate, Presentation, TokenGate
from flows.jwks import KeySet
from flows.jwt_verify import Expectations, verify_token
from flows.target import ApiRoute, Target

MACHINE_CLIENT = "machine"  # client_credentials only: not in the HTTP API's Audience


@dataclass(frozen=True)
class ApiGates:
    """How the target's authorizers are configured: the issuer they trust, the HTTP API's
    Audience, and (when known) which roles may invoke the AWS_IAM methods."""

    issuer: str
    audience: tuple[str, ...]
    may_invoke: Mapping[str, bool] | None = None
    iam_scope: str = ""  # "region/execute-api": the SigV4 credential scope the AWS_IAM methods accept


def http_audience(target: Target) -> tuple[str, ...]:
    """The HTTP API JWT authorizer's Audience as the lab builds it (sandbox topology and
    infra/cognito-lab.yaml): every app client but the machine client. The Target does not carry
    the authorizer's configuration, so predictions assume this."""
    return tuple(c.client_id for name, c in target.clients.items() if name != MACHINE_CLIENT)


def gates_of(target: Target, may_invoke: Mapping[str, bool] | None = None) -> ApiGates:
    return ApiGates(target.issuer, http_audience(target), may_invoke, f"{target.region}/execute-api")


def decide_route(route: ApiRoute, presentation: Presentation, gates: ApiGates,
                 now: float | None = None) -> Decision | None:
    """The route's gate applied to the presentation; None for an authorizer the lab does not model."""
    now = time.time() if now is None else now
    if route.auth == "NONE":
        return decisions.public_route()
    if route.auth == "AWS_IAM":
        return decisions.aws_iam(presentation, IamGate(gates.may_invoke, gates.iam_scope))
    if route.auth == "COGNITO_USER_POOLS":
        return decisions.rest_cognito(presentation, TokenGate("COGNITO_USER_POOLS", gates.issuer, route.scopes), now)
    if route.auth == "JWT":
        return decisions.http_jwt(presentation, TokenGate("JWT", gates.issuer, route.scopes, gates.audience), now)
    return None


def token_presentation(token: str | None, target: Target, keys: KeySet | None,
                       now: float | None = None, bearer_prefix: bool = True) -> Presentation:
    """A token (or nothing) as a gate sees it, checked against the pool's keys."""
    if not token:
        return decisions.NOTHING
    if keys is None:
        return decisions.of_verification(None, bearer_prefix)
    verification = verify_token(token, keys, Expectations(issuer=target.issuer), now)
    return decisions.of_verification(verification, bearer_prefix)


def predict_routes(token: str | None, target: Target, keys: KeySet | None,
                   now: float | None = None) -> list[tuple[ApiRoute, Decision | None]]:
    """The decision of every route of the target for one token (`python -m flows predict`)."""
    presentation = token_presentation(token, target, keys, now)
    gates = gates_of(target)
    return [(route, decide_route(route, presentation, gates, now)) for route in target.routes]
