"""Leg 4: a call to an API Gateway route, with the authorizer's answer explained."""

from __future__ import annotations

import json
from typing import Any

import requests

from flows.capture import Recorder
from flows.steps import AwsFailure, Note, StepResult
from flows.target import ApiRoute, Target

_TIMEOUT = (3, 10)
# What API Gateway's answers mean (aws-facts.md §5–6).
MEANINGS = {
    (401, "Unauthorized"): "The authorizer rejected the token: missing, not signed by the pool, or the wrong "
                           "token type (a REST Cognito authorizer without scopes takes only ID tokens).",
    (401, "The incoming token has expired"): "The token's exp is in the past: refresh it.",
    (403, "Missing Authentication Token"): "The request was not signed with SigV4, or the route does not exist.",
}


def _body(response: requests.Response) -> Any:
    try:
        return response.json()
    except (json.JSONDecodeError, ValueError):
        return response.text


def _route_notes(route: ApiRoute) -> list[Note]:
    if route.auth == "COGNITO_USER_POOLS" and not route.scopes:
        return [Note("A REST Cognito authorizer with no scopes on the method accepts only ID tokens.", "api-gateway.md")]
    if route.auth == "COGNITO_USER_POOLS":
        return [Note("With scopes on the method, the authorizer wants an access token carrying one of them.", "api-gateway.md")]
    if route.auth == "JWT":
        return [Note("An HTTP API JWT authorizer accepts either token when aud or client_id is in its audience.", "api-gateway.md")]
    return []


def _failure(status: int, body: Any) -> AwsFailure | None:
    if status < 400:
        return None
    message = body.get("message", "") if isinstance(body, dict) else str(body)
    return AwsFailure(f"HTTP {status}", message, status, MEANINGS.get((status, message), ""))


def call_route(target: Target, route: ApiRoute, token: str | None, bearer_prefix: bool = False) -> StepResult:
    """Call the route, sending the token (if any) in the Authorization header."""
    recorder = Recorder()
    result = StepResult("api_call", recorder.exchanges, notes=_route_notes(route))
    headers = {"Authorization": ("Bearer " if bearer_prefix else "") + token} if token else {}
    url = target.api_url(route)
    try:
        response = recorder.session(f"{route.method} {route.path}").request(route.method, url, headers=headers, timeout=_TIMEOUT)
    except requests.RequestException as error:
        recorder.record_failure(f"{route.method} {route.path}", route.method, url, error)
        result.failure = AwsFailure("EndpointUnreachable", str(error), None, "The API did not answer.")
        return result
    body = _body(response)
    result.outputs = {"status": response.status_code, "body": body}
    result.failure = _failure(response.status_code, body)
    return result
