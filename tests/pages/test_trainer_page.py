"""The trainer page (issue 16, item 3) through AppTest, against the real in-process sandbox:
locked without a key, a wrong key refused with a growing wait, and once unlocked the room's
progress under nicknames, with nothing an attendee holds."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT
from ui.controllers import trainer

KEY = "correct horse battery staple"
PAGE = "app_pages/trainer.py"


def _app() -> AppTest:
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    app.run()
    assert not app.exception, app.exception
    return app


def _everything(app: AppTest) -> str:
    """The page's own content. (Its sidebar shows the viewer's own topology; under AppTest every
    app shares one session id, hence one topology, so the sidebar is left out here; the browser
    test tests/security/test_room_isolation.py scans the whole DOM of a separate session.)"""
    main = app.main
    parts = [e.value for kind in ("title", "markdown", "caption", "info", "success", "error", "warning", "code",
                                  "subheader")
             for e in getattr(main, kind)]
    frames = [frame.value.to_csv() for frame in main.table]
    return "\n".join(str(p) for p in parts + frames)


def _try(app: AppTest, key: str) -> None:
    next(i for i in app.text_input if i.label == "Trainer key").set_value(key)
    next(b for b in app.button if b.label == "Unlock").click().run()
    assert not app.exception, app.exception


def _refusal(app: AppTest) -> str:
    return next(e.value for e in app.error if "Refused" in e.value)


def test_without_a_key_the_page_says_what_is_needed_and_nothing_else(monkeypatch):
    monkeypatch.delenv(trainer.KEY_ENV, raising=False)
    app = _app()
    app.switch_page(PAGE).run()
    assert "COGNITO_LAB_TRAINER_KEY" in app.info[0].value
    assert not app.table and not [b for b in app.button if b.label == "Reset the room"]
    assert not [i for i in app.text_input if i.label == "Trainer key"]


def test_a_wrong_key_is_refused_and_each_wrong_try_doubles_the_wait(monkeypatch):
    monkeypatch.setenv(trainer.KEY_ENV, KEY)
    app = _app()
    app.switch_page(PAGE).run()
    _try(app, "guess")
    assert "1 s" in _refusal(app) and not app.table
    assert [trainer.wait_after(n) for n in (1, 2, 3, 4, 20)] == [1, 2, 4, 8, trainer.MAX_WAIT_SECONDS]
    _try(app, KEY)  # the right key, but within the wait: not even compared
    assert _refusal(app) and not app.table


def test_unlocked_the_page_shows_progress_under_nicknames_and_no_secret(monkeypatch):
    monkeypatch.setenv(trainer.KEY_ENV, KEY)
    attendee = _app()
    attendee.text_input(key="room_nickname").set_value("Tanaka").run()
    attendee.switch_page("app_pages/sign_in.py").run()
    attendee.selectbox(key="sign_in_user").set_value("alice").run()
    next(b for b in attendee.button if b.label == "Sign in").click().run()
    lab = attendee.session_state["lab"]
    assert lab.tokens.get("id_token")

    app = _app()
    app.switch_page(PAGE).run()
    _try(app, KEY)
    shown = _everything(app)
    assert "Tanaka" in shown
    progress = app.table[0].value
    row = progress[progress["Nickname"] == "Tanaka"].iloc[0]
    assert row["Sign in"] == "✓"
    secrets = [*lab.tokens.values(), lab.target.account.access_key_id, lab.target.account.secret_access_key,
               *(u.password for u in lab.target.users), lab.target.user_pool_id]
    assert [s for s in secrets if s and s in shown] == []


def test_the_page_has_every_text_in_japanese_too(monkeypatch):
    monkeypatch.setenv(trainer.KEY_ENV, KEY)
    app = _app()
    app.session_state["lab"].lang = "ja"
    app.switch_page(PAGE).run()
    _try_in(app, "トレーナーキー", "ロック解除", KEY)
    shown = _everything(app) + "".join(str(i.label) for i in app.text_input)
    assert "トレーナービュー" in shown and "⟦" not in shown


def _try_in(app: AppTest, label: str, button: str, key: str) -> None:
    next(i for i in app.text_input if i.label == label).set_value(key)
    next(b for b in app.button if b.label == button).click().run()
    assert not app.exception, app.exception
