"""Leg 4: a call to an API Gateway route, with the authorizer's answer explained; AWS_IAM routes
are called SigV4-signed with identity-pool credentials (aws-facts.md §5.3)."""

from __future__ import annotations

import json
import shlex
from dataclasses import replace
from typing import Any, Mapping

import requests

from flows.capture import Exchange, Recorder
from flows.redact import mask_signed_token_lines
from flows.sigv4 import credentials_of, sign
from flows.steps import AwsFailure, Note, StepResult
from flows.target import ApiRoute, Target

_TIMEOUT = (3, 10)
# What API Gateway's answers mean (aws-facts.md §5–6).
MEANINGS = {
    (401, "Unauthorized"): "meaning.api.unauthorized",
    (401, "The incoming token has expired"): "meaning.api.expired",
    (403, "Missing Authentication Token"): "meaning.api.missing_authentication_token",
}
# AWS_IAM refusals, by their x-amzn-ErrorType (aws-facts.md §5.3).
IAM_MEANINGS = {
    "MissingAuthenticationTokenException": "meaning.api.missing_authentication_token",
    "IncompleteSignatureException": "meaning.api.iam_incomplete_signature",
    "InvalidSignatureException": "meaning.api.iam_signature",
    "ExpiredTokenException": "meaning.api.iam_expired_token",
    "UnrecognizedClientException": "meaning.api.iam_invalid_token",
}
_CURL_SKIPPED_HEADERS = frozenset({"content-length", "connection", "accept-encoding"})  # curl sets its own


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
    if route.auth == "AWS_IAM":
        return [Note("note.api.aws_iam", "api-gateway.md#aws_iam-sigv4-with-identity-pool-credentials")]
    return []


def _iam_meaning(error_type: str, message: str) -> str:
    if error_type != "AccessDeniedException":
        return IAM_MEANINGS.get(error_type, "")
    if message.startswith("The security token included in the request is invalid"):
        return "meaning.api.iam_invalid_token"
    explicit = message.endswith("with an explicit deny")
    return "meaning.api.iam_explicit_deny" if explicit else "meaning.api.iam_not_allowed"


def _failure(status: int, body: Any, error_type: str = "") -> AwsFailure | None:
    if status < 400:
        return None
    # IAM refusals say `Message`, the other answers `message` (aws-facts.md §5.3).
    message = (body.get("message") or body.get("Message") or "") if isinstance(body, dict) else str(body)
    meaning = MEANINGS.get((status, message), "") or _iam_meaning(error_type, message)
    return AwsFailure(message or f"HTTP {status}", message, status, meaning)


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
    result.failure = _failure(response.status_code, body, _error_type(response))
    return result


def _error_type(response: requests.Response) -> str:
    return response.headers.get("x-amzn-ErrorType", "").split(":")[0]


# --- AWS_IAM: SigV4-signed calls --------------------------------------------------------------
def _signed_notes(target: Target) -> list[Note]:
    notes = [Note("note.api.aws_iam", "api-gateway.md#signing-for-execute-api"),
             Note("note.api.iam_policy", "api-gateway.md#the-403-messages"),
             Note("note.api.iam_identity", "api-gateway.md#identity-passed-to-the-backend")]
    if target.kind == "sandbox":
        notes.append(Note("note.api.iam_fidelity", "api-gateway.md#the-403-messages", fidelity=True))
    return notes


def call_route_signed(target: Target, route: ApiRoute, credentials: Mapping[str, Any]) -> StepResult:
    """Call the route SigV4-signed for `execute-api` with temporary credentials (the outputs of an
    identity-pool step: `access_key_id`, `SecretKey`, `SessionToken`). The outputs keep what was
    signed (canonical request, string to sign) and the same request as a curl command."""
    recorder = Recorder()
    result = StepResult("api_call", recorder.exchanges, notes=_signed_notes(target))
    url, label = target.api_url(route), f"{route.method} {route.path} (SigV4)"
    signed = sign(route.method, url, target.region, credentials_of(credentials))
    try:
        response = recorder.session(label).request(route.method, url, headers=signed.headers, timeout=_TIMEOUT)
    except requests.RequestException as error:
        recorder.record_failure(label, route.method, url, error)
        result.failure = AwsFailure("EndpointUnreachable", str(error), None, "meaning.EndpointUnreachable")
        return result
    body = _body(response)
    if isinstance(body, dict):  # a signature mismatch quotes the signed session token: mask it
        body = {key: mask_signed_token_lines(value) if isinstance(value, str) else value for key, value in body.items()}
    result.outputs = {"status": response.status_code, "body": body, "canonical_request": signed.canonical_request,
                      "string_to_sign": signed.string_to_sign, "curl": curl_command(result.exchanges[-1])}
    failure = _failure(response.status_code, body, _error_type(response))
    result.failure = replace(failure, code=_error_type(response) or failure.code) if failure else None
    return result


def curl_command(exchange: Exchange, reveal_secrets: bool = False) -> str:
    """The captured request as a curl command, shell-quoted; secrets masked unless revealed.
    (Passwords are never kept, and a SigV4 signature is only good for about 5 minutes.)"""
    request = (exchange if reveal_secrets else exchange.masked()).request
    lines = [shlex.join(["curl", "-X", request.method, request.url])]
    lines += [shlex.join(["-H", f"{name}: {value}"]) for name, value in request.headers
              if name.lower() not in _CURL_SKIPPED_HEADERS]
    if request.body:
        lines.append(shlex.join(["--data-raw", request.body]))
    return " \\\n  ".join(lines)
