"""Each user pool's two RSA signing keys and its JWKS.

Cognito "generates two pairs of RSA cryptographic keys for each user pool": one signs ID
tokens, the other access tokens, so their `kid`s differ (aws-facts.md §1.1). moto signs every
token of every pool with one shared key, which is why the sandbox keeps its own, in each pool's
`sandbox.user_pool_state.UserPoolState`.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from typing import Any, Literal

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

TokenUse = Literal["id", "access"]


@dataclass(frozen=True)
class SigningKey:
    kid: str
    private_key: rsa.RSAPrivateKey

    def public_jwk(self) -> dict[str, Any]:
        jwk = jwt.algorithms.RSAAlgorithm.to_jwk(self.private_key.public_key(), as_dict=True)
        return {"alg": "RS256", "e": jwk["e"], "kid": self.kid, "kty": "RSA", "n": jwk["n"], "use": "sig"}


def new_signing_key() -> SigningKey:
    private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return SigningKey(kid=_aws_style_kid(private_key), private_key=private_key)


def _aws_style_kid(private_key: rsa.RSAPrivateKey) -> str:
    # Real Cognito kids are 44 characters of standard base64 (a SHA-256 digest), e.g.
    # "x+ZbzJiIcxF6ml5D65RAp2JPNCDN+afSqisPgH14svo=" (aws-facts.md §1.1).
    der = private_key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return base64.b64encode(hashlib.sha256(der).digest()).decode()


@dataclass(frozen=True)
class PoolKeys:
    id_key: SigningKey
    access_key: SigningKey

    def for_use(self, token_use: TokenUse) -> SigningKey:
        return self.id_key if token_use == "id" else self.access_key

    def jwks(self) -> dict[str, Any]:
        return {"keys": [self.id_key.public_jwk(), self.access_key.public_jwk()]}

    def public_key(self, kid: str) -> rsa.RSAPublicKey | None:
        for key in (self.id_key, self.access_key):
            if key.kid == kid:
                return key.private_key.public_key()
        return None


def new_pool_keys() -> PoolKeys:
    return PoolKeys(new_signing_key(), new_signing_key())
