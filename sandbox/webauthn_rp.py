"""Passkeys: the user pool as a WebAuthn relying party (Web Authentication Level 3).

Follows AWS's API reference for StartWebAuthnRegistration, CompleteWebAuthnRegistration,
ListWebAuthnCredentials and DeleteWebAuthnCredential
(https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_StartWebAuthnRegistration.html
and its siblings), and for the WEB_AUTHN challenge of RespondToAuthChallenge. The verification
itself (attestation "none", signatures, the client data's challenge and origin, the relying-party
id hash, the user-present flag, the sign count) is py_webauthn's (`webauthn` on PyPI), not
hand-written CBOR or COSE.

- The relying-party id is the pool's `WebAuthnConfiguration.RelyingPartyId`. AWS falls back to
  the pool's domain; the sandbox asks for one to be set (the topology sets the dashboard's host).
- An origin is allowed when its host is the relying-party id or a subdomain of it, over https,
  or over http on localhost / 127.0.0.1 (what browsers allow). UNCONFIRMED: AWS's own origin
  rule for SDK-based sign-in is not spelled out on its pages.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import secrets
from typing import Any
from urllib.parse import urlparse

import webauthn
from webauthn.helpers import (bytes_to_base64url, parse_attestation_object, parse_authentication_credential_json,
                              parse_client_data_json, parse_registration_credential_json)
from webauthn.helpers.exceptions import InvalidAuthenticationResponse, InvalidJSONStructure, InvalidRegistrationResponse
from webauthn.helpers.structs import (AuthenticatorSelectionCriteria, PublicKeyCredentialDescriptor,
                                      ResidentKeyRequirement, UserVerificationRequirement)

from sandbox.errors import AwsError, InvalidParameterException, NotAuthorizedException, ResourceNotFoundException
from sandbox.moto_adapter import MotoUser, MotoUserPool
from sandbox.user_pool_state import USER_POOLS, StoredPasskey, UserPoolState

REGISTRATION_SECONDS = 5 * 60  # UNCONFIRMED: how long a registration challenge lives on AWS
_LOCAL_HOSTS = ("localhost", "127.0.0.1")


# --- the WebAuthn errors of the API model (botocore 1.44.8), one class each ---------------------

class WebAuthnNotEnabledException(AwsError):
    type = "WebAuthnNotEnabledException"


class WebAuthnConfigurationMissingException(AwsError):
    type = "WebAuthnConfigurationMissingException"


class WebAuthnChallengeNotFoundException(AwsError):
    type = "WebAuthnChallengeNotFoundException"


class WebAuthnRelyingPartyMismatchException(AwsError):
    type = "WebAuthnRelyingPartyMismatchException"


class WebAuthnOriginNotAllowedException(AwsError):
    type = "WebAuthnOriginNotAllowedException"


# --- the pool's relying party ------------------------------------------------------------------

def _state(pool: MotoUserPool) -> UserPoolState:
    return USER_POOLS.of(pool.id)


def first_factors(pool: MotoUserPool) -> list[str]:
    """Policies.SignInPolicy.AllowedFirstAuthFactors; PASSWORD alone when unset."""
    policy = (pool.extended_config.get("Policies") or {}).get("SignInPolicy") or {}
    return list(policy.get("AllowedFirstAuthFactors") or ["PASSWORD"])


def relying_party_id(pool: MotoUserPool) -> str:
    if "WEB_AUTHN" not in first_factors(pool):
        raise WebAuthnNotEnabledException("Passkey authentication is not enabled for this user pool.")  # UNCONFIRMED text
    rp_id = _state(pool).web_authn_config.get("RelyingPartyId")
    if not rp_id:
        raise WebAuthnConfigurationMissingException("No relying party id is configured.")  # UNCONFIRMED text
    return rp_id


def _user_verification(pool: MotoUserPool) -> UserVerificationRequirement:
    return UserVerificationRequirement(_state(pool).web_authn_config.get("UserVerification") or "preferred")


def origin_allowed(rp_id: str, origin: str) -> bool:
    """WebAuthn's rule: the origin's host is the RP id or ends with "." + RP id; https, or http locally."""
    parsed = urlparse(origin)
    host = parsed.hostname or ""
    secure = parsed.scheme == "https" or (parsed.scheme == "http" and host in _LOCAL_HOSTS)
    return secure and (host == rp_id or host.endswith("." + rp_id))


def _checked_origin(rp_id: str, client_data_json: bytes) -> str:
    origin = parse_client_data_json(client_data_json).origin
    if not origin_allowed(rp_id, origin):
        raise WebAuthnOriginNotAllowedException(f"Origin {origin} is not allowed.")  # UNCONFIRMED text
    return origin


def user_passkeys(pool: MotoUserPool, user: MotoUser) -> list[StoredPasskey]:
    return [key for key in _state(pool).passkeys.values() if key.user_sub == user.id]


def _descriptors(keys: list[StoredPasskey]) -> list[PublicKeyCredentialDescriptor]:
    return [PublicKeyCredentialDescriptor(id=webauthn.base64url_to_bytes(key.credential_id)) for key in keys]


# --- registration (with the user's access token) ------------------------------------------------

def start_registration(pool: MotoUserPool, user: MotoUser) -> dict[str, Any]:
    """StartWebAuthnRegistration: CredentialCreationOptions, a PublicKeyCredentialCreationOptionsJSON."""
    rp_id = relying_party_id(pool)
    options = webauthn.generate_registration_options(
        rp_id=rp_id, rp_name=pool.name, user_name=user.username, user_id=user.id.encode(),
        exclude_credentials=_descriptors(user_passkeys(pool, user)),
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED, user_verification=_user_verification(pool)))
    _state(pool).passkey_registrations[user.id] = (options.challenge, USER_POOLS.clock())
    return {"CredentialCreationOptions": json.loads(webauthn.options_to_json(options))}


def _registration_challenge(pool: MotoUserPool, user: MotoUser) -> bytes:
    pending = _state(pool).passkey_registrations.pop(user.id, None)  # one answer per challenge
    if pending is None or USER_POOLS.clock() - pending[1] > REGISTRATION_SECONDS:
        raise WebAuthnChallengeNotFoundException("No registration challenge was found.")  # UNCONFIRMED text
    return pending[0]


def complete_registration(pool: MotoUserPool, user: MotoUser, credential: Any) -> dict[str, Any]:
    """CompleteWebAuthnRegistration: verify the RegistrationResponseJSON, keep the credential."""
    rp_id = relying_party_id(pool)
    parsed = _parsed_registration(credential)
    challenge = _registration_challenge(pool, user)
    if parse_client_data_json(parsed.response.client_data_json).challenge != challenge:
        raise WebAuthnChallengeNotFoundException("The credential answers no pending challenge.")  # UNCONFIRMED
    origin = _checked_origin(rp_id, parsed.response.client_data_json)
    auth_data = parse_attestation_object(parsed.response.attestation_object).auth_data
    if auth_data.rp_id_hash != hashlib.sha256(rp_id.encode()).digest():
        raise WebAuthnRelyingPartyMismatchException("The credential is for another relying party.")  # UNCONFIRMED
    try:
        verified = webauthn.verify_registration_response(
            credential=parsed, expected_challenge=challenge, expected_rp_id=rp_id, expected_origin=origin,
            require_user_verification=_user_verification(pool) == UserVerificationRequirement.REQUIRED)
    except InvalidRegistrationResponse as error:
        raise InvalidParameterException(str(error)) from None
    _keep(pool, user, rp_id, verified, parsed)
    return {}


def _parsed_registration(credential: Any) -> Any:
    try:
        return parse_registration_credential_json(credential if isinstance(credential, str) else json.dumps(credential))
    except (InvalidJSONStructure, InvalidRegistrationResponse, ValueError, TypeError) as error:
        raise InvalidParameterException(f"Credential is not a RegistrationResponseJSON: {error}") from None


def _keep(pool: MotoUserPool, user: MotoUser, rp_id: str, verified: Any, parsed: Any) -> None:
    credential_id = bytes_to_base64url(verified.credential_id)
    attachment = parsed.authenticator_attachment.value if parsed.authenticator_attachment else None
    transports = tuple(t.value for t in (parsed.response.transports or []))
    _state(pool).passkeys[credential_id] = StoredPasskey(
        credential_id, user.id, verified.credential_public_key, verified.sign_count, rp_id,
        USER_POOLS.clock(), attachment, transports)


def list_credentials(pool: MotoUserPool, user: MotoUser) -> dict[str, Any]:
    """ListWebAuthnCredentials (one page: a user has few passkeys)."""
    return {"Credentials": [_description(key) for key in user_passkeys(pool, user)]}


def _description(key: StoredPasskey) -> dict[str, Any]:
    described: dict[str, Any] = {"CredentialId": key.credential_id, "RelyingPartyId": key.relying_party_id,
                                 "FriendlyCredentialName": "Passkey",  # UNCONFIRMED: AWS names it by its provider
                                 "AuthenticatorTransports": list(key.transports), "CreatedAt": key.created_at}
    if key.attachment:
        described["AuthenticatorAttachment"] = key.attachment
    return described


def delete_credential(pool: MotoUserPool, user: MotoUser, credential_id: str) -> dict[str, Any]:
    key = _state(pool).passkeys.get(credential_id)
    if key is None or key.user_sub != user.id:
        raise ResourceNotFoundException("Credential not found.")  # UNCONFIRMED text
    del _state(pool).passkeys[credential_id]
    return {}


# --- sign-in: the WEB_AUTHN challenge -----------------------------------------------------------

def request_options(pool: MotoUserPool, user: MotoUser) -> tuple[str, bytes]:
    """CREDENTIAL_REQUEST_OPTIONS (a PublicKeyCredentialRequestOptionsJSON, as a string) and its
    fresh challenge, which the caller keeps with the session."""
    options = webauthn.generate_authentication_options(
        rp_id=relying_party_id(pool), challenge=secrets.token_bytes(32),
        allow_credentials=_descriptors(user_passkeys(pool, user)), user_verification=_user_verification(pool))
    return webauthn.options_to_json(options), options.challenge


def verify_assertion(pool: MotoUserPool, user: MotoUser, credential_json: str, challenge: bytes) -> None:
    """Check an AuthenticationResponseJSON against the challenge and the user's stored passkey:
    signature, challenge, origin, relying-party id hash, user presence, sign count. Any failure is
    NotAuthorizedException (the only refusal RespondToAuthChallenge documents for it)."""
    rp_id = relying_party_id(pool)
    try:
        parsed = parse_authentication_credential_json(credential_json)
    except (InvalidJSONStructure, InvalidAuthenticationResponse, ValueError, TypeError) as error:
        raise InvalidParameterException(f"CREDENTIAL is not an AuthenticationResponseJSON: {error}") from None
    key = _state(pool).passkeys.get(parsed.id)
    if key is None or key.user_sub != user.id:
        raise NotAuthorizedException("Incorrect username or password.")  # UNCONFIRMED text
    origin = parse_client_data_json(parsed.response.client_data_json).origin
    if not origin_allowed(rp_id, origin):
        raise NotAuthorizedException(f"Origin {origin} is not allowed.")  # UNCONFIRMED text
    try:
        verified = webauthn.verify_authentication_response(
            credential=parsed, expected_challenge=challenge, expected_rp_id=rp_id, expected_origin=origin,
            credential_public_key=key.public_key, credential_current_sign_count=key.sign_count,
            require_user_verification=_user_verification(pool) == UserVerificationRequirement.REQUIRED)
    except InvalidAuthenticationResponse as error:
        raise NotAuthorizedException(f"Passkey verification failed: {error}") from None  # UNCONFIRMED text
    _state(pool).passkeys[key.credential_id] = dataclasses.replace(key, sign_count=verified.new_sign_count)
