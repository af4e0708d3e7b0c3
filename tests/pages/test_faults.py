"""Faults give a clear message and a way to recover, never a stack trace or a hung page."""

from __future__ import annotations

import gc
import socket

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from sandbox.sessions import SessionTopologies
from tests.conftest import ROOT


@pytest.fixture
def fresh_sandbox_cache():
    st.cache_resource.clear()
    yield
    for registry in [o for o in gc.get_objects() if isinstance(o, SessionTopologies)]:
        registry.shutdown()
    st.cache_resource.clear()


def _app() -> AppTest:
    # A new AppTest is a new browser session running dashboard.py itself (AppTest's
    # switch_page runs only the page script afterwards).
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    app.run()
    assert not app.exception
    return app


def test_port_taken_says_so_and_how_to_fix(fresh_sandbox_cache, monkeypatch):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        monkeypatch.setenv("COGNITO_LAB_SANDBOX_PORT", str(busy.getsockname()[1]))
        app = _app()
    [error] = app.error
    assert "already in use" in error.value and "port 0" in error.value


def test_sandbox_dying_under_the_dashboard_offers_a_restart(fresh_sandbox_cache):
    old_pool = _app().session_state["lab"].target.user_pool_id
    [registry] = [o for o in gc.get_objects() if isinstance(o, SessionTopologies) and o.is_healthy()]
    registry.server.stop()  # the sandbox dies while the dashboard runs
    app = _app()
    assert any("not answering" in e.value for e in app.error)
    next(b for b in app.button if b.label == "Restart the sandbox").click().run()
    assert not app.exception and not app.error
    assert app.session_state["lab"].target.user_pool_id != old_pool
    assert not app.session_state["lab"].tokens  # nothing from the dead sandbox is kept


def test_switching_target_drops_the_sessions_tokens(topology, monkeypatch):
    # The sandbox standing in for AWS: explicit endpoints, the rest as for a real account.
    settings = {"COGNITO_LAB_REGION": topology["region"], "COGNITO_LAB_USER_POOL_ID": topology["user_pool_id"],
                "COGNITO_LAB_PUBLIC_CLIENT_ID": topology["clients"]["public"]["client_id"],
                "COGNITO_LAB_IDENTITY_POOL_ID": topology["identity_pool_id"],
                "COGNITO_LAB_REST_API_URL": topology["apis"]["rest"], "COGNITO_LAB_ENDPOINT_URL": topology["endpoint"],
                "COGNITO_LAB_JWKS_URL": topology["jwks_url"]}
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    app = _app()
    app.session_state["lab"].tokens = {"id_token": "from-the-sandbox"}
    next(b for b in app.button if b.label == "Use this AWS target").click().run()
    assert not app.exception and not app.error, [e.value for e in app.error]
    target = app.session_state["lab"].target
    assert (target.kind, target.user_pool_id, target.endpoint_url) == ("aws", topology["user_pool_id"], topology["endpoint"])
    assert not app.session_state["lab"].tokens
    app.switch_page("app_pages/sign_in.py").run()
    assert not app.exception and app.text_input(key="sign_in_user").value in ("", None)
