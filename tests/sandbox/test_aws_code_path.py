"""The AWS code path, end to end, against the sandbox standing in for AWS: explicit endpoints,
everything else configured exactly as for a real account (issue 8)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time

import pytest

from flows.target_sources import SETTINGS, TargetConfigError, target_from_settings
from flows.walkthrough import run_walkthrough
from tests.conftest import ROOT


def _settings(topology, endpoint: str | None = None) -> dict[str, str]:
    return {"region": topology["region"], "user_pool_id": topology["user_pool_id"],
            "public_client_id": topology["clients"]["public"]["client_id"],
            "identity_pool_id": topology["identity_pool_id"],
            "rest_api_url": topology["apis"]["rest"], "http_api_url": topology["apis"]["http"],
            "endpoint_url": endpoint or topology["endpoint"], "jwks_url": topology["jwks_url"]}


def _alice(topology) -> tuple[str, str]:
    alice = next(u for u in topology["users"] if u["username"] == "alice")
    return alice["username"], alice["password"]


def test_walkthrough_passes_on_an_aws_target(topology):
    target = target_from_settings(_settings(topology))
    assert target.kind == "aws" and target.login_provider.startswith("cognito-idp.us-east-1.amazonaws.com/")
    outcomes = run_walkthrough(target, *_alice(topology))
    assert [(o.leg, o.ok) for o in outcomes] == [("sign_in", True), ("tokens", True), ("identity_pool", True),
                                                  ("api_gateway", True)]


def test_cli_walkthrough_on_aws_exits_zero(topology):
    username, password = _alice(topology)
    env = {**os.environ, **{SETTINGS[k]: v for k, v in _settings(topology).items()},
           "COGNITO_LAB_USERNAME": username, "COGNITO_LAB_PASSWORD": password}
    done = subprocess.run([sys.executable, "-m", "flows", "walkthrough", "--target", "aws"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("PASS") == 4 and password not in done.stdout + done.stderr


def test_cli_walkthrough_fails_non_zero_on_a_wrong_password(topology):
    env = {**os.environ, **{SETTINGS[k]: v for k, v in _settings(topology).items()},
           "COGNITO_LAB_USERNAME": "alice", "COGNITO_LAB_PASSWORD": "wrong-password"}
    done = subprocess.run([sys.executable, "-m", "flows", "walkthrough", "--target", "aws"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and "FAIL  sign_in" in done.stdout and "Incorrect username or password." in done.stdout


def test_missing_settings_are_named():
    with pytest.raises(TargetConfigError, match="user_pool_id .env COGNITO_LAB_USER_POOL_ID."):
        target_from_settings({"region": "us-east-1"})


def test_cli_walkthrough_runs_on_its_own_sandbox():
    done = subprocess.run([sys.executable, "-m", "flows", "walkthrough", "--json"], cwd=ROOT,
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    assert '"ok": true' in done.stdout and "<signature elided>" in done.stdout


def _silent_server() -> tuple[socket.socket, int]:
    """Accepts connections and never answers: a hung endpoint."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    accepted: list[socket.socket] = []
    threading.Thread(target=lambda: [accepted.append(listener.accept()[0]) for _ in range(16)], daemon=True).start()
    return listener, listener.getsockname()[1]


def test_unreachable_and_hung_endpoints_fail_within_seconds(topology):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    listener, hung_port = _silent_server()
    try:
        for endpoint in (f"http://127.0.0.1:{closed_port}", f"http://127.0.0.1:{hung_port}"):
            started = time.monotonic()
            [outcome] = run_walkthrough(target_from_settings(_settings(topology, endpoint)), *_alice(topology))
            assert not outcome.ok and outcome.result.failure.code == "EndpointUnreachable"
            assert time.monotonic() - started < 15
    finally:
        listener.close()
