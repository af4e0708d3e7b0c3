"""Who owns what in the shared sandbox: one set of long-term credentials per topology.

On AWS every team works in its own account: a SigV4-signed admin call (ListUserPools,
AdminGetUser, DeleteUserPool, ListIdentityPools, GetIdentityPoolRoles…) sees and changes only
that account's pools. In a classroom the sandbox is one process reachable by everyone, so it
plays the accounts: each seeded topology gets its own access key, the pools created with a
signature by that key belong to it, and every signed call is checked against that ownership.

Which operations need a signature is read from botocore's own service models: operations
marked `smithy.api#noAuth` (InitiateAuth, SignUp, GetId, GetCredentialsForIdentity…) are called
unsigned on AWS (aws-facts.md §0) and stay unsigned here.
"""

from __future__ import annotations

import functools
import math
import secrets
import string
import threading
from dataclasses import dataclass, field

import botocore.session

from sandbox.credentials import IssuedCredentials

_KEY_ALPHABET = string.ascii_uppercase + string.digits
ACCOUNT_SESSION = "sandbox-account"  # the IssuedCredentials' role_arn slot: these are no role's


# Operations AWS documents as public whose noAuth marker the pinned botocore's model lacks.
# GetClientToken's API reference: "you can't use IAM credentials to authorize requests" (the client
# id and secret authorize it, as InitiateAuth's password does).
# https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_GetClientToken.html
_DOCUMENTED_PUBLIC = {"cognito-idp": frozenset({"GetClientToken"})}


@functools.lru_cache(maxsize=4)
def _unsigned_operations(service: str) -> frozenset[str]:
    model = botocore.session.get_session().get_service_model(service)
    marked = frozenset(name for name in model.operation_names
                       if model.operation_model(name).auth_type == "none"
                       or "smithy.api#noAuth" in (model.operation_model(name).auth or []))
    return marked | _DOCUMENTED_PUBLIC.get(service, frozenset())


def needs_signature(service: str, operation: str) -> bool:
    """True when AWS accepts `operation` only SigV4-signed (botocore's model says so)."""
    return operation not in _unsigned_operations(service)


@dataclass
class Accounts:
    """Long-term access keys, one per topology, and which pools each one owns."""

    _keys: dict[str, IssuedCredentials] = field(default_factory=dict)
    _user_pools: dict[str, str] = field(default_factory=dict)  # user pool id → access key id
    _identity_pools: dict[str, str] = field(default_factory=dict)  # identity pool id → access key id
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def open(self) -> IssuedCredentials:
        """A new account's credentials (AKIA…: long-term keys, no session token, no expiry)."""
        key = IssuedCredentials(
            access_key_id="AKIA" + "".join(secrets.choice(_KEY_ALPHABET) for _ in range(16)),
            secret_key=secrets.token_urlsafe(30)[:40], session_token="", expiration=math.inf,
            role_arn=ACCOUNT_SESSION, identity_id="", identity_pool_id="", authentication_type="account")
        with self._lock:
            self._keys[key.access_key_id] = key
        return key

    def close(self, access_key_id: str) -> None:
        with self._lock:
            self._keys.pop(access_key_id, None)
            for owned in (self._user_pools, self._identity_pools):
                for pool_id in [p for p, owner in owned.items() if owner == access_key_id]:
                    del owned[pool_id]

    def find(self, access_key_id: str) -> IssuedCredentials | None:
        """For `sandbox.sigv4.verify`: the account key with this id, if the sandbox issued it."""
        with self._lock:
            return self._keys.get(access_key_id)

    def claim_user_pool(self, access_key_id: str, user_pool_id: str) -> None:
        with self._lock:
            self._user_pools[user_pool_id] = access_key_id

    def claim_identity_pool(self, access_key_id: str, identity_pool_id: str) -> None:
        with self._lock:
            self._identity_pools[identity_pool_id] = access_key_id

    def user_pools_of(self, access_key_id: str) -> list[str]:
        """The caller's own user pool ids, oldest first."""
        with self._lock:
            return [pool_id for pool_id, owner in self._user_pools.items() if owner == access_key_id]

    def owns_user_pool(self, access_key_id: str, user_pool_id: str) -> bool:
        with self._lock:
            return self._user_pools.get(user_pool_id) == access_key_id

    def owns_identity_pool(self, access_key_id: str, identity_pool_id: str) -> bool:
        with self._lock:
            return self._identity_pools.get(identity_pool_id) == access_key_id

    def forget_user_pool(self, user_pool_id: str) -> None:
        with self._lock:
            self._user_pools.pop(user_pool_id, None)

    def forget_identity_pool(self, identity_pool_id: str) -> None:
        with self._lock:
            self._identity_pools.pop(identity_pool_id, None)

    def user_pool_count(self) -> int:
        with self._lock:
            return len(self._user_pools)
