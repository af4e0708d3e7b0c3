"""AssociateSoftwareToken and VerifySoftwareToken: enrolling an authenticator app (TOTP MFA).

moto hands every user the same SecretCode and, by default, accepts any code. Cognito makes a
secret per user, and enables it only after a code computed from it checks out (RFC 6238,
`sandbox.totp`). This covers the signed-in path (AccessToken); the MFA_SETUP path (Session)
stays with moto.
"""

from __future__ import annotations

from typing import Any

from sandbox import moto_adapter as moto
from sandbox import totp
from sandbox.errors import WrongFirstTotpCode
from sandbox.moto_adapter import MotoUser, MotoUserPool
from sandbox.user_pool_state import USER_POOLS


def associate(pool: MotoUserPool, user: MotoUser) -> dict[str, Any]:
    """A fresh secret for the user's authenticator app; not in use until verified."""
    secret = totp.new_secret()
    USER_POOLS.of(pool.id).pending_totp_secrets[user.id] = secret
    return {"SecretCode": secret}


def verify(pool: MotoUserPool, user: MotoUser, code: str) -> dict[str, Any]:
    """The first code proves the app holds the secret: from now on the secret is the user's."""
    state = USER_POOLS.of(pool.id)
    secret = state.pending_totp_secrets.get(user.id)
    if secret is None or not totp.matches(secret, code, USER_POOLS.clock()):
        raise WrongFirstTotpCode()
    state.totp_secrets[user.id] = state.pending_totp_secrets.pop(user.id)
    moto.mark_software_token_verified(user)
    return {"Status": "SUCCESS"}
