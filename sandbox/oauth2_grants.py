"""OAuth 2.0 (RFC 6749, RFC 7636 PKCE, RFC 7009 revocation) and OpenID Connect Core 1.0 as a
Cognito user-pool domain applies them: the state and the rules behind `/oauth2/authorize`,
`/login`, `/oauth2/token`, `/oauth2/userInfo`, `/oauth2/revoke` and `/logout`
(aws-facts.md §3). The HTTP layer is `sandbox.oauth2`; nothing here knows about requests.

State: authorization codes (single use, 5 minutes, §3.1) and managed-login sessions (1 hour,
§1.5), kept in memory with expiry behind a lock, since the sandbox server is threaded. The
clock is injectable so tests can expire a code without sleeping.

Tokens are minted by `sandbox.user_pool_tokens` into moto's pools, so they look exactly like
native ones and moto's bookkeeping (`access_tokens`, `refresh_tokens`) sees them: GetUser,
REFRESH_TOKEN_AUTH and GlobalSignOut work for OAuth tokens too.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
import time
import uuid
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Literal, Mapping

import jwt

from sandbox import moto_adapter as moto
from sandbox import refresh_rotation, revocation, user_pool_tokens
from sandbox.errors import SandboxError
from sandbox.moto_adapter import MotoClient, MotoUser, MotoUserPool, UserStatus
from sandbox.user_pool_state import USER_POOLS

CODE_LIFETIME = 5 * 60  # "single use and lasts 5 minutes" (aws-facts.md §3.1)
SESSION_LIFETIME = 60 * 60  # managed login session cookie: 1 hour (aws-facts.md §1.5)
OPENID = "openid"
STANDARD_SCOPES = ("openid", "email", "phone", "profile", user_pool_tokens.NATIVE_SCOPE)  # §3.6
AUTHORIZE_PARAMETERS = ("response_type", "client_id", "redirect_uri", "state", "scope", "code_challenge",
                        "code_challenge_method", "nonce", "identity_provider")
_FLOW_OF_RESPONSE_TYPE = {"code": "code", "token": "implicit"}
_SCOPE_ATTRIBUTES = {"email": ("email", "email_verified"), "phone": ("phone_number", "phone_number_verified")}
NO_OPENID_SCOPE = "Access token does not contain openid scope"  # userInfo, a token without openid
INVALID_TOKEN = ("Access token is expired, disabled, or deleted, or the user has globally signed out.")  # §3.3
Clock = Callable[[], float]


OAuthErrorCode = Literal["invalid_client", "invalid_grant", "invalid_request", "invalid_scope", "invalid_token",
                         "redirect_mismatch", "unauthorized_client", "unsupported_grant_type",
                         "unsupported_token_type"]


@dataclass(frozen=True)
class OAuthError(SandboxError):
    """An OAuth error answer: an `error` code of aws-facts.md §3 (RFC 6749 §4.1.2.1, §5.2).

    `redirect_uri` is set once the redirect URI is known to be registered: only then may the
    error travel back to the app; otherwise the domain shows its own error page.
    """

    error: OAuthErrorCode
    description: str = ""
    status: int = 400
    redirect_uri: str | None = None
    state: str | None = None


class SignInRefused(SandboxError):
    """The sign-in page's answer to a bad username or password: Cognito's own message."""


@dataclass(frozen=True)
class Grant:
    """What a user's sign-in at the domain granted a client: who, which scopes, when."""

    user_pool_id: str
    client_id: str
    username: str
    scopes: tuple[str, ...]
    auth_time: int
    nonce: str | None = None


@dataclass(frozen=True)
class AuthorizationCode:
    grant: Grant
    redirect_uri: str
    code_challenge: str | None
    expires_at: float


@dataclass(frozen=True)
class LoginSession:
    user_pool_id: str
    username: str
    auth_time: int
    expires_at: float


