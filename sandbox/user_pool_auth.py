"""InitiateAuth and RespondToAuthChallenge as Cognito runs them (aws-facts.md §2.1–§2.3, §1.5).

moto answers USER_SRP_AUTH with random numbers and accepts any PASSWORD_CLAIM_SIGNATURE,
gives NEW_PASSWORD_REQUIRED without `userAttributes`/`requiredAttributes`, checks TOTP codes
against one secret shared by every user (and only when an environment switch is on), and never
expires a challenge session. The sandbox runs the sign-in state machine itself, on moto's
users and pools:

- USER_PASSWORD_AUTH and USER_SRP_AUTH (a real SRP-6a proof, `sandbox.srp`) check the password;
- then, as on AWS: NEW_PASSWORD_REQUIRED for a temporary password, SOFTWARE_TOKEN_MFA for a
  user with an authenticator app (`sandbox.totp`), or tokens, minted by moto's token factory
  (replaced by `sandbox.user_pool_tokens`, so they are Cognito-shaped);
- every challenge session lasts 3 minutes (`AuthSessionValidity` default) by the pools' clock.

The caller (`sandbox.user_pool_api`) has already found the app client and checked the flow,
SECRET_HASH and the user's existence; this module holds the rules. The pending challenges, SRP
verifiers and authenticator secrets are the pool's state (`sandbox.user_pool_state`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from typing import Any

from sandbox import moto_adapter as moto
from sandbox import srp, totp
from sandbox.errors import (ChallengeSessionExpired, IncorrectCredentials, InvalidChallengeSession,
                            InvalidParameterException, ReusedTotpCode, UserDisabled, WrongTotpCode)
from sandbox.moto_adapter import MotoClient, MotoUser, MotoUserPool, UserStatus
from sandbox.user_pool_state import USER_POOLS, KeptVerifier, PendingChallenge

SESSION_SECONDS = 3 * 60  # AuthSessionValidity default: 3 minutes (aws-facts.md §1.5)
# How far a PASSWORD_VERIFIER TIMESTAMP may be from the server's clock. AWS says "within a few
# seconds" of the challenge without a number; 5 minutes is a guess (UNCONFIRMED).
TIMESTAMP_SKEW_SECONDS = 5 * 60


def _now() -> float:
    return USER_POOLS.clock()  # tests move it forward to expire sessions


# --- pending challenges, the pool's state: they go when the pool goes --------------------------

def _pending(pool: MotoUserPool) -> dict[str, PendingChallenge]:
    return USER_POOLS.of(pool.id).pending_challenges


def _remember(pool: MotoUserPool, key: str, challenge: PendingChallenge) -> None:
    pending = _pending(pool)
    for stale in [k for k, c in list(pending.items()) if _now() - c.issued_at > 2 * SESSION_SECONDS]:
        pending.pop(stale, None)
    pending[key] = challenge


def _pending_challenge(pool: MotoUserPool, client: MotoClient, key: str,
                       name: str) -> PendingChallenge:
    challenge = _pending(pool).get(key)
    if challenge is None or challenge.client_id != client.id or challenge.name != name:
        raise InvalidChallengeSession()
    if _now() - challenge.issued_at > SESSION_SECONDS:
        _pending(pool).pop(key, None)
        raise ChallengeSessionExpired()
    return challenge


def _new_session() -> str:
    # Opaque to the client, like AWS's long "AYAB…" session strings.
    return base64.b64encode(secrets.token_bytes(192)).decode()


# --- the steps of a sign-in -------------------------------------------------------------------

def issue_tokens(pool: MotoUserPool, client_id: str, username: str) -> dict[str, Any]:
    """An AuthenticationResult from moto's (replaced) token factory: a new sign-in."""
    refresh_token, origin_jti = pool.create_refresh_token(client_id, username)
    access_token, expires_in = pool.create_access_token(client_id, username, origin_jti)
    id_token, _ = pool.create_id_token(client_id, username, origin_jti)
    return {"AccessToken": access_token, "ExpiresIn": expires_in, "TokenType": "Bearer",
            "RefreshToken": refresh_token, "IdToken": id_token}


