"""Leg 1, the other way in: the user pool domain's OAuth 2.0 endpoints (RFC 6749), with PKCE
(RFC 7636) and OpenID Connect, as steps a test or the dashboard drives one at a time
(aws-facts.md §3).

    pkce = new_pkce()
    url = authorize_url(target, "public", pkce)
    page = open_sign_in_page(target, url)                      # GET /oauth2/authorize → /login
    back = submit_sign_in(target, page.outputs["form"], "alice", password, expected_state=pkce.state)
    tokens = exchange_code(target, "public", back.outputs["code"], pkce)   # POST /oauth2/token

Each step sends its requests without following redirects, so every hop is its own captured
exchange, and returns a StepResult. Client secrets travel in the Basic authorization header
(masked on display); passwords are scrubbed when the exchange is captured.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import requests
from requests.cookies import RequestsCookieJar

from flows import i18n
from flows.capture import Recorder
from flows.errors import FlowsError
from flows.steps import AwsFailure, Note, StepResult
from flows.target import AppClient, Target

LAB_REDIRECT_URI = "http://localhost:8501/sign_in"  # the public client's registered callback
DEFAULT_SCOPES = ("openid", "email", "profile")
_TIMEOUT = (3, 10)
_MAX_DOMAIN_HOPS = 3
DOC_AUTHORIZE = "sign-in.md#the-authorize-endpoint-and-pkce"
DOC_TOKEN = "sign-in.md#the-token-endpoint"
DOC_USERINFO = "sign-in.md#the-userinfo-endpoint"
DOC_REVOKE = "sign-in.md#the-revoke-endpoint"
# The `error` codes of the domain's endpoints that have an explanation (aws-facts.md §3).
EXPLAINED_ERRORS = frozenset({"invalid_request", "invalid_client", "invalid_grant", "unauthorized_client",
                              "unsupported_grant_type", "invalid_scope", "unsupported_token_type",
                              "invalid_token", "redirect_mismatch", "sign_in_refused", "state_mismatch",
                              "nonce_mismatch", "no_domain", "csrf_cookie_missing"})
_WWW_AUTHENTICATE_PART = re.compile(r'(\w+)="([^"]*)"')


class NoDomainError(FlowsError, ValueError):
    """The target has no user pool domain, so it has no OAuth endpoints."""


@dataclass(frozen=True)
class Pkce:
    """What the app keeps between the authorize request and the token request."""

    verifier: str = field(repr=False)  # never leaves the app until the token request
    challenge: str
    method: str = "S256"
    state: str = ""
    nonce: str = ""


def new_pkce() -> Pkce:
    # Hand-written rather than a library: RFC 7636 §4.1–4.2 is three lines, and seeing them is
    # the lesson. 64 random bytes give an 86-character verifier (43–128 allowed, §4.1).
    verifier = secrets.token_urlsafe(64)
    return Pkce(verifier, s256_challenge(verifier), "S256", secrets.token_urlsafe(24), secrets.token_urlsafe(24))


def s256_challenge(verifier: str) -> str:
    """BASE64URL(SHA256(ASCII(code_verifier))) without padding (RFC 7636 §4.2)."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def authorize_url(target: Target, client_name: str, pkce: Pkce, scopes: tuple[str, ...] = DEFAULT_SCOPES,
                  redirect_uri: str = LAB_REDIRECT_URI) -> str:
    """The URL that starts a browser sign-in (aws-facts.md §3.1). Needs the target's domain."""
    if not target.domain:
        raise NoDomainError(i18n.text("polish.fail.no_domain"))
    parameters = {"response_type": "code", "client_id": target.client(client_name).client_id,
                  "redirect_uri": redirect_uri, "state": pkce.state, "scope": " ".join(scopes),
                  "code_challenge": pkce.challenge, "code_challenge_method": pkce.method, "nonce": pkce.nonce}
    return f"{target.domain}/oauth2/authorize?{urlencode(parameters)}"


# --- the browser part: authorize → sign-in page → back to the app ---------------------------
def open_sign_in_page(target: Target, url: str) -> StepResult:
    """GET the authorize URL and follow the domain's own redirects to its sign-in form."""
    recorder = Recorder()
    result = StepResult("oauth_sign_in_page", recorder.exchanges, notes=_sign_in_page_notes(target))
    jar = RequestsCookieJar()  # the browser's cookies for this flow: XSRF-TOKEN must go back with the form
    response = _follow_domain_redirects(recorder, result, target, url, jar)
    if response is None:
        return result
    if response.is_redirect:  # straight back to the app: an error, or a still-open session
        return _callback_into(result, response.headers.get("Location", ""), expected_state=None)
    form = _read_form(response.text)
    if response.status_code != 200 or not form.action:
        result.failure = _page_failure(response, form)
        return result
    result.outputs = {"form": {"action": form.action, "fields": form.fields, "cookies": jar.get_dict()}}
    return result


