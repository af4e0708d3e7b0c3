"""AssociateSoftwareToken and VerifySoftwareToken: enrolling an authenticator app (TOTP MFA).

moto hands every user the same SecretCode and, by default, accepts any code. Cognito makes a
secret per user, and enables it only after a code computed from it checks out (RFC 6238,
`sandbox.totp`). This covers the signed-in path (AccessToken); the MFA_SETUP path (Session)
stays with moto.
"""

from __future__ import annotations

from typing import Any

from moto.cognitoidp.models import CognitoIdpUser

from sandbox import totp, user_pool_auth
from sandbox.errors import WrongFirstTotpCode

_PENDING_SECRET = "lab_pending_totp_secret"


def associate(user: CognitoIdpUser) -> dict[str, Any]:
    """A fresh secret for the user's authenticator app; not in use until verified."""
    secret = totp.new_secret()
    setattr(user, _PENDING_SECRET, secret)
    return {"SecretCode": secret}


def verify(user: CognitoIdpUser, code: str) -> dict[str, Any]:
    """The first code proves the app holds the secret: from now on the secret is the user's."""
    secret = getattr(user, _PENDING_SECRET, None)
    if secret is None or not totp.matches(secret, code, user_pool_auth.clock()):
        raise WrongFirstTotpCode()
    setattr(user, user_pool_auth.TOTP_SECRET, secret)
    delattr(user, _PENDING_SECRET)
    user.token_verified = True  # moto's flag: SetUserMFAPreference may now enable TOTP
    return {"Status": "SUCCESS"}
