"""Leg 1: user-pool sign-in through the native API (aws-facts.md §2).

InitiateAuth with USER_PASSWORD_AUTH or USER_SRP_AUTH, the challenges that may follow
(NEW_PASSWORD_REQUIRED, SOFTWARE_TOKEN_MFA), refresh, sign-up and its confirmation code,
GetUser, and the two ways to revoke tokens (GlobalSignOut, RevokeToken). Each step returns a
StepResult: what crossed the wire, what came out, and notes on what is worth learning.
"""

from __future__ import annotations

from typing import Any, Callable

import pyotp
import requests
from botocore.exceptions import BotoCoreError, ClientError
from pycognito.aws_srp import AWSSRP

from flows.aws import client, failure_from, sandbox_helper_headers
from flows.capture import Recorder
from flows.steps import AwsFailure, Note, StepResult
from flows.target import Target

# What each Cognito error means for a learner (aws-facts.md §2.6): keys of flows/locales.
EXPLAINED_ERRORS = frozenset({"NotAuthorizedException", "UserNotFoundException", "UserNotConfirmedException",
                              "InvalidParameterException", "PasswordResetRequiredException",
                              "ResourceNotFoundException", "EndpointUnreachable", "CodeMismatchException",
                              "UsernameExistsException", "InvalidPasswordException", "ExpiredCodeException",
                              "RefreshTokenReuseException"})
# NotAuthorizedException says many things; these messages deserve their own explanation (§2.6).
_EXPLAINED_MESSAGES = {
    "Access Token has been revoked": "meaning.signin.access_token_revoked",
    "Refresh Token has been revoked": "meaning.signin.refresh_token_revoked",
    "Invalid Refresh Token.": "meaning.signin.invalid_refresh_token",
    "Invalid session for the user, session is expired.": "meaning.signin.session_expired",
    "SignUp is not permitted for this user pool": "meaning.signin.sign_up_not_permitted",  # UNCONFIRMED wording
}


def _explained(failure: AwsFailure) -> AwsFailure:
    meaning = f"meaning.{failure.code}" if failure.code in EXPLAINED_ERRORS else ""
    meaning = _EXPLAINED_MESSAGES.get(failure.message, meaning)
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


# --- shared by the steps below ---------------------------------------------------------------

_DOC = "sign-in.md"
MESSAGES_PATH = "/_sandbox/messages/"  # the sandbox's outbox; AWS has no such endpoint


def _call(result: StepResult, call: Callable[[], dict[str, Any]]) -> dict[str, Any] | None:
    """One AWS call; an AWS error becomes the step's explained failure (and None)."""
    try:
        return call()
    except (ClientError, BotoCoreError) as error:
        result.failure = _explained(failure_from(error))
        return None


def _with_secret_hash(target: Target, client_name: str, username: str, values: dict[str, str],
                      result: StepResult) -> dict[str, str]:
    """`values` plus SECRET_HASH when the app client has a secret, with a note on what it hashes."""
    app_client = target.client(client_name)
    if not app_client.client_secret:
        return values
    result.notes.append(Note("note.signin.secret_hash", f"{_DOC}#secret_hash",
                             {"username": username, "client_id": app_client.client_id}))
    return {**values, "SECRET_HASH": secret_hash(username, app_client.client_id, app_client.client_secret)}


_CHALLENGE_NOTES = {
    "NEW_PASSWORD_REQUIRED": Note("note.signin.new_password_required", f"{_DOC}#new_password_required"),
    "SOFTWARE_TOKEN_MFA": Note("note.signin.software_token_mfa", f"{_DOC}#software_token_mfa"),
}


def _finish(result: StepResult, response: dict[str, Any]) -> StepResult:
    """Tokens or the next challenge, with what to learn from either."""
    result.outputs = _outputs(response)
    challenge = result.outputs.get("challenge")
    if challenge:
        # The next answer names the user by USER_ID_FOR_SRP, the internal username (§2.3).
        parameters = response.get("ChallengeParameters") or {}
        result.outputs["challenge_username"] = parameters.get("USER_ID_FOR_SRP") or parameters.get("USERNAME")
        result.notes.append(Note("note.signin.challenge", f"{_DOC}#challenges", {"challenge": challenge}))
        if challenge in _CHALLENGE_NOTES:
            result.notes.append(_CHALLENGE_NOTES[challenge])
    elif result.outputs.get("access_token"):
        why = f"{_DOC}#why-native-sign-in-tokens-carry-no-custom-scopes"
        result.notes.append(Note("note.signin.native_scope", why))
    return result