def submit_sign_in(target: Target, form: dict[str, Any], username: str, password: str,
                   expected_state: str | None = None) -> StepResult:
    """POST the sign-in form. Success is a 302 to the app with `code` and `state`; pass the
    state the app sent (`pkce.state`) to check it came back unchanged."""
    recorder = Recorder()
    result = StepResult("oauth_sign_in", recorder.exchanges, notes=[Note("note.oauth.code", DOC_AUTHORIZE)])
    data = {**form["fields"], "username": username, "password": password}
    jar = _domain_cookies(target, form)
    response = _send(recorder, result, "POST /login", "POST", form["action"], jar, data=data)
    if response is None:
        return result
    if response.is_redirect:
        return _callback_into(result, response.headers.get("Location", ""), expected_state)
    page = _read_form(response.text)
    result.failure = _page_failure(response, page)
    if page.action:  # the form again, with Cognito's message: the learner may retry
        result.outputs = {"form": {"action": page.action, "fields": page.fields, "cookies": jar.get_dict()}}
    return result


def _domain_cookies(target: Target, form: dict[str, Any]) -> RequestsCookieJar:
    """The cookies GET /login set, for a form that posts back to the domain (never elsewhere)."""
    jar = RequestsCookieJar()
    if target.domain and str(form.get("action", "")).startswith(target.domain):
        for name, value in (form.get("cookies") or {}).items():
            jar.set(name, value)
    return jar


def read_callback(location: str, expected_state: str | None) -> StepResult:
    """What the domain sent back to the app's redirect URI: a code, or an error (§3.1).
    The app must check that `state` is the one it sent (RFC 6749 §10.12)."""
    return _callback_into(StepResult("oauth_callback"), location, expected_state)


# --- the app's part: the token, userInfo and revoke endpoints --------------------------------
def exchange_code(target: Target, client_name: str, code: str, pkce: Pkce,
                  redirect_uri: str = LAB_REDIRECT_URI) -> StepResult:
    """POST /oauth2/token, grant_type=authorization_code, with the PKCE verifier (§3.2)."""
    data = {"grant_type": "authorization_code", "client_id": target.client(client_name).client_id,
            "code": code, "redirect_uri": redirect_uri, "code_verifier": pkce.verifier}
    result = _token_request(target, "oauth_token", target.client(client_name), data,
                            [Note("note.oauth.token_exchange", DOC_TOKEN), Note("note.oauth.id_token_openid", DOC_TOKEN)])
    _check_nonce(result, pkce.nonce)
    return result


def refresh(target: Target, client_name: str, refresh_token: str) -> StepResult:
    """POST /oauth2/token, grant_type=refresh_token: new access and ID tokens, and a new refresh
    token only when the app client rotates them (§3.2, §1.5)."""
    data = {"grant_type": "refresh_token", "client_id": target.client(client_name).client_id,
            "refresh_token": refresh_token}
    return _token_request(target, "oauth_refresh", target.client(client_name), data,
                          [Note("note.oauth.refresh", DOC_TOKEN)])


def client_credentials(target: Target, client_name: str = "machine", scopes: tuple[str, ...] = ()) -> StepResult:
    """POST /oauth2/token, grant_type=client_credentials: machine to machine, an access token
    only, with custom scopes only; no scopes asks for all of the client's (§3.2)."""
    data = {"grant_type": "client_credentials", **({"scope": " ".join(scopes)} if scopes else {})}
    notes = [Note("note.oauth.client_credentials", DOC_TOKEN)]
    if target.kind == "sandbox":
        notes.append(Note("note.oauth.client_credentials_claims", DOC_TOKEN, fidelity=True))
    return _token_request(target, "oauth_client_credentials", target.client(client_name), data, notes)


