"""The Exercises page through AppTest, with the dashboard's real session and its own sandbox
topology: starting an exercise breaks that topology (the goal then fails for real), a wrong
diagnosis is said, the right one solves it, hints are graded, and the reset restores the topology.
The behaviours are those tests/integration/test_exercises.py holds against the sandbox."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from flows import signin
from flows.exercises import actions, exercises
from ui.state import Origin
from tests.conftest import ROOT

PAGE = "app_pages/exercises.py"


def _app() -> AppTest:
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    app.run()
    app.switch_page(PAGE).run()
    assert not app.exception, app.exception
    return app


def _button(app: AppTest, label: str):
    return next(b for b in app.button if b.label.startswith(label))


def _solved(app: AppTest) -> bool:
    return any(e.value == "Solved" for e in app.success)


def _texts(app: AppTest) -> str:
    return "\n".join(str(e.value) for kind in ("markdown", "caption", "info", "success", "warning", "error")
                     for e in getattr(app, kind))


def test_a_diagnosis_exercise_breaks_the_topology_and_is_solved_by_the_right_reason():
    app = _app()
    app.selectbox(key="exercise_choice").set_value("guest_not_allowed").run()
    target = app.session_state["lab"].target
    assert actions.guest_gets_credentials(target)
    _button(app, "Start this exercise").click().run()
    assert not actions.guest_gets_credentials(target), "starting must break the attendee's own topology"
    _button(app, "Show a hint").click().run()
    assert "Hint 1" in _texts(app) and "Hint 2" not in _texts(app)
    app.radio(key="diagnosis_guest_not_allowed").set_value("role_denied")
    _button(app, "Check my answer").click().run()
    assert "Not this one" in _texts(app) and not _solved(app)
    app.radio(key="diagnosis_guest_not_allowed").set_value("identity_guest_refused")
    _button(app, "Check my answer").click().run()
    assert _solved(app) and "AllowUnauthenticatedIdentities" in _texts(app)
    assert app.session_state["lab"].exercises.solved == {"guest_not_allowed"}
    _button(app, "Reset this exercise").click().run()
    assert actions.guest_gets_credentials(target)


def test_a_sign_in_exercise_is_solved_only_by_new_tokens_of_the_right_user_and_client():
    app = _app()
    app.selectbox(key="exercise_choice").set_value("secret_hash_missing").run()
    _button(app, "Start this exercise").click().run()
    lab = app.session_state["lab"]
    carol = next(u for u in lab.target.users if u.username == "carol")
    public = signin.sign_in_with_password(lab.target, "carol", carol.password, "public")
    lab.save_tokens(public.outputs, Origin("public", "carol"))
    app.run()
    assert not _solved(app), "the public client is not the goal's client"
    confidential = signin.sign_in_with_password(lab.target, "carol", carol.password, "confidential")
    lab.save_tokens(confidential.outputs, Origin("confidential", "carol"))
    app.run()
    assert _solved(app) and "SECRET_HASH" in _texts(app)


def test_every_exercise_renders_in_japanese_without_a_missing_text():
    app = _app()
    app.session_state["lab"].lang = "ja"
    app.run()
    for name in [e.name for e in exercises()]:
        app.selectbox(key="exercise_choice").set_value(name).run()
        assert not app.exception, app.exception
        shown = _texts(app) + "".join(str(e.value) for e in app.subheader)
        assert "⟦" not in shown and "演習" in "".join(str(e.value) for e in app.title), name