@dataclass(frozen=True)
class AuthorizationRequest:
    """A checked `/oauth2/authorize` request; `parameters` are passed on to the sign-in page."""

    response_type: str
    client_id: str
    redirect_uri: str
    scopes: tuple[str, ...]
    state: str | None
    code_challenge: str | None
    nonce: str | None
    parameters: dict[str, str]


@dataclass(frozen=True)
class ClientCredentials:
    """How a client authenticated at the token or revoke endpoint (aws-facts.md §3.2)."""

    client_id: str
    client_secret: str | None = None


@dataclass(frozen=True)
class TokenSet:
    access_token: str
    expires_in: int
    id_token: str | None = None
    refresh_token: str | None = None

    def to_json(self) -> dict[str, Any]:
        body = {"id_token": self.id_token, "access_token": self.access_token, "refresh_token": self.refresh_token,
                "expires_in": self.expires_in, "token_type": "Bearer"}
        return {name: value for name, value in body.items() if value is not None}


# --- state --------------------------------------------------------------------------------
@dataclass
class OAuthStore:
    """Codes and sessions of every pool's domain, with expiry; safe across server threads."""

    clock: Clock = time.time
    _codes: dict[str, AuthorizationCode] = field(default_factory=dict)
    _sessions: dict[str, LoginSession] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def issue_code(self, grant: Grant, redirect_uri: str, code_challenge: str | None) -> str:
        code = str(uuid.uuid4())  # real codes are UUIDs
        with self._lock:
            self._forget_expired()
            self._codes[code] = AuthorizationCode(grant, redirect_uri, code_challenge, self.clock() + CODE_LIFETIME)
        return code

    def redeem_code(self, code: str) -> AuthorizationCode | None:
        """The code, removed whatever happens next (single use), or None if unknown or expired."""
        with self._lock:
            found = self._codes.pop(code, None)
        return found if found and found.expires_at > self.clock() else None

    def open_session(self, user_pool_id: str, username: str, auth_time: int) -> str:
        session_id = secrets.token_urlsafe(32)
        with self._lock:
            self._forget_expired()
            self._sessions[session_id] = LoginSession(user_pool_id, username, auth_time,
                                                      self.clock() + SESSION_LIFETIME)
        return session_id

    def session(self, session_id: str, user_pool_id: str) -> LoginSession | None:
        with self._lock:
            found = self._sessions.get(session_id)
        if found and found.user_pool_id == user_pool_id and found.expires_at > self.clock():
            return found
        return None

    def close_session(self, session_id: str) -> None:
        with self._lock:
            self._sessions.pop(session_id, None)

    def _forget_expired(self) -> None:
        now = self.clock()
        for table in (self._codes, self._sessions):
            for key in [key for key, value in table.items() if value.expires_at <= now]:
                del table[key]


# --- /oauth2/authorize --------------------------------------------------------------------
def parse_authorization_request(pool: MotoUserPool, parameters: Mapping[str, str]) -> AuthorizationRequest:
    """Check an authorize request in the order that decides where an error may go (§3.1)."""
    client = _oauth_client(pool, parameters.get("client_id", ""))
    redirect_uri = _registered_callback(client, parameters.get("redirect_uri", ""))
    state = parameters.get("state") or None
    try:
        return AuthorizationRequest(
            _response_type(client, parameters.get("response_type", "")), client.id, redirect_uri,
            _authorize_scopes(pool, client, parameters.get("scope")), state, _code_challenge(parameters),
            parameters.get("nonce") or None,
            {name: parameters[name] for name in AUTHORIZE_PARAMETERS if parameters.get(name)})
    except OAuthError as error:
        raise replace(error, redirect_uri=redirect_uri, state=state) from None


def _oauth_client(pool: MotoUserPool, client_id: str) -> MotoClient:
    client = pool.clients.get(client_id)
    if client is None:
        raise OAuthError("invalid_request", "Invalid client_id")  # no registered URI to go back to
    return client


