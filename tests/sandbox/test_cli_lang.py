"""The walkthrough's human output in Japanese: AWS's own error stays in AWS's words (as a log
shows it), with its Japanese meaning next to it; the JSON keeps language-free codes (issue 17)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from flows.target_sources import SETTINGS
from tests.conftest import ROOT
from tests.sandbox.test_aws_code_path import _settings


def _walkthrough(topology, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **{SETTINGS[k]: v for k, v in _settings(topology).items()},
           "COGNITO_LAB_USERNAME": "alice", "COGNITO_LAB_PASSWORD": "wrong-password", "LANG": "ja_JP.UTF-8"}
    return subprocess.run([sys.executable, "-m", "flows", "walkthrough", "--target", "aws", *args], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=120)


def test_a_failed_sign_in_in_japanese_quotes_aws_and_explains_it(topology):
    done = _walkthrough(topology)
    assert done.returncode == 1 and done.stdout.startswith("失敗  sign_in")
    # aws-facts.md §0 and its error table: a wrong password answers NotAuthorizedException "Incorrect username or password."
    assert "NotAuthorizedException: Incorrect username or password." in done.stdout
    assert "パスワード" in done.stdout.partition("Incorrect username or password.")[2]  # the meaning, in Japanese


def test_the_json_keeps_codes_whatever_the_language(topology):
    legs = json.loads(_walkthrough(topology, "--json").stdout)["legs"]
    assert legs[0]["code"] == "cli.walkthrough.aws_failure"
    assert legs[0]["params"] == {"code": "NotAuthorizedException", "message": "Incorrect username or password."}