def userinfo(target: Target, access_token: str) -> StepResult:
    """GET /oauth2/userInfo with the access token: the user's claims, if it has `openid` (§3.3)."""
    recorder = Recorder()
    result = StepResult("oauth_userinfo", recorder.exchanges, notes=[Note("note.oauth.userinfo", DOC_USERINFO)])
    if not _has_domain(target, result):
        return result
    response = _send(recorder, result, "GET /oauth2/userInfo", "GET", f"{target.domain}/oauth2/userInfo",
                     headers={"Authorization": f"Bearer {access_token}"})
    if response is None:
        return result
    if response.status_code == 200:
        result.outputs = {"claims": response.json()}
    else:
        result.failure = _bearer_failure(response)
    return result


def revoke(target: Target, client_name: str, refresh_token: str) -> StepResult:
    """POST /oauth2/revoke: the refresh token, and the access tokens issued from it, stop
    working; 200 even for a token already revoked (§3.4)."""
    recorder = Recorder()
    result = StepResult("oauth_revoke", recorder.exchanges, notes=[Note("note.oauth.revoke", DOC_REVOKE)])
    if not _has_domain(target, result):
        return result
    app_client = target.client(client_name)
    data = {"token": refresh_token, "client_id": app_client.client_id}
    response = _send(recorder, result, "POST /oauth2/revoke", "POST", f"{target.domain}/oauth2/revoke",
                     data=data, auth=_basic_auth(app_client))
    if response is not None:
        result.outputs = {"status": response.status_code}
        result.failure = None if response.status_code == 200 else _json_failure(response)
    return result


# --- helpers --------------------------------------------------------------------------------
def _sign_in_page_notes(target: Target) -> list[Note]:
    notes = [Note("note.oauth.pkce", DOC_AUTHORIZE), Note("note.oauth.sign_in_page", DOC_AUTHORIZE)]
    if target.kind == "sandbox":
        notes.append(Note("note.oauth.sandbox_sign_in_page", DOC_AUTHORIZE, fidelity=True))
    return notes


def _has_domain(target: Target, result: StepResult) -> bool:
    if target.domain:
        return True
    result.failure = AwsFailure.lab("no_domain", "polish.fail.no_domain", "meaning.oauth.no_domain")
    return False


def _send(recorder: Recorder, result: StepResult, label: str, method: str, url: str,
          jar: RequestsCookieJar | None = None, **options: Any) -> requests.Response | None:
    """One request, redirects not followed; an unreachable endpoint becomes the step's failure.
    With a jar, the request sends its cookies and the response's Set-Cookie lands in it."""
    session = recorder.session(label)
    if jar is not None:
        session.cookies = jar
    try:
        return session.request(method, url, allow_redirects=False, timeout=_TIMEOUT, **options)
    except requests.RequestException as error:
        recorder.record_failure(label, method, url, error)
        result.failure = AwsFailure("EndpointUnreachable", str(error), None, "meaning.EndpointUnreachable")
        return None


def _follow_domain_redirects(recorder: Recorder, result: StepResult, target: Target, url: str,
                             jar: RequestsCookieJar) -> requests.Response | None:
    """GET the URL, and follow redirects while they stay on the domain (authorize → login)."""
    response = _send(recorder, result, _label("GET", url, target.domain), "GET", url, jar)
    for _ in range(_MAX_DOMAIN_HOPS):
        location = response.headers.get("Location", "") if response is not None and response.is_redirect else ""
        if not location or not target.domain or not location.startswith(target.domain):
            break
        response = _send(recorder, result, _label("GET", location, target.domain), "GET", location, jar)
    return response


def _label(method: str, url: str, domain: str | None) -> str:
    """`GET /oauth2/authorize`: the path on the domain, as the AWS pages name the endpoints."""
    on_domain = bool(domain) and url.startswith(str(domain))
    path = urlsplit(url[len(str(domain)):] if on_domain else url).path
    return f"{method} {path or '/'}"


def _callback_into(result: StepResult, location: str, expected_state: str | None) -> StepResult:
    query = {name: values[0] for name, values in parse_qs(urlsplit(location).query).items()}
    if "error" in query:
        result.failure = _failure(query["error"], query.get("error_description", ""), None)
    elif "code" not in query:
        result.failure = AwsFailure.lab("invalid_request", "polish.fail.no_code", "meaning.oauth.no_code",
                                        location=location)
    elif expected_state is not None and query.get("state") != expected_state:
        # A state the app did not send means the redirect was not the answer to its request.
        result.failure = _lab_failure("state_mismatch", "polish.fail.state_mismatch", expected=expected_state,
                                      got=query.get("state"))
    else:
        result.notes.append(Note("note.oauth.state", DOC_AUTHORIZE))
    # A code that failed the state check is withheld: the app must not redeem it.
    result.outputs = {"location": location, "code": query.get("code") if result.ok else None,
                      "state": query.get("state")}
    return result


