"""The one door to moto: every other sandbox module reaches moto's user pools through here.

moto is the engine for the user-pool API (DESIGN.md, "The sandbox"). What the sandbox needs
from it — finding pools, clients and users, calling its model, reading and writing its token
registries (GetUser and GlobalSignOut read them) — is named here once, so a moto upgrade
changes one file. Only this module imports moto; the others use the aliases below for types.

Nothing the sandbox adds is stored on moto's objects: that lives in `sandbox.user_pool_state`.
"""

from __future__ import annotations

import datetime
import json
import threading
from typing import Any, Callable, Iterable, Protocol

from joserfc import jwk
from moto.cognitoidp import models as moto_cognitoidp_models
from moto.cognitoidp.models import CognitoIdpUser, CognitoIdpUserPool, CognitoIdpUserPoolClient, UserStatus
from moto.cognitoidp.models import CognitoIdpBackend, cognitoidp_backends
from moto.core.exceptions import JsonRESTError
from moto.moto_server.werkzeug_app import create_backend_app

from sandbox.errors import from_moto

__all__ = ["ACCOUNT_ID", "MotoClient", "MotoUser", "MotoUserPool", "TokenFactory", "UserStatus", "WsgiApp",
           "access_token_owner", "access_tokens_of", "call", "confirm", "find_client", "find_pool", "find_user",
           "forget_access_token", "install_token_factory", "install_user_pool_defaults", "is_known_refresh_token",
           "is_registered_access_token", "mark_software_token_verified", "mfa_config",
           "readable_attributes",
           "refresh_token_entry", "register_access_token", "register_id_token", "register_refresh_token",
           "revoke_refresh_token", "set_password", "sign_out", "sign_up", "update_attributes", "user_pool_api_app",
           "validate_password"]

ACCOUNT_ID = "123456789012"  # moto's default account
MotoUserPool = CognitoIdpUserPool
MotoClient = CognitoIdpUserPoolClient
MotoUser = CognitoIdpUser
WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
RefreshEntry = tuple[str, str, str]  # (client id, username, origin_jti)


def user_pool_api_app() -> WsgiApp:
    """moto's own HTTP handler for cognito-idp: answers what the sandbox does not."""
    return create_backend_app("cognito-idp")


# --- finding things -------------------------------------------------------------------------

def find_pool(user_pool_id: str) -> MotoUserPool | None:
    for backend in cognitoidp_backends[ACCOUNT_ID].values():
        if user_pool_id in backend.user_pools:
            return backend.user_pools[user_pool_id]
    return None


def pool_summary(pool: MotoUserPool) -> dict[str, Any]:
    """A pool as ListUserPools describes it (moto's own summary), dates as the JSON protocol's
    epoch seconds."""
    return {name: value.timestamp() if isinstance(value, datetime.datetime) else value
            for name, value in pool.to_json().items()}


def find_client(client_id: str) -> tuple[MotoUserPool, MotoClient] | None:
    for backend in cognitoidp_backends[ACCOUNT_ID].values():
        for pool in list(backend.user_pools.values()):
            if client_id in pool.clients:
                return pool, pool.clients[client_id]
    return None


def find_user(pool: MotoUserPool, username: str | None) -> MotoUser | None:
    """By username, or by an alias the pool signs in with (moto's lookup)."""
    return pool._get_user(username) if username else None


def readable_attributes(pool: MotoUserPool, client_id: str, username: str) -> dict[str, Any]:
    """The user's attributes the app client may read (its ReadAttributes)."""
    readable: dict[str, Any] = pool.get_user_extra_data_by_client_id(client_id, username)
    return readable


# --- calling moto's model -------------------------------------------------------------------

def call(function: Callable[..., Any], *args: Any) -> Any:
    """Call moto's model; its exceptions become fresh sandbox errors of the same AWS type."""
    try:
        return function(*args)
    except JsonRESTError as error:
        raise from_moto(error.error_type, error.message) from error


