"""Choice-based sign-in: InitiateAuth with AuthFlow=USER_AUTH, and its challenges.

Follows AWS's API reference for InitiateAuth and RespondToAuthChallenge
(https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_InitiateAuth.html,
https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RespondToAuthChallenge.html)
and the developer guide's "Manage authentication methods in AWS SDKs"
(https://docs.aws.amazon.com/cognito/latest/developerguide/authentication-flows-selection-sdk.html):

- the app client must allow ALLOW_USER_AUTH (checked by `sandbox.user_pool_api`);
- the pool's `Policies.SignInPolicy.AllowedFirstAuthFactors` decides which choices exist, and the
  user's own attributes and passkeys which of them this user can take;
- with `PREFERRED_CHALLENGE` the answer goes straight to that challenge when the user can take
  it; otherwise (none, or one the user can't take) it is `SELECT_CHALLENGE` with
  `AvailableChallenges`;
- SELECT_CHALLENGE's ANSWER is PASSWORD (with PASSWORD), PASSWORD_SRP (with SRP_A), EMAIL_OTP,
  SMS_OTP or WEB_AUTHN;
- EMAIL_OTP and SMS_OTP put a code in the pool's outbox (read at /_sandbox/messages/<pool id>,
  sandbox-only); the code lives as long as the challenge session (3 minutes); a wrong code is
  CodeMismatchException and the session stays, so the user may type it again;
- WEB_AUTHN answers CREDENTIAL_REQUEST_OPTIONS with a fresh challenge; the CREDENTIAL answer is
  checked by `sandbox.webauthn_rp`.

Tokens from these sign-ins carry `amr` (`sign_in_methods` in the pool's state):
["pwd"] for a password and ["otp"] for a one-time code follow AWS's example values
(https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-step-up-authentication.html);
["webauthn"] for a passkey is the sandbox's guess (UNCONFIRMED: AWS lists no value for it).
"""

from __future__ import annotations

import base64
import hmac
import secrets
from typing import Any

from sandbox import user_pool_auth, webauthn_rp
from sandbox import moto_adapter as moto
from sandbox.errors import (ChallengeSessionExpired, CodeMismatchException, IncorrectCredentials,
                            InvalidChallengeSession, InvalidParameterException, UserDisabled, UserNotConfirmedException,
                            UserNotFoundException)
from sandbox.moto_adapter import MotoClient, MotoUser, MotoUserPool, UserStatus
from sandbox.user_pool_state import USER_POOLS, PendingChallenge, SentMessage, SignInCode

CHALLENGES = ("SELECT_CHALLENGE", "EMAIL_OTP", "SMS_OTP", "WEB_AUTHN", "PASSWORD", "PASSWORD_SRP")
AMR = {"PASSWORD": ("pwd",), "EMAIL_OTP": ("otp",), "SMS_OTP": ("otp",), "WEB_AUTHN": ("webauthn",)}
_OTP_ANSWER = {"EMAIL_OTP": "EMAIL_OTP_CODE", "SMS_OTP": "SMS_OTP_CODE"}


def _now() -> float:
    return USER_POOLS.clock()


def available_challenges(pool: MotoUserPool, user: MotoUser) -> list[str]:
    """The first factors the pool allows that this user can take, in the policy's order."""
    attributes = user.attribute_lookup
    can = {"PASSWORD": bool(user.password), "PASSWORD_SRP": bool(user.password),
           "EMAIL_OTP": "@" in attributes.get("email", ""), "SMS_OTP": bool(attributes.get("phone_number")),
           "WEB_AUTHN": bool(webauthn_rp.user_passkeys(pool, user))}
    offered: list[str] = []
    for factor in webauthn_rp.first_factors(pool):
        offered += ["PASSWORD", "PASSWORD_SRP"] if factor == "PASSWORD" else [factor]
    return [name for name in offered if can.get(name)]


