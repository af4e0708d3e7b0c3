"""The user pool domain's OAuth 2.0 / OIDC endpoints (aws-facts.md §3), driven over real HTTP."""

from __future__ import annotations

import base64
import hashlib
import html
import re
import secrets
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
import requests
from botocore.exceptions import ClientError

from tests.sandbox.helpers import admin_client, claims, sign_in, unsigned_client

REDIRECT_URI = "http://localhost:8501/sign_in"
READ_SCOPE = "https://api.cognito-lab.example/items.read"
INVALID_TOKEN_HEADER = ('error="invalid_token", error_description="Access token is expired, disabled, or deleted, '
                        'or the user has globally signed out."')


# --- helpers: what a browser and an app do -----------------------------------------------------
def new_verifier() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
    return verifier, challenge


def authorize_params(topology: dict[str, Any], challenge: str, **changes: str | None) -> dict[str, str]:
    parameters = {"response_type": "code", "client_id": topology["clients"]["public"]["client_id"],
                  "redirect_uri": REDIRECT_URI, "state": "state-123", "scope": f"openid email {READ_SCOPE}",
                  "code_challenge": challenge, "code_challenge_method": "S256", "nonce": "nonce-456"}
    parameters.update(changes)
    return {name: value for name, value in parameters.items() if value is not None}


def authorize(topology: dict[str, Any], parameters: dict[str, str],
              browser: requests.Session | None = None) -> requests.Response:
    return (browser or requests).get(f"{topology['domain']}/oauth2/authorize", params=parameters,
                                      allow_redirects=False, timeout=5)


def hidden_fields(page: str) -> dict[str, str]:
    return {name: html.unescape(value) for name, value in
            re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page)}


def query_of(location: str) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(urlsplit(location).query).items()}


def user_password(topology: dict[str, Any], username: str) -> str:
    return next(u["password"] for u in topology["users"] if u["username"] == username)


def submit_login(topology: dict[str, Any], parameters: dict[str, str], username: str, password: str,
                 browser: requests.Session | None = None) -> requests.Response:
    http = browser or requests.Session()
    page = http.get(authorize(topology, parameters, http).headers["Location"], timeout=5)
    fields = {**hidden_fields(page.text), "username": username, "password": password}
    return http.post(f"{topology['domain']}/login", data=fields, allow_redirects=False, timeout=5)


def code_for(topology: dict[str, Any], challenge: str, username: str = "alice", **changes: str | None) -> str:
    response = submit_login(topology, authorize_params(topology, challenge, **changes), username,
                            user_password(topology, username))
    assert response.status_code == 302, response.text
    return query_of(response.headers["Location"])["code"]


def token_request(topology: dict[str, Any], data: dict[str, str], auth: tuple[str, str] | None = None) -> requests.Response:
    return requests.post(f"{topology['domain']}/oauth2/token", data=data, auth=auth, timeout=5)


def redeem(topology: dict[str, Any], code: str, verifier: str, redirect_uri: str = REDIRECT_URI) -> requests.Response:
    return token_request(topology, {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
                                    "client_id": topology["clients"]["public"]["client_id"], "code_verifier": verifier})


def machine_auth(topology: dict[str, Any]) -> tuple[str, str]:
    machine = topology["clients"]["machine"]
    return machine["client_id"], machine["client_secret"]


def verified(topology: dict[str, Any], token: str) -> dict[str, Any]:
    keys = jwt.PyJWKSet.from_dict(requests.get(topology["jwks_url"], timeout=5).json())
    key = keys[jwt.get_unverified_header(token)["kid"]]
    return jwt.decode(token, key, algorithms=["RS256"], issuer=topology["issuer"], options={"verify_aud": False})


@pytest.fixture(scope="module")
def oauth_tokens(topology):
    verifier, challenge = new_verifier()
    response = redeem(topology, code_for(topology, challenge), verifier)
    assert response.status_code == 200, response.text
    return response.json()


# --- /oauth2/authorize and the sign-in page (§3.1) ----------------------------------------------
def test_authorize_sends_the_browser_to_the_sign_in_form_with_the_request_carried_along(topology):
    _, challenge = new_verifier()
    response = authorize(topology, authorize_params(topology, challenge))
    assert response.status_code == 302 and response.headers["Location"].startswith(f"{topology['domain']}/login?")
    page = requests.get(response.headers["Location"], timeout=5)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert f'action="{topology["domain"]}/login"' in page.text
    # Plus the CSRF token, also set as the XSRF-TOKEN cookie (test_hosted_login_cookie.py).
    assert hidden_fields(page.text) == {**authorize_params(topology, challenge), "_csrf": page.cookies["XSRF-TOKEN"]}
    assert 'name="username"' in page.text and 'type="password" name="password"' in page.text


