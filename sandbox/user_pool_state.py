"""What the sandbox adds to each user pool, kept apart from moto's objects.

moto holds a pool's users, clients and token registries. Everything the sandbox adds to make
the pool behave like Cognito lives in one `UserPoolState` per pool: its signing keys, pending
challenges, SRP verifiers, authenticator secrets, sign-in events, revoked access tokens,
confirmation codes and outbox. The rules that use them live in their own modules
(`user_pool_auth`, `user_pool_tokens`, `revocation`, `confirmation_codes`, `software_token`);
this module is only the state, with no HTTP and no moto.

`UserPoolStates` is the registry by user pool id, with the clock every user-pool rule reads.
There is one per process (`USER_POOLS`) because moto's pools are process-wide too: two sandbox
servers in one process share moto's pools, so they must share what the sandbox adds to them.
A pool's state goes when the pool is deleted (DeleteUserPool) or its topology released.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Callable

from sandbox import srp
from sandbox.keys import PoolKeys, new_pool_keys

Clock = Callable[[], float]  # seconds since the epoch; tests move it forward instead of sleeping


@dataclass(frozen=True)
class PendingChallenge:
    """A challenge the pool asked and the client has yet to answer."""

    name: str
    client_id: str
    username: str | None  # None: a simulated challenge for a user who doesn't exist
    issued_at: float
    srp_session: srp.ServerSession | None = None


@dataclass(frozen=True)
class SignInEvent:
    """What stays fixed for every token issued from one sign-in (and its refreshes)."""

    auth_time: int
    event_id: str
    # The scopes an OAuth sign-in was granted: its refreshes keep them (aws-facts.md §3.2).
    # None for a native-API sign-in, whose access tokens carry the native scope only (§2.5).
    scope: str | None = None


@dataclass(frozen=True)
class SentMessage:
    """One message the pool would have sent."""

    username: str
    purpose: str  # "SignUp"
    code: str
    destination: str  # as masked in CodeDeliveryDetails
    delivery_medium: str
    attribute_name: str
    sent_at: int


@dataclass(frozen=True)
class KeptVerifier:
    """A user's SRP verifier and the fingerprint of the password it was derived from."""

    password_fingerprint: str
    verifier: srp.PasswordVerifier


@dataclass(frozen=True)
class StoredPasskey:
    """A passkey CompleteWebAuthnRegistration verified: what sign-in needs to check assertions."""

    credential_id: str  # base64url, as the browser names it
    user_sub: str
    public_key: bytes  # COSE key, as the authenticator sent it
    sign_count: int
    relying_party_id: str
    created_at: float
    attachment: str | None = None
    transports: tuple[str, ...] = ()


@dataclass(frozen=True)
class SignInCode:
    """A one-time code sent for an EMAIL_OTP or SMS_OTP sign-in (USER_AUTH), by session."""

    username: str
    client_id: str
    challenge: str  # "EMAIL_OTP" or "SMS_OTP"
    code: str
    sent_at: float


@dataclass
class UserPoolState:
    """Everything the sandbox adds to one user pool. Per-user entries are keyed by the user's
    `sub` (moto's user id), so a user deleted and created again starts afresh, as on AWS."""

    user_pool_id: str
    keys: PoolKeys = field(default_factory=new_pool_keys)
    pending_challenges: dict[str, PendingChallenge] = field(default_factory=dict)  # by Session / SECRET_BLOCK
    srp_verifiers: dict[str, KeptVerifier] = field(default_factory=dict)
    # Derives simulated SRP challenges for unknown users, stable per username (aws-facts.md §2.2).
    srp_decoy_key: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    totp_secrets: dict[str, str] = field(default_factory=dict)  # verified authenticator apps
    pending_totp_secrets: dict[str, str] = field(default_factory=dict)  # associated, not yet verified
    # The last 30-second step whose TOTP code the user spent: a code is good once (RFC 6238 §5.2).
    last_totp_steps: dict[str, int] = field(default_factory=dict)
    sign_in_events: dict[str, SignInEvent] = field(default_factory=dict)  # by origin_jti
    revoked_access_tokens: set[str] = field(default_factory=set)
    confirmation_codes: dict[str, str] = field(default_factory=dict)  # by username
    confirmation_codes_sent_at: dict[str, float] = field(default_factory=dict)  # by username: they expire
    outbox: list[SentMessage] = field(default_factory=list)
    # Refresh tokens rotated out (GetTokensFromRefreshToken with rotation): when they stop working.
    rotated_refresh_tokens: dict[str, float] = field(default_factory=dict)
    # Choice-based sign-in (USER_AUTH) and passkeys: sandbox.user_auth, sandbox.webauthn_rp.
    web_authn_config: dict[str, str] = field(default_factory=dict)  # SetUserPoolMfaConfig WebAuthnConfiguration
    passkeys: dict[str, StoredPasskey] = field(default_factory=dict)  # by credential id
    passkey_registrations: dict[str, tuple[bytes, float]] = field(default_factory=dict)  # by sub: challenge, when
    passkey_challenges: dict[str, bytes] = field(default_factory=dict)  # by Session: the WEB_AUTHN challenge
    sign_in_codes: dict[str, SignInCode] = field(default_factory=dict)  # by Session
    sign_in_methods: dict[str, tuple[str, ...]] = field(default_factory=dict)  # by origin_jti: the amr claim


@dataclass
class UserPoolStates:
    """The sandbox's state of every user pool, by user pool id, and the clock its rules read."""

    clock: Clock = time.time
    _states: dict[str, UserPoolState] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def of(self, user_pool_id: str) -> UserPoolState:
        """The pool's state, made on first use (with its two new signing keys)."""
        with self._lock:
            if user_pool_id not in self._states:
                self._states[user_pool_id] = UserPoolState(user_pool_id)
            return self._states[user_pool_id]

    def find(self, user_pool_id: str) -> UserPoolState | None:
        with self._lock:
            return self._states.get(user_pool_id)

    def keys(self, user_pool_id: str) -> PoolKeys | None:
        """The pool's signing keys, or None for a pool the sandbox has no state for."""
        state = self.find(user_pool_id)
        return state.keys if state else None

    def forget(self, user_pool_id: str) -> None:
        with self._lock:
            self._states.pop(user_pool_id, None)

    def count(self) -> int:
        with self._lock:
            return len(self._states)


USER_POOLS = UserPoolStates()
