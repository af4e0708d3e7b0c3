"""Leg 3: the identity-pool credential exchange (enhanced flow)."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from flows.aws import client, failure_from
from flows.capture import Recorder
from flows.steps import AwsFailure, Note, StepResult
from flows.target import Target

# Identity-pool error messages (aws-facts.md §4.1) and the message key that explains each.
MEANINGS = {
    "Invalid login token. Missing a required claim: aud": "meaning.identity.missing_aud",
    "Invalid login token. Issuer doesn't match providerName": "meaning.identity.issuer_mismatch",
    "Token is not from a supported provider of this identity pool.": "meaning.identity.unsupported_provider",
    "Unauthenticated access is not supported for this identity pool.": "meaning.identity.guest_disabled",
}


def _explained(failure: AwsFailure) -> AwsFailure:
    meaning = MEANINGS.get(failure.message, "")
    if failure.message.startswith("Invalid login token. Token expired"):
        meaning = "meaning.identity.expired"
    return AwsFailure(failure.code, failure.message, failure.status, meaning)


def logins_map(target: Target, id_token: str) -> dict[str, str]:
    """Key: the user pool as provider name, with no https://. Value: the ID token (§4.1)."""
    return {target.login_provider: id_token}


def _notes() -> list[Note]:
    return [
        Note("note.identity.logins_map", "identity-pools.md#the-logins-map"),
        Note("note.identity.enhanced_flow", "identity-pools.md#the-enhanced-flow"),
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