def test_sign_in_redirects_to_the_app_with_a_code_and_the_state(topology):
    # §3.1: "302 Location: https://YOUR_APP/redirect_uri?code=AUTHORIZATION_CODE&state=STATE".
    _, challenge = new_verifier()
    response = submit_login(topology, authorize_params(topology, challenge), "alice", user_password(topology, "alice"))
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith(f"{REDIRECT_URI}?")
    query = query_of(location)
    assert query["state"] == "state-123"
    assert re.fullmatch(r"[0-9a-f-]{36}", query["code"])


def test_reflected_values_are_html_escaped_on_the_sign_in_page(topology):
    _, challenge = new_verifier()
    attack = '"><script>alert(1)</script>'
    response = submit_login(topology, authorize_params(topology, challenge, state=attack, nonce=attack),
                            attack, "wrong")
    assert response.status_code == 200
    assert "<script>" not in response.text
    assert "&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in response.text
    assert hidden_fields(response.text)["state"] == attack  # escaped, yet carried intact


@pytest.mark.parametrize(("username", "password", "message"), [
    ("alice", "not-her-password", "Incorrect username or password."),
    # PreventUserExistenceErrors=ENABLED on the client: unknown users get the same words (§2.6).
    ("nobody", "whatever-Passw0rd", "Incorrect username or password."),
    # §2.6: "User is not confirmed." even when the password is wrong.
    ("dave", "wrong", "User is not confirmed."),
])
def test_a_refused_sign_in_shows_the_form_again_with_cognitos_message(topology, username, password, message):
    _, challenge = new_verifier()
    response = submit_login(topology, authorize_params(topology, challenge), username, password)
    assert response.status_code == 200
    assert f'<p id="loginErrorMessage" role="alert">{message}</p>' in response.text
    assert password not in response.text
    fields = hidden_fields(response.text)
    assert fields.pop("_csrf") == response.cookies["XSRF-TOKEN"]  # a fresh CSRF token (test_hosted_login_cookie.py)
    assert fields == authorize_params(topology, challenge)


def test_plain_pkce_method_is_refused_with_invalid_request_at_the_redirect_uri(topology):
    # §3.1: code_challenge_method "only S256 is supported (plain is not)" → ?error=invalid_request.
    response = authorize(topology, authorize_params(topology, "x" * 43, code_challenge_method="plain"))
    assert response.status_code == 302
    query = query_of(response.headers["Location"])
    assert response.headers["Location"].startswith(REDIRECT_URI)
    assert query["error"] == "invalid_request" and query["state"] == "state-123"


def test_a_challenge_without_its_method_is_invalid_request(topology):
    # §3.1: "code_challenge without method" is listed under invalid_request.
    response = authorize(topology, authorize_params(topology, "x" * 43, code_challenge_method=None))
    assert query_of(response.headers["Location"])["error"] == "invalid_request"


def test_an_unregistered_redirect_uri_is_never_redirected_to(topology):
    # §3.1: redirect_uri must be pre-registered; an error may go back only to a registered one.
    _, challenge = new_verifier()
    response = authorize(topology, authorize_params(topology, challenge, redirect_uri="https://evil.example/cb"))
    assert response.status_code == 302
    location = response.headers["Location"]
    assert not location.startswith("https://evil.example")
    assert location.startswith(f"{topology['domain']}/error?")
    page = requests.get(location, timeout=5)
    assert page.status_code == 400 and "redirect_mismatch" in page.text


def test_an_unknown_client_gets_the_domains_error_page(topology):
    _, challenge = new_verifier()
    response = authorize(topology, authorize_params(topology, challenge, client_id="no-such-client"))
    assert response.headers["Location"].startswith(f"{topology['domain']}/error?")
    assert requests.get(response.headers["Location"], timeout=5).status_code == 400


def test_a_scope_the_client_does_not_allow_is_refused(topology):
    # UNCONFIRMED (aws-facts.md item 7): §3.1 says "ignored", §3.6 "an error is returned"; users of
    # real pools report ?error_description=invalid_scope&error=invalid_request, which the sandbox follows.
    _, challenge = new_verifier()
    scope = "openid https://api.cognito-lab.example/items.write"
    query = query_of(authorize(topology, authorize_params(topology, challenge, scope=scope)).headers["Location"])
    assert (query["error"], query["error_description"], query["state"]) == ("invalid_request", "invalid_scope", "state-123")


