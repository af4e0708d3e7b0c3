"""The authorization code + PKCE flow as steps (flows.oauth), driven end to end against the sandbox."""

from __future__ import annotations

import base64
import json
from dataclasses import replace

import jwt
import pytest

from flows import oauth
from flows.redact import SCRUBBED

READ_SCOPE = "https://api.cognito-lab.example/items.read"


def password_of(target, username: str) -> str:
    return next(u.password for u in target.users if u.username == username)


def signed_in(target, username: str = "alice", scopes=("openid", "email", READ_SCOPE)):
    pkce = oauth.new_pkce()
    page = oauth.open_sign_in_page(target, oauth.authorize_url(target, "public", pkce, scopes))
    assert page.ok, page.failure
    back = oauth.submit_sign_in(target, page.outputs["form"], username, password_of(target, username),
                                expected_state=pkce.state)
    return pkce, page, back


def test_authorize_url_carries_the_challenge_not_the_verifier(target):
    pkce = oauth.new_pkce()
    url = oauth.authorize_url(target, "public", pkce)
    assert url.startswith(f"{target.domain}/oauth2/authorize?")
    assert pkce.challenge in url and "code_challenge_method=S256" in url and pkce.verifier not in url


def test_the_whole_flow_step_by_step(target):
    pkce, page, back = signed_in(target)
    assert [e.label for e in page.exchanges] == ["GET /oauth2/authorize", "GET /login"]
    assert [e.response.status for e in page.exchanges] == [302, 200]
    assert page.outputs["form"]["fields"]["code_challenge"] == pkce.challenge
    assert back.ok and back.outputs["state"] == pkce.state and back.outputs["code"]
    assert back.outputs["location"].startswith(oauth.LAB_REDIRECT_URI)
    [post] = back.exchanges
    assert (post.label, post.response.status) == ("POST /login", 302)

    tokens = oauth.exchange_code(target, "public", back.outputs["code"], pkce)
    assert tokens.ok, tokens.failure
    assert {"id_token", "access_token", "refresh_token"} <= tokens.outputs.keys()
    access = jwt.decode(tokens.outputs["access_token"], options={"verify_signature": False})
    assert READ_SCOPE in access["scope"].split()
    assert pkce.verifier in tokens.exchanges[0].request.body  # sent only now, to the token endpoint

    info = oauth.userinfo(target, tokens.outputs["access_token"])
    assert info.ok and info.outputs["claims"]["email"] == "alice@example.com"

    refreshed = oauth.refresh(target, "public", tokens.outputs["refresh_token"])
    assert refreshed.ok and "refresh_token" not in refreshed.outputs

    revoked = oauth.revoke(target, "public", tokens.outputs["refresh_token"])
    assert revoked.ok and revoked.outputs == {"status": 200}
    again = oauth.refresh(target, "public", tokens.outputs["refresh_token"])
    assert not again.ok and again.failure.code == "invalid_grant" and again.failure.meaning("ja")


def test_the_password_is_never_kept(target):
    password = password_of(target, "alice")
    _, page, back = signed_in(target)
    [post] = back.exchanges
    assert f"password={SCRUBBED}" in post.request.body and password not in post.request.body
    for result in (page, back):
        assert password not in json.dumps(result.to_json(reveal_secrets=True))


def test_a_wrong_password_is_a_result_with_cognitos_message_and_the_form_to_retry(target):
    pkce = oauth.new_pkce()
    page = oauth.open_sign_in_page(target, oauth.authorize_url(target, "public", pkce))
    refused = oauth.submit_sign_in(target, page.outputs["form"], "alice", "not-her-password", pkce.state)
    assert (refused.failure.code, refused.failure.message) == ("sign_in_refused", "Incorrect username or password.")
    assert refused.failure.meaning("en") and refused.outputs["form"]["fields"]["state"] == pkce.state
    assert "not-her-password" not in json.dumps(refused.to_json(reveal_secrets=True))


def test_a_state_that_is_not_the_apps_is_a_failure(target):
    pkce = oauth.new_pkce()
    page = oauth.open_sign_in_page(target, oauth.authorize_url(target, "public", pkce))
    back = oauth.submit_sign_in(target, page.outputs["form"], "alice", password_of(target, "alice"),
                                expected_state="some-other-state")
    assert back.failure.code == "state_mismatch" and back.failure.meaning_key == "meaning.oauth.state_mismatch"
    assert oauth.read_callback(back.outputs["location"], pkce.state).ok


def test_a_wrong_verifier_is_invalid_grant(target):
    pkce, _, back = signed_in(target)
    stolen = replace(pkce, verifier=oauth.new_pkce().verifier)
    result = oauth.exchange_code(target, "public", back.outputs["code"], stolen)
    assert (result.failure.code, result.failure.status) == ("invalid_grant", 400)
    assert result.failure.meaning("en")


def test_an_error_at_authorize_comes_back_as_a_failure(target):
    pkce = oauth.new_pkce()
    url = oauth.authorize_url(target, "public", pkce).replace("code_challenge_method=S256", "code_challenge_method=plain")
    result = oauth.open_sign_in_page(target, url)
    assert result.failure.code == "invalid_request"
    bad_redirect = oauth.open_sign_in_page(target, oauth.authorize_url(target, "public", pkce,
                                                                       redirect_uri="https://evil.example/cb"))
    assert bad_redirect.failure.code == "redirect_mismatch" and bad_redirect.failure.status == 400
    assert [e.label for e in bad_redirect.exchanges] == ["GET /oauth2/authorize", "GET /error"]


def test_client_credentials_sends_the_secret_in_basic_auth_masked_on_display(target):
    result = oauth.client_credentials(target, "machine", (READ_SCOPE,))
    assert result.ok and result.outputs.keys() == {"access_token", "expires_in", "token_type"}
    [exchange] = result.exchanges
    secret = target.client("machine").client_secret
    assert secret not in exchange.request.body
    assert dict(exchange.request.headers)["Authorization"].startswith("Basic ")
    assert base64.b64encode(secret.encode()).decode()[:8] not in json.dumps(result.to_json())
    assert any(note.fidelity for note in result.notes)


def test_client_credentials_for_a_public_client_is_a_failure(target):
    result = oauth.client_credentials(target, "public")
    assert result.failure.code == "unauthorized_client" and result.failure.meaning("ja")


def test_userinfo_refuses_a_native_token(target):
    from flows import signin

    native = signin.sign_in_with_password(target, "alice", password_of(target, "alice")).outputs["access_token"]
    result = oauth.userinfo(target, native)
    assert (result.failure.code, result.failure.status) == ("invalid_token", 401)


def test_a_target_without_a_domain_is_explained(target):
    no_domain = replace(target, domain=None)
    assert oauth.userinfo(no_domain, "x").failure.code == "no_domain"
    with pytest.raises(ValueError):
        oauth.authorize_url(no_domain, "public", oauth.new_pkce())
