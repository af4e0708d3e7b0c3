"""Corrections to moto's user-pool API where the lab teaches AWS's behaviour.

moto serves the user-pool API; this module checks what moto skips, before the request reaches
it, and answers with Cognito's own exceptions and messages (aws-facts.md §2.1, §2.6):
a flow the app client does not enable, an unknown user, an unconfirmed user (reported even
when the password is wrong).

`handle` then answers, on moto's model, the operations whose behaviour the sandbox owns:
the sign-in state machine (`sandbox.user_pool_auth`: USER_PASSWORD_AUTH, USER_SRP_AUTH and
their challenges), authenticator enrolment (`sandbox.software_token`), sign-up codes
(`sandbox.confirmation_codes`), token revocation (`sandbox.revocation`), refresh with rotation
(`sandbox.refresh_rotation`), GetClientToken (`sandbox.client_token`) and the settings a feature
plan refuses (`sandbox.feature_plans`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any

from sandbox import (client_token, confirmation_codes, feature_plans, refresh_rotation, revocation, software_token,
                     user_auth, user_pool_auth, webauthn_api)
from sandbox import moto_adapter as moto
from sandbox.errors import (IncorrectCredentials, InvalidParameterException, NotAuthorizedException,
                            ResourceNotFoundException, UnauthorizedException, UserNotConfirmedException,
                            UserNotFoundException, UsernameExistsException, WrongConfirmationCode)
from sandbox.moto_adapter import MotoClient, MotoUser, MotoUserPool, UserStatus, find_client, find_pool
from sandbox.user_pool_state import USER_POOLS

# With no ExplicitAuthFlows, AWS enables exactly these (aws-facts.md §2.1).
DEFAULT_FLOWS = ("ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_CUSTOM_AUTH")
_FLOW_SETTING = {
    "USER_PASSWORD_AUTH": ("ALLOW_USER_PASSWORD_AUTH", "USER_PASSWORD_AUTH"),
    "USER_SRP_AUTH": ("ALLOW_USER_SRP_AUTH",),
    "REFRESH_TOKEN_AUTH": ("ALLOW_REFRESH_TOKEN_AUTH",),
    "REFRESH_TOKEN": ("ALLOW_REFRESH_TOKEN_AUTH",),
    "CUSTOM_AUTH": ("ALLOW_CUSTOM_AUTH", "CUSTOM_AUTH_FLOW_ONLY"),
    "USER_AUTH": ("ALLOW_USER_AUTH",),  # choice-based sign-in: sandbox.user_auth
}


def check_initiate_auth(body: dict[str, Any]) -> None:
    """Raise the AwsError Cognito would answer with, or return to let moto handle the call."""
    found = find_client(str(body.get("ClientId", "")))
    if found is None:
        return  # moto answers ResourceNotFoundException itself
    pool, client = found
    flow = str(body.get("AuthFlow", ""))
    parameters = body.get("AuthParameters") or {}
    _check_flow_enabled(client, flow)
    if flow in ("USER_PASSWORD_AUTH", "USER_SRP_AUTH", "USER_AUTH"):
        _check_secret_hash(client, parameters.get("USERNAME", ""), parameters.get("SECRET_HASH"))
    if flow in ("USER_PASSWORD_AUTH", "USER_SRP_AUTH"):
        _check_user(pool, client, parameters.get("USERNAME", ""), simulate_unknown=flow == "USER_SRP_AUTH")
    if flow in ("REFRESH_TOKEN_AUTH", "REFRESH_TOKEN"):
        refresh_rotation.check_refresh_token_auth(client)  # rotation needs GetTokensFromRefreshToken
        # moto calls an unknown refresh token "revoked" and garbles the SECRET_HASH error;
        # the hash is over the username the token was issued to (aws-facts.md §2.4, §2.6).
        owner = revocation.refresh_token_owner(pool, client, str(parameters.get("REFRESH_TOKEN", "")))
        _check_secret_hash(client, owner, parameters.get("SECRET_HASH"))


def _check_flow_enabled(client: MotoClient, flow: str) -> None:
    enabled = client.extended_config.get("ExplicitAuthFlows") or DEFAULT_FLOWS
    settings = _FLOW_SETTING.get(flow)
    if settings and not set(settings) & set(enabled):
        # Exact text quoted from AWS by an emulator PR; UNCONFIRMED on an AWS page (§2.1).
        raise InvalidParameterException(f"{flow} flow not enabled for this client")


def expected_secret_hash(client_secret: str, username: str, client_id: str) -> str:
    """Base64(HMAC-SHA256(key=client secret, msg=username + client id)) (aws-facts.md §2.4)."""
    digest = hmac.new(client_secret.encode(), (username + client_id).encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def _check_secret_hash(client: MotoClient, username: str, secret_hash: str | None) -> None:
    # moto skips this check for USER_PASSWORD_AUTH; AWS answers both cases (aws-facts.md §2.4).
    if not client.generate_secret:
        return
    if not secret_hash:
        raise NotAuthorizedException(f"Unable to verify secret hash for client {client.id}")
    if not hmac.compare_digest(secret_hash, expected_secret_hash(client.secret, username, client.id)):
        raise NotAuthorizedException(f"SecretHash does not match for the client: {client.id}")


def _check_user(pool: MotoUserPool, client: MotoClient, username: str,
                simulate_unknown: bool = False) -> None:
    user = moto.find_user(pool, username)
    if user is None:
        if client.extended_config.get("PreventUserExistenceErrors") == "ENABLED":
            if simulate_unknown:
                return  # SRP answers a simulated challenge; the error comes with the proof (§2.2)
            raise IncorrectCredentials()
        raise UserNotFoundException("User does not exist.")
    if user.status is UserStatus.UNCONFIRMED:
        # AWS reports this even when the password is wrong (aws-facts.md §2.6).
        raise UserNotConfirmedException("User is not confirmed.")


# --- the operations the sandbox answers itself, on moto's model ---------------------------------



def handle(operation: str, body: dict[str, Any]) -> dict[str, Any] | None:
    """The sandbox's answer to a user-pool operation, or None to let moto answer it."""
    if "AccessToken" in body:
        _check_not_revoked(str(body["AccessToken"]))
    if operation == "DeleteUserPool":
        # What the sandbox added to the pool goes with it; moto then deletes its own part.
        USER_POOLS.forget(str(body.get("UserPoolId", "")))
    check = _CHECKED_HERE.get(operation)
    if check:
        check(body)
    answer = _ANSWERED_HERE.get(operation)
    return answer(body) if answer else None


