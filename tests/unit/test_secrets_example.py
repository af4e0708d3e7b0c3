"""`.streamlit/secrets.toml.example` lists every setting the lab reads from secrets.toml
(issue 15): the target's, the room's and the trainer's, each with its environment variable."""

from __future__ import annotations

import re
import tomllib

from flows.target_sources import SETTINGS
from tests.conftest import ROOT

EXAMPLE = ROOT / ".streamlit" / "secrets.toml.example"
ROOM_SETTINGS = {"public_host": "COGNITO_LAB_PUBLIC_HOST", "sandbox_port": "COGNITO_LAB_SANDBOX_PORT",
                 "trainer_key": "COGNITO_LAB_TRAINER_KEY"}
TEST_ONLY = {"endpoint_url", "jwks_url"}  # stand-in endpoints for tests, not for learners


def _listed() -> dict[str, str]:
    """Every `name = value` line, commented out or not, and the text after it."""
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    return {m[1]: line for line in lines if (m := re.match(r"^#? ?([a-z_]+) = ", line))}


def test_every_setting_is_listed_with_its_variable():
    listed = _listed()
    for name, variable in {**{k: v for k, v in SETTINGS.items() if k not in TEST_ONLY}, **ROOM_SETTINGS}.items():
        assert name in listed, name
        assert variable in EXAMPLE.read_text(encoding="utf-8"), (name, variable)


def test_the_example_is_valid_toml_and_holds_no_secret():
    table = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))["cognito_lab"]
    assert not [name for name in table if "secret" in name or name == "trainer_key"]
