"""The sandbox's HTTP front door: one WSGI app that routes each request to the service that
plays its AWS counterpart.

- cognito-idp (JSON 1.1, `AWSCognitoIdentityProviderService.*`): moto, after the corrections
  of `sandbox.user_pool_api`, minting tokens through `sandbox.user_pool_tokens`;
- `/<user pool id>/.well-known/jwks.json` and `openid-configuration`: the pool's own keys;
- `/oauth2-domain/<user pool id>/...`: the pool's domain, its OAuth 2.0 endpoints (`sandbox.oauth2`);
- cognito-identity (`AWSCognitoIdentityService.*`): `sandbox.identity_pool`, with GetOpenIdToken
  from `sandbox.basic_flow`;
- STS (query protocol: form-encoded `Action=…` at `POST /`): `sandbox.sts`;
- `/_sandbox/expired-copy/<user pool id>`: SANDBOX-ONLY, a pool's token re-dated past its exp
  (`sandbox.user_pool_tokens.expired_copy`; on AWS one waits for exp);
- `/_sandbox/role-decisions/<identity id>`: SANDBOX-ONLY, why the pool chose a role
  (`sandbox.role_decisions`; AWS has no such endpoint);
- `/_sandbox/messages/<user pool id>`: SANDBOX-ONLY, the codes a pool "sent" (`sandbox.confirmation_codes`);
- `/execute-api/<api id>/...`: `sandbox.apigateway`;
- `/_sandbox/user-pool-count`: SANDBOX-ONLY, how many topologies' user pools exist (a number, no ids:
  what bench/classroom.py watches to see topologies released).

Signed operations (ListUserPools, AdminGetUser, DeleteUserPool, ListIdentityPools,
GetIdentityPoolRoles…) and the sandbox-only helpers answer only a topology's own key, and only
about its own pools (`sandbox.access`, `sandbox.accounts`): attendees sharing one sandbox are
kept apart as AWS keeps accounts apart.

This module is the HTTP layer: the services below it take and return plain data, and what
the sandbox adds to moto's user pools lives in `sandbox.user_pool_state`, reached through
`sandbox.moto_adapter` for moto's part.
"""

from __future__ import annotations

import io
import json
import re
import time
from typing import Any, Callable, Iterable

from werkzeug.wrappers import Request, Response

from sandbox import (confirmation_codes, feature_plans, moto_adapter, oauth2, role_decisions, user_pool_api,
                     user_pool_tokens)
from sandbox.access import AccessGate
from sandbox.accounts import Accounts
from sandbox.apigateway import ApiGatewayService
from sandbox.basic_flow import BasicFlowIdentityPoolService
from sandbox.errors import AwsError
from sandbox.iam import IamRoles
from sandbox.iam_authorizer import IamAuthorizer
from sandbox.query_wire import is_query_request
from sandbox.role_sessions import RoleSessionStore
from sandbox.sts import StsService
from sandbox.user_pool_state import USER_POOLS, Clock
from sandbox.wire import amz_target, json_body, json_response

_WELL_KNOWN = re.compile(r"^/(?P<pool>[\w-]+_[0-9a-zA-Z]+)/\.well-known/(?P<doc>jwks\.json|openid-configuration)$")
USER_POOL_COUNT_PATH = "/_sandbox/user-pool-count"
_EXECUTE_API = re.compile(r"^/execute-api/(?P<api>[a-z0-9]+)(?:/(?P<rest>.*))?$")


