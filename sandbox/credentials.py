"""Temporary AWS credentials the sandbox's identity pool and STS hand out.

Remembered by access key id so that the API's AWS_IAM authorizer can check SigV4 signatures
made with them, as AWS checks them against what STS issued.
"""

from __future__ import annotations

import secrets
import string
import threading
import time
from dataclasses import dataclass, field
from typing import Callable

CREDENTIAL_LIFETIME = 3600  # the enhanced flow's fixed one hour (aws-facts.md §4.2)
_KEY_ALPHABET = string.ascii_uppercase + string.digits


@dataclass(frozen=True)
class IssuedCredentials:
    access_key_id: str
    secret_key: str
    session_token: str
    expiration: float
    role_arn: str
    identity_id: str
    identity_pool_id: str
    authentication_type: str  # "authenticated" | "unauthenticated"
    login_providers: tuple[str, ...] = ()

    def to_wire(self) -> dict[str, object]:
        return {"AccessKeyId": self.access_key_id, "SecretKey": self.secret_key,
                "SessionToken": self.session_token, "Expiration": self.expiration}


@dataclass
class CredentialStore:
    _issued: dict[str, IssuedCredentials] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    clock: Callable[[], float] = time.time  # expirations count from it

    def mint(self, role_arn: str, identity_id: str, identity_pool_id: str,
             authentication_type: str, login_providers: tuple[str, ...] = ()) -> IssuedCredentials:
        credentials = IssuedCredentials(
            # Temporary keys start with ASIA; long-term ones with AKIA.
            access_key_id="ASIA" + "".join(secrets.choice(_KEY_ALPHABET) for _ in range(16)),
            secret_key=secrets.token_urlsafe(30)[:40],
            session_token=secrets.token_urlsafe(300),
            expiration=float(int(self.clock()) + CREDENTIAL_LIFETIME),
            role_arn=role_arn, identity_id=identity_id, identity_pool_id=identity_pool_id,
            authentication_type=authentication_type, login_providers=login_providers,
        )
        with self._lock:
            self._issued[credentials.access_key_id] = credentials
        return credentials

    def find(self, access_key_id: str) -> IssuedCredentials | None:
        with self._lock:
            return self._issued.get(access_key_id)

    def forget_pool(self, identity_pool_id: str) -> None:
        with self._lock:
            for key in [k for k, c in self._issued.items() if c.identity_pool_id == identity_pool_id]:
                del self._issued[key]