# --- USER_SRP_AUTH and the challenges ---------------------------------------------------------

def sign_in_with_srp(target: Target, username: str, password: str, client_name: str = "public") -> StepResult:
    """InitiateAuth (USER_SRP_AUTH: SRP_A) then RespondToAuthChallenge (PASSWORD_VERIFIER):
    the client proves it knows the password without sending it (aws-facts.md §2.2)."""
    recorder = Recorder()
    result = StepResult("sign_in_srp", recorder.exchanges, notes=[
        Note("note.signin.srp_never_sends_password", f"{_DOC}#why-the-password-never-crosses-the-wire")])
    app_client, idp = target.client(client_name), client(target, "cognito-idp", recorder)
    # pycognito's AWSSRP does the client-side math; the calls go through our captured client.
    srp = AWSSRP(username, password, target.user_pool_id, app_client.client_id, client=idp,
                 client_secret=app_client.client_secret)
    parameters = _with_secret_hash(target, client_name, username, {"USERNAME": username}, result)
    parameters["SRP_A"] = srp.get_auth_params()["SRP_A"]
    challenge = _call(result, lambda: idp.initiate_auth(
        ClientId=app_client.client_id, AuthFlow="USER_SRP_AUTH", AuthParameters=parameters))
    if challenge is None or challenge.get("ChallengeName") != "PASSWORD_VERIFIER":
        return result if challenge is None else _finish(result, challenge)
    result.notes.append(Note("note.signin.srp_user_id", f"{_DOC}#user_srp_auth",
                             {"user_id": challenge["ChallengeParameters"].get("USER_ID_FOR_SRP", "")}))
    proof = srp.process_challenge(challenge["ChallengeParameters"], parameters)
    answer = _call(result, lambda: idp.respond_to_auth_challenge(
        ClientId=app_client.client_id, ChallengeName="PASSWORD_VERIFIER", ChallengeResponses=proof))
    return result if answer is None else _finish(result, answer)


def _respond(target: Target, client_name: str, step: str, challenge: str, session: str,
             responses: dict[str, str]) -> StepResult:
    recorder = Recorder()
    result = StepResult(step, recorder.exchanges)
    responses = _with_secret_hash(target, client_name, responses["USERNAME"], responses, result)
    idp = client(target, "cognito-idp", recorder)
    answer = _call(result, lambda: idp.respond_to_auth_challenge(
        ClientId=target.client(client_name).client_id, ChallengeName=challenge, Session=session,
        ChallengeResponses=responses))
    return result if answer is None else _finish(result, answer)


def respond_new_password(target: Target, client_name: str, username: str, session: str,
                         new_password: str, attributes: dict[str, str] | None = None) -> StepResult:
    """Answer NEW_PASSWORD_REQUIRED: the new password, plus any `requiredAttributes` (§2.3)."""
    responses = {"USERNAME": username, "NEW_PASSWORD": new_password}
    responses.update({f"userAttributes.{name}": value for name, value in (attributes or {}).items()})
    return _respond(target, client_name, "new_password", "NEW_PASSWORD_REQUIRED", session, responses)


def respond_totp(target: Target, client_name: str, username: str, session: str, code: str) -> StepResult:
    """Answer SOFTWARE_TOKEN_MFA with the authenticator app's current 6-digit code (§2.3)."""
    responses = {"USERNAME": username, "SOFTWARE_TOKEN_MFA_CODE": code}
    return _respond(target, client_name, "software_token_mfa", "SOFTWARE_TOKEN_MFA", session, responses)


def authenticator_code(secret: str, at: float | None = None) -> str:
    """What an authenticator app shows for this base32 secret: RFC 6238 TOTP (HMAC-SHA1, 30-second
    steps, 6 digits), the code the demo MFA user would type."""
    totp = pyotp.TOTP(secret.upper())
    return totp.now() if at is None else totp.at(at)


# --- refresh -----------------------------------------------------------------------------------