def _challenge(pool: MotoUserPool, client: MotoClient, user: MotoUser,
               name: str, parameters: dict[str, str]) -> dict[str, Any]:
    session = _new_session()
    _remember(pool, session, PendingChallenge(name, client.id, user.username, _now()))
    return {"ChallengeName": name, "Session": session, "ChallengeParameters": parameters}


def new_password_parameters(pool: MotoUserPool, user: MotoUser) -> dict[str, str]:
    """`userAttributes` and `requiredAttributes` are JSON strings; required names carry the
    `userAttributes.` prefix (aws-facts.md §2.3). `sub` is left out, as in AWS samples."""
    attributes = {a["Name"]: a["Value"] for a in user.attributes if a["Name"] != "sub"}
    return {"USER_ID_FOR_SRP": user.username,
            "requiredAttributes": json.dumps(_missing_required(pool, attributes)),
            "userAttributes": json.dumps(attributes)}


def _missing_required(pool: MotoUserPool, attributes: dict[str, str]) -> list[str]:
    return [f"userAttributes.{name}" for name, schema in pool.schema_attributes.items()
            if schema.required and name not in attributes]


def _authenticator_secret(pool: MotoUserPool, user: MotoUser) -> str | None:
    return USER_POOLS.of(pool.id).totp_secrets.get(user.id)


def uses_authenticator(pool: MotoUserPool, user: MotoUser) -> bool:
    return bool(user.software_token_mfa_enabled and _authenticator_secret(pool, user))


def after_password(pool: MotoUserPool, client: MotoClient, user: MotoUser) -> dict[str, Any]:
    """The password is right: the next challenge, or tokens."""
    if user.status == UserStatus.FORCE_CHANGE_PASSWORD:
        return _challenge(pool, client, user, "NEW_PASSWORD_REQUIRED", new_password_parameters(pool, user))
    if uses_authenticator(pool, user):
        # UNCONFIRMED: the exact parameters of this challenge; USER_ID_FOR_SRP is what apps read.
        return _challenge(pool, client, user, "SOFTWARE_TOKEN_MFA", {"USER_ID_FOR_SRP": user.username})
    return {"ChallengeParameters": {}, "AuthenticationResult": issue_tokens(pool, client.id, user.username)}


def _enabled_user(pool: MotoUserPool, username: str | None) -> MotoUser:
    user = moto.find_user(pool, username)
    if user is None:
        raise IncorrectCredentials()
    if not user.enabled:
        raise UserDisabled()
    return user


# --- InitiateAuth -----------------------------------------------------------------------------

def initiate_auth(pool: MotoUserPool, client: MotoClient, flow: str,
                  parameters: dict[str, str]) -> dict[str, Any] | None:
    """The answer to InitiateAuth, or None for the flows moto answers (refresh, custom)."""
    if flow == "USER_PASSWORD_AUTH":
        return _password_auth(pool, client, parameters)
    if flow == "USER_SRP_AUTH":
        return _start_srp(pool, client, parameters)
    return None


def _password_auth(pool: MotoUserPool, client: MotoClient,
                   parameters: dict[str, str]) -> dict[str, Any]:
    user = _enabled_user(pool, parameters.get("USERNAME"))
    given = str(parameters.get("PASSWORD") or "")
    if not hmac.compare_digest(given.encode(), (user.password or "").encode()):
        raise IncorrectCredentials()
    return after_password(pool, client, user)


def _pool_name(pool: MotoUserPool) -> str:
    return pool.id.split("_", 1)[1]  # "us-east-1_AbC123" → "AbC123", as the SDKs split it


