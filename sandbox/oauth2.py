"""The user-pool domain's OAuth 2.0 / OpenID Connect endpoints over HTTP (aws-facts.md §3).

On AWS they live on the pool's domain, `https://<prefix>.auth.<region>.amazoncognito.com`;
the sandbox serves each pool's domain under its own endpoint, at
`/oauth2-domain/<user pool id>/...`:

- `GET /oauth2/authorize` (§3.1) → `302` to the sign-in page `GET /login`, whose form POSTs
  to `/login`; success → `302 <redirect_uri>?code=…&state=…`;
- `POST /oauth2/token` (§3.2), `GET|POST /oauth2/userInfo` (§3.3), `POST /oauth2/revoke`
  (§3.4), `GET /logout` (§3.5), and `GET /error`, where errors that may not go back to an
  unregistered redirect URI are shown.

The issuer and the discovery document stay on the AWS host (§1.1): `sandbox.app` serves them
and names these endpoints (`discovery_endpoints`). The rules and state are
`sandbox.oauth2_grants`; this module only speaks HTTP.
"""

from __future__ import annotations

import html
import json
import re
import secrets
import time
from typing import Any, Callable, Mapping
from urllib.parse import parse_qsl, unquote_plus, urlencode, urlsplit, urlunsplit

from werkzeug.wrappers import Request, Response

from sandbox import oauth2_grants as grants
from sandbox.moto_adapter import MotoClient, MotoUserPool, find_pool
from sandbox.oauth2_grants import AuthorizationRequest, ClientCredentials, OAuthError, SignInRefused

PATH_PREFIX = "/oauth2-domain/"
SESSION_COOKIE = "cognito"  # the managed-login session cookie
# The hosted page's CSRF guard: GET /login sets this cookie and puts the same value in the form's
# _csrf field; POST /login must bring both back (test_hosted_login_cookie.py says what is confirmed).
XSRF_COOKIE = "XSRF-TOKEN"
CSRF_FIELD = "_csrf"
_DOMAIN_PATH = re.compile(r"^/oauth2-domain/(?P<pool>[\w-]+_[0-9a-zA-Z]+)(?P<endpoint>/.*)?$")
_JSON = "application/json;charset=UTF-8"  # the token endpoint's content type (§3.2)
# RFC 6749 §5.1: token responses must not be cached.
_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
DISCOVERY_SCOPES = ("openid", "email", "phone", "profile")  # no aws.cognito.signin.user.admin
Handler = Callable[["OAuth2Domain", Request, MotoUserPool, str], Response]


def domain_url(endpoint: str, user_pool_id: str) -> str:
    """The base URL that plays `https://<prefix>.auth.<region>.amazoncognito.com`."""
    return f"{endpoint.rstrip('/')}{PATH_PREFIX}{user_pool_id}"


def discovery_endpoints(domain: str) -> dict[str, Any]:
    """What the discovery document says about the domain. `scopes_supported` is the four OIDC
    scopes, as in real documents from 2018, 2022 and 2025, and there is no
    `code_challenge_methods_supported`, which AWS leaves out (issue 20): so openid-client's
    `supportsPKCE()` is false here as on AWS, though the authorize endpoint does take S256 (§3.1).
    The other endpoint names are the OpenID Connect Discovery 1.0 ones (UNCONFIRMED item 3)."""
    return {
        "authorization_endpoint": f"{domain}/oauth2/authorize",
        "token_endpoint": f"{domain}/oauth2/token",
        "userinfo_endpoint": f"{domain}/oauth2/userInfo",
        "revocation_endpoint": f"{domain}/oauth2/revoke",
        "end_session_endpoint": f"{domain}/logout",
        "scopes_supported": list(DISCOVERY_SCOPES),
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
    }