class SandboxApp:
    """Every service of the sandbox, behind one WSGI callable."""

    def __init__(self, region: str = "us-east-1", clock: Clock = time.time) -> None:
        """`clock` is the one clock every service reads (tests may move a service's on)."""
        user_pool_tokens.install()
        feature_plans.install()  # every new pool reports its UserPoolTier
        self.region = region
        self.user_pools = USER_POOLS  # what the sandbox adds to moto's pools: as process-wide as moto
        self.user_pools.clock = clock
        self.credentials = RoleSessionStore(clock=clock)
        self.iam = IamRoles()
        self.identity_pools = BasicFlowIdentityPoolService(region, self.credentials, iam=self.iam, clock=clock)
        self.sts = StsService(self.credentials, self.iam, self.identity_pools.open_id_tokens, clock=clock)
        self.apis = ApiGatewayService(region, iam_authorizer=IamAuthorizer(
            self.credentials, self.iam, self.identity_pools.authentication_provider, clock=clock, region=region),
            clock=clock)
        self.oauth2 = oauth2.OAuth2Domain(clock)
        self.accounts = Accounts()
        self.access = AccessGate(self.accounts, region, clock)
        self._moto_user_pools: moto_adapter.WsgiApp = moto_adapter.user_pool_api_app()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        body = _read_body(environ)
        request = Request(environ)
        try:
            response = self._route(request)
        except AwsError as error:
            response = error.to_response()
        if response is None:
            environ["wsgi.input"] = io.BytesIO(body)  # moto reads the body again
            return self._moto_user_pools(environ, start_response)
        return response(environ, start_response)

    def _route(self, request: Request) -> Response | None:
        """A response, or None to let moto answer (the user-pool API)."""
        prefix, operation = amz_target(request)
        if prefix == "AWSCognitoIdentityProviderService":
            return self._user_pool_api(request, prefix, operation)
        if prefix == "AWSCognitoIdentityService":
            return json_response(self._identity_pool_api(request, prefix, operation))
        if is_query_request(request):
            return self.sts.handle(request)
        if request.path.startswith(user_pool_tokens.EXPIRED_COPY_PREFIX):  # sandbox-only lesson helper
            return self._expired_copy(request)
        if request.path.startswith(role_decisions.PATH_PREFIX):  # sandbox-only diagnostic
            return self._role_decision(request, request.path.removeprefix(role_decisions.PATH_PREFIX))
        if request.path == USER_POOL_COUNT_PATH:  # sandbox-only: a number, for the classroom bench
            return json_response({"UserPools": self.accounts.user_pool_count()})
        if request.path.startswith(oauth2.PATH_PREFIX):
            return self.oauth2.handle(request)
        if match := _WELL_KNOWN.match(request.path):
            return self._well_known(match["pool"], match["doc"], request)
        if match := _EXECUTE_API.match(request.path):
            return self.apis.handle(request, match["api"], match["rest"] or "")
        if request.path.startswith(confirmation_codes.MESSAGES_PATH):  # sandbox-only: the codes it "sent"
            return self._sent_messages(request, request.path.removeprefix(confirmation_codes.MESSAGES_PATH).strip("/"))
        return Response(json.dumps({"message": "Not Found"}), status=404, content_type="application/json")

    def _own_pool_only(self, request: Request, helper: str, user_pool_id: str) -> None:
        """A sandbox-only helper answers only the pool's own topology, signed with its key."""
        caller = self.access.caller(request, "cognito-idp")
        self.access.check_user_pool(caller, helper, user_pool_id, moto_adapter.find_pool(user_pool_id) is not None)

    def _expired_copy(self, request: Request) -> Response:
        user_pool_id = request.path.removeprefix(user_pool_tokens.EXPIRED_COPY_PREFIX)
        self._own_pool_only(request, "sandbox:ExpiredCopy", user_pool_id)
        token = str(json_body(request).get("token", ""))
        expired = user_pool_tokens.expired_copy(user_pool_id, token) if request.method == "POST" else None
        if expired is None:
            return Response(json.dumps({"message": "Not a token of this user pool"}), status=400, content_type="application/json")
        return Response(json.dumps({"token": expired}), content_type="application/json")

    def _sent_messages(self, request: Request, user_pool_id: str) -> Response:
        """`GET /_sandbox/messages/<user pool id>`: what the pool "sent" (sandbox-only endpoint)."""
        self._own_pool_only(request, "sandbox:ReadMessages", user_pool_id)
        pool = moto_adapter.find_pool(user_pool_id)
        if pool is None:
            return Response(json.dumps({"message": "User pool does not exist"}), status=404, content_type="application/json")
        body = {"UserPoolId": pool.id, "Messages": confirmation_codes.sent_messages(pool)}
        return Response(json.dumps(body), content_type="application/json")

    def _role_decision(self, request: Request, identity_id: str) -> Response:
        caller = self.access.caller(request, "cognito-identity")
        pool_id = self.identity_pools.identity_pool_id_of(identity_id)
        if pool_id is not None:
            self.access.check_identity_pool(caller, "sandbox:RoleDecision", pool_id, True)
        try:
            decision = self.identity_pools.last_role_decision(identity_id)
        except AwsError as unknown:
            decision, missing = None, unknown.message
        else:
            missing = f"No role decision recorded yet for identity {identity_id}."
        if decision is None:
            return Response(json.dumps({"message": missing}), status=404, content_type="application/json")
        return Response(json.dumps(decision), content_type="application/json")

    def _user_pool_api(self, request: Request, prefix: str, operation: str) -> Response | None:
        # The sandbox answers the operations it corrects; moto answers the rest (None).
        body = json_body(request)
        caller = self.access.signed_caller(request, prefix, operation)
        if caller is not None:
            # The pool a call names: UserPoolId, or the pool in a ResourceArn (TagResource…).
            user_pool_id = str(body.get("UserPoolId") or str(body.get("ResourceArn", "")).partition(":userpool/")[2])
            if user_pool_id:
                self.access.check_user_pool(caller, operation, user_pool_id, moto_adapter.find_pool(user_pool_id) is not None)
        answer = user_pool_api.handle(operation, body)
        if answer is not None:
            return json_response(answer)
        if operation == "DeleteUserPool":
            self.accounts.forget_user_pool(str(body.get("UserPoolId", "")))
        if caller is not None and operation == "ListUserPools":
            return json_response(self._own_user_pools(caller, body))
        if caller is not None and operation == "CreateUserPool":
            return self._claimed_by(caller, self._moto_answer(request))
        return None

    def _own_user_pools(self, caller: str, body: dict[str, Any]) -> dict[str, Any]:
        """ListUserPools of the caller's own pools, paged after filtering (as an account sees them:
        paging moto's list of every pool first would hide one's own pools behind others')."""
        pools = [pool for pool in map(moto_adapter.find_pool, self.accounts.user_pools_of(caller)) if pool]
        start = int(body["NextToken"]) if str(body.get("NextToken", "")).isdigit() else 0
        end = start + int(body.get("MaxResults") or 60)
        answer: dict[str, Any] = {"UserPools": [moto_adapter.pool_summary(pool) for pool in pools[start:end]]}
        if end < len(pools):
            answer["NextToken"] = str(end)
        return answer

    def _moto_answer(self, request: Request) -> Response:
        environ = {**request.environ, "wsgi.input": io.BytesIO(request.get_data(cache=True))}
        return Response.from_app(self._moto_user_pools, environ)

    def _claimed_by(self, caller: str, answer: Response) -> Response:
        """A new pool belongs to its creator."""
        if answer.status_code != 200:
            return answer
        body = json.loads(answer.get_data(as_text=True))
        self.accounts.claim_user_pool(caller, body["UserPool"]["Id"])
        return json_response(body)

    def _identity_pool_api(self, request: Request, prefix: str, operation: str) -> dict[str, Any]:
        body = json_body(request)
        caller = self.access.signed_caller(request, prefix, operation)
        if caller is not None and "IdentityPoolId" in body:
            pool_id = str(body["IdentityPoolId"])
            self.access.check_identity_pool(caller, operation, pool_id, pool_id in self.identity_pools.pools)
        answer = self.identity_pools.handle(operation, body)
        if operation == "DeleteIdentityPool":
            self.accounts.forget_identity_pool(str(body.get("IdentityPoolId", "")))
        if caller is not None and operation == "CreateIdentityPool":
            self.accounts.claim_identity_pool(caller, answer["IdentityPoolId"])
        if caller is not None and operation == "ListIdentityPools":
            answer["IdentityPools"] = self.access.own_identity_pools(caller, answer["IdentityPools"])
        return answer

    def _well_known(self, user_pool_id: str, document: str, request: Request) -> Response:
        pool = moto_adapter.find_pool(user_pool_id)
        if pool is None:
            return Response(json.dumps({"message": "User pool does not exist"}), status=404, content_type="application/json")
        if document == "jwks.json":
            return Response(json.dumps(self.user_pools.of(user_pool_id).keys.jwks()), content_type="application/json")
        return Response(json.dumps(self._openid_configuration(pool, request)), content_type="application/json")

    def _openid_configuration(self, pool: Any, request: Request) -> dict[str, Any]:
        issuer = user_pool_tokens.issuer(pool)
        return {
            "issuer": issuer,
            "jwks_uri": f"{request.host_url}{pool.id}/.well-known/jwks.json",
            "id_token_signing_alg_values_supported": ["RS256"],
            "response_types_supported": ["code", "token"],
            "subject_types_supported": ["public"],
            **oauth2.discovery_endpoints(oauth2.domain_url(request.host_url, pool.id)),
        }


def _read_body(environ: dict[str, Any]) -> bytes:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length > 0 else b""
    environ["wsgi.input"] = io.BytesIO(body)
    return body
