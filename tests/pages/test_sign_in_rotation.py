"""The sign-in page's refresh-token rotation walk and GetClientToken (issue 20), through AppTest against the real
sandbox: one refresh through GetTokensFromRefreshToken, then the old refresh token refused
(aws-facts.md §1.5; API_RefreshTokenRotationType)."""

from __future__ import annotations

from typing import Iterator

import pytest
from streamlit.testing.v1 import AppTest

from flows.target import Target, target_from_topology
from sandbox.topology import release, seed
from tests.conftest import ROOT

PAGE = "app_pages/sign_in.py"


@pytest.fixture()
def fresh_target(sandbox_server) -> Iterator[Target]:
    seeded = seed(sandbox_server)
    yield target_from_topology(seeded)
    release(sandbox_server, seeded)


def _texts(app: AppTest) -> str:
    parts = [e.value for kind in ("markdown", "caption", "info", "success", "error", "warning", "code")
             for e in getattr(app, kind)]
    return "\n".join(str(p) for p in parts)


def _page(target: Target, lang: str, flow: str = "refresh") -> AppTest:
    # The flow set before the page's first run, as test_sign_in_page.py does (AppTest formats a
    # selectbox's value outside the session, in English: a click re-run works in English only).
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    app.run()
    app.session_state["lab"].target, app.session_state["lab"].lang = target, lang
    app.session_state["sign_in_flow"] = flow
    app.switch_page(PAGE).run()
    assert not app.exception, app.exception
    return app


def test_one_refresh_then_the_old_token_is_refused(fresh_target):
    app = _page(fresh_target, "en")
    next(b for b in app.button if b.label == "Sign in, refresh once, then reuse the old refresh token").click().run()
    assert not app.exception, app.exception
    texts = _texts(app)
    assert texts.count("GetTokensFromRefreshToken") >= 2
    assert "RefreshTokenReuseException" in texts
    assert app.session_state["lab"].tokens == {}  # the walk is aside: the session's tokens stay


def test_the_rotation_walk_is_offered_in_japanese(fresh_target):
    app = _page(fresh_target, "ja")
    assert "サインインし、一度更新し、古い更新トークンを再利用する" in [b.label for b in app.button]
    assert "更新トークンのローテーション" in _texts(app) and "⟦" not in _texts(app)


def test_get_client_token_beside_the_client_credentials_grant(fresh_target):
    # [IDP-model GetClientToken]: the native API's machine-to-machine call, no domain needed.
    app = _page(fresh_target, "en", "client_credentials")
    next(b for b in app.button if b.label == "GetClientToken (native API, no domain)").click().run()
    assert not app.exception, app.exception
    texts = _texts(app)
    assert "GetClientToken with the machine_api app client's id and secret" in texts
    assert fresh_target.client("machine_api").client_secret not in texts
    assert not [e.value for e in app.error]  # the call succeeded