def test_implicit_is_unauthorized_for_a_code_only_client(topology):
    # §3.1: ?error=unauthorized_client, "client not allowed this response_type".
    _, challenge = new_verifier()
    response = authorize(topology, authorize_params(topology, challenge, response_type="token"))
    assert query_of(response.headers["Location"])["error"] == "unauthorized_client"


def test_implicit_grant_puts_tokens_in_the_fragment_and_never_a_refresh_token(topology):
    # §3.1: "#access_token=…&token_type=bearer&expires_in=3600&state=…", id_token only with openid.
    idp = admin_client(topology, "cognito-idp")  # an admin call: signed
    client_id = idp.create_user_pool_client(
        UserPoolId=topology["user_pool_id"], ClientName="implicit-test", AllowedOAuthFlows=["implicit"],
        AllowedOAuthFlowsUserPoolClient=True, AllowedOAuthScopes=["openid", "email"],
        CallbackURLs=[REDIRECT_URI])["UserPoolClient"]["ClientId"]
    parameters = {"response_type": "token", "client_id": client_id, "redirect_uri": REDIRECT_URI,
                  "state": "s1", "scope": "openid", "nonce": "n1"}
    response = submit_login(topology, parameters, "bob", user_password(topology, "bob"))
    fragment = {name: values[0] for name, values in parse_qs(urlsplit(response.headers["Location"]).fragment).items()}
    assert fragment.keys() == {"access_token", "id_token", "token_type", "expires_in", "state"}
    assert (fragment["token_type"], fragment["expires_in"], fragment["state"]) == ("bearer", "3600", "s1")
    assert claims(fragment["id_token"])["nonce"] == "n1"


def test_a_signed_in_browser_skips_the_form_until_it_logs_out(topology):
    # §1.5: the managed-login session lasts an hour; §3.5: /logout clears it.
    browser = requests.Session()
    _, challenge = new_verifier()
    parameters = authorize_params(topology, challenge)
    assert submit_login(topology, parameters, "carol", user_password(topology, "carol"), browser).status_code == 302
    again = authorize(topology, parameters, browser)
    assert again.headers["Location"].startswith(f"{REDIRECT_URI}?code=")
    logout = browser.get(f"{topology['domain']}/logout", allow_redirects=False, timeout=5,
                         params={"client_id": topology["clients"]["public"]["client_id"],
                                 "logout_uri": "http://localhost:8501/"})
    assert logout.status_code == 302 and logout.headers["Location"] == "http://localhost:8501/"
    assert authorize(topology, parameters, browser).headers["Location"].startswith(f"{topology['domain']}/login?")


def test_logout_refuses_an_unregistered_logout_uri(topology):
    response = requests.get(f"{topology['domain']}/logout", allow_redirects=False, timeout=5,
                            params={"client_id": topology["clients"]["public"]["client_id"],
                                    "logout_uri": "https://evil.example/"})
    assert response.status_code == 400 and "Location" not in response.headers


# --- POST /oauth2/token, authorization_code (§3.2) ---------------------------------------------
def test_code_and_pkce_give_id_access_and_refresh_tokens(topology):
    verifier, challenge = new_verifier()
    response = redeem(topology, code_for(topology, challenge), verifier)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json;charset=UTF-8"
    body = response.json()
    assert body.keys() == {"id_token", "access_token", "refresh_token", "expires_in", "token_type"}
    assert (body["token_type"], body["expires_in"]) == ("Bearer", 3600)
    assert body["refresh_token"].count(".") == 4  # opaque, like native refresh tokens


def test_oauth_access_token_carries_the_requested_scopes_including_custom_ones(topology, oauth_tokens):
    # §1.3 and §2.5: scope is space-separated; custom scopes come only through the OAuth endpoints.
    access = verified(topology, oauth_tokens["access_token"])
    assert access["scope"].split() == ["openid", "email", READ_SCOPE]
    assert access["token_use"] == "access" and access["username"] == "alice" and access["version"] == 2
    assert access["client_id"] == topology["clients"]["public"]["client_id"] and "aud" not in access


