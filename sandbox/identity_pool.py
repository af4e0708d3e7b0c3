"""The identity-pool service (cognito-identity), spoken over AWS JSON 1.1.

moto's cognito-identity accepts any token in a Logins map; the sandbox implements the pool
itself so that it checks the ID token and resolves roles as Cognito does (aws-facts.md §4).
Model (pools, identities) here; the HTTP layer is `sandbox.app`.
"""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable

from sandbox.credentials import CredentialStore
from sandbox.errors import (InvalidIdentityPoolConfigurationException, NotAuthorizedException,
                            ResourceNotFoundException, UnknownOperationException)
from sandbox.login_token import check_user_pool_login
from sandbox.role_resolution import RoleDecision, resolve_authenticated_role

_IDENTITY_NAMESPACE = uuid.UUID("5f1c3a52-7d0e-4a8b-9c61-2e9b7f4d8a10")


@dataclass
class IdentityPool:
    identity_pool_id: str
    name: str
    allow_unauthenticated: bool
    allow_classic_flow: bool
    providers: list[dict[str, Any]]
    roles: dict[str, str] = field(default_factory=dict)
    role_mappings: dict[str, Any] = field(default_factory=dict)
    identities: dict[str, str] = field(default_factory=dict)  # identity id → login subject or ""

    def client_ids(self, provider_name: str) -> set[str]:
        return {p["ClientId"] for p in self.providers if p["ProviderName"] == provider_name}

    def describe(self) -> dict[str, Any]:
        return {"IdentityPoolId": self.identity_pool_id, "IdentityPoolName": self.name,
                "AllowUnauthenticatedIdentities": self.allow_unauthenticated,
                "AllowClassicFlow": self.allow_classic_flow, "CognitoIdentityProviders": self.providers}


@dataclass(frozen=True)
class CheckedLogin:
    provider_name: str
    client_id: str
    claims: dict[str, Any]

    @property
    def subject(self) -> str:
        return f"{self.provider_name}:{self.claims['sub']}"