class OAuth2Domain:
    """Every pool's domain endpoints, sharing one store of codes and sessions."""

    def __init__(self, clock: grants.Clock = time.time) -> None:
        self.store = grants.OAuthStore(clock)

    def handle(self, request: Request) -> Response:
        match = _DOMAIN_PATH.match(request.path)
        pool = find_pool(match["pool"]) if match else None
        if match is None or pool is None:
            return _page("Not found", "<p>This user pool has no domain here.</p>", 404)
        endpoint = match["endpoint"] or "/"
        methods = _ROUTES.get(endpoint)
        if methods is None:
            return _page("Not found", "<p>Unknown endpoint.</p>", 404)
        handler = methods.get(request.method)
        if handler is None:
            return Response("", status=405, headers={"Allow": ", ".join(methods)})
        return handler(self, request, pool, domain_url(request.host_url, pool.id))

    # --- /oauth2/authorize and the sign-in page (§3.1) -----------------------------------
    def authorize(self, request: Request, pool: MotoUserPool, domain: str) -> Response:
        try:
            authorization = grants.parse_authorization_request(pool, request.args)
        except OAuthError as error:
            return _authorize_error(error, domain, request.args.get("client_id", ""))
        session = self.store.session(request.cookies.get(SESSION_COOKIE, ""), pool.id)
        if session is not None:  # signed in at this domain within the hour: no sign-in page
            return self._signed_in(pool, authorization, session.username, session.auth_time)
        return _redirect(f"{domain}/login?{urlencode(authorization.parameters)}")

    def login_page(self, request: Request, pool: MotoUserPool, domain: str) -> Response:
        try:
            authorization = grants.parse_authorization_request(pool, request.args)
        except OAuthError as error:
            return _authorize_error(error, domain, request.args.get("client_id", ""))
        return _guarded_sign_in_page(domain, authorization)

    def login(self, request: Request, pool: MotoUserPool, domain: str) -> Response:
        try:
            # The hidden fields came back from the browser: check them all again.
            authorization = grants.parse_authorization_request(pool, request.form)
        except OAuthError as error:
            return _authorize_error(error, domain, request.form.get("client_id", ""))
        if not _csrf_matches(request):
            return _error_page("csrf_cookie_missing", f"POST /login needs the {XSRF_COOKIE} cookie that GET /login "
                                                      f"set, and the same value in the {CSRF_FIELD} field.")
        username = request.form.get("username", "")
        try:
            user = grants.check_password(pool, pool.clients[authorization.client_id], username,
                                         request.form.get("password", ""))
        except SignInRefused as refused:
            return _guarded_sign_in_page(domain, authorization, username, str(refused))
        auth_time = int(self.store.clock())
        response = self._signed_in(pool, authorization, user.username, auth_time)
        return self._with_session(response, pool, user.username, auth_time, domain)

    def _with_session(self, response: Response, pool: MotoUserPool, username: str, auth_time: int,
                      domain: str) -> Response:
        """The managed-login cookie: the next authorize within the hour skips the form (§1.5)."""
        session_id = self.store.open_session(pool.id, username, auth_time)
        response.set_cookie(SESSION_COOKIE, session_id, max_age=grants.SESSION_LIFETIME,
                            path=urlsplit(domain).path, httponly=True, samesite="Lax")
        return response

    def _signed_in(self, pool: MotoUserPool, authorization: AuthorizationRequest, username: str,
                   auth_time: int) -> Response:
        grant = grants.grant_for(authorization, pool, username, auth_time)
        if authorization.response_type == "token":
            return _implicit_redirect(authorization, grants.tokens_for_grant(pool, grant, with_refresh_token=False))
        code = self.store.issue_code(grant, authorization.redirect_uri, authorization.code_challenge)
        return _redirect(_with_query(authorization.redirect_uri, {"code": code, "state": authorization.state}))

    # --- /oauth2/token (§3.2) -------------------------------------------------------------
    def token(self, request: Request, pool: MotoUserPool, domain: str) -> Response:
        try:
            return _json(self._tokens(request, pool).to_json())
        except OAuthError as error:
            return _json({"error": error.error}, error.status)

    def _tokens(self, request: Request, pool: MotoUserPool) -> grants.TokenSet:
        if request.mimetype != "application/x-www-form-urlencoded":
            raise OAuthError("invalid_request", "Content-Type must be application/x-www-form-urlencoded")
        form = request.form
        grant_type = form.get("grant_type", "")
        if grant_type not in _GRANT_TYPES:
            raise OAuthError("unsupported_grant_type" if grant_type else "invalid_request")
        client = grants.authenticate_client(pool, _client_credentials(request))
        return _GRANT_TYPES[grant_type](self, pool, client, form)

    def _authorization_code(self, pool: MotoUserPool, client: MotoClient,
                            form: Mapping[str, str]) -> grants.TokenSet:
        grants.require_flow(client, "code")
        code, redirect_uri = form.get("code"), form.get("redirect_uri")
        if not code or not redirect_uri:
            raise OAuthError("invalid_request", "code and redirect_uri are required")
        grant = grants.redeem_code(self.store, client, code, redirect_uri, form.get("code_verifier"))
        return grants.tokens_for_grant(pool, grant)

    def _refresh_token(self, pool: MotoUserPool, client: MotoClient,
                       form: Mapping[str, str]) -> grants.TokenSet:
        refresh_token = form.get("refresh_token")
        if not refresh_token:
            raise OAuthError("invalid_request", "refresh_token is required")
        return grants.tokens_for_refresh(pool, client, refresh_token)

    def _client_credentials(self, pool: MotoUserPool, client: MotoClient,
                            form: Mapping[str, str]) -> grants.TokenSet:
        return grants.tokens_for_client(pool, client, form.get("scope"))

    # --- /oauth2/userInfo (§3.3) ----------------------------------------------------------
    def user_info(self, request: Request, pool: MotoUserPool, domain: str) -> Response:
        token = _bearer_token(request)
        if token is None:
            return _bearer_error(OAuthError("invalid_request", "Bad OAuth2 request at UserInfo Endpoint"))
        try:
            return _json(grants.user_info(pool, token))
        except OAuthError as error:
            return _bearer_error(error)

    # --- /oauth2/revoke (§3.4) ------------------------------------------------------------
    def revoke(self, request: Request, pool: MotoUserPool, domain: str) -> Response:
        try:
            token = request.form.get("token")
            if not token:
                raise OAuthError("invalid_request", "token is required")
            client = _revoking_client(pool, request)
            grants.revoke(pool, client, token)
        except OAuthError as error:
            return _json({"error": error.error}, error.status)
        return Response("", status=200)

    # --- /logout (§3.5) -------------------------------------------------------------------
    def logout(self, request: Request, pool: MotoUserPool, domain: str) -> Response:
        try:
            where = grants.logout_redirect(pool, request.args)
        except OAuthError as error:
            return _error_page(error.error, error.description)
        location = where if isinstance(where, str) else f"{domain}/login?{urlencode(where.parameters)}"
        self.store.close_session(request.cookies.get(SESSION_COOKIE, ""))
        response = _redirect(location)
        response.delete_cookie(SESSION_COOKIE, path=urlsplit(domain).path)
        return response

    def error(self, request: Request, pool: MotoUserPool, domain: str) -> Response:
        return _error_page(request.args.get("error", "invalid_request"), request.args.get("error_description", ""))