def test_oauth_id_token_echoes_the_nonce_and_binds_the_access_token_with_at_hash(topology, oauth_tokens):
    # §1.2: nonce is the echo of the authorize nonce; at_hash appears next to an access token
    # (OIDC Core §3.1.3.6: base64url of the left half of SHA-256 of the access token).
    id_claims = verified(topology, oauth_tokens["id_token"])
    digest = hashlib.sha256(oauth_tokens["access_token"].encode()).digest()
    assert id_claims["nonce"] == "nonce-456"
    assert id_claims["at_hash"] == base64.urlsafe_b64encode(digest[:16]).decode().rstrip("=")
    assert id_claims["aud"] == topology["clients"]["public"]["client_id"] and id_claims["token_use"] == "id"
    assert id_claims["origin_jti"] == claims(oauth_tokens["access_token"])["origin_jti"]


def test_without_openid_there_is_no_id_token(topology):
    # §3.1: "An ID token is only returned if openid scope is requested."
    verifier, challenge = new_verifier()
    body = redeem(topology, code_for(topology, challenge, scope=READ_SCOPE), verifier).json()
    assert "id_token" not in body and claims(body["access_token"])["scope"] == READ_SCOPE


def test_a_wrong_code_verifier_is_invalid_grant(topology):
    # §3.2: code_verifier is checked against the S256 challenge; failure is invalid_grant.
    _, challenge = new_verifier()
    response = redeem(topology, code_for(topology, challenge), "a-different-verifier-" + "x" * 30)
    assert (response.status_code, response.json()) == (400, {"error": "invalid_grant"})


def test_a_code_is_single_use(topology):
    # §3.1: the code "is single-use"; §3.2: a consumed code is invalid_grant.
    verifier, challenge = new_verifier()
    code = code_for(topology, challenge)
    assert redeem(topology, code, verifier).status_code == 200
    again = redeem(topology, code, verifier)
    assert (again.status_code, again.json()) == (400, {"error": "invalid_grant"})


def test_a_code_redeemed_by_many_threads_at_once_works_only_once(topology):
    # §3.1: single use holds under the threaded server too.
    verifier, challenge = new_verifier()
    code = code_for(topology, challenge)
    with ThreadPoolExecutor(max_workers=8) as workers:
        statuses = list(workers.map(lambda _: redeem(topology, code, verifier).status_code, range(8)))
    assert sorted(statuses) == [200] + [400] * 7


def test_a_code_expires_after_five_minutes(topology, sandbox_server, monkeypatch):
    # §3.1 and §1.5: the code "lasts 5 minutes". The store's clock is moved on instead of sleeping.
    verifier, challenge = new_verifier()
    code = code_for(topology, challenge)
    monkeypatch.setattr(sandbox_server.app.oauth2.store, "clock", lambda: time.time() + 5 * 60 + 1)
    assert redeem(topology, code, verifier).json() == {"error": "invalid_grant"}


def test_the_redirect_uri_must_be_the_one_sent_to_authorize(topology):
    # §3.2: "redirect_uri (the same as on authorize)".
    verifier, challenge = new_verifier()
    response = redeem(topology, code_for(topology, challenge), verifier, redirect_uri="http://localhost:8501/")
    assert response.json() == {"error": "invalid_grant"}


@pytest.mark.parametrize(("data", "error"), [
    ({}, "invalid_request"),
    ({"grant_type": "password"}, "unsupported_grant_type"),
    ({"grant_type": "authorization_code"}, "invalid_request"),  # no code nor redirect_uri
    ({"grant_type": "refresh_token"}, "invalid_request"),  # §3.2: "refresh_token absent"
])
def test_token_endpoint_errors_are_json_400(topology, data, error):
    # §3.2: HTTP 400, Content-Type application/json;charset=UTF-8, body {"error": …}.
    response = token_request(topology, {"client_id": topology["clients"]["public"]["client_id"], **data})
    assert (response.status_code, response.json()) == (400, {"error": error})
    assert response.headers["Content-Type"] == "application/json;charset=UTF-8"


def test_token_endpoint_wants_a_form_body(topology):
    # §3.2: Content-Type application/x-www-form-urlencoded.
    response = requests.post(f"{topology['domain']}/oauth2/token", json={"grant_type": "client_credentials"},
                             auth=machine_auth(topology), timeout=5)
    assert response.json() == {"error": "invalid_request"}


# --- refresh_token (§3.2, §1.5) ----------------------------------------------------------------
def test_refresh_at_the_token_endpoint_gives_access_and_id_tokens_only(topology, oauth_tokens):
    response = token_request(topology, {"grant_type": "refresh_token", "refresh_token": oauth_tokens["refresh_token"],
                                        "client_id": topology["clients"]["public"]["client_id"]})
    body = response.json()
    assert body.keys() == {"id_token", "access_token", "expires_in", "token_type"}
    first, again = claims(oauth_tokens["access_token"]), claims(body["access_token"])
    assert again["scope"] == first["scope"] and again["auth_time"] == first["auth_time"]
    assert "nonce" not in claims(body["id_token"])


