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
    (401, "Unauthorized"): "meaning.api.unauthorized",
    (401, "The incoming token has expired"): "meaning.api.expired",
    (403, "Missing Authentication Token"): "meaning.api.missing_authentication_token",
}


def _body(response: requests.Response) -> Any:
    try:
        return response.json()
    except (json.JSONDecodeError, ValueError):
        return response.text


def _route_notes(route: ApiRoute) -> list[Note]:
    if route.auth == "COGNITO_USER_POOLS" and not route.scopes:
        return [Note("note.api.rest_no_scopes", "api-gateway.md#without-scopes-id-token-only")]
    if route.auth == "COGNITO_USER_POOLS":
        return [Note("note.api.rest_scopes", "api-gateway.md#with-scopes-access-token-with-a-matching-scope")]
    if route.auth == "JWT":
        return [Note("note.api.jwt", "api-gateway.md#the-aud-or-client_id-rule")]
    return []


def _failure(status: int, body: Any) -> AwsFailure | None:
    if status < 400:
        return None
    message = body.get("message", "") if isinstance(body, dict) else str(body)
    return AwsFailure(message or f"HTTP {status}", message, status, MEANINGS.get((status, message), ""))


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
        result.failure = AwsFailure("EndpointUnreachable", str(error), None, "meaning.EndpointUnreachable")
        return result
    body = _body(response)
    result.outputs = {"status": response.status_code, "body": body}
    result.failure = _failure(response.status_code, body)
    return result
