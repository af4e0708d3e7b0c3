"""The tokens page's paste and audit tabs on a token from somewhere else (issue 14, "Debugging a
token from somewhere else"): decoded first, claims always shown, the wrong issuer as headline,
and what would settle the rest, with no internet. Nothing here leaves loopback: fetching the
foreign pool's JWKS is switched off, and the audit's JWKS URL is a closed loopback port."""

from __future__ import annotations

import json
import time

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

from flows import i18n
from flows.jwks import JwksSource
from flows.paste import KeySources
from tests.pages.tables import static_tables
from tests.pages.test_pages import _app, _button, _texts, _visit

FOREIGN_POOL = "eu-west-1_Foreign9"
FOREIGN_ISSUER = f"https://cognito-idp.eu-west-1.amazonaws.com/{FOREIGN_POOL}"
CLOSED_PORT_JWKS = "http://127.0.0.1:9/.well-known/jwks.json"  # port 9 (discard): nothing listens


def _foreign_access_token(**claims: object) -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = int(time.time())
    payload = {"iss": FOREIGN_ISSUER, "sub": "u-1", "token_use": "access", "client_id": "client-z",
               "username": "zed", "iat": now - 900, "exp": now - 720, **claims}  # expired 12 min ago
    return jwt.encode(payload, key, algorithm="RS256", headers={"kid": "foreign-kid"})


def _paste(app, token: str, lang: str = "en"):
    app.session_state["lab"].lang = lang
    _visit(app, "app_pages/tokens.py")
    app.text_area(key="paste_token").set_value(token)
    app.checkbox(key="paste_allow_fetch").uncheck()  # offline: no fetch is even tried
    app.selectbox(key="paste_token_use").set_value("id")
    app.run()
    _button(app, i18n.text("paste.verify", lang)).click().run()
    assert not app.exception, app.exception
    return app


def test_foreign_token_offline_gets_claims_a_wrong_issuer_headline_and_what_would_settle_it():
    app = _paste(_app(), _foreign_access_token())
    headline = app.error[0].value
    assert headline == "Rejected: wrong_issuer — Wrong issuer: this token comes from another user pool"
    text = _texts(app)
    assert f"Issued by user pool {FOREIGN_POOL}, but this API trusts" in text
    assert "This is an access token, and here the ID token is needed." in text
    assert "Expired 12 minutes ago" in text
    assert f"paste the JWKS of user pool {FOREIGN_POOL} ({FOREIGN_ISSUER}/.well-known/jwks.json), or allow fetching it" in text
    claims = next(frame for frame in static_tables(app) if "claim" in frame.columns)
    assert set(claims["claim"]) >= {"iss", "client_id", "token_use", "exp"}  # decoded, always
    checklist = next(frame for frame in static_tables(app) if "check" in frame.columns)
    assert checklist.set_index("check").loc["signature", "result"] == "—"  # unchecked, not failed


def test_the_diagnosis_speaks_japanese():
    app = _paste(_app(), _foreign_access_token(), lang="ja")
    text = _texts(app)
    assert "発行者が違います" in app.error[0].value
    assert f"ユーザープール {FOREIGN_POOL} が発行したトークンですが" in text
    assert "これはアクセストークンですが、ここでは ID トークンが必要です。" in text
    assert "⟦" not in text


def test_audit_with_no_reachable_jwks_still_names_the_wrong_issuer():
    # Loopback only: the pool's JWKS URL is a closed port on this machine.
    app = _app()
    _visit(app, "app_pages/tokens.py")
    lab = app.session_state["lab"]
    lab.tokens_page.key_sources = KeySources(JwksSource(CLOSED_PORT_JWKS, timeout=2), JwksSource())
    lab.tokens_page.key_sources_for = lab.target.jwks_location  # so the controller keeps it
    upload = "\n".join([_foreign_access_token(), _foreign_access_token(iss="https://idp.example")]).encode()
    app.file_uploader(key="audit_file").set_value(("tokens.log", upload, "text/plain")).run()
    assert not app.exception, app.exception
    assert any("signatures are unchecked" in w.value for w in app.warning)
    audited = next(frame for frame in static_tables(app) if "verdict" in frame.columns)
    assert list(audited["reason"]) == ["wrong_issuer", "wrong_issuer"]
    assert "cannot reach http://127.0.0.1:9" in _texts(app)