def _registered_callback(client: MotoClient, redirect_uri: str) -> str:
    # An unregistered redirect_uri is never redirected to: that would hand codes to anyone.
    # Real Cognito names this error redirect_mismatch on its own error page.
    if redirect_uri not in (client.extended_config.get("CallbackURLs") or []):
        raise OAuthError("redirect_mismatch", "redirect_uri is not registered on the app client")
    return redirect_uri


def _response_type(client: MotoClient, response_type: str) -> str:
    flow = _FLOW_OF_RESPONSE_TYPE.get(response_type)
    if flow is None:
        raise OAuthError("invalid_request", "response_type must be code or token")
    config = client.extended_config
    if not config.get("AllowedOAuthFlowsUserPoolClient") or flow not in (config.get("AllowedOAuthFlows") or []):
        raise OAuthError("unauthorized_client", f"Client is not allowed for {flow} grant flow")
    return response_type


def _code_challenge(parameters: Mapping[str, str]) -> str | None:
    method, challenge = parameters.get("code_challenge_method"), parameters.get("code_challenge")
    if method is None and challenge is None:
        return None
    # Cognito supports S256 only; plain, or a challenge without its method, is refused (§3.1).
    if method != "S256" or not challenge:
        raise OAuthError("invalid_request", "code_challenge_method must be S256, with a code_challenge")
    return challenge


def allowed_scopes(pool: MotoUserPool, client: MotoClient) -> tuple[str, ...]:
    """The client's scopes that still exist: "A deleted scope is silently dropped" (§3.6)."""
    configured = client.extended_config.get("AllowedOAuthScopes") or []
    return tuple(scope for scope in configured if scope in STANDARD_SCOPES or _custom_scope_exists(pool, scope))


def _custom_scope_exists(pool: MotoUserPool, scope: str) -> bool:
    identifier, _, name = scope.rpartition("/")
    server = pool.resource_servers.get(identifier)
    return server is not None and any(entry.get("ScopeName") == name for entry in server.scopes or [])


def _authorize_scopes(pool: MotoUserPool, client: MotoClient,
                      requested: str | None) -> tuple[str, ...]:
    allowed = allowed_scopes(pool, client)
    if not requested:
        return allowed  # "the authentication server uses all scopes that are associated with the client"
    scopes = tuple(dict.fromkeys(requested.split()))
    if not set(scopes) <= set(allowed):
        # UNCONFIRMED (aws-facts.md UNCONFIRMED item 7): the authorize page says "ignored", the
        # resource-server page says "an error is returned" (§3.6). Users of real pools report the
        # error, as `?error_description=invalid_scope&error=invalid_request`
        # (https://github.com/aws-samples/cloudfront-authorization-at-edge/issues/82,
        # https://github.com/mlops-club/awscdk-minecraft/issues/40), so the sandbox refuses.
        raise OAuthError("invalid_request", "invalid_scope")
    return scopes


# --- the sign-in page ---------------------------------------------------------------------
def check_password(pool: MotoUserPool, client: MotoClient, username: str,
                   password: str) -> MotoUser:
    """The user, or SignInRefused with the message Cognito shows (aws-facts.md §2.6)."""
    user = moto.find_user(pool, username)
    if user is None:
        hidden = client.extended_config.get("PreventUserExistenceErrors") == "ENABLED"
        raise SignInRefused("Incorrect username or password." if hidden else "User does not exist.")
    if user.status is UserStatus.UNCONFIRMED:
        raise SignInRefused("User is not confirmed.")  # even when the password is wrong (§2.6)
    if not hmac.compare_digest(str(user.password or ""), password):
        raise SignInRefused("Incorrect username or password.")
    if not user.enabled:
        raise SignInRefused("User is disabled.")
    if user.status is not UserStatus.CONFIRMED:
        # Real managed login shows a change-password form here; the sandbox's page does not.
        raise SignInRefused("Password reset required for the user. (The sandbox's sign-in page cannot "
                            "change passwords: answer NEW_PASSWORD_REQUIRED through the native API first.)")
    return user