def refresh(target: Target, client_name: str, refresh_token: str,
            username_for_secret_hash: str | None = None) -> StepResult:
    """InitiateAuth with REFRESH_TOKEN_AUTH: new ID and access tokens, same auth_time (§1.5)."""
    recorder = Recorder()
    result = StepResult("refresh", recorder.exchanges, notes=[
        Note("note.signin.refresh_keeps_auth_time", f"{_DOC}#refresh_token_auth-and-auth_time"),
        Note("note.signin.refresh_no_new_refresh_token", f"{_DOC}#refresh_token_auth-and-auth_time")])
    parameters = {"REFRESH_TOKEN": refresh_token}
    if target.client(client_name).client_secret:
        result.notes.append(Note("note.signin.refresh_secret_hash_username", f"{_DOC}#secret_hash"))
        if username_for_secret_hash:
            parameters = _with_secret_hash(target, client_name, username_for_secret_hash, parameters, result)
    idp = client(target, "cognito-idp", recorder)
    answer = _call(result, lambda: idp.initiate_auth(
        ClientId=target.client(client_name).client_id, AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters=parameters))
    return result if answer is None else _finish(result, answer)


def refresh_with_rotation(target: Target, client_name: str, refresh_token: str) -> StepResult:
    """GetTokensFromRefreshToken (§1.5): new ID and access tokens, and a new refresh token when the
    app client rotates them; a rotated-out token is refused after the grace period."""
    recorder = Recorder()
    result = StepResult("refresh_rotation", recorder.exchanges,
                        notes=[Note("note.rotation.get_tokens", f"{_DOC}#refresh_token_auth-and-auth_time")])
    app_client = target.client(client_name)
    secret = {"ClientSecret": app_client.client_secret} if app_client.client_secret else {}
    idp = client(target, "cognito-idp", recorder)
    answer = _call(result, lambda: idp.get_tokens_from_refresh_token(
        ClientId=app_client.client_id, RefreshToken=refresh_token, **secret))
    if answer is None:
        return result
    result.outputs = _outputs(answer)
    result.notes.append(Note("note.rotation.new_refresh_token" if result.outputs.get("refresh_token")
                             else "note.rotation.no_new_refresh_token", f"{_DOC}#refresh_token_auth-and-auth_time"))
    return result


# --- machine to machine through the native API ------------------------------------------------

def client_token(target: Target, client_name: str, scopes: tuple[str, ...] = ()) -> StepResult:
    """GetClientToken: the app client's id and secret for an access token with custom scopes, no
    user pool domain needed; no scopes asks for all of the client's ([IDP-model GetClientToken])."""
    recorder = Recorder()
    doc = f"{_DOC}#machine-to-machine-without-a-domain-getclienttoken"
    result = StepResult("client_token", recorder.exchanges, notes=[Note("note.client_token.native", doc)])
    app_client = target.client(client_name)
    asked = {"Scopes": list(scopes)} if scopes else {}
    idp = client(target, "cognito-idp", recorder)
    answer = _call(result, lambda: idp.get_client_token(ClientId=app_client.client_id,
                                                        Secret=app_client.client_secret or "", **asked))
    if answer is not None:
        issued = answer.get("ClientAuthenticationResult") or {}
        result.outputs = {"access_token": issued.get("AccessToken"), "expires_in": issued.get("ExpiresIn"),
                          "token_type": issued.get("TokenType")}
    return result


# --- sign-up -----------------------------------------------------------------------------------

def sign_up(target: Target, client_name: str, username: str, password: str, email: str) -> StepResult:
    """SignUp: the user exists UNCONFIRMED until the code the pool sent is confirmed."""
    recorder = Recorder()
    result = StepResult("sign_up", recorder.exchanges)
    secret = _with_secret_hash(target, client_name, username, {}, result).get("SECRET_HASH")
    idp = client(target, "cognito-idp", recorder)
    answer = _call(result, lambda: idp.sign_up(
        ClientId=target.client(client_name).client_id, Username=username, Password=password,
        UserAttributes=[{"Name": "email", "Value": email}], **({"SecretHash": secret} if secret else {})))
    if answer is None:
        return result
    delivery = answer.get("CodeDeliveryDetails") or {}
    result.outputs = {"user_sub": answer.get("UserSub"), "user_confirmed": answer.get("UserConfirmed"),
                      "code_delivery": delivery}
    if delivery:
        result.notes.append(Note("note.signin.sign_up_code_sent", f"{_DOC}#challenges", {
            "medium": delivery.get("DeliveryMedium", ""), "destination": delivery.get("Destination", "")}))
    return result