def _user(pool: MotoUserPool, client: MotoClient, username: str) -> MotoUser:
    user = moto.find_user(pool, username)
    if user is None:
        if client.extended_config.get("PreventUserExistenceErrors") == "ENABLED":
            raise IncorrectCredentials()  # UNCONFIRMED: AWS may answer a simulated SELECT_CHALLENGE
        raise UserNotFoundException("User does not exist.")
    if user.status is UserStatus.UNCONFIRMED:
        raise UserNotConfirmedException("User is not confirmed.")
    if not user.enabled:
        raise UserDisabled()
    return user


# --- pending challenges: the same registry as the password flows' ------------------------------

def _session(pool: MotoUserPool, client: MotoClient, user: MotoUser, name: str) -> str:
    session = base64.b64encode(secrets.token_bytes(192)).decode()
    USER_POOLS.of(pool.id).pending_challenges[session] = PendingChallenge(name, client.id, user.username, _now())
    return session


def _pending(pool: MotoUserPool, client: MotoClient, session: str, name: str,
             responses: dict[str, str]) -> MotoUser:
    challenge = USER_POOLS.of(pool.id).pending_challenges.get(session)
    if challenge is None or challenge.client_id != client.id or challenge.name != name:
        raise InvalidChallengeSession()
    if _now() - challenge.issued_at > user_pool_auth.SESSION_SECONDS:
        _forget(pool, session)
        raise ChallengeSessionExpired()
    named = moto.find_user(pool, user_pool_auth.required(responses, "USERNAME"))
    if named is None or named.username != challenge.username:
        raise InvalidChallengeSession()
    return named


def _forget(pool: MotoUserPool, session: str) -> None:
    state = USER_POOLS.of(pool.id)
    for registry in (state.pending_challenges, state.sign_in_codes, state.passkey_challenges):
        registry.pop(session, None)


def tokens(pool: MotoUserPool, client: MotoClient, user: MotoUser, challenge: str) -> dict[str, Any]:
    """A new sign-in whose tokens say how it was made (`amr`)."""
    refresh_token, origin_jti = pool.create_refresh_token(client.id, user.username)
    USER_POOLS.of(pool.id).sign_in_methods[origin_jti] = AMR[challenge]
    access_token, expires_in = pool.create_access_token(client.id, user.username, origin_jti)
    id_token, _ = pool.create_id_token(client.id, user.username, origin_jti)
    return {"ChallengeParameters": {}, "AuthenticationResult": {
        "AccessToken": access_token, "ExpiresIn": expires_in, "TokenType": "Bearer",
        "RefreshToken": refresh_token, "IdToken": id_token}}


# --- InitiateAuth(USER_AUTH) ------------------------------------------------------------------

def initiate_auth(pool: MotoUserPool, client: MotoClient, parameters: dict[str, str]) -> dict[str, Any]:
    user = _user(pool, client, user_pool_auth.required(parameters, "USERNAME"))
    available = available_challenges(pool, user)
    preferred = str(parameters.get("PREFERRED_CHALLENGE") or "")
    if preferred in available:
        return _start(pool, client, user, preferred, parameters)
    return {"ChallengeName": "SELECT_CHALLENGE", "Session": _session(pool, client, user, "SELECT_CHALLENGE"),
            "ChallengeParameters": {}, "AvailableChallenges": available}


def _start(pool: MotoUserPool, client: MotoClient, user: MotoUser, name: str,
           given: dict[str, str]) -> dict[str, Any]:
    """Begin (or, for a password, finish) the chosen challenge."""
    if name == "PASSWORD":
        return _password(pool, client, user, user_pool_auth.required(given, "PASSWORD"))
    if name == "PASSWORD_SRP":
        srp_parameters = {"USERNAME": user.username, "SRP_A": user_pool_auth.required(given, "SRP_A")}
        return user_pool_auth.initiate_auth(pool, client, "USER_SRP_AUTH", srp_parameters) or {}
    if name in _OTP_ANSWER:
        return _send_code(pool, client, user, name)
    return _ask_for_passkey(pool, client, user)


