"""The OpenID token an identity pool issues in the basic (classic) flow (aws-facts.md §4.2, §4.3).

GetOpenIdToken returns it and STS AssumeRoleWithWebIdentity takes it:
- `iss` https://cognito-identity.amazonaws.com, `aud` the identity pool id, `sub` the identity id;
- `amr` "unauthenticated", or "authenticated" plus the providers used;
- "The OpenID token is valid for 10 minutes".
UNCONFIRMED (aws-facts.md open item 8): the header (kid, `typ: JWS`, `alg: RS512`), the
identity-pool-arn claim and the `amr` entries of a user-pool login follow a community slide and
the analogy with API Gateway's cognitoAuthenticationProvider, not an AWS page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

ISSUER = "https://cognito-identity.amazonaws.com"
LIFETIME_SECONDS = 600
POOL_ARN_CLAIM = "https://cognito-identity.amazonaws.com/identity-pool-arn"
_ALGORITHM = "RS512"


class InvalidOpenIdToken(Exception):
    """Not a token this identity pool service signed (or not a JWT at all)."""


class ExpiredOpenIdToken(InvalidOpenIdToken):
    def __init__(self, now: int, expires: int) -> None:
        super().__init__(f"expired at {expires}, now {now}")
        self.now, self.expires = now, expires


def user_pool_amr(provider_name: str, subject: str) -> list[str]:
    """`amr` for a user-pool login (UNCONFIRMED, by analogy with aws-facts.md §5.3)."""
    return ["authenticated", provider_name, f"{provider_name}:CognitoSignIn:{subject}"]


def _new_private_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass
class OpenIdTokens:
    """Signs and checks the region's identity-pool tokens; one key, kid `<region>-1`."""

    region: str
    account_id: str
    _private_key: rsa.RSAPrivateKey = field(default_factory=_new_private_key, repr=False)

    @property
    def kid(self) -> str:
        return f"{self.region}-1"

    def issue(self, identity_id: str, identity_pool_id: str, amr: list[str], now: float) -> str:
        issued_at = int(now)
        pool_arn = f"arn:aws:cognito-identity:{self.region}:{self.account_id}:identitypool/{identity_pool_id}"
        claims = {"sub": identity_id, "aud": identity_pool_id, "amr": amr, "iss": ISSUER, POOL_ARN_CLAIM: pool_arn,
                  "exp": issued_at + LIFETIME_SECONDS, "iat": issued_at}
        return jwt.encode(claims, self._private_key, algorithm=_ALGORITHM, headers={"kid": self.kid, "typ": "JWS"})

    def verify(self, token: str, now: float) -> dict[str, Any]:
        """The claims of a token signed here; raise InvalidOpenIdToken / ExpiredOpenIdToken."""
        try:
            if jwt.get_unverified_header(token).get("kid") != self.kid:
                raise InvalidOpenIdToken("unknown kid")
            claims = jwt.decode(token, self._private_key.public_key(), algorithms=[_ALGORITHM],
                                options={"verify_exp": False, "verify_aud": False, "verify_iat": False})
        except jwt.PyJWTError as error:
            raise InvalidOpenIdToken(str(error)) from error
        if claims.get("iss") != ISSUER:
            raise InvalidOpenIdToken("issuer")
        if int(claims.get("exp", 0)) <= int(now):
            raise ExpiredOpenIdToken(int(now), int(claims.get("exp", 0)))
        return claims
