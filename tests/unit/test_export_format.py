"""Export formatting that needs no sandbox."""

from __future__ import annotations

from flows import export


def test_fences_survive_backticks_in_bodies():
    assert export._fence("a ``` b").startswith("````")


# --- every step's heading resolves, in both languages (issue 17) ----------------------------------
import re  # noqa: E402

import pytest  # noqa: E402

from flows import i18n  # noqa: E402
from flows.steps import AwsFailure, Note, StepResult  # noqa: E402
from tests.conftest import ROOT  # noqa: E402

# Where a step gets its name: StepResult("x"…), and the helpers that pass one on.
_STEP_NAME = re.compile(r"""(?:StepResult\(|_respond\(target, client_name, |_merged\(|_token_request\(target, |"""
                        r"""scoped_token_by_client_credentials\(target\(\), scopes, |step=)\s*["']([a-z_]+)["']""")


def _step_names() -> set[str]:
    names: set[str] = set()
    for folder in ("flows", "ui"):
        for path in (ROOT / folder).rglob("*.py"):
            names |= set(_STEP_NAME.findall(path.read_text(encoding="utf-8")))
    return names


def test_the_step_scan_finds_the_steps_that_were_once_raw_keys():
    assert {"sign_in", "pool_roles", "role_decision", "api_oauth_token", "new_password",
            "oauth_client_credentials", "api_other_client_token"} <= _step_names()


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_no_export_heading_is_an_unresolved_key(lang: str):
    results = [StepResult(name, notes=[Note("note.identity.pool_roles")],
                          failure=AwsFailure("NotAuthorizedException", "Invalid login token.", 400,
                                             "meaning.identity.roles_need_iam"))
               for name in sorted(_step_names())]
    markdown = export.export_markdown(results, lang=lang)
    assert "⟦" not in markdown
    for name in _step_names():  # named by the catalogue, not by the fallback
        assert i18n.has(f"export.step.{name}"), name


def test_a_step_without_a_title_is_named_by_its_code_not_a_raw_key():
    assert export.step_title("some_new_step", "ja") == "ステップ some_new_step"
