"""Helpers for the identity-pool, STS and AWS_IAM tests: real boto3 clients and botocore's own
SigV4 signer against the sandbox, as an app would use them against AWS."""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any

import boto3
import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

from tests.sandbox.helpers import unsigned_client


def provider(topology: dict[str, Any]) -> str:
    return f"cognito-idp.{topology['region']}.amazonaws.com/{topology['user_pool_id']}"


def sign_in_with(topology: dict[str, Any], username: str, client_name: str = "public") -> dict[str, str]:
    """USER_PASSWORD_AUTH through the named app client (with SECRET_HASH when it has a secret)."""
    user = next(u for u in topology["users"] if u["username"] == username)
    client = topology["clients"][client_name]
    parameters = {"USERNAME": username, "PASSWORD": user["password"]}
    if client.get("client_secret"):
        digest = hmac.new(client["client_secret"].encode(), (username + client["client_id"]).encode(), hashlib.sha256)
        parameters["SECRET_HASH"] = base64.b64encode(digest.digest()).decode()
    return unsigned_client(topology, "cognito-idp").initiate_auth(
        ClientId=client["client_id"], AuthFlow="USER_PASSWORD_AUTH", AuthParameters=parameters)["AuthenticationResult"]


def enhanced_credentials(topology: dict[str, Any], id_token: str | None = None, **extra: Any) -> dict[str, Any]:
    """GetId + GetCredentialsForIdentity; with no token, a guest's."""
    identity = unsigned_client(topology, "cognito-identity")
    logins = {provider(topology): id_token} if id_token else {}
    identity_id = identity.get_id(IdentityPoolId=topology["identity_pool_id"], Logins=logins)["IdentityId"]
    return identity.get_credentials_for_identity(IdentityId=identity_id, Logins=logins, **extra)


def open_id_token(topology: dict[str, Any], id_token: str | None = None) -> dict[str, str]:
    identity = unsigned_client(topology, "cognito-identity")
    logins = {provider(topology): id_token} if id_token else {}
    identity_id = identity.get_id(IdentityPoolId=topology["identity_pool_id"], Logins=logins)["IdentityId"]
    return identity.get_open_id_token(IdentityId=identity_id, Logins=logins)


def sts_with(topology: dict[str, Any], credentials: dict[str, Any]) -> Any:
    """An STS client signed with temporary credentials (either flow's field names)."""
    return boto3.client("sts", endpoint_url=topology["endpoint"], region_name=topology["region"],
                        config=Config(retries={"max_attempts": 1}),
                        aws_access_key_id=credentials["AccessKeyId"],
                        aws_secret_access_key=credentials.get("SecretKey") or credentials["SecretAccessKey"],
                        aws_session_token=credentials.get("SessionToken"))


def signed_headers(method: str, url: str, region: str, access_key: str, secret: str, token: str | None,
                   service: str = "execute-api") -> dict[str, str]:
    request = AWSRequest(method=method, url=url)
    SigV4Auth(Credentials(access_key, secret, token), service, region).add_auth(request)
    return dict(request.headers.items())


def signed_get(url: str, region: str, credentials: dict[str, Any], **overrides: Any) -> requests.Response:
    """GET signed with botocore's SigV4Auth; `overrides` replace access_key/secret/token/service."""
    values = {"access_key": credentials["AccessKeyId"],
              "secret": credentials.get("SecretKey") or credentials.get("SecretAccessKey"),
              "token": credentials.get("SessionToken"), "service": "execute-api", **overrides}
    return requests.get(url, headers=signed_headers("GET", url, region, **values), timeout=5)
