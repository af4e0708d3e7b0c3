"""What each consumer of a token would decide about it (flows.predict), for the consumers a
Cognito-backed app usually has: a REST Cognito authorizer with and without a scope, an HTTP API
JWT authorizer, and the identity pool (aws-facts.md §4–5)."""

from __future__ import annotations

from flows import predict
from flows.jwt_verify import Verification
from flows.target import Target

FALLBACK_SCOPE = "aws.cognito.signin.user.admin"  # when the target's routes name no custom scope


def scopes_to_try(target: Target) -> list[str]:
    return sorted({scope for route in target.routes for scope in route.scopes}) or [FALLBACK_SCOPE]


def default_audience(target: Target) -> str:
    """The app clients an HTTP API would usually list (every client a user signs in with)."""
    return ", ".join(client.client_id for name, client in target.clients.items() if name != "machine")


def audience_from(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


def predictions(verification: Verification, target: Target, scope: str,
                audience: tuple[str, ...]) -> list[predict.Prediction]:
    pool_clients = tuple(c.client_id for name, c in target.clients.items() if name in ("public", "confidential"))
    return [
        predict.rest_cognito(verification, target.issuer),
        predict.rest_cognito(verification, target.issuer, (scope,)),
        predict.http_jwt(verification, target.issuer, audience),
        predict.identity_pool(verification, target.issuer, pool_clients),
    ]
