"""Leg 1: user-pool sign-in through the native API (InitiateAuth)."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from pycognito.aws_srp import AWSSRP

from flows.aws import client, failure_from
from flows.capture import Recorder
from flows.steps import AwsFailure, Note, StepResult
from flows.target import Target

# What each Cognito error means for a learner (aws-facts.md §2.6).
MEANINGS = {
    "NotAuthorizedException": "Cognito refused the credentials. With PreventUserExistenceErrors on, "
                              "a wrong password and an unknown user give the same answer, so attackers "
                              "can't tell which usernames exist.",
    "UserNotFoundException": "No such user. The pool reveals it because PreventUserExistenceErrors is "
                             "LEGACY (the API's default).",
    "UserNotConfirmedException": "The user signed up but never confirmed the code. Cognito says so even "
                                 "when the password is wrong.",
    "InvalidParameterException": "The request is not allowed as sent, e.g. the app client does not "
                                 "enable this auth flow (USER_PASSWORD_AUTH is off by default).",
    "PasswordResetRequiredException": "An administrator required a password reset.",
    "ResourceNotFoundException": "The app client id does not exist in this region.",
    "EndpointUnreachable": "The endpoint did not answer. Is the sandbox running, or the region right?",
}


def _explained(failure: AwsFailure) -> AwsFailure:
    return AwsFailure(failure.code, failure.message, failure.status, MEANINGS.get(failure.code, ""))


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
        Note("USER_PASSWORD_AUTH sends the password itself (over TLS) in one round trip; "
             "USER_SRP_AUTH proves it without sending it.", "sign-in.md"),
        Note("The app client must enable ALLOW_USER_PASSWORD_AUTH: it is off by default.", "sign-in.md"),
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
        result.notes.append(Note(f"Cognito answered with the {result.outputs['challenge']} challenge instead "
                                 "of tokens: the sign-in is not finished.", "sign-in.md"))
    return result