def _password(pool: MotoUserPool, client: MotoClient, user: MotoUser, password: str) -> dict[str, Any]:
    if not hmac.compare_digest(password.encode(), (user.password or "").encode()):
        raise IncorrectCredentials()
    if user.status == UserStatus.CONFIRMED and not user_pool_auth.uses_authenticator(pool, user):
        return tokens(pool, client, user, "PASSWORD")
    return user_pool_auth.after_password(pool, client, user)  # the password flows' next challenge


def _send_code(pool: MotoUserPool, client: MotoClient, user: MotoUser, name: str) -> dict[str, Any]:
    medium, attribute = ("EMAIL", "email") if name == "EMAIL_OTP" else ("SMS", "phone_number")
    value = user.attribute_lookup.get(attribute, "")
    destination = f"{value[:1]}***@{value.partition('@')[2][:1]}***" if medium == "EMAIL" else "+*******" + value[-4:]
    code = f"{secrets.randbelow(10 ** 8):08d}"  # AWS's sign-in codes have 8 digits by default (UNCONFIRMED)
    session = _session(pool, client, user, name)
    state = USER_POOLS.of(pool.id)
    state.sign_in_codes[session] = SignInCode(user.username, client.id, name, code, _now())
    state.outbox.append(SentMessage(user.username, "SignIn", code, destination, medium, attribute, int(_now())))
    return {"ChallengeName": name, "Session": session, "ChallengeParameters": {
        "CODE_DELIVERY_DELIVERY_MEDIUM": medium, "CODE_DELIVERY_DESTINATION": destination}}


def _ask_for_passkey(pool: MotoUserPool, client: MotoClient, user: MotoUser) -> dict[str, Any]:
    options, challenge = webauthn_rp.request_options(pool, user)
    session = _session(pool, client, user, "WEB_AUTHN")
    USER_POOLS.of(pool.id).passkey_challenges[session] = challenge
    return {"ChallengeName": "WEB_AUTHN", "Session": session,
            "ChallengeParameters": {"CREDENTIAL_REQUEST_OPTIONS": options}}


# --- RespondToAuthChallenge ---------------------------------------------------------------------

def respond_to_auth_challenge(pool: MotoUserPool, client: MotoClient, name: str, session: str,
                              responses: dict[str, str]) -> dict[str, Any]:
    user = _pending(pool, client, session, name, responses)
    if name == "SELECT_CHALLENGE":
        return _select(pool, client, user, session, responses)
    if name in _OTP_ANSWER:
        return _check_code(pool, client, user, session, user_pool_auth.required(responses, _OTP_ANSWER[name]))
    if name == "WEB_AUTHN":
        return _check_passkey(pool, client, user, session, user_pool_auth.required(responses, "CREDENTIAL"))
    _forget(pool, session)
    return _start(pool, client, user, name, responses)  # PASSWORD / PASSWORD_SRP asked by name


def _select(pool: MotoUserPool, client: MotoClient, user: MotoUser, session: str,
            responses: dict[str, str]) -> dict[str, Any]:
    answer = user_pool_auth.required(responses, "ANSWER")
    if answer not in available_challenges(pool, user):
        raise InvalidParameterException(f"Invalid challenge answer: {answer}")  # UNCONFIRMED text
    _forget(pool, session)
    return _start(pool, client, user, answer, responses)


def _check_code(pool: MotoUserPool, client: MotoClient, user: MotoUser, session: str, given: str) -> dict[str, Any]:
    sent = USER_POOLS.of(pool.id).sign_in_codes.get(session)
    if sent is None or not hmac.compare_digest(sent.code.encode(), given.encode()):
        raise CodeMismatchException("Invalid code received for user")  # the session stays: type it again
    _forget(pool, session)
    return tokens(pool, client, user, sent.challenge)


def _check_passkey(pool: MotoUserPool, client: MotoClient, user: MotoUser, session: str,
                   credential: str) -> dict[str, Any]:
    challenge = USER_POOLS.of(pool.id).passkey_challenges.get(session)
    _forget(pool, session)  # one assertion per challenge: a replay finds no session
    if challenge is None:
        raise InvalidChallengeSession()
    webauthn_rp.verify_assertion(pool, user, credential, challenge)
    return tokens(pool, client, user, "WEB_AUTHN")
