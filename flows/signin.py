"""Leg 1: user-pool sign-in through the native API (InitiateAuth)."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from pycognito.aws_srp import AWSSRP

from flows.aws import client, failure_from
from flows.capture import Recorder
from flows.steps import AwsFailure, Note, StepResult
from flows.target import Target

# What each Cognito error means for a learner (aws-facts.md §2.6): keys of flows/locales.
EXPLAINED_ERRORS = frozenset({"NotAuthorizedException", "UserNotFoundException", "UserNotConfirmedException",
                              "InvalidParameterException", "PasswordResetRequiredException",
                              "ResourceNotFoundException", "EndpointUnreachable"})


def _explained(failure: AwsFailure) -> AwsFailure:
    meaning = f"meaning.{failure.code}" if failure.code in EXPLAINED_ERRORS else ""
    return AwsFailure(failure.code, failure.message, failure.status, meaning)


def secret_hash(username: str, client_id: str, client_secret: str) -> str:
    """Base64(HMAC-SHA256(key=client secret, msg=username + client id)) (aws-facts.md §2.4)."""
    return AWSSRP.get_secret_hash(username, client_id, client_secret)


def _auth_parameters(target: Target, client_name: str, username: str, password: str) -> dict[str, str]:
    app_client = target.client(client_name)
    parameters = {"USERNAME": username, "PASSWORD": password}
    if app_client.client_secret:
        parameters["SECRET_HASH"] = secret_hash(username, app_client.client_id, app_client.client_secret)
    return parameters


def _outputs(response: dict[str, Any]) -> dict[str, Any]:
    if "AuthenticationResult" in response:
        result = response["AuthenticationResult"]
        return {"id_token": result.get("IdToken"), "access_token": result.get("AccessToken"),
                "refresh_token": result.get("RefreshToken"), "expires_in": result.get("ExpiresIn")}
    return {"challenge": response.get("ChallengeName"), "challenge_parameters": response.get("ChallengeParameters"),
            "session": response.get("Session")}


def sign_in_with_password(target: Target, username: str, password: str, client_name: str = "public") -> StepResult:
    """InitiateAuth with USER_PASSWORD_AUTH: one round trip, password sent over TLS."""
    recorder = Recorder()
    result = StepResult("sign_in", recorder.exchanges, notes=[
        Note("note.signin.password_sent", "sign-in.md#user_password_auth"),
        Note("note.signin.flow_off_by_default", "sign-in.md#auth-flows-an-app-client-allows"),
    ])
    idp = client(target, "cognito-idp", recorder)
    try:
        response = idp.initiate_auth(ClientId=target.client(client_name).client_id, AuthFlow="USER_PASSWORD_AUTH",
                                     AuthParameters=_auth_parameters(target, client_name, username, password))
    except (ClientError, BotoCoreError) as error:
        result.failure = _explained(failure_from(error))
        return result
    result.outputs = _outputs(response)
    if result.outputs.get("challenge"):
        result.notes.append(Note("note.signin.challenge", "sign-in.md#challenges", {"challenge": result.outputs["challenge"]}))
    return result
