""""Would it pass?": what each consumer of a token would decide about it, for the consumers a
Cognito-backed app usually has: a REST Cognito authorizer without and with a scope, an HTTP API
JWT authorizer without and with a scope, and the identity pool (aws-facts.md §4–5). Every row is
a decision of `flows.decisions`; the scope the learner selects applies to every scoped gate.
"""

from __future__ import annotations

import time

from flows import decisions
from flows.decisions import Decision, IdentityPoolGate, TokenGate
from flows.jwt_verify import Verification
from flows.predict import http_audience
from flows.target import Target

FALLBACK_SCOPE = "aws.cognito.signin.user.admin"  # when the target's routes name no custom scope
IDENTITY_POOL_CLIENTS = ("public", "confidential")  # the app clients the lab's identity pool trusts


def scopes_to_try(target: Target) -> list[str]:
    return sorted({scope for route in target.routes for scope in route.scopes}) or [FALLBACK_SCOPE]


def default_audience(target: Target) -> str:
    """The app clients an HTTP API would usually list (every client a user signs in with)."""
    return ", ".join(http_audience(target))


def audience_from(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


def identity_gate(target: Target) -> IdentityPoolGate:
    """The identity pool's token check only (its role mappings are read on the identity page)."""
    clients = tuple(c.client_id for name, c in target.clients.items() if name in IDENTITY_POOL_CLIENTS)
    return IdentityPoolGate(target.issuer, target.login_provider, clients, {"Roles": dict(target.roles)})


def predictions(verification: Verification, target: Target, scope: str, audience: tuple[str, ...],
                now: float | None = None) -> list[Decision]:
    now = time.time() if now is None else now
    presented = decisions.of_verification(verification)
    return [
        decisions.rest_cognito(presented, TokenGate("COGNITO_USER_POOLS", target.issuer), now),
        decisions.rest_cognito(presented, TokenGate("COGNITO_USER_POOLS", target.issuer, (scope,)), now),
        decisions.http_jwt(presented, TokenGate("JWT", target.issuer, (), audience), now),
        decisions.http_jwt(presented, TokenGate("JWT", target.issuer, (scope,), audience), now),
        decisions.identity_pool(presented, identity_gate(target), now),
    ]
