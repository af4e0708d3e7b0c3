"""API Gateway stand-in: a REST API stage and an HTTP API, with echo backends.

The backend behind each route answers with the event its Lambda proxy integration would
receive, so a learner sees what the authorizer passed on (aws-facts.md §5.1–5.3).
Model (APIs, routes) here; `sandbox.authorizers` decides; `sandbox.app` speaks HTTP.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable

from werkzeug.wrappers import Request, Response

from sandbox import authorizers
from sandbox.authorizers import Decision
from sandbox.iam import execute_api_arn
from sandbox.iam_authorizer import IamAuthorizer, IamDecision

ACCOUNT_ID = "123456789012"


@dataclass(frozen=True)
class Route:
    api: str  # "rest" or "http"
    method: str
    path: str
    auth: str  # NONE | COGNITO_USER_POOLS | AWS_IAM | JWT
    scopes: tuple[str, ...] = ()
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"api": self.api, "method": self.method, "path": self.path, "auth": self.auth,
                "scopes": list(self.scopes), "note": self.note}


@dataclass
class Api:
    api_id: str
    kind: str  # "rest" | "http"
    stage: str
    user_pool_id: str
    issuer: str
    audience: list[str]
    routes: list[Route]

    def find(self, method: str, path: str) -> Route | None:
        return next((r for r in self.routes if r.method == method and r.path == path), None)


@dataclass
class ApiGatewayService:
    region: str
    apis: dict[str, Api] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    iam_authorizer: IamAuthorizer | None = None  # AWS_IAM routes; set by sandbox.app
    clock: Callable[[], float] = time.time  # the authorizers' "now", for exp

    def add(self, api: Api) -> None:
        with self._lock:
            self.apis[api.api_id] = api

    def remove(self, api_id: str) -> None:
        with self._lock:
            self.apis.pop(api_id, None)

    def handle(self, request: Request, api_id: str, rest_of_path: str) -> Response:
        api = self.apis.get(api_id)
        if api is None:
            return _json({"message": "Not Found"}, 404)
        stage, path = _split_stage(api, rest_of_path)
        route = api.find(request.method, path) if stage == api.stage else None
        if route is None:
            return _missing_route(api)
        decision = self._authorize(api, route, request)
        if not decision.allowed:
            return _json(decision.body, decision.status, decision.headers)
        return _json(_echo_event(api, route, request, decision), 200)

    def _authorize(self, api: Api, route: Route, request: Request) -> Decision:
        header = request.headers.get("Authorization")
        if route.auth == "COGNITO_USER_POOLS":
            return authorizers.cognito_user_pools(header, api.user_pool_id, api.issuer, list(route.scopes),
                                                  self.clock())
        if route.auth == "JWT":
            return authorizers.jwt_authorizer(header, api.user_pool_id, api.issuer, api.audience, list(route.scopes),
                                              self.clock())
        if route.auth == "NONE":
            return Decision(allowed=True, reasons=["The route is public: no authorizer."])
        if route.auth == "AWS_IAM" and self.iam_authorizer is not None:
            method_arn = execute_api_arn(self.region, ACCOUNT_ID, api.api_id, api.stage, route.method, route.path)
            return self.iam_authorizer.decide(request, method_arn)
        return Decision(allowed=False, status=500, body={"message": f"{route.auth} is not supported by the sandbox yet"},
                        reasons=[f"{route.auth} is not implemented in the sandbox."])


def _split_stage(api: Api, rest_of_path: str) -> tuple[str, str]:
    if api.kind == "http":  # HTTP APIs serve the $default stage at the root
        return api.stage, "/" + rest_of_path
    stage, _, path = rest_of_path.partition("/")
    return stage, "/" + path


def _missing_route(api: Api) -> Response:
    if api.kind == "rest":
        # REST answers an unknown resource like an unsigned IAM call (aws-facts.md §5.3).
        return _json({"message": "Missing Authentication Token"}, 403,
                     {"x-amzn-ErrorType": "MissingAuthenticationTokenException"})
    return _json({"message": "Not Found"}, 404)


def _json(payload: dict[str, Any], status: int, headers: dict[str, str] | None = None) -> Response:
    response = Response(json.dumps(payload), status=status, content_type="application/json")
    response.headers["x-amzn-RequestId"] = str(uuid.uuid4())
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def rest_claim_value(name: str, value: Any) -> str:
    """How the REST Cognito authorizer renders a claim for the backend: always a string.

    Observed in real events (aws-facts.md §5.1): exp/iat as `Sun Apr 19 08:06:14 UTC 2020`
    (UNCONFIRMED today), lists comma-joined, booleans `true`/`false`.
    """
    if name in ("exp", "iat") and isinstance(value, int):
        return time.strftime("%a %b %d %H:%M:%S UTC %Y", time.gmtime(value))
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    return value if isinstance(value, str) else json.dumps(value)


def http_claim_value(value: Any) -> str:
    """HTTP API claims: strings, arrays flattened to `[a b]` (community fixtures, §5.2)."""
    if isinstance(value, list):
        return "[" + " ".join(str(v) for v in value) + "]"
    return value if isinstance(value, str) else json.dumps(value)


def _authorizer_context(api: Api, decision: Decision) -> dict[str, Any]:
    if api.kind == "http":
        claims = {k: http_claim_value(v) for k, v in decision.claims.items()}
        return {"jwt": {"claims": claims, "scopes": decision.scopes}} if decision.claims else {}
    claims = {k: rest_claim_value(k, v) for k, v in decision.claims.items()}
    return {"claims": claims or None, "scopes": decision.scopes}


# The caller fields of a Lambda proxy event: null unless AWS_IAM identified the caller (aws-facts.md §5.3).
_NO_CALLER = dict.fromkeys(("cognitoIdentityPoolId", "accountId", "cognitoIdentityId", "caller", "accessKey",
                            "cognitoAuthenticationType", "cognitoAuthenticationProvider", "userArn", "user"))


def _caller_identity(request: Request, decision: Decision) -> dict[str, Any]:
    caller = decision.identity if isinstance(decision, IamDecision) else {}
    return {**_NO_CALLER, **caller, "sourceIp": request.remote_addr, "userAgent": request.headers.get("User-Agent")}


def _echo_event(api: Api, route: Route, request: Request, decision: Decision) -> dict[str, Any]:
    return {
        "resource": route.path, "path": route.path, "httpMethod": request.method,
        "headers": dict(request.headers),
        "queryStringParameters": dict(request.args) or None,
        "requestContext": {
            "accountId": ACCOUNT_ID, "apiId": api.api_id, "stage": api.stage,
            "resourcePath": route.path, "httpMethod": request.method,
            "requestId": str(uuid.uuid4()),
            "authorizer": _authorizer_context(api, decision),
            "identity": _caller_identity(request, decision),
        },
        "body": request.get_data(as_text=True) or None,
        "isBase64Encoded": False,
    }