def read_sent_codes(target: Target) -> StepResult:
    """The codes the sandbox "sent" (its outbox). On AWS they arrive by email or SMS instead."""
    recorder = Recorder()
    result = StepResult("sent_codes", recorder.exchanges)
    if target.kind != "sandbox" or not target.endpoint_url:
        result.notes.append(Note("note.signin.codes_arrive_by_email"))
        return result
    result.notes.append(Note("note.signin.sandbox_outbox", fidelity=True))
    url = f"{target.endpoint_url.rstrip('/')}{MESSAGES_PATH}{target.user_pool_id}"
    try:
        response = recorder.session("SandboxMessages").get(
            url, timeout=5, headers=sandbox_helper_headers(target, "GET", url, "cognito-idp"))
    except requests.RequestException as error:  # refused or timed out: a result, not a crash
        recorder.record_failure("SandboxMessages", "GET", url, error)
        result.failure = _explained(AwsFailure("EndpointUnreachable", str(error)))
        return result
    result.outputs = {"messages": response.json().get("Messages", []) if response.ok else []}
    return result


def confirm_sign_up(target: Target, client_name: str, username: str, code: str) -> StepResult:
    """ConfirmSignUp with the code: UNCONFIRMED becomes CONFIRMED; a wrong code is refused."""
    recorder = Recorder()
    result = StepResult("confirm_sign_up", recorder.exchanges,
                        notes=[Note("note.signin.confirm_sign_up", f"{_DOC}#error-catalogue")])
    secret = _with_secret_hash(target, client_name, username, {}, result).get("SECRET_HASH")
    idp = client(target, "cognito-idp", recorder)
    answer = _call(result, lambda: idp.confirm_sign_up(
        ClientId=target.client(client_name).client_id, Username=username, ConfirmationCode=code,
        **({"SecretHash": secret} if secret else {})))
    if answer is not None:
        result.outputs = {"confirmed": True}
    return result


# --- the access token at work, and revoked ---------------------------------------------------

def get_user(target: Target, access_token: str) -> StepResult:
    """GetUser: the user-pool API authorised by the access token itself (its scope
    aws.cognito.signin.user.admin), no AWS credentials."""
    recorder = Recorder()
    result = StepResult("get_user", recorder.exchanges, notes=[Note("note.signin.get_user", f"{_DOC}#error-catalogue")])
    answer = _call(result, lambda: client(target, "cognito-idp", recorder).get_user(AccessToken=access_token))
    if answer is not None:
        result.outputs = {"username": answer.get("Username"),
                          "attributes": {a["Name"]: a["Value"] for a in answer.get("UserAttributes", [])}}
    return result


def global_sign_out(target: Target, access_token: str) -> StepResult:
    """GlobalSignOut: every refresh token of the user, and their access tokens, are revoked (§1.5)."""
    recorder = Recorder()
    result = StepResult("global_sign_out", recorder.exchanges,
                        notes=[Note("note.signin.global_sign_out", f"{_DOC}#refresh_token_auth-and-auth_time")])
    answer = _call(result, lambda: client(target, "cognito-idp", recorder).global_sign_out(AccessToken=access_token))
    if answer is not None:
        result.outputs = {"signed_out": True}
    return result


def revoke(target: Target, client_name: str, refresh_token: str) -> StepResult:
    """RevokeToken: this refresh token and the access tokens issued from it (§1.5)."""
    recorder = Recorder()
    result = StepResult("revoke_token", recorder.exchanges,
                        notes=[Note("note.signin.revoke", f"{_DOC}#the-revoke-endpoint")])
    app_client = target.client(client_name)
    secret = {"ClientSecret": app_client.client_secret} if app_client.client_secret else {}
    answer = _call(result, lambda: client(target, "cognito-idp", recorder).revoke_token(
        Token=refresh_token, ClientId=app_client.client_id, **secret))
    if answer is not None:
        result.outputs = {"revoked": True}
    return result
