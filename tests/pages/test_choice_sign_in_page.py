"""The sign-in page's choice-based flow (USER_AUTH) through AppTest against the real sandbox:
the challenge selection, the email code read from the outbox, the tokens with their amr, and a
password answer that is never shown. (The passkey prompt needs a browser: tests/browser.)"""

from __future__ import annotations

from typing import Iterator

import jwt
from pytest import fixture
from streamlit.testing.v1 import AppTest

from flows.target import Target, target_from_topology
from sandbox.topology import release, seed
from tests.conftest import ROOT

PAGE = "app_pages/sign_in.py"


@fixture()
def fresh_target(sandbox_server) -> Iterator[Target]:
    seeded = seed(sandbox_server)
    yield target_from_topology(seeded)
    release(sandbox_server, seeded)


def _page(target: Target, lang: str = "en") -> AppTest:
    # (English only: AppTest formats a selectbox's options outside the script, in English.)
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    app.run()
    app.session_state["lab"].target = target
    app.session_state["lab"].lang = lang
    app.switch_page(PAGE).run()
    app.selectbox(key="sign_in_flow").set_value("choice").run()
    assert not app.exception, app.exception
    return app


def _click(app: AppTest, key: str) -> AppTest:
    next(b for b in app.button if b.key == key or b.label == key).click().run()
    assert not app.exception, app.exception
    return app


def _texts(app: AppTest) -> str:
    kinds = ("markdown", "caption", "info", "success", "error", "code")
    return "\n".join(str(e.value) for kind in kinds for e in getattr(app, kind))


def test_email_otp_from_the_outbox_signs_in(fresh_target: Target) -> None:
    app = _click(_page(fresh_target), "InitiateAuth (USER_AUTH)")
    assert "Challenges this user can take: PASSWORD, PASSWORD_SRP, EMAIL_OTP" in _texts(app)
    app.radio(key="choice_answer").set_value("EMAIL_OTP").run()
    _click(app, "choice-select")
    code = app.text_input(key="choice_code").value
    assert len(code) == 8 and f"Code read from the sandbox's outbox: {code}" in _texts(app)
    _click(app, "choice-code")
    tokens = app.session_state["lab"].tokens
    assert jwt.decode(tokens["id_token"], options={"verify_signature": False})["amr"] == ["otp"]
    assert 'Tokens issued (amr: ["otp"])' in _texts(app)


def test_a_wrong_code_is_explained_and_may_be_typed_again(fresh_target: Target) -> None:
    app = _click(_page(fresh_target), "InitiateAuth (USER_AUTH)")
    app.radio(key="choice_answer").set_value("EMAIL_OTP").run()
    _click(app, "choice-select")
    app.text_input(key="choice_code").set_value("not-a-code").run()
    _click(app, "choice-code")
    assert any("CodeMismatchException" in e.value for e in app.error)
    assert any(b.key == "choice-code" for b in app.button)  # the challenge stays


def test_the_password_choice_is_never_shown(fresh_target: Target) -> None:
    app = _click(_page(fresh_target), "InitiateAuth (USER_AUTH)")
    app.radio(key="choice_answer").set_value("PASSWORD").run()
    _click(app, "choice-select")
    assert 'Tokens issued (amr: ["pwd"])' in _texts(app)
    assert "Alice-passw0rd!" not in _texts(app) and '"PASSWORD": "********"' in _texts(app)