def _known_client(body: dict[str, Any]) -> tuple[MotoUserPool, MotoClient]:
    client_id = str(body.get("ClientId", ""))
    found = find_client(client_id)
    if found is None:
        raise ResourceNotFoundException(f"User pool client {client_id} does not exist.")
    return found


def _pool_of_token(token: str) -> MotoUserPool | None:
    issuer = str(revocation.unverified_claims(token).get("iss", ""))
    return find_pool(issuer.rsplit("/", 1)[-1]) if issuer else None


def _access_token_owner(token: str) -> tuple[MotoUserPool, MotoUser] | None:
    pool = _pool_of_token(token)
    held = moto.access_token_owner(pool, token) if pool else None
    user = moto.find_user(pool, held[1]) if pool and held else None
    return None if pool is None or user is None else (pool, user)  # None: moto answers with its own error


def _check_not_revoked(access_token: str) -> None:
    pool = _pool_of_token(access_token)
    if pool is not None:
        revocation.check_access_token(pool, access_token)


def _initiate_auth(body: dict[str, Any]) -> dict[str, Any] | None:
    check_initiate_auth(body)
    found = find_client(str(body.get("ClientId", "")))
    if found is None:
        return None
    if body.get("AuthFlow") == "USER_AUTH":
        return user_auth.initiate_auth(*found, body.get("AuthParameters") or {})
    return user_pool_auth.initiate_auth(*found, str(body.get("AuthFlow", "")), body.get("AuthParameters") or {})


def _respond_to_auth_challenge(body: dict[str, Any]) -> dict[str, Any] | None:
    pool, client = _known_client(body)
    responses = body.get("ChallengeResponses") or {}
    # Every challenge response needs SECRET_HASH when the client has a secret (aws-facts.md §2.3).
    _check_secret_hash(client, str(responses.get("USERNAME", "")), responses.get("SECRET_HASH"))
    if body.get("ChallengeName") in user_auth.CHALLENGES:
        return user_auth.respond_to_auth_challenge(pool, client, str(body["ChallengeName"]),
                                                   str(body.get("Session") or ""), responses)
    return user_pool_auth.respond_to_auth_challenge(pool, client, str(body.get("ChallengeName", "")),
                                                    str(body.get("Session") or ""), responses)


def _sign_up(body: dict[str, Any]) -> dict[str, Any]:
    pool, client = _known_client(body)
    username = str(body.get("Username", ""))
    _check_secret_hash(client, username, body.get("SecretHash"))
    try:
        user = moto.sign_up(pool, client.id, username, str(body.get("Password", "")), body.get("UserAttributes") or [])
    except UsernameExistsException as error:  # moto puts the username in the message
        raise UsernameExistsException("User already exists") from error
    answer: dict[str, Any] = {"UserConfirmed": user.status == UserStatus.CONFIRMED, "UserSub": user.id}
    delivery = confirmation_codes.sign_up_delivery(pool, user)
    if delivery:
        confirmation_codes.send_sign_up_code(pool, user.username, delivery)
        answer["CodeDeliveryDetails"] = delivery  # where the code went, masked, never the code
    return answer


