"""The security tests drive the same real dashboard and Chromium as tests/browser, with two
additions: the dashboard's stdout and stderr go to a file (tests/security/test_no_secret_leaks.py
reads it) and its sandbox listens on a port the tests know, so they can look inside it."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest

from tests.browser.conftest import _free_port, _wait_healthy
from tests.conftest import ROOT


TRAINER_KEY = "room-test-trainer-key"  # unlocks app_pages/trainer.py (tests/security/test_room_isolation.py)


@dataclass(frozen=True)
class Dashboard:
    url: str
    sandbox_endpoint: str
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


@pytest.fixture(scope="session")
def dashboard(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dashboard]:
    port, sandbox_port = _free_port(), _free_port()
    log_path = tmp_path_factory.mktemp("dashboard") / "streamlit.log"
    env = {**os.environ, "COGNITO_LAB_SANDBOX_PORT": str(sandbox_port), "COGNITO_LAB_REAPER_SECONDS": "2",
           "COGNITO_LAB_TRAINER_KEY": TRAINER_KEY}
    with open(log_path, "wb") as log:
        # No file watcher: the checkout is edited while the tests run, and a rerun on save would
        # restart sessions under the tests' feet.
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.port", str(port),
             "--server.headless", "true", "--server.address", "127.0.0.1",
             "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"],
            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, process)
        yield Dashboard(url, f"http://127.0.0.1:{sandbox_port}", log_path)
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture(scope="session")
def dashboard_url(dashboard: Dashboard) -> str:
    return dashboard.url