def grant_for(request: AuthorizationRequest, pool: MotoUserPool, username: str, auth_time: int) -> Grant:
    return Grant(pool.id, request.client_id, username, request.scopes, auth_time, request.nonce)


# --- tokens for a user ----------------------------------------------------------------------
def tokens_for_grant(pool: MotoUserPool, grant: Grant, with_refresh_token: bool = True) -> TokenSet:
    """A new sign-in's tokens. The implicit grant never gets a refresh token (§3.1)."""
    if with_refresh_token:
        refresh_token, origin_jti = user_pool_tokens.COGNITO_TOKENS.refresh_token(pool, grant.client_id, grant.username)
    else:
        refresh_token, origin_jti = None, str(uuid.uuid4())
    user_pool_tokens.record_sign_in(pool, origin_jti, grant.auth_time, " ".join(grant.scopes))
    tokens = _user_tokens(pool, grant.client_id, grant.username, origin_jti, grant.nonce)
    return replace(tokens, refresh_token=refresh_token)


def _user_tokens(pool: MotoUserPool, client_id: str, username: str, origin_jti: str,
                 nonce: str | None) -> TokenSet:
    scope = user_pool_tokens.granted_scope(pool, origin_jti)
    access_claims = user_pool_tokens.access_token_claims(pool, client_id, username, origin_jti,
                                                         scope or user_pool_tokens.NATIVE_SCOPE)
    access_token = user_pool_tokens.sign(pool, access_claims, "access")
    moto.register_access_token(pool, access_token, client_id, username)  # GetUser, GlobalSignOut see it
    # "An ID token is only returned if openid scope is requested" (§3.1); a native sign-in's
    # refresh token (scope None) always had one.
    wants_id_token = scope is None or OPENID in scope.split()
    id_token = _id_token(pool, client_id, username, origin_jti, access_token, nonce) if wants_id_token else None
    lifetime = user_pool_tokens.token_lifetime(pool, client_id, "access")
    return TokenSet(access_token, lifetime, id_token)


def _id_token(pool: MotoUserPool, client_id: str, username: str, origin_jti: str, access_token: str,
              nonce: str | None) -> str:
    extra: dict[str, Any] = {"at_hash": at_hash(access_token)}
    if nonce:
        extra["nonce"] = nonce  # echoed from the authorize request (§1.2)
    claims = user_pool_tokens.id_token_claims(pool, client_id, username, origin_jti, extra)
    token = user_pool_tokens.sign(pool, claims, "id")
    moto.register_id_token(pool, token, client_id, username)
    return token


