"""SigV4 with botocore's own signer (aws-facts.md §5.3).

Two uses: boto3 clients signed with the temporary credentials an identity pool or STS handed out
(STS GetCallerIdentity), and plain HTTP requests signed for `execute-api`, keeping what was signed
(the canonical request and the string to sign) so the dashboard can show it next to the request.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from flows.aws import client
from flows.capture import Recorder
from flows.target import Target

@dataclass(frozen=True)
class SignedRequest:
    headers: dict[str, str]
    canonical_request: str
    string_to_sign: str


def credentials_of(values: Mapping[str, Any]) -> Credentials:
    """Credentials from a step's outputs (`access_key_id`, `SecretKey`, `SessionToken`)."""
    return Credentials(values["access_key_id"], values["SecretKey"], values.get("SessionToken"))


def sign(method: str, url: str, region: str, credentials: Credentials, service: str = "execute-api",
         body: bytes = b"", headers: Mapping[str, str] | None = None) -> SignedRequest:
    request = AWSRequest(method=method, url=url, data=body, headers=dict(headers or {}))
    signer = SigV4Auth(credentials, service, region)
    signer.add_auth(request)
    # Recomputed after signing: Authorization is never part of what is signed, so this is the
    # canonical request add_auth signed.
    canonical = signer.canonical_request(request)
    return SignedRequest(dict(request.headers.items()), canonical, signer.string_to_sign(request, canonical))


def signed_client(target: Target, service: str, recorder: Recorder, credentials: Credentials) -> Any:
    return client(target, service, recorder, credentials)
