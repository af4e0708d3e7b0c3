"""The sidebar's target panel (issue 15): a loaded stack keeps everything it read, not only the
panel's seven text fields, and an empty region is left to boto3 to resolve."""

from __future__ import annotations

from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from flows.i18n import text
from tests.conftest import ROOT


def _app() -> AppTest:
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    app.run()
    assert not app.exception, app.exception
    return app


def _stack_settings(topology: dict[str, Any]) -> dict[str, str]:
    """What flows.target_sources.settings_from_stack reads from a deployed stack, here pointing at
    the session's sandbox (as an AWS target: the same HTTP calls)."""
    clients, roles = topology["clients"], topology["roles"]
    return {"region": topology["region"], "user_pool_id": topology["user_pool_id"],
            "identity_pool_id": topology["identity_pool_id"], "endpoint_url": topology["endpoint"],
            "public_client_id": clients["public"]["client_id"],
            "confidential_client_id": clients["confidential"]["client_id"],
            "confidential_client_secret": clients["confidential"]["client_secret"],
            "machine_client_id": clients["machine"]["client_id"],
            "machine_client_secret": clients["machine"]["client_secret"],
            **{f"{name}_role_arn": arn for name, arn in roles.items()},
            "rest_api_url": topology["apis"]["rest"], "http_api_url": topology["apis"]["http"]}


def test_use_aws_builds_the_target_from_the_whole_loaded_stack():
    app = _app()
    lab = app.session_state["lab"]
    loaded = _stack_settings(lab.topology)
    lab.stack_settings = loaded  # as "Load from stack" keeps it (ui/controllers/target.keep_loaded)
    app.run()
    next(b for b in app.button if b.label == text("target.use_aws")).click().run()
    assert not app.exception, app.exception
    chosen = app.session_state["lab"].target
    assert chosen.kind == "aws"
    assert chosen.client("confidential").client_secret == loaded["confidential_client_secret"]
    assert chosen.client("machine").client_id == loaded["machine_client_id"]
    assert chosen.roles["admins"] == loaded["admins_role_arn"]


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_an_empty_region_is_resolved_by_boto3_not_assumed(monkeypatch, tmp_path, lang):
    """Without a region anywhere boto3 looks, the panel says so (before: us-east-1 was assumed)."""
    for variable in ("AWS_DEFAULT_REGION", "AWS_REGION", "AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    app = _app()
    app.session_state["lab"].lang = lang
    app.text_input(key="aws_stack").set_value("cognito-lab").run()
    app.text_input(key="aws_region").set_value("").run()
    next(b for b in app.button if b.label == text("target.load_stack", lang)).click().run()
    assert not app.exception, app.exception
    expected = text("target.stack_failed", lang, reason=text("polish.target.no_region", lang))
    assert expected in [e.value for e in app.error]