def _token_request(target: Target, step: str, app_client: AppClient, data: dict[str, str],
                   notes: list[Note]) -> StepResult:
    recorder = Recorder()
    result = StepResult(step, recorder.exchanges, notes=notes)
    if not _has_domain(target, result):
        return result
    if not app_client.client_secret:
        data = {"client_id": app_client.client_id, **data}  # a public client names itself in the body
    response = _send(recorder, result, "POST /oauth2/token", "POST", f"{target.domain}/oauth2/token",
                     data=data, auth=_basic_auth(app_client))
    if response is None:
        return result
    if response.status_code == 200:
        result.outputs = response.json()
    else:
        result.failure = _json_failure(response)
    return result


def _basic_auth(app_client: AppClient) -> tuple[str, str] | None:
    # client_secret_basic (§3.2): the secret goes in the Authorization header, which the lab
    # masks on display, never in the form body.
    return (app_client.client_id, app_client.client_secret) if app_client.client_secret else None


def _check_nonce(result: StepResult, nonce: str) -> None:
    id_token = result.outputs.get("id_token") if result.ok else None
    if not id_token or not nonce:
        return
    # Only the claim is read here; verifying the signature is the tokens leg's job.
    claims = jwt.decode(id_token, options={"verify_signature": False})
    if claims.get("nonce") != nonce:
        result.failure = _lab_failure("nonce_mismatch", "polish.fail.nonce_mismatch", expected=nonce,
                                      got=claims.get("nonce"))


def _lab_failure(code: str, key: str, **params: Any) -> AwsFailure:
    """A check the lab makes itself (the state, the nonce): its own words, in both languages."""
    return AwsFailure.lab(code, key, f"meaning.oauth.{code}" if code in EXPLAINED_ERRORS else "",
                          **{name: repr(value) for name, value in params.items()})


def _failure(code: str, message: str, status: int | None) -> AwsFailure:
    return AwsFailure(code, message, status, f"meaning.oauth.{code}" if code in EXPLAINED_ERRORS else "")


def _json_failure(response: requests.Response) -> AwsFailure:
    try:
        body = response.json()
    except (json.JSONDecodeError, ValueError):
        body = {}
    code = str(body.get("error") or f"HTTP {response.status_code}") if isinstance(body, dict) else f"HTTP {response.status_code}"
    message = str(body.get("error_description", "")) if isinstance(body, dict) else ""
    return _failure(code, message, response.status_code)


def _bearer_failure(response: requests.Response) -> AwsFailure:
    parts = dict(_WWW_AUTHENTICATE_PART.findall(response.headers.get("WWW-Authenticate", "")))
    return _failure(parts.get("error", f"HTTP {response.status_code}"), parts.get("error_description", ""),
                    response.status_code)


def _page_failure(response: requests.Response, page: _SignInForm) -> AwsFailure:
    if page.message:  # the sign-in form again, with Cognito's message
        return _failure("sign_in_refused", page.message, response.status_code)
    query = {name: values[0] for name, values in parse_qs(urlsplit(response.url).query).items()}
    code = page.error or query.get("error") or f"HTTP {response.status_code}"
    return _failure(code, page.error_description, response.status_code)


class _SignInForm(HTMLParser):
    """The sign-in page's form: where it posts, its hidden fields, and any error shown."""

    def __init__(self) -> None:
        super().__init__()
        self.action = ""
        self.fields: dict[str, str] = {}
        self.message = self.error = self.error_description = ""
        self._text_of: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form" and not self.action:
            self.action = attributes.get("action", "")
        elif tag == "input" and attributes.get("type") == "hidden" and attributes.get("name"):
            self.fields[attributes["name"]] = attributes.get("value", "")
        elif tag == "p" and attributes.get("id") in ("loginErrorMessage", "error", "error_description"):
            self._text_of = attributes["id"]

    def handle_endtag(self, tag: str) -> None:
        if tag == "p":
            self._text_of = None

    def handle_data(self, data: str) -> None:
        if self._text_of == "loginErrorMessage":
            self.message += data.strip()
        elif self._text_of in ("error", "error_description"):
            setattr(self, self._text_of, getattr(self, self._text_of) + data.strip())


def _read_form(page: str) -> _SignInForm:
    parser = _SignInForm()
    parser.feed(page)
    parser.close()
    return parser
