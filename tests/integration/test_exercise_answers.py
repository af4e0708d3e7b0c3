"""Each diagnosis exercise's answer is what the lab's one decision model (flows.decisions) says
of the scenario's real presentation, once set up in the sandbox: the short list is the decision
model's reason codes, so the right one must be the model's own verdict, not an opinion of ours.

For sigv4_wrong_service the presentation is the one the exercise's app makes: alice's credentials
signed for the service `apigateway` (its refusal by the sandbox is held in test_exercises.py).
"""

from __future__ import annotations

import dataclasses
import time
from typing import Any, Callable

import pytest

from flows import decisions, identity, oauth, signin
from flows.api_matrix import sandbox_expired_copy
from flows.aws import account_credentials, client
from flows.capture import Recorder
from flows.exercises import exercise
from flows.exercises.actions import WRONG_SERVICE
from flows.predict import decide_route, gates_of, predict_routes, token_presentation
from flows.target import Target
from flows.tokens import cached_jwks


def _tokens(target: Target, username: str) -> dict[str, Any]:
    user = next(u for u in target.users if u.username == username)
    return signin.sign_in_with_password(target, username, user.password).outputs


def _route_reason(target: Target, token: str | None, api_kind: str, path: str) -> str:
    for route, decision in predict_routes(token, target, cached_jwks(target)):
        if route.api == api_kind and route.path == path and decision is not None:
            return decision.reason
    raise AssertionError(f"no decision for {api_kind} {path}")


def _identity_reason(target: Target, token: str | None) -> str:
    """The identity pool's gate as configured now, read back through the AWS APIs."""
    admin = client(target, "cognito-identity", Recorder(), account_credentials(target))
    pool = admin.describe_identity_pool(IdentityPoolId=target.identity_pool_id)
    gate = decisions.IdentityPoolGate(
        target.issuer, target.login_provider, tuple(p["ClientId"] for p in pool["CognitoIdentityProviders"]),
        identity.describe_pool_roles(target).outputs["pool_roles"],
        allow_unauthenticated=pool["AllowUnauthenticatedIdentities"])
    now = time.time()
    return decisions.identity_pool(token_presentation(token, target, cached_jwks(target), now), gate, now).reason


def _expired_copy(target: Target) -> str | None:
    return sandbox_expired_copy(target, _tokens(target, "alice")["id_token"])


def _wrong_service_reason(target: Target) -> str:
    credentials = identity.get_credentials(target, _tokens(target, "alice").get("id_token")).outputs
    signed = dataclasses.replace(decisions.of_credentials(credentials), signed_for=f"{target.region}/{WRONG_SERVICE}")
    route = next(r for r in target.routes if r.auth == "AWS_IAM")
    return decide_route(route, signed, gates_of(target)).reason


SCENARIOS: dict[str, Callable[[Target], str]] = {
    "sigv4_wrong_service": _wrong_service_reason,
    "id_token_to_scoped_method": lambda t: _route_reason(t, _tokens(t, "alice")["id_token"], "rest", "/items"),
    "expired_token": lambda t: _route_reason(t, _expired_copy(t), "rest", "/profile"),
    "scope_not_allowed": lambda t: _route_reason(
        t, oauth.client_credentials(t, "machine").outputs.get("access_token"), "rest", "/items"),
    "access_token_to_identity_pool": lambda t: _identity_reason(t, _tokens(t, "carol")["access_token"]),
    "rules_ambiguous_deny": lambda t: _identity_reason(t, _tokens(t, "carol")["id_token"]),
    "guest_not_allowed": lambda t: _identity_reason(t, None),
    "client_not_in_identity_pool": lambda t: _identity_reason(t, _tokens(t, "carol")["id_token"]),
}


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_the_answer_is_the_decision_models_reason(target, name):
    chosen = exercise(name)
    chosen.action("setup")(target)
    try:
        reason = SCENARIOS[name](target)
    finally:
        chosen.action("reset")(target)
    assert reason == chosen.answer, f"{name}: the decision model says {reason}"
    assert len(set(chosen.options)) == len(chosen.options) >= 3