_ROUTES: dict[str, dict[str, Handler]] = {
    "/oauth2/authorize": {"GET": OAuth2Domain.authorize},
    "/login": {"GET": OAuth2Domain.login_page, "POST": OAuth2Domain.login},
    "/oauth2/token": {"POST": OAuth2Domain.token},
    "/oauth2/userInfo": {"GET": OAuth2Domain.user_info, "POST": OAuth2Domain.user_info},
    "/oauth2/revoke": {"POST": OAuth2Domain.revoke},
    "/logout": {"GET": OAuth2Domain.logout},
    "/error": {"GET": OAuth2Domain.error},
}
_GRANT_TYPES: dict[str, Callable[..., grants.TokenSet]] = {
    "authorization_code": OAuth2Domain._authorization_code,
    "refresh_token": OAuth2Domain._refresh_token,
    "client_credentials": OAuth2Domain._client_credentials,
}


# --- client authentication -----------------------------------------------------------------
def _client_credentials(request: Request) -> ClientCredentials | None:
    """client_secret_basic, else client_secret_post or a public client's client_id (§3.2)."""
    auth = request.authorization
    if auth is not None and auth.type == "basic":
        # RFC 6749 §2.3.1: id and secret are form-encoded before they are joined by ":".
        return ClientCredentials(unquote_plus(auth.username or ""), unquote_plus(auth.password or ""))
    client_id = request.form.get("client_id")
    return ClientCredentials(client_id, request.form.get("client_secret")) if client_id else None


def _revoking_client(pool: MotoUserPool, request: Request) -> MotoClient:
    try:
        return grants.authenticate_client(pool, _client_credentials(request))
    except OAuthError as error:
        raise OAuthError(error.error, error.description, 401) from None  # 401 invalid_client (§3.4)


def _bearer_token(request: Request) -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


