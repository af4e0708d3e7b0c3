"""`--lang` on the command line: human text in English or Japanese, the default from LANG, and
JSON that keeps a language-free code next to any text (issue 17)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from flows.cli_lang import language_from_environment
from tests.conftest import ROOT
from tests.unit.jwt_fixtures import id_claims, sign


@pytest.mark.parametrize(("environ", "lang"), [
    ({"LANG": "ja_JP.UTF-8"}, "ja"), ({"LANG": "en_US.UTF-8"}, "en"), ({}, "en"),
    ({"LANG": "ja_JP.UTF-8", "LC_ALL": "C.UTF-8"}, "en"),  # LC_ALL wins, as in POSIX
    ({"LANG": "C", "LC_MESSAGES": "ja_JP.UTF-8"}, "ja"),
])
def test_the_language_comes_from_the_locale(environ: dict[str, str], lang: str):
    assert language_from_environment(environ) == lang


def _decode(*args: str, lang_variable: str) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith("LC_")}
    done = subprocess.run([sys.executable, "-m", "flows", "decode", sign(id_claims()), *args], cwd=ROOT,
                          env={**env, "LANG": lang_variable}, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_decode_speaks_japanese_under_a_japanese_locale_and_keeps_its_code():
    japanese = _decode(lang_variable="ja_JP.UTF-8")
    assert japanese["note_code"] == "decoded_only" and "検証されていません" in japanese["note"]


def test_lang_overrides_the_locale():
    english = _decode("--lang", "en", lang_variable="ja_JP.UTF-8")
    assert english["note_code"] == "decoded_only" and english["note"].startswith("decoded only")