def _verifier(pool: MotoUserPool, user: MotoUser) -> srp.PasswordVerifier:
    """The user's verifier, derived once per password (with a salt of its own), then kept."""
    fingerprint = hashlib.sha256((user.password or "").encode()).hexdigest()
    verifiers = USER_POOLS.of(pool.id).srp_verifiers
    kept = verifiers.get(user.id)
    if kept is None or kept.password_fingerprint != fingerprint:
        # USER_ID_FOR_SRP is the internal username: the username itself in a pool without
        # UsernameAttributes, the sub-like UUID moto stores as username in one with them.
        kept = KeptVerifier(fingerprint, srp.make_verifier(_pool_name(pool), user.username, user.password or ""))
        verifiers[user.id] = kept
    return kept.verifier


def _decoy_key(pool: MotoUserPool) -> bytes:
    return USER_POOLS.of(pool.id).srp_decoy_key


def _client_public(parameters: dict[str, str]) -> int:
    text = str(parameters.get("SRP_A") or "")
    try:
        value = int(text, 16)
    except ValueError:
        value = 0
    if not srp.acceptable_client_public(value):
        # UNCONFIRMED text: AWS's answer to a missing or degenerate SRP_A was not found.
        raise InvalidParameterException("Missing required parameter SRP_A" if not text else "Invalid SRP_A")
    return value


def _start_srp(pool: MotoUserPool, client: MotoClient,
               parameters: dict[str, str]) -> dict[str, Any]:
    client_public = _client_public(parameters)
    username = str(parameters.get("USERNAME") or "")
    user = moto.find_user(pool, username)
    if user is not None and not user.enabled:
        raise UserDisabled()
    # An unknown user gets a simulated challenge; the error comes at RespondToAuthChallenge (§2.2).
    verifier = _verifier(pool, user) if user else srp.decoy_verifier(_decoy_key(pool), _pool_name(pool), username)
    session = srp.start(verifier, client_public)
    # SECRET_BLOCK stands in for the session: real PASSWORD_VERIFIER answers carry no Session.
    secret_block = base64.b64encode(secrets.token_bytes(512)).decode()
    _remember(pool, secret_block, PendingChallenge("PASSWORD_VERIFIER", client.id, user.username if user else None,
                                                   _now(), session))
    user_id = verifier.user_id_for_srp
    return {"ChallengeName": "PASSWORD_VERIFIER", "ChallengeParameters": {
        "SALT": verifier.salt_hex, "SRP_B": session.server_public_hex, "SECRET_BLOCK": secret_block,
        "USER_ID_FOR_SRP": user_id, "USERNAME": user_id}}


# --- RespondToAuthChallenge -------------------------------------------------------------------

def respond_to_auth_challenge(pool: MotoUserPool, client: MotoClient, name: str,
                              session: str, responses: dict[str, str]) -> dict[str, Any] | None:
    """The answer to RespondToAuthChallenge, or None for challenges moto answers (SMS, setup)."""
    if name == "PASSWORD_VERIFIER":
        return _verify_password_claim(pool, client, responses)
    if name == "NEW_PASSWORD_REQUIRED":
        return _set_new_password(pool, client, session, responses)
    if name == "SOFTWARE_TOKEN_MFA":
        return _check_authenticator_code(pool, client, session, responses)
    return None


def required(responses: dict[str, str], name: str) -> str:
    value = responses.get(name)
    if not value:
        raise InvalidParameterException(f"Missing required parameter {name}")
    return str(value)


def _same_user(pool: MotoUserPool, challenge: PendingChallenge, responses: dict[str, str]) -> None:
    named = moto.find_user(pool, required(responses, "USERNAME"))
    if challenge.username is not None and (named is None or named.username != challenge.username):
        raise InvalidChallengeSession()  # UNCONFIRMED: AWS's text for a USERNAME that isn't the session's


