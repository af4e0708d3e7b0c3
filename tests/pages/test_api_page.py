"""The API Gateway page through AppTest, against the real in-process sandbox: the matrix of routes ×
what the caller presents, opening a cell, and each "break it" button."""

from __future__ import annotations

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from flows import signin
from flows.export import export_markdown, ordered
from flows.target import Target
from tests.conftest import ROOT
from tests.pages.tables import static_tables

# The matrix's short column headings (ui/views/api_table.header; its caption spells them out).
OAUTH = "OAuth code"
MACHINE = "OAuth M2M"
NATIVE_ACCESS = "Access"
CREDENTIALS = "SigV4"


def _texts(app: AppTest, *kinds: str) -> str:
    kinds = kinds or ("markdown", "caption", "info", "success", "error", "warning", "code", "subheader")
    return "\n".join(str(e.value) for kind in kinds for e in getattr(app, kind))


def _button(app: AppTest, label: str):
    return next(b for b in app.button if b.label == label)


def _run(app: AppTest) -> AppTest:
    assert not app.exception, app.exception
    return app


def _dashboard() -> AppTest:
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    return _run(app.run())


def _target(app: AppTest) -> Target:
    return app.session_state["lab"].target


def _sign_in_through_flows(app: AppTest, username: str = "alice") -> None:
    """Leg 1 through flows, stored as the sign-in page stores it."""
    target = _target(app)
    password = next(user.password for user in target.users if user.username == username)
    signed = signin.sign_in_with_password(target, username, password)
    assert signed.ok, signed.failure
    app.session_state["lab"].tokens = {k: signed.outputs[k] for k in ("id_token", "access_token", "refresh_token")}
    app.session_state["lab"].results = {"sign_in": signed}


def _api_page(signed_in: bool = True) -> AppTest:
    app = _dashboard()
    if signed_in:
        _sign_in_through_flows(app)
    return _run(app.switch_page("app_pages/api_gateway.py").run())


def _ready(source: str = "code") -> AppTest:
    """Signed in as alice, credentials exchanged and the scoped token obtained on the page."""
    app = _api_page()
    _run(_button(app, "Exchange the ID token for AWS credentials").click().run())
    if source != "code":
        _run(app.radio(key="api_oauth_source").set_value(source).run())
    _run(app.button(key="api_get_scoped").click().run())
    return app


def _fill(app: AppTest) -> pd.DataFrame:
    _run(_button(app, "Fill the matrix (call every cell)").click().run())
    return app.dataframe(key="api_matrix_table").value


def _row(app: AppTest, api: str, path: str) -> int:
    return next(i for i, r in enumerate(_target(app).routes) if r.api == api and r.path == path)


def _cell(matrix: pd.DataFrame, app: AppTest, api: str, path: str, column: str) -> str:
    """The matrix's rows are the target's routes, in order."""
    return matrix.iloc[_row(app, api, path)][column]


def _status(cell_text: str) -> int:
    return int(cell_text.split()[1])  # "🔴 401 ✔"


def _open(app: AppTest, api: str, path: str, column: str) -> AppTest:
    """Click a cell of the matrix (AppTest sets the table's selection as a click would)."""
    cell = [_row(app, api, path), column]
    app.session_state["api_matrix_table"] = {"selection": {"rows": [], "columns": [], "cells": [cell]}}
    return _run(app.run())


def _curl(app: AppTest) -> str:
    return next(c.value for c in app.code if c.value.startswith("curl -X"))


def _canonical_request(app: AppTest) -> str:
    return next(c.value for c in app.code if c.value.startswith("GET\n/"))


def _api_call_status(app: AppTest) -> int:
    return app.session_state["lab"].results["api_call"].outputs["status"]


# --- the matrix ---------------------------------------------------------------------------------
def test_matrix_key_cells():
    app = _ready()
    matrix = _fill(app)

    def cell(api: str, path: str, column: str) -> str:
        return _cell(matrix, app, api, path, column)

    assert _status(cell("rest", "/profile", "ID token")) == 200
    assert _status(cell("rest", "/profile", NATIVE_ACCESS)) == 401
    assert _status(cell("rest", "/profile", "Nothing")) == 401
    assert _status(cell("rest", "/items", NATIVE_ACCESS)) == 401
    assert _status(cell("rest", "/items", OAUTH)) == 200
    assert _status(cell("rest", "/iam", CREDENTIALS)) == 200
    assert cell("rest", "/iam", "Nothing") == "🔴 403 ✔"  # the message is in the opened cell
    assert _status(cell("http", "/profile", "ID token")) == 200
    assert _status(cell("http", "/profile", NATIVE_ACCESS)) == 200


