"""boto3 clients for a Target, with timeouts, bounded retries and wire capture."""

from __future__ import annotations

import functools
import threading
from typing import Any

import boto3
from botocore import UNSIGNED
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import BotoCoreError, ClientError

from flows.capture import Recorder
from flows.steps import AwsFailure
from flows.target import Target

# Unsigned: InitiateAuth, GetId, GetCredentialsForIdentity… are called without AWS
# credentials on AWS too (aws-facts.md §0), so the lab never needs any for them.
_RETRIES = {"total_max_attempts": 2, "mode": "standard"}
_CLIENT_CONFIG = Config(signature_version=UNSIGNED, connect_timeout=3, read_timeout=5, retries=_RETRIES)
_SIGNED_CONFIG = Config(connect_timeout=3, read_timeout=5, retries=_RETRIES)
_SESSION_LOCK = threading.Lock()


@functools.lru_cache(maxsize=1)
def _boto_session() -> boto3.Session:
    # One shared session caches botocore's service models (slow to load); it holds no user
    # data. Creating clients from it is serialised: boto3 sessions are not thread-safe.
    return boto3.Session()


def client(target: Target, service: str, recorder: Recorder, credentials: Credentials | None = None) -> Any:
    """A captured boto3 client: unsigned, or signed with the given (e.g. identity-pool) credentials."""
    signing: dict[str, Any] = {"config": _CLIENT_CONFIG}
    if credentials is not None:
        signing = {"config": _SIGNED_CONFIG, "aws_access_key_id": credentials.access_key,
                   "aws_secret_access_key": credentials.secret_key, "aws_session_token": credentials.token}
    with _SESSION_LOCK:
        created = _boto_session().client(service, region_name=target.region, endpoint_url=target.endpoint_url, **signing)
    return recorder.attach(created)


def account_credentials(target: Target) -> Credentials | None:
    """The sandbox topology's own key, for the calls AWS accepts only signed; None without one."""
    if target.account is None:
        return None
    return Credentials(target.account.access_key_id, target.account.secret_access_key)


def sandbox_helper_headers(target: Target, method: str, url: str, service: str, body: bytes = b"") -> dict[str, str]:
    """SigV4 headers for a sandbox-only helper (outbox, expired copy, role decision): a shared
    sandbox answers them only for the topology's own key. Unsigned without a key."""
    credentials = account_credentials(target)
    if credentials is None:
        return {}
    request = AWSRequest(method=method, url=url, data=body,
                         headers={"Content-Type": "application/json"} if body else {})
    SigV4Auth(credentials, service, target.region).add_auth(request)
    return dict(request.headers.items())


def failure_from(error: Exception) -> AwsFailure:
    """An AWS error (or an unreachable endpoint) as a result the page can explain."""
    if isinstance(error, ClientError):
        details = error.response.get("Error", {})
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        return AwsFailure(details.get("Code", "Unknown"), details.get("Message", ""), status)
    if isinstance(error, BotoCoreError):
        return AwsFailure("EndpointUnreachable", str(error))
    raise error