def _verify_password_claim(pool: MotoUserPool, client: MotoClient,
                           responses: dict[str, str]) -> dict[str, Any]:
    secret_block = required(responses, "PASSWORD_CLAIM_SECRET_BLOCK")
    challenge = _pending_challenge(pool, client, secret_block, "PASSWORD_VERIFIER")
    _pending(pool).pop(secret_block, None)  # one proof per challenge: a wrong one means start again
    timestamp = required(responses, "TIMESTAMP")
    claimed = required(responses, "PASSWORD_CLAIM_SIGNATURE")
    _same_user(pool, challenge, responses)
    if not _proof_holds(pool, challenge, secret_block, timestamp, claimed):
        raise IncorrectCredentials()
    return after_password(pool, client, _enabled_user(pool, challenge.username))


def _proof_holds(pool: MotoUserPool, challenge: PendingChallenge, secret_block: str, timestamp: str,
                 claimed: str) -> bool:
    if challenge.username is None or challenge.srp_session is None:
        return False  # a simulated challenge: no password is right for a user who doesn't exist
    return _timestamp_is_now(timestamp) and srp.signature_matches(
        challenge.srp_session, _pool_name(pool), secret_block, timestamp, claimed)


def _timestamp_is_now(timestamp: str) -> bool:
    # A day written "03" fails here, as it does on AWS (pycognito strips the zero for that reason).
    moment = srp.parse_timestamp(timestamp)
    return moment is not None and abs(moment.timestamp() - _now()) <= TIMESTAMP_SKEW_SECONDS


def _set_new_password(pool: MotoUserPool, client: MotoClient, session: str,
                      responses: dict[str, str]) -> dict[str, Any]:
    challenge = _pending_challenge(pool, client, session, "NEW_PASSWORD_REQUIRED")
    _same_user(pool, challenge, responses)
    new_password = required(responses, "NEW_PASSWORD")
    user = _enabled_user(pool, challenge.username)
    given = {k.removeprefix("userAttributes."): v for k, v in responses.items() if k.startswith("userAttributes.")}
    _check_required_attributes(pool, user, given)
    moto.validate_password(pool, new_password)
    moto.update_attributes(user, given)
    moto.set_password(user, new_password)
    _pending(pool).pop(session, None)
    return after_password(pool, client, user)


def _check_required_attributes(pool: MotoUserPool, user: MotoUser, given: dict[str, str]) -> None:
    have = {a["Name"]: a["Value"] for a in user.attributes} | given
    missing = _missing_required(pool, have)
    if missing:
        # UNCONFIRMED text, as community reports quote it.
        name = missing[0].removeprefix("userAttributes.")
        raise InvalidParameterException(f"Invalid attributes given, {name} is missing")


def spend_totp_code(pool: MotoUserPool, user: MotoUser, secret: str, code: str,
                    wrong: type[Exception] = WrongTotpCode) -> None:
    """Accept a TOTP code once: the same code again in its 30-second step is ExpiredCodeException
    "Your software token has already been used once." (issue 20: what real clients got from AWS)."""
    steps = USER_POOLS.of(pool.id).last_totp_steps
    try:
        step = totp.spend(secret, code, _now(), steps.get(user.id))
    except totp.ReusedCode:
        raise ReusedTotpCode() from None
    if step is None:
        raise wrong()
    steps[user.id] = step


def _check_authenticator_code(pool: MotoUserPool, client: MotoClient, session: str,
                              responses: dict[str, str]) -> dict[str, Any]:
    challenge = _pending_challenge(pool, client, session, "SOFTWARE_TOKEN_MFA")
    _same_user(pool, challenge, responses)
    code = required(responses, "SOFTWARE_TOKEN_MFA_CODE")
    user = _enabled_user(pool, challenge.username)
    spend_totp_code(pool, user, _authenticator_secret(pool, user) or "", code)
    # (a wrong code leaves the session: the user may type the code again)
    _pending(pool).pop(session, None)
    return {"ChallengeParameters": {}, "AuthenticationResult": issue_tokens(pool, client.id, user.username)}
