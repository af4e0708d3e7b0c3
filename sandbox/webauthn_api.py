"""The passkey operations of the user-pool API, on the pool's relying party (`sandbox.webauthn_rp`).

StartWebAuthnRegistration, CompleteWebAuthnRegistration, ListWebAuthnCredentials and
DeleteWebAuthnCredential act for the user of the access token they carry
(https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_StartWebAuthnRegistration.html).
SetUserPoolMfaConfig / GetUserPoolMfaConfig carry the pool's `WebAuthnConfiguration`
(RelyingPartyId, UserVerification), which moto neither stores nor accepts alone: the sandbox keeps
it in the pool's state and answers a call that sets only it.
"""

from __future__ import annotations

from typing import Any, Callable

from sandbox import moto_adapter as moto
from sandbox import webauthn_rp
from sandbox.errors import NotAuthorizedException, ResourceNotFoundException
from sandbox.moto_adapter import MotoUser, MotoUserPool
from sandbox.user_pool_state import USER_POOLS

OwnerOf = Callable[[str], "tuple[MotoUserPool, MotoUser] | None"]
Operation = Callable[[dict[str, Any]], "dict[str, Any] | None"]


def operations(owner_of: OwnerOf) -> dict[str, Operation]:
    """The operations answered here; `owner_of` finds the pool and user of an access token."""
    def signed_in(body: dict[str, Any]) -> tuple[MotoUserPool, MotoUser]:
        owner = owner_of(str(body.get("AccessToken", "")))
        if owner is None:
            raise NotAuthorizedException("Invalid Access Token")
        return owner

    return {
        "StartWebAuthnRegistration": lambda body: webauthn_rp.start_registration(*signed_in(body)),
        "CompleteWebAuthnRegistration": lambda body: webauthn_rp.complete_registration(
            *signed_in(body), body.get("Credential")),
        "ListWebAuthnCredentials": lambda body: webauthn_rp.list_credentials(*signed_in(body)),
        "DeleteWebAuthnCredential": lambda body: webauthn_rp.delete_credential(
            *signed_in(body), str(body.get("CredentialId", ""))),
        "SetUserPoolMfaConfig": _set_mfa_config,
        "GetUserPoolMfaConfig": _get_mfa_config,
    }


def _pool(body: dict[str, Any]) -> MotoUserPool:
    pool = moto.find_pool(str(body.get("UserPoolId", "")))
    if pool is None:
        raise ResourceNotFoundException(f"User pool {body.get('UserPoolId')} does not exist.")
    return pool


def _get_mfa_config(body: dict[str, Any]) -> dict[str, Any]:
    pool = _pool(body)
    answer = {key: value for key, value in moto.mfa_config(pool).items() if value is not None}
    web_authn = USER_POOLS.of(pool.id).web_authn_config
    return {**answer, "WebAuthnConfiguration": dict(web_authn)} if web_authn else answer


def _set_mfa_config(body: dict[str, Any]) -> dict[str, Any] | None:
    """Keep WebAuthnConfiguration; answer here when it is all the call sets, else let moto answer."""
    pool = _pool(body)
    if isinstance(body.get("WebAuthnConfiguration"), dict):
        USER_POOLS.of(pool.id).web_authn_config.update(
            {k: str(v) for k, v in body["WebAuthnConfiguration"].items()})
    return None if "MfaConfiguration" in body else _get_mfa_config(body)