def at_hash(access_token: str) -> str:
    """OIDC Core §3.1.3.6: base64url of the left half of SHA-256 of the access token (RS256)."""
    digest = hashlib.sha256(access_token.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest[: len(digest) // 2]).decode().rstrip("=")


# --- /oauth2/token ------------------------------------------------------------------------
def authenticate_client(pool: MotoUserPool, credentials: ClientCredentials | None) -> MotoClient:
    """The app client, if it proved who it is: its secret when it has one (§3.2)."""
    client = pool.clients.get(credentials.client_id) if credentials else None
    if client is None or credentials is None:
        raise OAuthError("invalid_client", "Client authentication failed")
    if client.generate_secret and not hmac.compare_digest(credentials.client_secret or "", client.secret):
        raise OAuthError("invalid_client", "Client authentication failed")
    return client


def require_flow(client: MotoClient, flow: str) -> None:
    config = client.extended_config
    if not config.get("AllowedOAuthFlowsUserPoolClient") or flow not in (config.get("AllowedOAuthFlows") or []):
        raise OAuthError("unauthorized_client", f"Client is not allowed for {flow} grant flow")


def redeem_code(store: OAuthStore, client: MotoClient, code: str, redirect_uri: str,
                code_verifier: str | None) -> Grant:
    """The grant behind a code. Any failure is invalid_grant (§3.2, RFC 6749 §5.2)."""
    # The code is spent by the first attempt, even a failed one (RFC 6749 §10.5: single use).
    # Whether Cognito spends it on a failed attempt too is UNCONFIRMED.
    found = store.redeem_code(code)
    if found is None or found.grant.client_id != client.id or found.redirect_uri != redirect_uri:
        raise OAuthError("invalid_grant", "The code is unknown, used, expired, or for another client or redirect_uri")
    if found.code_challenge and not _verifier_matches(code_verifier, found.code_challenge):
        raise OAuthError("invalid_grant", "code_verifier does not match the code_challenge")
    return found.grant


def s256(code_verifier: str) -> str:
    """RFC 7636 §4.2: BASE64URL(SHA256(ASCII(code_verifier))), without padding."""
    digest = hashlib.sha256(code_verifier.encode("ascii", errors="replace")).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def _verifier_matches(code_verifier: str | None, code_challenge: str) -> bool:
    return bool(code_verifier) and hmac.compare_digest(s256(code_verifier or ""), code_challenge)


def tokens_for_refresh(pool: MotoUserPool, client: MotoClient, refresh_token: str) -> TokenSet:
    """New access and ID tokens, and a new refresh token only when the client rotates them
    (§3.2, §1.5); the sign-in's scopes are kept."""
    held = moto.refresh_token_entry(pool, refresh_token)
    if held is None or held[0] != client.id or refresh_rotation.is_rotated_out(pool, refresh_token):
        raise OAuthError("invalid_grant", "Refresh token is revoked, rotated out, unknown, or for another client")
    _, username, origin_jti = held
    user = moto.find_user(pool, username)
    if user is None or not user.enabled:
        raise OAuthError("invalid_grant", "The user no longer exists or is disabled")
    # OIDC Core §12.2: a refreshed ID token carries no nonce. Cognito's choice is UNCONFIRMED.
    tokens = _user_tokens(pool, client.id, username, origin_jti, nonce=None)
    if refresh_rotation.is_enabled(client):  # with rotation, a new refresh token too (§1.5)
        return replace(tokens, refresh_token=refresh_rotation.rotate(pool, client, refresh_token))
    return tokens


# --- client_credentials ---------------------------------------------------------------------
def tokens_for_client(pool: MotoUserPool, client: MotoClient, requested: str | None) -> TokenSet:
    """Machine to machine: an access token only, with custom scopes only (§3.2)."""
    require_flow(client, "client_credentials")
    scopes = _client_credentials_scopes(pool, client, requested)
    claims = user_pool_tokens.client_credentials_claims(pool, client.id, " ".join(scopes))
    # Not registered in moto's access_tokens: there is no user for GetUser to find.
    token = user_pool_tokens.sign(pool, claims, "access")
    return TokenSet(token, user_pool_tokens.token_lifetime(pool, client.id, "access"))


def _client_credentials_scopes(pool: MotoUserPool, client: MotoClient,
                               requested: str | None) -> tuple[str, ...]:
    custom = tuple(scope for scope in allowed_scopes(pool, client) if scope not in STANDARD_SCOPES)
    # "If the client doesn't request any scopes, the authentication server uses all custom
    # scopes associated with the client"; a disallowed scope is an error, no token (§3.2, §3.6).
    scopes = tuple(dict.fromkeys(requested.split())) if requested else custom
    if not scopes or not set(scopes) <= set(custom):
        raise OAuthError("invalid_scope", "Only custom scopes enabled on the app client can be requested")
    return scopes


# --- /oauth2/userInfo ---------------------------------------------------------------------
def user_info(pool: MotoUserPool, access_token: str) -> dict[str, Any]:
    """The user's claims that the token's scopes allow; the token needs `openid` (§3.3)."""
    claims = _valid_access_claims(pool, access_token)
    scopes = str(claims.get("scope", "")).split()
    held = moto.access_token_owner(pool, access_token)
    user = moto.find_user(pool, held[1]) if held else None
    # Native tokens lack openid, so userInfo "doesn't accept" them (§2.5, §3.3), and says why:
    # "Access token does not contain openid scope" (AWS's answer, as real clients saw it: issue 20).
    if OPENID not in scopes:
        raise OAuthError("invalid_token", NO_OPENID_SCOPE, 401)
    if user is None or not user.enabled:
        raise OAuthError("invalid_token", INVALID_TOKEN, 401)
    return _user_info_claims(pool, str(claims["client_id"]), user, scopes)


def _valid_access_claims(pool: MotoUserPool, access_token: str) -> dict[str, Any]:
    keys = USER_POOLS.keys(pool.id)
    try:
        claims: dict[str, Any] = jwt.decode(access_token, keys.access_key.private_key.public_key() if keys else "",
                                            algorithms=["RS256"], issuer=user_pool_tokens.issuer(pool),
                                            options={"require": ["exp", "iat", "token_use"]})
    except jwt.PyJWTError:
        raise OAuthError("invalid_token", INVALID_TOKEN, 401) from None
    # Revoked or globally signed-out tokens leave moto's registry (RevokeToken, GlobalSignOut).
    if claims.get("token_use") != "access" or not moto.is_registered_access_token(pool, access_token):
        raise OAuthError("invalid_token", INVALID_TOKEN, 401)
    return claims


def _user_info_claims(pool: MotoUserPool, client_id: str, user: MotoUser,
                      scopes: list[str]) -> dict[str, Any]:
    readable = moto.readable_attributes(pool, client_id, user.username)
    if "profile" in scopes:
        wanted = set(readable)  # "profile gives all user data" the client may read (§3.3)
    else:
        wanted = {name for scope in scopes for name in _SCOPE_ATTRIBUTES.get(scope, ())}
    claims = {name: value for name, value in readable.items() if name in wanted}
    # Values stay strings ("true") and `username` is added, as in the AWS page's sample
    # response as remembered: UNCONFIRMED, the fact sheet quotes only {"sub", "name", "email"}.
    return {"sub": user.id, **claims, "username": user.username}


# --- /oauth2/revoke -----------------------------------------------------------------------
def revoke(pool: MotoUserPool, client: MotoClient, token: str) -> None:
    """Revoke a refresh token and every access token issued from it (§3.4)."""
    if not client.extended_config.get("EnableTokenRevocation", True):
        raise OAuthError("invalid_request", "Token revocation is disabled for this client")
    if token.count(".") == 2:  # a JWT: an ID or access token, not a refresh token
        raise OAuthError("unsupported_token_type", "Only refresh tokens can be revoked")
    # The same revocation as the RevokeToken API's, so GetUser then answers "Access Token has
    # been revoked" and REFRESH_TOKEN_AUTH "Refresh Token has been revoked". An unknown, already
    # revoked or other client's token is left alone, and the answer is still 200 (§3.4).
    revocation.revoke_refresh_token(pool, client, token)


# --- /logout ------------------------------------------------------------------------------
def logout_redirect(pool: MotoUserPool, parameters: Mapping[str, str]) -> str | AuthorizationRequest:
    """Where `/logout` sends the browser: a registered sign-out URL, or (with redirect_uri and
    response_type) back to the sign-in page for that authorize request (§3.5)."""
    client = _oauth_client(pool, parameters.get("client_id", ""))
    logout_uri = parameters.get("logout_uri")
    if logout_uri is None:
        return parse_authorization_request(pool, parameters)
    if logout_uri not in (client.extended_config.get("LogoutURLs") or []):
        raise OAuthError("redirect_mismatch", "logout_uri is not registered on the app client")
    return logout_uri