def validate_password(pool: MotoUserPool, password: str) -> None:
    """InvalidPasswordException unless the password meets the pool's policy."""
    call(pool.backend._validate_password, pool.id, password)


def sign_up(pool: MotoUserPool, client_id: str, username: str, password: str,
            attributes: list[dict[str, str]]) -> MotoUser:
    user, _ = call(pool.backend.sign_up, client_id, username, password, attributes)
    return user


def sign_out(pool: MotoUserPool, username: str) -> None:
    """moto's GlobalSignOut: every refresh token of the user becomes None (revoked)."""
    pool.sign_out(username)


def mark_software_token_verified(user: MotoUser) -> None:
    """moto's flag: SetUserMFAPreference may now enable TOTP for the user."""
    user.token_verified = True


def set_password(user: MotoUser, password: str) -> None:
    """A permanent password: the user is CONFIRMED (NEW_PASSWORD_REQUIRED answered)."""
    user.password, user.status = password, UserStatus.CONFIRMED


def confirm(user: MotoUser) -> None:
    """ConfirmSignUp accepted the user's code."""
    user.status = UserStatus.CONFIRMED


def update_attributes(user: MotoUser, attributes: dict[str, str]) -> None:
    user.update_attributes([{"Name": name, "Value": value} for name, value in attributes.items()])


# --- moto's token registries ----------------------------------------------------------------

def register_access_token(pool: MotoUserPool, token: str, client_id: str, username: str) -> None:
    pool.access_tokens[token] = (client_id, username)


def register_id_token(pool: MotoUserPool, token: str, client_id: str, username: str) -> None:
    pool.id_tokens[token] = (client_id, username)


def register_refresh_token(pool: MotoUserPool, token: str, client_id: str, username: str, origin_jti: str) -> None:
    pool.refresh_tokens[token] = (client_id, username, origin_jti)


def access_token_owner(pool: MotoUserPool, token: str) -> tuple[str, str] | None:
    """(client id, username) of an access token moto still knows, else None."""
    owner: tuple[str, str] | None = pool.access_tokens.get(token)
    return owner


def is_registered_access_token(pool: MotoUserPool, token: str) -> bool:
    return token in pool.access_tokens


def access_tokens_of(pool: MotoUserPool, username: str | None = None) -> list[str]:
    """The access tokens moto knows: all of them, or one user's."""
    return [token for token, (_, owner) in list(pool.access_tokens.items()) if username in (None, owner)]


def forget_access_token(pool: MotoUserPool, token: str) -> None:
    pool.access_tokens.pop(token, None)


def refresh_token_entry(pool: MotoUserPool, token: str) -> RefreshEntry | None:
    """What moto holds for a refresh token: None when unknown or revoked (see `is_known`)."""
    entry: RefreshEntry | None = pool.refresh_tokens.get(token)
    return entry


def is_known_refresh_token(pool: MotoUserPool, token: str) -> bool:
    """Issued by this pool, revoked or not (moto keeps a revoked token's key, valued None)."""
    return token in pool.refresh_tokens


def revoke_refresh_token(pool: MotoUserPool, token: str) -> None:
    pool.refresh_tokens[token] = None  # as moto's own sign_out marks them


# --- token minting --------------------------------------------------------------------------

class TokenFactory(Protocol):
    """What mints a pool's tokens, for every path in moto that issues them (InitiateAuth,
    challenges, refresh, admin calls): `sandbox.user_pool_tokens` provides it."""

    def id_token(self, pool: MotoUserPool, client_id: str, username: str, origin_jti: str) -> tuple[str, int]: ...

    def access_token(self, pool: MotoUserPool, client_id: str, username: str,
                     origin_jti: str) -> tuple[str, int]: ...

    def refresh_token(self, pool: MotoUserPool, client_id: str, username: str) -> tuple[str, str]: ...