def test_every_prediction_agrees_with_the_sandbox():
    app = _ready()
    cells = _fill(app).to_numpy().ravel().tolist()
    assert len(cells) == 5 * len(_target(app).routes)
    assert not [c for c in cells if "✘" in c]
    # Only the signed AWS_IAM call is left to the role's policies; every other cell is predicted.
    unpredicted = [c for c in cells if "✔" not in c]
    assert unpredicted == ["🟢 200 ·"]


def test_machine_client_token_passes_rest_scope_but_not_the_http_audience():
    app = _ready(source="client_credentials")
    matrix = _fill(app)
    assert _status(_cell(matrix, app, "rest", "/items", MACHINE)) == 200
    assert _status(_cell(matrix, app, "http", "/profile", MACHINE)) == 401
    assert _status(_cell(matrix, app, "http", "/items", MACHINE)) == 401


def test_without_sign_in_only_nothing_is_called():
    app = _api_page(signed_in=False)
    matrix = _fill(app)
    assert (matrix["ID token"] == "—").all()
    assert _status(_cell(matrix, app, "rest", "/public", "Nothing")) == 200
    assert _status(_cell(matrix, app, "rest", "/profile", "Nothing")) == 401


# --- opening a cell --------------------------------------------------------------------------------
def test_opening_a_signed_cell_shows_curl_canonical_request_and_identity():
    app = _ready()
    _fill(app)
    _open(app, "rest", "/iam", CREDENTIALS)
    assert any(s.value == "HTTP 200" for s in app.success)
    assert _api_call_status(app) == 200
    curl = _curl(app)
    assert "Authorization: AWS4-HMAC-SHA256 Credential=" in curl and "chars, masked)" in curl
    canonical = _canonical_request(app)
    assert "/prod/iam" in canonical and "x-amz-date:" in canonical and "host;x-amz-date" in canonical
    assert any(c.value.startswith("AWS4-HMAC-SHA256\n") for c in app.code)  # the string to sign
    identity_context = app.json[0].value
    assert "cognitoIdentityId" in identity_context and "authenticated" in identity_context
    reasoning = " ".join(static_tables(app)[1].iloc[:, 0].tolist())  # after the verdict
    assert "execute-api:Invoke" in reasoning


def test_reveal_secrets_unmasks_the_session_token_in_curl():
    app = _ready()
    _fill(app)
    _open(app, "rest", "/iam", CREDENTIALS)
    session_token = app.session_state["lab"].results["identity_pool"].outputs["SessionToken"]
    curl, canonical = _curl(app), _canonical_request(app)
    assert session_token not in curl and session_token not in canonical
    assert "x-amz-security-token:" in canonical and "chars, masked)" in canonical
    app.session_state["lab"].reveal_secrets = True
    _run(app.run())
    assert f"X-Amz-Security-Token: {session_token}" in _curl(app)
    assert f"x-amz-security-token:{session_token}" in _canonical_request(app)


def test_opening_a_token_cell_shows_claims_reasoning_and_bearer_curl():
    app = _ready()
    _fill(app)
    _open(app, "rest", "/profile", NATIVE_ACCESS)
    assert any(e.value == "HTTP 401" for e in app.error)
    assert "curl -X GET" in _texts(app, "code") and "Authorization: Bearer eyJ" in _texts(app, "code")
    reasoning = static_tables(app)[1].iloc[:, 0].tolist()
    assert any("accepts only an ID token; this is a token with token_use access" in step for step in reasoning)
    assert _api_call_status(app) == 401


def test_call_one_cell_with_a_button_opens_it_and_rest_claim_note_is_rest_only():
    app = _ready()
    _run(app.selectbox(key="api_route").set_value("http GET /profile").run())
    _run(_button(app, "Call with the ID token").click().run())
    assert any(s.value == "HTTP 200" for s in app.success)
    assert "jwt" in app.json[0].value  # HTTP APIs nest the claims under jwt
    assert not any("date strings" in w.value for w in app.warning)
    _run(app.selectbox(key="api_route").set_value("rest GET /profile").run())
    _run(_button(app, "Call with the ID token").click().run())
    assert any("date strings" in w.value for w in app.warning)


# --- break it ----------------------------------------------------------------------------------------
def _broken(app: AppTest, label: str) -> AppTest:
    _run(_button(app, label).click().run())
    assert any("Broken on purpose" in m.value for m in app.markdown)
    return app


