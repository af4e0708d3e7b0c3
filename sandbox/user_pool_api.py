"""Corrections to moto's user-pool API where the lab teaches AWS's behaviour.

moto serves the user-pool API; this module checks what moto skips, before the request reaches
it, and answers with Cognito's own exceptions and messages (aws-facts.md §2.1, §2.6):
a flow the app client does not enable, an unknown user, an unconfirmed user (reported even
when the password is wrong).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any

from moto.cognitoidp.models import CognitoIdpUser, CognitoIdpUserPool, CognitoIdpUserPoolClient, UserStatus, cognitoidp_backends

from sandbox.wire import AwsError

ACCOUNT_ID = "123456789012"  # moto's default account
# With no ExplicitAuthFlows, AWS enables exactly these (aws-facts.md §2.1).
DEFAULT_FLOWS = ("ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_CUSTOM_AUTH")
_FLOW_SETTING = {
    "USER_PASSWORD_AUTH": ("ALLOW_USER_PASSWORD_AUTH", "USER_PASSWORD_AUTH"),
    "USER_SRP_AUTH": ("ALLOW_USER_SRP_AUTH",),
    "REFRESH_TOKEN_AUTH": ("ALLOW_REFRESH_TOKEN_AUTH",),
    "REFRESH_TOKEN": ("ALLOW_REFRESH_TOKEN_AUTH",),
    "CUSTOM_AUTH": ("ALLOW_CUSTOM_AUTH", "CUSTOM_AUTH_FLOW_ONLY"),
}
INCORRECT_CREDENTIALS = AwsError("NotAuthorizedException", "Incorrect username or password.")


def find_client(client_id: str) -> tuple[CognitoIdpUserPool, CognitoIdpUserPoolClient] | None:
    for backend in cognitoidp_backends[ACCOUNT_ID].values():
        for pool in list(backend.user_pools.values()):
            if client_id in pool.clients:
                return pool, pool.clients[client_id]
    return None


def find_pool(user_pool_id: str) -> CognitoIdpUserPool | None:
    for backend in cognitoidp_backends[ACCOUNT_ID].values():
        if user_pool_id in backend.user_pools:
            return backend.user_pools[user_pool_id]
    return None


def check_initiate_auth(body: dict[str, Any]) -> None:
    """Raise the AwsError Cognito would answer with, or return to let moto handle the call."""
    found = find_client(str(body.get("ClientId", "")))
    if found is None:
        return  # moto answers ResourceNotFoundException itself
    pool, client = found
    flow = str(body.get("AuthFlow", ""))
    parameters = body.get("AuthParameters") or {}
    _check_flow_enabled(client, flow)
    if flow in ("USER_PASSWORD_AUTH", "USER_SRP_AUTH"):
        _check_secret_hash(client, parameters.get("USERNAME", ""), parameters.get("SECRET_HASH"))
        _check_user(pool, client, parameters.get("USERNAME", ""))


def _check_flow_enabled(client: CognitoIdpUserPoolClient, flow: str) -> None:
    enabled = client.extended_config.get("ExplicitAuthFlows") or DEFAULT_FLOWS
    settings = _FLOW_SETTING.get(flow)
    if settings and not set(settings) & set(enabled):
        # Exact text quoted from AWS by an emulator PR; UNCONFIRMED on an AWS page (§2.1).
        raise AwsError("InvalidParameterException", f"{flow} flow not enabled for this client")


def expected_secret_hash(client_secret: str, username: str, client_id: str) -> str:
    """Base64(HMAC-SHA256(key=client secret, msg=username + client id)) (aws-facts.md §2.4)."""
    digest = hmac.new(client_secret.encode(), (username + client_id).encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def _check_secret_hash(client: CognitoIdpUserPoolClient, username: str, secret_hash: str | None) -> None:
    # moto skips this check for USER_PASSWORD_AUTH; AWS answers both cases (aws-facts.md §2.4).
    if not client.generate_secret:
        return
    if not secret_hash:
        raise AwsError("NotAuthorizedException", f"Unable to verify secret hash for client {client.id}")
    if not hmac.compare_digest(secret_hash, expected_secret_hash(client.secret, username, client.id)):
        raise AwsError("NotAuthorizedException", f"SecretHash does not match for the client: {client.id}")


def _check_user(pool: CognitoIdpUserPool, client: CognitoIdpUserPoolClient, username: str) -> None:
    user: CognitoIdpUser | None = pool._get_user(username)
    if user is None:
        if client.extended_config.get("PreventUserExistenceErrors") == "ENABLED":
            raise INCORRECT_CREDENTIALS
        raise AwsError("UserNotFoundException", "User does not exist.")
    if user.status is UserStatus.UNCONFIRMED:
        # AWS reports this even when the password is wrong (aws-facts.md §2.6).
        raise AwsError("UserNotConfirmedException", "User is not confirmed.")