def install_token_factory(factory: TokenFactory) -> None:
    """Make moto's user pools mint tokens with `factory`. moto has no hook for this, so its
    three factory methods are replaced; moto's pools are process-wide, and so is this. Idempotent."""
    def create_id_token(pool: MotoUserPool, client_id: str, username: str, origin_jti: str) -> tuple[str, int]:
        return factory.id_token(pool, client_id, username, origin_jti)

    def create_access_token(pool: MotoUserPool, client_id: str, username: str, origin_jti: str) -> tuple[str, int]:
        return factory.access_token(pool, client_id, username, origin_jti)

    def create_refresh_token(pool: MotoUserPool, client_id: str, username: str) -> tuple[str, str]:
        return factory.refresh_token(pool, client_id, username)

    CognitoIdpUserPool.create_id_token = create_id_token
    CognitoIdpUserPool.create_access_token = create_access_token
    CognitoIdpUserPool.create_refresh_token = create_refresh_token


# --- pool defaults --------------------------------------------------------------------------

def install_user_pool_defaults(defaults: dict[str, Any]) -> None:
    """Settings every new pool gets unless the CreateUserPool call names them (moto leaves out
    what it was not given). moto has no hook for this either, so its backend method is wrapped
    once; the wrapper reads the latest defaults. Idempotent."""
    _POOL_DEFAULTS.update(defaults)
    if getattr(CognitoIdpBackend.create_user_pool, "_sandbox_defaults", False):
        return
    create = CognitoIdpBackend.create_user_pool

    def create_user_pool(backend: CognitoIdpBackend, name: str, extended_config: dict[str, Any]) -> MotoUserPool:
        return create(backend, name, {**_POOL_DEFAULTS, **(extended_config or {})})

    create_user_pool._sandbox_defaults = True  # type: ignore[attr-defined]
    CognitoIdpBackend.create_user_pool = create_user_pool  # type: ignore[method-assign]


_POOL_DEFAULTS: dict[str, Any] = {}


def mfa_config(pool: MotoUserPool) -> dict[str, Any]:
    """moto's GetUserPoolMfaConfig answer (MfaConfiguration and the SMS / TOTP settings)."""
    config: dict[str, Any] = pool.backend.get_user_pool_mfa_config(pool.id)
    return config


# --- moto's bundled key, parsed once ------------------------------------------------------

class _KeysParsedOnce:
    """joserfc's `jwk` module as moto's cognitoidp models see it, except that `RSAKey.import_key`
    parses a given key once per process. moto re-imports the same bundled RSA key for every
    CreateUserPool (joserfc recovers its primes: ~0.1-0.4 CPU-s a pool, a third of a topology's
    seeding), although the sandbox never signs with it (`install_token_factory`)."""

    def __init__(self) -> None:
        self._parsed: dict[str, jwk.RSAKey] = {}
        self._lock = threading.Lock()
        self.RSAKey = self  # moto calls jwk.RSAKey.import_key(...)

    def import_key(self, value: Any, *args: Any, **kwargs: Any) -> jwk.RSAKey:
        if args or kwargs or not isinstance(value, dict):
            return jwk.RSAKey.import_key(value, *args, **kwargs)
        text = json.dumps(value, sort_keys=True)  # the key's whole content: a different key parses anew
        with self._lock:
            if text not in self._parsed:
                self._parsed[text] = jwk.RSAKey.import_key(value)
            return self._parsed[text]

    def __getattr__(self, name: str) -> Any:  # anything else moto may use from joserfc.jwk
        return getattr(jwk, name)


def _parse_moto_key_once() -> None:
    """Idempotent: installed when this module is first imported, so once per process."""
    if not isinstance(moto_cognitoidp_models.jwk, _KeysParsedOnce):
        moto_cognitoidp_models.jwk = _KeysParsedOnce()  # type: ignore[assignment]


_parse_moto_key_once()