# --- responses -------------------------------------------------------------------------------
def _json(payload: dict[str, Any], status: int = 200) -> Response:
    return Response(json.dumps(payload), status=status, content_type=_JSON, headers=_NO_STORE)


def _bearer_error(error: OAuthError) -> Response:
    # The header as the userInfo page shows it: no "Bearer" scheme in front (§3.3).
    header = f'error="{error.error}", error_description="{error.description}"'
    body = {"error": error.error, "error_description": error.description}
    return Response(json.dumps(body), status=error.status, content_type=_JSON, headers={"WWW-Authenticate": header})


def _redirect(location: str) -> Response:
    return Response("", status=302, headers={"Location": location})


def _with_query(uri: str, parameters: Mapping[str, str | None]) -> str:
    """The URI with parameters added to its own query string (a callback may have one)."""
    parts = urlsplit(uri)
    query = parse_qsl(parts.query, keep_blank_values=True) + [(k, v) for k, v in parameters.items() if v is not None]
    return urlunsplit(parts._replace(query=urlencode(query)))


def _implicit_redirect(authorization: AuthorizationRequest, tokens: grants.TokenSet) -> Response:
    # Implicit tokens travel in the fragment, token_type "bearer" as the authorize page shows (§3.1).
    fragment = {"access_token": tokens.access_token, "id_token": tokens.id_token, "token_type": "bearer",
                "expires_in": str(tokens.expires_in), "state": authorization.state}
    return _redirect(f"{authorization.redirect_uri}#{urlencode({k: v for k, v in fragment.items() if v})}")


def _authorize_error(error: OAuthError, domain: str, client_id: str) -> Response:
    """Back to the app when its redirect URI is registered (§3.1), else to the domain's error page."""
    if error.redirect_uri is None:
        return _redirect(f"{domain}/error?{urlencode({'error': error.error, 'client_id': client_id})}")
    parameters = {"error": error.error, "error_description": error.description or None, "state": error.state}
    return _redirect(_with_query(error.redirect_uri, parameters))


# --- pages (every reflected value is HTML-escaped) ---------------------------------------------
def _escape(value: str) -> str:
    return html.escape(value, quote=True)


def _page(title: str, body: str, status: int = 200) -> Response:
    document = (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{_escape(title)}</title>'
                f"</head>\n<body>\n{body}\n</body></html>\n")
    return Response(document, status=status, content_type="text/html; charset=utf-8")


def _error_page(error: str, description: str = "") -> Response:
    body = (f"<h1>An error was encountered with the requested page.</h1>\n"
            f'<p id="error">{_escape(error)}</p>\n<p id="error_description">{_escape(description)}</p>')
    return _page("Error", body, 400)


def _csrf_matches(request: Request) -> bool:
    cookie, field = request.cookies.get(XSRF_COOKIE, ""), request.form.get(CSRF_FIELD, "")
    return bool(cookie) and secrets.compare_digest(cookie, field)


def _guarded_sign_in_page(domain: str, authorization: AuthorizationRequest, username: str = "",
                          message: str = "") -> Response:
    """The sign-in form with a fresh CSRF token, in the cookie and in the form."""
    token = secrets.token_urlsafe(32)
    response = _sign_in_page(domain, authorization, token, username, message)
    response.set_cookie(XSRF_COOKIE, token, path=urlsplit(domain).path, httponly=True, samesite="Lax")
    return response


def _sign_in_page(domain: str, authorization: AuthorizationRequest, csrf_token: str, username: str = "",
                  message: str = "") -> Response:
    fields = {**authorization.parameters, CSRF_FIELD: csrf_token}
    hidden = "\n".join(f'<input type="hidden" name="{_escape(name)}" value="{_escape(value)}">'
                       for name, value in fields.items())
    error = f'<p id="loginErrorMessage" role="alert">{_escape(message)}</p>\n' if message else ""
    form = (f"<h1>Sign in with your username and password</h1>\n{error}"
            f'<form method="post" action="{_escape(domain)}/login">\n{hidden}\n'
            f'<label>Username <input type="text" name="username" value="{_escape(username)}" autocomplete="username"></label>\n'
            '<label>Password <input type="password" name="password" autocomplete="current-password"></label>\n'
            '<button type="submit" name="signInSubmitButton">Sign in</button>\n</form>')
    return _page("Signin", form)