def test_expire_the_token():
    app = _ready()
    _fill(app)
    _open(app, "rest", "/profile", "ID token")
    _broken(app, "Expire the token")
    assert any(e.value == "HTTP 401" for e in app.error)
    assert _api_call_status(app) == 401
    assert '401 "The incoming token has expired"' in _texts(app, "info")  # the genuine case, predicted
    assert any(c.value.startswith("- expiry (exp): ") and "\n+ expiry (exp): " in c.value for c in app.code)
    # On the sandbox the copy is genuinely expired (re-signed by the pool): the real answer.
    assert any(c.value == "The incoming token has expired" for c in app.code)


def test_tamper_with_a_claim():
    app = _ready()
    _fill(app)
    _open(app, "rest", "/profile", "ID token")
    _broken(app, "Tamper with a claim")
    assert any(e.value == "HTTP 401" for e in app.error)
    assert "superusers" in _texts(app, "code")
    assert "signature: invalid" in static_tables(app)[3].iloc[:, 2].tolist()  # the broken call's reasoning
    assert "The signature check refused it" in _texts(app, "info")  # explained by difference


def test_another_app_clients_token_fails_the_http_audience():
    app = _ready()
    _fill(app)
    _open(app, "http", "/profile", NATIVE_ACCESS)
    _broken(app, "Use another app client's token")
    assert any(e.value == "HTTP 401" for e in app.error)
    assert 'error_description="the token does not have a valid audience"' in _texts(app, "code")
    assert "Audience" in _texts(app, "info")


def test_drop_the_bearer_prefix_still_passes():
    app = _ready()
    _fill(app)
    _open(app, "rest", "/profile", "ID token")
    _broken(app, "Drop the \"Bearer \" prefix")
    assert [s.value for s in app.success].count("HTTP 200") == 2  # the call, and the "broken" one
    assert "The decision did not change" in _texts(app, "info")
    assert "- Authorization header: Bearer <token>\n+ Authorization header: <token>" in _texts(app, "code")
    assert any(c.value.startswith("GET ") and "\nAuthorization: eyJ" in c.value for c in app.code)


def test_sign_with_the_wrong_secret():
    app = _ready()
    _fill(app)
    _open(app, "rest", "/iam", CREDENTIALS)
    _broken(app, "Sign with the wrong secret")
    assert any(e.value == "HTTP 403" for e in app.error)
    assert "The request signature we calculated does not match" in _texts(app, "code")
    assert _api_call_status(app) == 403


def _break_buttons(app: AppTest) -> list[str]:
    return [b.key for b in app.button if (b.key or "").startswith("break-")]


def test_break_buttons_only_for_a_passing_call():
    app = _ready()
    _fill(app)
    _open(app, "rest", "/profile", "ID token")  # passes: the token checks can be broken
    assert {"break-expire", "break-tamper"} <= set(_break_buttons(app))
    _open(app, "rest", "/profile", NATIVE_ACCESS)  # refused (REST takes ID tokens): it says so
    assert _break_buttons(app) == []
    assert any("open a passing one" in c.value for c in app.caption)
    _open(app, "rest", "/profile", "Nothing")
    assert _break_buttons(app) == []


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_everything_renders_in_both_languages(lang):
    app = _ready()
    _fill(app)
    _open(app, "rest", "/profile", "ID token")
    _run(_button(app, "Tamper with a claim").click().run())
    app.session_state["lab"].lang = lang
    _run(app.run())
    texts = (_texts(app) + "\n".join(d.value.to_string() for d in app.dataframe)
             + "\n".join(frame.to_string() for frame in static_tables(app)) + "\n".join(b.label for b in app.button))
    assert "⟦" not in texts


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_the_export_names_this_pages_steps(lang):
    app = _ready()
    _fill(app)
    _open(app, "http", "/profile", NATIVE_ACCESS)
    _run(_button(app, "Use another app client's token").click().run())
    results = app.session_state["lab"].results
    assert {"api_call", "api_oauth_token", "api_other_client_token"} <= set(results)
    exported = export_markdown(ordered(results), lang)
    assert "⟦" not in exported
    machine_secret = _target(app).client("machine").client_secret
    assert machine_secret not in exported  # Basic auth of client_credentials stays masked


def test_matrix_cells_are_short_and_the_opened_cell_keeps_the_error():
    """Issue 18: a cell is status + mark, so the matrix fits at 1280 px; the refusal's words
    (here IAM's, quoted as AWS says them) are in the opened cell."""
    app = _ready()
    matrix = _fill(app)
    assert max(len(text) for text in matrix.to_numpy().ravel()) <= 12
    assert _cell(matrix, app, "rest", "/iam", "ID token") == "🔴 403 ✔"
    _open(app, "rest", "/iam", "ID token")
    assert "IncompleteSignatureException" in static_tables(app)[0].to_string()  # the verdict's outcome