def test_initiate_auth_refresh_of_an_oauth_refresh_token_keeps_its_scopes(topology, oauth_tokens):
    result = unsigned_client(topology, "cognito-idp").initiate_auth(
        ClientId=topology["clients"]["public"]["client_id"], AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": oauth_tokens["refresh_token"]})["AuthenticationResult"]
    assert claims(result["AccessToken"])["scope"] == claims(oauth_tokens["access_token"])["scope"]


def test_get_user_accepts_an_oauth_access_token(topology, oauth_tokens):
    user = unsigned_client(topology, "cognito-idp").get_user(AccessToken=oauth_tokens["access_token"])
    assert user["Username"] == "alice"


# --- client_credentials (§3.2, §3.6) -----------------------------------------------------------
def test_client_credentials_with_basic_auth_gives_an_access_token_only(topology):
    response = token_request(topology, {"grant_type": "client_credentials"}, auth=machine_auth(topology))
    body = response.json()
    assert response.status_code == 200 and body.keys() == {"access_token", "expires_in", "token_type"}
    access = verified(topology, body["access_token"])
    machine_id = topology["clients"]["machine"]["client_id"]
    # No scope asked: "all custom scopes associated with the client".
    assert access["scope"] == READ_SCOPE
    # UNCONFIRMED (aws-facts.md item 4): sub = the client id, no username, no groups.
    assert (access["sub"], access["client_id"], access["token_use"], access["version"]) == (machine_id, machine_id, "access", 2)
    assert not {"username", "cognito:groups", "aud"} & access.keys()


def test_client_credentials_with_client_secret_post(topology):
    machine_id, secret = machine_auth(topology)
    response = token_request(topology, {"grant_type": "client_credentials", "client_id": machine_id,
                                        "client_secret": secret, "scope": READ_SCOPE})
    assert response.status_code == 200 and claims(response.json()["access_token"])["scope"] == READ_SCOPE


def test_client_credentials_with_a_wrong_secret_is_invalid_client(topology):
    machine_id, _ = machine_auth(topology)
    response = token_request(topology, {"grant_type": "client_credentials"}, auth=(machine_id, "wrong-secret"))
    assert (response.status_code, response.json()) == (400, {"error": "invalid_client"})


def test_client_credentials_for_the_public_client_is_unauthorized_client(topology):
    # §3.2: the grant needs a client allowed client_credentials (its only flow) and a secret.
    response = token_request(topology, {"grant_type": "client_credentials",
                                        "client_id": topology["clients"]["public"]["client_id"]})
    assert response.json() == {"error": "unauthorized_client"}


@pytest.mark.parametrize("scope", ["openid", "https://api.cognito-lab.example/items.write"])
def test_client_credentials_issues_only_the_clients_custom_scopes(topology, scope):
    # §3.2: "you can only populate custom scopes"; §3.6: a disallowed scope is an error, no token.
    response = token_request(topology, {"grant_type": "client_credentials", "scope": scope}, auth=machine_auth(topology))
    assert response.json() == {"error": "invalid_scope"}


def test_the_code_grant_is_unauthorized_for_the_machine_client(topology):
    response = token_request(topology, {"grant_type": "authorization_code", "code": "x", "redirect_uri": REDIRECT_URI},
                             auth=machine_auth(topology))
    assert response.json() == {"error": "unauthorized_client"}


# --- /oauth2/userInfo (§3.3) -------------------------------------------------------------------
def test_user_info_answers_an_oauth_access_token_with_openid(topology, oauth_tokens):
    response = requests.get(f"{topology['domain']}/oauth2/userInfo", timeout=5,
                            headers={"Authorization": f"Bearer {oauth_tokens['access_token']}"})
    assert response.status_code == 200
    body = response.json()
    # The email scope gives email and email_verified (§3.6); sub always.
    assert body["sub"] == claims(oauth_tokens["access_token"])["sub"]
    assert body["email"] == "alice@example.com" and "custom:department" not in body


def test_user_info_refuses_a_native_access_token(topology):
    # §2.5 / §3.3: InitiateAuth tokens lack openid, so userInfo "doesn't accept" them, and AWS
    # says why (issue 20: what third-party clients got from AWS; test_fidelity_round2.py).
    native = sign_in(topology, "alice")["AccessToken"]
    response = requests.post(f"{topology['domain']}/oauth2/userInfo", timeout=5,
                             headers={"Authorization": f"Bearer {native}"})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == (
        'error="invalid_token", error_description="Access token does not contain openid scope"')


def test_user_info_without_a_token_is_a_bad_request(topology):
    # §3.3: 400 with error="invalid_request", "Bad OAuth2 request at UserInfo Endpoint".
    response = requests.get(f"{topology['domain']}/oauth2/userInfo", timeout=5)
    assert response.status_code == 400
    assert response.headers["WWW-Authenticate"] == (
        'error="invalid_request", error_description="Bad OAuth2 request at UserInfo Endpoint"')


# --- /oauth2/revoke (§3.4) ---------------------------------------------------------------------
def test_revoke_stops_the_refresh_token_everywhere_and_its_access_tokens(topology):
    verifier, challenge = new_verifier()
    tokens = redeem(topology, code_for(topology, challenge, username="bob"), verifier).json()
    public_id = topology["clients"]["public"]["client_id"]
    revoke = {"token": tokens["refresh_token"], "client_id": public_id}
    response = requests.post(f"{topology['domain']}/oauth2/revoke", data=revoke, timeout=5)
    assert (response.status_code, response.text) == (200, "")
    refreshed = token_request(topology, {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"],
                                         "client_id": public_id})
    assert refreshed.json() == {"error": "invalid_grant"}
    with pytest.raises(ClientError) as refused:
        unsigned_client(topology, "cognito-idp").initiate_auth(
            ClientId=public_id, AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters={"REFRESH_TOKEN": tokens["refresh_token"]})
    assert refused.value.response["Error"]["Message"] == "Refresh Token has been revoked"
    user_info = requests.get(f"{topology['domain']}/oauth2/userInfo", timeout=5,
                             headers={"Authorization": f"Bearer {tokens['access_token']}"})
    assert user_info.status_code == 401  # "all access tokens issued from it"
    with pytest.raises(ClientError) as revoked_access:
        unsigned_client(topology, "cognito-idp").get_user(AccessToken=tokens["access_token"])
    assert revoked_access.value.response["Error"]["Message"] == "Access Token has been revoked"  # §2.6
    # §3.4: "an already-revoked or invalid token still gives 200".
    assert requests.post(f"{topology['domain']}/oauth2/revoke", data=revoke, timeout=5).status_code == 200


def test_revoke_errors(topology, oauth_tokens):
    url, public_id = f"{topology['domain']}/oauth2/revoke", topology["clients"]["public"]["client_id"]
    # §3.4: a token that isn't a refresh token → 400 unsupported_token_type.
    not_refresh = requests.post(url, data={"token": oauth_tokens["access_token"], "client_id": public_id}, timeout=5)
    assert (not_refresh.status_code, not_refresh.json()) == (400, {"error": "unsupported_token_type"})
    # Missing token → 400 invalid_request; bad client credentials → 401 invalid_client.
    assert requests.post(url, data={"client_id": public_id}, timeout=5).json() == {"error": "invalid_request"}
    machine_id, _ = machine_auth(topology)
    bad = requests.post(url, data={"token": "x"}, auth=(machine_id, "wrong"), timeout=5)
    assert (bad.status_code, bad.json()) == (401, {"error": "invalid_client"})


# --- discovery (§1.1) --------------------------------------------------------------------------
def test_discovery_document_names_the_domains_endpoints(topology):
    # §1.1: discovery stays on the issuer's host; the endpoints move to the domain. The exact
    # AWS content for a pool with a domain is UNCONFIRMED (aws-facts.md item 3).
    document = requests.get(f"{topology['endpoint']}/{topology['user_pool_id']}/.well-known/openid-configuration",
                            timeout=5).json()
    domain = topology["domain"]
    assert document["issuer"] == topology["issuer"]
    assert document["authorization_endpoint"] == f"{domain}/oauth2/authorize"
    assert document["token_endpoint"] == f"{domain}/oauth2/token"
    assert document["userinfo_endpoint"] == f"{domain}/oauth2/userInfo"
    assert document["revocation_endpoint"] == f"{domain}/oauth2/revoke"
    assert document["end_session_endpoint"] == f"{domain}/logout"
    # issue 20: AWS's documents list the four OIDC scopes and no code_challenge_methods_supported.
    assert "code_challenge_methods_supported" not in document
    assert document["scopes_supported"] == ["openid", "email", "phone", "profile"]
