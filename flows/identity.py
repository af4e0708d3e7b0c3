"""Leg 3: the identity-pool credential exchange (enhanced flow)."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from flows.aws import client, failure_from
from flows.capture import Recorder
from flows.steps import AwsFailure, Note, StepResult
from flows.target import Target

MEANINGS = {
    "Invalid login token. Missing a required claim: aud":
        "This is an access token. The identity pool wants the ID token: it checks aud against its app clients.",
    "Invalid login token. Issuer doesn't match providerName":
        "The Logins key must be the token's iss without https://, e.g. cognito-idp.<region>.amazonaws.com/<pool id>.",
    "Token is not from a supported provider of this identity pool.":
        "The token's app client (aud) or user pool is not configured on this identity pool.",
    "Unauthenticated access is not supported for this identity pool.":
        "Guest access is off: send a Logins map with an ID token.",
}


def _explained(failure: AwsFailure) -> AwsFailure:
    meaning = MEANINGS.get(failure.message, "")
    if failure.message.startswith("Invalid login token. Token expired"):
        meaning = "The ID token has expired: sign in again or refresh it."
    return AwsFailure(failure.code, failure.message, failure.status, meaning)


def logins_map(target: Target, id_token: str) -> dict[str, str]:
    """Key: the user pool as provider name, with no https://. Value: the ID token (§4.1)."""
    return {target.login_provider: id_token}


def _notes() -> list[Note]:
    return [
        Note("The Logins key is the token's iss without https://, and its value is the ID token: the pool "
             "checks aud against the app clients it trusts, and access tokens have no aud.", "identity-pools.md"),
        Note("Enhanced flow: GetId, then GetCredentialsForIdentity; Cognito calls STS for you. "
             "The credentials last one hour.", "identity-pools.md"),
    ]


def _credentials(response: dict[str, Any]) -> dict[str, Any]:
    credentials = response["Credentials"]
    return {"identity_id": response["IdentityId"], "access_key_id": credentials["AccessKeyId"],
            "SecretKey": credentials["SecretKey"], "SessionToken": credentials["SessionToken"],
            "expiration": credentials["Expiration"].isoformat()}


def get_credentials(target: Target, id_token: str | None) -> StepResult:
    """GetId + GetCredentialsForIdentity. With no token, as a guest (unauthenticated)."""
    recorder = Recorder()
    result = StepResult("identity_pool", recorder.exchanges, notes=_notes())
    identity = client(target, "cognito-identity", recorder)
    logins = logins_map(target, id_token) if id_token else {}
    try:
        identity_id = identity.get_id(IdentityPoolId=target.identity_pool_id, Logins=logins)["IdentityId"]
        response = identity.get_credentials_for_identity(IdentityId=identity_id, Logins=logins)
    except (ClientError, BotoCoreError) as error:
        result.failure = _explained(failure_from(error))
        return result
    result.outputs = _credentials(response)
    return result
