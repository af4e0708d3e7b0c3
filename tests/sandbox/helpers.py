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
