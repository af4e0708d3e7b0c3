"""Assumed-role sessions: temporary credentials with the session name and lifetime AWS gives them.

A caller holding role credentials is `arn:aws:sts::<account>:assumed-role/<role>/<session name>`.
The identity pool's enhanced flow always names the session CognitoIdentityCredentials and gives
one hour; STS AssumeRoleWithWebIdentity takes RoleSessionName and DurationSeconds from the caller
(aws-facts.md §4.2). `CredentialStore` keeps neither, so this store adds both.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from sandbox.credentials import CredentialStore, IssuedCredentials

ENHANCED_FLOW_SESSION = "CognitoIdentityCredentials"


@dataclass(frozen=True)
class SessionRequest:
    """What STS was asked for, and on whose behalf (the identity in the OpenID token)."""

    role_arn: str
    session_name: str
    duration_seconds: int
    identity_id: str
    identity_pool_id: str
    authentication_type: str
    login_providers: tuple[str, ...] = ()


@dataclass
class RoleSessionStore(CredentialStore):
    _session_names: dict[str, str] = field(default_factory=dict)

    def mint_session(self, wanted: SessionRequest, now: float) -> IssuedCredentials:
        minted = self.mint(wanted.role_arn, wanted.identity_id, wanted.identity_pool_id,
                           wanted.authentication_type, wanted.login_providers)
        credentials = replace(minted, expiration=float(int(now) + wanted.duration_seconds))
        with self._lock:
            self._issued[credentials.access_key_id] = credentials
            self._session_names[credentials.access_key_id] = wanted.session_name
        return credentials

    def session_name(self, access_key_id: str) -> str:
        with self._lock:
            return self._session_names.get(access_key_id, ENHANCED_FLOW_SESSION)

    def forget_pool(self, identity_pool_id: str) -> None:
        super().forget_pool(identity_pool_id)
        with self._lock:
            self._session_names = {k: v for k, v in self._session_names.items() if k in self._issued}