def _confirm_sign_up(body: dict[str, Any]) -> dict[str, Any]:
    pool, client = _known_client(body)
    username = str(body.get("Username", ""))
    _check_secret_hash(client, username, body.get("SecretHash"))
    user = moto.find_user(pool, username)
    if user is None:
        if client.extended_config.get("PreventUserExistenceErrors") == "ENABLED":
            raise WrongConfirmationCode()  # UNCONFIRMED: what AWS answers here
        raise UserNotFoundException("Username/client id combination not found.")
    if user.status != UserStatus.UNCONFIRMED:
        # UNCONFIRMED text, as SDK error reports quote it.
        status = UserStatus(user.status).value
        raise NotAuthorizedException(f"User cannot be confirmed. Current status is {status}")
    confirmation_codes.use_sign_up_code(pool, user.username, str(body.get("ConfirmationCode", "")))
    moto.confirm(user)
    return {}


def _global_sign_out(body: dict[str, Any]) -> dict[str, Any] | None:
    owner = _access_token_owner(str(body.get("AccessToken", "")))
    return None if owner is None else revocation.global_sign_out(owner[0], owner[1].username)


def _check_client_secret(client: MotoClient, given: Any) -> None:
    if not client.generate_secret:
        return
    if not given:
        message = f"Client {client.id} is configured for secret but secret was not received"  # §2.4
        raise NotAuthorizedException(message)
    if not hmac.compare_digest(str(given).encode(), client.secret.encode()):
        raise UnauthorizedException("Invalid client secret")  # UNCONFIRMED text


def _revoke_token(body: dict[str, Any]) -> dict[str, Any]:
    pool, client = _known_client(body)
    _check_client_secret(client, body.get("ClientSecret"))
    return revocation.revoke_refresh_token(pool, client, str(body.get("Token", "")))


def _associate_software_token(body: dict[str, Any]) -> dict[str, Any] | None:
    owner = _access_token_owner(str(body.get("AccessToken", "")))
    return None if owner is None else software_token.associate(*owner)  # None: the Session path


def _verify_software_token(body: dict[str, Any]) -> dict[str, Any] | None:
    owner = _access_token_owner(str(body.get("AccessToken", "")))
    return None if owner is None else software_token.verify(*owner, str(body.get("UserCode", "")))


def _get_tokens_from_refresh_token(body: dict[str, Any]) -> dict[str, Any]:
    pool, client = _known_client(body)
    _check_client_secret(client, body.get("ClientSecret"))
    return {"AuthenticationResult": refresh_rotation.get_tokens(pool, client, str(body.get("RefreshToken", "")))}


def _get_client_token(body: dict[str, Any]) -> dict[str, Any]:
    pool, client = _known_client(body)
    scopes = body.get("Scopes")
    return client_token.get_client_token(pool, client, str(body.get("Secret") or ""),
                                         [str(s) for s in scopes] if isinstance(scopes, list) else None)


def _check_pool_settings(body: dict[str, Any]) -> None:
    """CreateUserPool / UpdateUserPool: refuse what the plan lacks; moto then answers."""
    pool = find_pool(str(body.get("UserPoolId", ""))) if body.get("UserPoolId") else None
    feature_plans.check_settings(body, feature_plans.tier_of(pool) if pool else None)


def _check_client_settings(body: dict[str, Any]) -> None:
    client_token.check_client_flows(body)  # moto then answers


_ANSWERED_HERE = {
    "InitiateAuth": _initiate_auth,
    "RespondToAuthChallenge": _respond_to_auth_challenge,
    "SignUp": _sign_up,
    "ConfirmSignUp": _confirm_sign_up,
    "GlobalSignOut": _global_sign_out,
    "RevokeToken": _revoke_token,
    "AssociateSoftwareToken": _associate_software_token,
    "VerifySoftwareToken": _verify_software_token,
    "GetTokensFromRefreshToken": _get_tokens_from_refresh_token,
    "GetClientToken": _get_client_token,
    **webauthn_api.operations(lambda token: _access_token_owner(token)),  # passkeys: sandbox.webauthn_api
}
# Checked here, then answered by moto.
_CHECKED_HERE = {
    "CreateUserPool": _check_pool_settings,
    "UpdateUserPool": _check_pool_settings,
    "CreateUserPoolClient": _check_client_settings,
    "UpdateUserPoolClient": _check_client_settings,
}

