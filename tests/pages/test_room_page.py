"""Reload-proof sessions (issue 16), through AppTest: a second Streamlit session that brings the
first one's resume code (a reload) gets the same LabSession; a wrong code gets a fresh one."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT


def _run(resume: str | None = None) -> AppTest:
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    if resume is not None:
        app.query_params["resume"] = resume
    app.run()
    assert not app.exception, app.exception
    return app


def _code(app: AppTest) -> str:
    code = app.query_params["resume"]
    return code[0] if isinstance(code, list) else code


def test_a_reload_with_the_resume_code_comes_back_to_the_same_session():
    first = _run()
    lab = first.session_state["lab"]
    lab.lang = "ja"
    reloaded = _run(_code(first))
    assert reloaded.session_state["lab"] is lab  # topology, tokens, language, progress: all of it
    assert _code(reloaded) == _code(first)
    assert any("このページのアドレスはあなた専用です" in caption.value for caption in reloaded.sidebar.caption)
    assert not reloaded.warning


def test_a_wrong_code_starts_a_fresh_session_and_says_so():
    first = _run()
    fresh = _run("not-a-code-anyone-was-given")
    assert fresh.session_state["lab"] is not first.session_state["lab"]
    assert fresh.session_state["lab"].target.user_pool_id != first.session_state["lab"].target.user_pool_id
    assert _code(fresh) not in ("not-a-code-anyone-was-given", _code(first))
    assert "unknown or expired session" in fresh.warning[0].value
    assert any("This page's address is personal" in caption.value for caption in fresh.sidebar.caption)
