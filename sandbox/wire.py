"""The AWS JSON 1.1 wire format, as Cognito speaks it (aws-facts.md §0).

Hand-written because moto's responses are tied to its own Flask handlers; the sandbox's own
services (identity pool, corrections to the user pool) answer with these helpers instead.
"""

from __future__ import annotations

import json
from typing import Any

from werkzeug.wrappers import Request, Response

from sandbox.errors import JSON_11, SerializationException, request_id_header


def json_response(payload: dict[str, Any], status: int = 200) -> Response:
    return Response(json.dumps(payload), status=status, content_type=JSON_11, headers=request_id_header())


def amz_target(request: Request) -> tuple[str, str]:
    """`AWSCognitoIdentityService.GetId` → (`AWSCognitoIdentityService`, `GetId`)."""
    target = request.headers.get("X-Amz-Target", "")
    prefix, _, operation = target.partition(".")
    return prefix, operation


def json_body(request: Request) -> dict[str, Any]:
    try:
        body = json.loads(request.get_data(as_text=True) or "{}")
    except json.JSONDecodeError as error:
        raise SerializationException(f"Malformed JSON: {error.msg}") from error
    if not isinstance(body, dict):
        raise SerializationException("Request body must be a JSON object")
    return body