@dataclass
class IdentityPoolService:
    region: str
    credentials: CredentialStore
    pools: dict[str, IdentityPool] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    clock: Callable[[], float] = time.time  # login tokens' exp is checked against it

    def handle(self, operation: str, body: dict[str, Any]) -> dict[str, Any]:
        handler: Callable[[dict[str, Any]], dict[str, Any]] | None = getattr(self, f"op_{operation}", None)
        if handler is None:
            raise UnknownOperationException(f"The sandbox does not implement {operation}.")
        return handler(body)

    def _pool(self, identity_pool_id: str) -> IdentityPool:
        pool = self.pools.get(identity_pool_id)
        if pool is None:
            raise ResourceNotFoundException(f"IdentityPool '{identity_pool_id}' not found.")
        return pool

    # --- configuration calls ---------------------------------------------------------------
    def op_CreateIdentityPool(self, body: dict[str, Any]) -> dict[str, Any]:
        pool = IdentityPool(
            identity_pool_id=f"{self.region}:{uuid.uuid4()}", name=body["IdentityPoolName"],
            allow_unauthenticated=bool(body.get("AllowUnauthenticatedIdentities")),
            # The fact sheet's evidence (aws-facts.md §4.1, aws-cli#7652): a pool created without
            # the flag allowed the basic flow; only an explicit false refuses it.
            allow_classic_flow=bool(body.get("AllowClassicFlow", True)),
            providers=list(body.get("CognitoIdentityProviders") or []),
        )
        with self._lock:
            self.pools[pool.identity_pool_id] = pool
        return pool.describe()

    def op_DescribeIdentityPool(self, body: dict[str, Any]) -> dict[str, Any]:
        return self._pool(body["IdentityPoolId"]).describe()

    def op_UpdateIdentityPool(self, body: dict[str, Any]) -> dict[str, Any]:
        """Replaces the pool's settings with those given, as AWS's UpdateIdentityPool does (its
        API reference: IdentityPoolName and AllowUnauthenticatedIdentities are required)."""
        pool = self._pool(body["IdentityPoolId"])
        with self._lock:
            pool.name = body["IdentityPoolName"]
            pool.allow_unauthenticated = bool(body.get("AllowUnauthenticatedIdentities"))
            pool.allow_classic_flow = bool(body.get("AllowClassicFlow", pool.allow_classic_flow))
            pool.providers = list(body.get("CognitoIdentityProviders") or [])
        return pool.describe()

    def op_DeleteIdentityPool(self, body: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            self.pools.pop(body["IdentityPoolId"], None)
        self.credentials.forget_pool(body["IdentityPoolId"])
        return {}

    def op_ListIdentityPools(self, body: dict[str, Any]) -> dict[str, Any]:
        """Every pool; `sandbox.app` keeps only the caller's own (one page: the lab has few)."""
        with self._lock:
            pools = list(self.pools.values())
        return {"IdentityPools": [{"IdentityPoolId": p.identity_pool_id, "IdentityPoolName": p.name} for p in pools]}

    def op_SetIdentityPoolRoles(self, body: dict[str, Any]) -> dict[str, Any]:
        pool = self._pool(body["IdentityPoolId"])
        pool.roles = dict(body.get("Roles") or {})
        pool.role_mappings = dict(body.get("RoleMappings") or {})
        return {}

    def op_GetIdentityPoolRoles(self, body: dict[str, Any]) -> dict[str, Any]:
        pool = self._pool(body["IdentityPoolId"])
        return {"IdentityPoolId": pool.identity_pool_id, "Roles": pool.roles, "RoleMappings": pool.role_mappings}

    # --- the credential exchange ----------------------------------------------------------
    def _check_logins(self, pool: IdentityPool, logins: dict[str, str]) -> CheckedLogin | None:
        if not logins:
            if not pool.allow_unauthenticated:
                raise NotAuthorizedException("Unauthenticated access is not supported for this identity pool.")
            return None
        provider_name, token = next(iter(logins.items()))
        claims = check_user_pool_login(provider_name, token, pool.client_ids(provider_name), self.clock())
        return CheckedLogin(provider_name, claims["aud"], claims)

    def op_GetId(self, body: dict[str, Any]) -> dict[str, Any]:
        pool = self._pool(body["IdentityPoolId"])
        login = self._check_logins(pool, body.get("Logins") or {})
        if login is None:
            identity_id = f"{self.region}:{uuid.uuid4()}"
            pool.identities[identity_id] = ""
        else:
            # The same user always gets the same identity id in a pool.
            name = f"{pool.identity_pool_id}|{login.subject}"
            identity_id = f"{self.region}:{uuid.uuid5(_IDENTITY_NAMESPACE, name)}"
            pool.identities[identity_id] = login.subject
        return {"IdentityId": identity_id}

    def identity_pool_id_of(self, identity_id: str) -> str | None:
        """The pool that holds this identity, or None."""
        return next((p.identity_pool_id for p in list(self.pools.values()) if identity_id in p.identities), None)

    def _identity_pool_of(self, identity_id: str) -> IdentityPool:
        for pool in list(self.pools.values()):
            if identity_id in pool.identities:
                return pool
        raise ResourceNotFoundException(f"Identity '{identity_id}' not found.")

    def _login_for_identity(self, pool: IdentityPool, identity_id: str, logins: dict[str, str]) -> CheckedLogin | None:
        subject = pool.identities[identity_id]
        login = self._check_logins(pool, logins) if (logins or not subject) else None
        if subject and (login is None or login.subject != subject):
            raise NotAuthorizedException("Logins don't match. Please include at least one valid login for this identity or identity pool")
        return login

    def resolve_role(self, pool: IdentityPool, login: CheckedLogin | None, custom_role_arn: str | None) -> RoleDecision:
        if login is None:
            role = pool.roles.get("unauthenticated", "")
            return RoleDecision(role, (f"Guest identity: the pool's unauthenticated role {role}.",))
        mapping = pool.role_mappings.get(f"{login.provider_name}:{login.client_id}")
        return resolve_authenticated_role(pool.roles, mapping, login.claims, custom_role_arn)

    def op_GetCredentialsForIdentity(self, body: dict[str, Any]) -> dict[str, Any]:
        identity_id = body["IdentityId"]
        pool = self._identity_pool_of(identity_id)
        login = self._login_for_identity(pool, identity_id, body.get("Logins") or {})
        decision = self.resolve_role(pool, login, body.get("CustomRoleArn"))
        if not decision.role_arn:
            raise InvalidIdentityPoolConfigurationException("Invalid identity pool configuration. Check assigned IAM roles for this pool.")
        credentials = self.credentials.mint(
            decision.role_arn, identity_id, pool.identity_pool_id,
            "authenticated" if login else "unauthenticated",
            (login.provider_name,) if login else (),
        )
        return {"IdentityId": identity_id, "Credentials": credentials.to_wire()}
