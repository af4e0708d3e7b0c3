"""What a newcomer meets first (issue 18): the dead ends fixed, the differing claims first, one
tip per idea, the overview marking every leg done. AppTest against the in-process sandbox."""

from __future__ import annotations

import tomllib

import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT
from tests.pages.tables import static_tables
from ui.views.token_audit import UPLOAD_OPTION, max_upload_megabytes

DIFFERING = {"aud", "client_id", "scope", "username", "version", "token_use"}


def _app() -> AppTest:
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    app.run()
    assert not app.exception
    return app


def _visit(app: AppTest, page: str) -> AppTest:
    app.switch_page(page).run()
    assert not app.exception, app.exception
    return app


def _click(app: AppTest, label: str) -> AppTest:
    next(b for b in app.button if b.label == label).click().run()
    assert not app.exception, app.exception
    return app


def _signed_in() -> AppTest:
    app = _visit(_app(), "app_pages/sign_in.py")
    return _click(app, "Sign in")


def _leg_links(app: AppTest) -> list[str]:
    return [link.label for link in app.get("page_link")]


def test_the_overview_marks_every_leg_done_including_the_api_after_the_matrix():
    app = _visit(_app(), "app_pages/overview.py")
    assert not any("done in this session" in label for label in _leg_links(app))
    _click(_visit(app, "app_pages/sign_in.py"), "Sign in")
    _visit(app, "app_pages/tokens.py")
    _click(_visit(app, "app_pages/identity_pool.py"), "Exchange the ID token for AWS credentials")
    _click(_visit(app, "app_pages/api_gateway.py"), "Fill the matrix (call every cell)")
    _visit(app, "app_pages/overview.py")
    links = _leg_links(app)
    assert len(links) == 4 and all("done in this session" in label for label in links), links
    assert app.get("graphviz_chart")[0].proto.spec.count("filled") == 4  # every box of the diagram


def test_the_differing_claims_come_first_and_marked_the_identical_ones_folded():
    app = _visit(_signed_in(), "app_pages/tokens.py")
    tables = static_tables(app)
    first = next(i for i, frame in enumerate(tables) if "claim" in frame.columns and "Access token" in frame.columns)
    differing, same = tables[first], tables[first + 1]
    assert DIFFERING <= set(differing["claim"]) and not set(same["claim"]) & DIFFERING
    assert differing.attrs["marked"] == set(range(len(differing)))  # every differing row highlighted
    assert (differing["ID token"] != differing["Access token"]).all()
    assert (same["ID token"] == same["Access token"]).all() and "sub" in set(same["claim"])
    expander = next(e for e in app.expander if "same in both tokens" in e.label)
    assert not expander.proto.expanded


def test_an_empty_audit_file_explains_itself():
    app = _visit(_signed_in(), "app_pages/tokens.py")
    for content in (b"", b"\n  \n"):
        app.file_uploader(key="audit_file").set_value(("empty.log", content, "text/plain")).run()
        assert not app.exception, app.exception
        assert any("empty.log is empty" in w.value for w in app.warning)
        assert not app.get("arrow_vega_lite_chart")
        assert "Download CSV" not in [button.label for button in app.get("download_button")]


def test_the_upload_limit_is_streamlits_own_and_the_audit_checks_the_same():
    configured = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())["server"]["maxUploadSize"]
    assert max_upload_megabytes() == configured == st.get_option(UPLOAD_OPTION)
    app = _visit(_signed_in(), "app_pages/tokens.py")
    too_big = b"x" * (configured * 1024 * 1024 + 1)
    app.file_uploader(key="audit_file").set_value(("big.log", too_big, "text/plain")).run()
    assert any(e.value == f"The file is larger than {configured} MB." for e in app.error)


def test_a_sign_in_shows_each_tip_once():
    app = _visit(_app(), "app_pages/sign_in.py")
    app.selectbox(key="sign_in_flow").set_value("srp").run()  # its step has a scope note of its own
    _click(app, "Sign in")
    texts = [box.value for box in app.info]
    assert sum("aws.cognito.signin.user.admin" in text and "custom scope" in text for text in texts) == 1, texts
