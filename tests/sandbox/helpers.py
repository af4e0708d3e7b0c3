"""Small helpers for sandbox tests: boto3 clients on the sandbox, tokens, claims."""

from __future__ import annotations

import time
from typing import Any

import boto3
import jwt
from botocore import UNSIGNED
from botocore.config import Config

from sandbox.user_pool_state import USER_POOLS


def unsigned_client(topology: dict[str, Any], service: str) -> Any:
    return boto3.client(service, endpoint_url=topology["endpoint"], region_name=topology["region"],
                        config=Config(signature_version=UNSIGNED, retries={"max_attempts": 1}))


def sign_in(topology: dict[str, Any], username: str, password: str | None = None) -> dict[str, str]:
    user = next(u for u in topology["users"] if u["username"] == username)
    response = unsigned_client(topology, "cognito-idp").initiate_auth(
        ClientId=topology["clients"]["public"]["client_id"], AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": password or user["password"]})
    return response["AuthenticationResult"]


def claims(token: str) -> dict[str, Any]:
    return jwt.decode(token, options={"verify_signature": False})


def resign(topology: dict[str, Any], token: str, **changes: Any) -> str:
    """The same token with some claims changed, signed again with the pool's real key
    (what only Cognito could do: used to make e.g. an expired but genuine token)."""
    header = jwt.get_unverified_header(token)
    payload = {**claims(token), **changes}
    keys = USER_POOLS.keys(topology["user_pool_id"])
    key = keys.id_key if keys.id_key.kid == header["kid"] else keys.access_key
    return jwt.encode(payload, key.private_key, algorithm="RS256", headers={"kid": key.kid, "typ": None})


def expired(topology: dict[str, Any], token: str) -> str:
    now = int(time.time())
    return resign(topology, token, iat=now - 7200, exp=now - 3600)


def admin_client(topology: dict[str, Any], service: str) -> Any:
    """Signed with the topology's own key: the only key the sandbox accepts for its admin calls."""
    key = topology["credentials"]
    return boto3.client(service, endpoint_url=topology["endpoint"], region_name=topology["region"],
                        aws_access_key_id=key["access_key_id"], aws_secret_access_key=key["secret_access_key"],
                        config=Config(retries={"max_attempts": 1}))


def signed_helper(topology: dict[str, Any], method: str, path: str, service: str = "cognito-idp",
                  body: bytes = b"") -> Any:
    """A sandbox-only helper called with the topology's own SigV4 signature (as flows calls it)."""
    import requests
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    url = f"{topology['endpoint']}{path}"
    key = topology["credentials"]
    request = AWSRequest(method=method, url=url, data=body, headers={"Content-Type": "application/json"} if body else {})
    SigV4Auth(Credentials(key["access_key_id"], key["secret_access_key"]), service, topology["region"]).add_auth(request)
    return requests.request(method, url, data=body, headers=dict(request.headers.items()), timeout=5)
