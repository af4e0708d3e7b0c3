"""Every page, through Streamlit's AppTest, against the real in-process sandbox."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT
from tests.pages.tables import static_tables

PAGES = ["app_pages/overview.py", "app_pages/sign_in.py", "app_pages/tokens.py", "app_pages/identity_pool.py",
         "app_pages/api_gateway.py", "app_pages/reference.py"]


def _texts(app: AppTest) -> str:
    parts = [e.value for kind in ("title", "markdown", "caption", "info", "success", "error", "warning", "code")
             for e in getattr(app, kind)]
    return "\n".join(str(p) for p in parts)


def _app() -> AppTest:
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    app.run()
    assert not app.exception
    return app


def _visit(app: AppTest, page: str) -> AppTest:
    app.switch_page(page).run()
    assert not app.exception, app.exception
    return app


def _button(app: AppTest, label: str):
    return next(b for b in app.button if b.label == label)


def _sign_in(app: AppTest, username: str = "alice") -> AppTest:
    _visit(app, "app_pages/sign_in.py")
    app.selectbox(key="sign_in_user").set_value(username).run()
    _button(app, "Sign in").click().run()
    assert not app.exception
    return app


@pytest.mark.parametrize("lang", ["en", "ja"])
@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_without_a_missing_text(page, lang):
    app = _app()
    app.session_state["lab"].lang = lang
    _visit(app, page)
    assert "⟦" not in _texts(app)


def test_overview_shows_the_four_legs_diagram():
    app = _app()
    assert app.title[0].value == "Cognito Lab"
    assert "four legs" in _texts(app)


def test_sign_in_then_tokens_side_by_side_verified():
    app = _sign_in(_app())
    assert any("Signed in" in s.value for s in app.success)
    assert "\"PASSWORD\": \"********\"" in _texts(app)
    _visit(app, "app_pages/tokens.py")
    texts = _texts(app)
    assert "ID token" in texts and "Access token" in texts
    assert sum("Signature verified" in s.value for s in app.success) == 2
    tables = static_tables(app)
    claims_and_checks = tables[:4]
    assert all(len(frame) > 0 for frame in claims_and_checks)
    differing, same = tables[4], tables[5]
    comparison = differing.set_index("claim")
    assert comparison.loc["aud", "Access token"] == "—" and comparison.loc["client_id", "ID token"] == "—"
    predictions = tables[6]
    # ID token: REST, REST with the scope, HTTP, HTTP with the selected scope (403, as the sandbox
    # answers: issue 14), the identity pool.
    assert predictions["outcome"].str.startswith("✅").tolist() == [True, False, True, False, True]
    assert predictions["outcome"].tolist()[3] == "❌ 403 Forbidden (unconfirmed)"


def test_wrong_password_shows_cognitos_error_next_to_the_request():
    app = _visit(_app(), "app_pages/sign_in.py")
    app.text_input(key="password-alice").set_value("wrong").run()
    _button(app, "Sign in").click().run()
    assert not app.exception
    assert any("NotAuthorizedException" in e.value for e in app.error)
    assert "Incorrect username or password." in _texts(app)
    assert "wrong" not in [c.value for c in app.code]


def test_identity_pool_masks_the_secret_key():
    app = _sign_in(_app())
    _visit(app, "app_pages/identity_pool.py")
    _button(app, "Exchange the ID token for AWS credentials").click().run()
    assert any("Credentials for identity" in s.value for s in app.success)
    frame = app.dataframe[0].value
    secret = frame[frame["field"] == "SecretKey"]["value"].iloc[0]
    assert "masked" in secret


def test_identity_pool_refuses_the_access_token_with_the_real_error():
    app = _sign_in(_app())
    _visit(app, "app_pages/identity_pool.py")
    _button(app, "Try the access token instead").click().run()
    assert "Invalid login token. Missing a required claim: aud" in _texts(app)


def test_api_call_200_with_id_token_then_401_without():
    app = _sign_in(_app())
    _visit(app, "app_pages/api_gateway.py")
    _button(app, "Call with the ID token").click().run()
    assert any(s.value == "HTTP 200" for s in app.success)
    assert app.json[0].value  # the claims the backend received
    _button(app, "Call with no token").click().run()
    assert any(e.value == "HTTP 401" for e in app.error)


def test_japanese_switch_changes_the_labels():
    app = _app()
    app.selectbox(key="lang_choice").set_value("ja").run()
    assert not app.exception
    _visit(app, "app_pages/sign_in.py")
    assert any(b.label == "サインイン" for b in app.button)


def _own_token_and_jwks(**claims):
    import json
    import time

    import jwt
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = {**jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key(), as_dict=True), "kid": "k1", "alg": "RS256", "use": "sig"}
    now = int(time.time())
    payload = {"iss": "https://issuer.example", "sub": "u1", "token_use": "access", "client_id": "c1",
               "iat": now, "exp": now + 600, **claims}
    return jwt.encode(payload, key, algorithm="RS256", headers={"kid": "k1"}), json.dumps({"keys": [jwk]})


def test_paste_a_token_with_its_jwks_shows_the_checklist():
    token, jwks = _own_token_and_jwks()
    app = _visit(_app(), "app_pages/tokens.py")
    app.text_area(key="paste_token").set_value("Bearer " + token)
    app.text_area(key="paste_jwks").set_value(jwks)
    _button(app, "Decode and verify").click().run()
    assert not app.exception
    assert "Keys: the JWKS you pasted." in _texts(app)
    # The issuer is not this pool's, so the checklist names the first failing check.
    assert any("wrong_issuer" in e.value for e in app.error)
    checklist = next(frame for frame in static_tables(app) if "check" in frame.columns)
    assert checklist.set_index("check").loc["signature", "result"] == "✅"


def test_paste_garbage_gets_a_clear_message():
    app = _visit(_app(), "app_pages/tokens.py")
    app.text_area(key="paste_token").set_value("not.a.jwt")
    _button(app, "Decode and verify").click().run()
    assert not app.exception
    assert any(e.value == "Not a JWT" for e in app.error)
    assert any("segment" in c.value for c in app.code)  # the specific reason, shown as text


def test_paste_token_of_unknown_issuer_without_jwks_fetches_nothing():
    token, _ = _own_token_and_jwks(iss="http://127.0.0.1:9/evil", jku="http://127.0.0.1:9/jwks")
    app = _visit(_app(), "app_pages/tokens.py")
    app.text_area(key="paste_token").set_value(token)
    _button(app, "Decode and verify").click().run()
    assert not app.exception
    # Issue 14: the headline is the wrong issuer, not the missing keys; why no keys were fetched
    # is part of "what would settle the rest".
    assert any(e.value.startswith("Rejected: wrong_issuer") for e in app.error)
    assert any("will not fetch keys for issuer" in c.value for c in app.code)


def test_audit_a_file_of_tokens_against_the_pools_keys():
    app = _sign_in(_app())
    tokens = app.session_state["lab"].tokens
    _visit(app, "app_pages/tokens.py")
    upload = "\n".join([tokens["id_token"], tokens["access_token"], "not-a-token"]).encode()
    app.file_uploader(key="audit_file").set_value(("tokens.log", upload, "text/plain")).run()
    assert not app.exception, app.exception
    audited = next(frame for frame in static_tables(app) if "verdict" in frame.columns)
    assert list(audited["verdict"][:2]) == ["valid", "valid"]  # verified with the pool's own keys
    assert tokens["id_token"] not in audited.to_string()  # a row never keeps the token
