"""`python -m sandbox` and the per-session topologies the dashboard relies on."""

from __future__ import annotations

import json
import socket
import subprocess
import sys

import pytest
from botocore.exceptions import ClientError

from sandbox.sessions import SessionTopologies
from tests.conftest import ROOT
from tests.sandbox.helpers import admin_client

TOPOLOGY_KEYS = {"endpoint", "region", "user_pool_id", "issuer", "jwks_url", "domain", "clients",
                 "resource_servers", "users", "identity_pool_id", "roles", "apis", "routes"}


def test_python_m_sandbox_prints_one_json_line_and_serves():
    process = subprocess.Popen([sys.executable, "-m", "sandbox", "--port", "0"], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        topology = json.loads(process.stdout.readline())
        assert TOPOLOGY_KEYS <= topology.keys()
        assert {"public", "confidential", "machine"} <= topology["clients"].keys()
        assert {"alice", "dave", "erin"} <= {user["username"] for user in topology["users"]}
        assert {route["auth"] for route in topology["routes"]} == {"NONE", "COGNITO_USER_POOLS", "AWS_IAM", "JWT"}
        idp = admin_client(topology, "cognito-idp")
        assert idp.describe_user_pool(UserPoolId=topology["user_pool_id"])["UserPool"]["Id"] == topology["user_pool_id"]
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_port_taken_says_so_and_how_to_fix():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "sandbox", "--port", str(port)], cwd=ROOT,
                              capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and done.stdout == ""
    assert f"Port {port}" in done.stderr and "already in use" in done.stderr and "port 0" in done.stderr
    assert "Traceback" not in done.stderr


def test_each_session_gets_its_own_topology_and_ended_ones_are_released(sandbox_server):
    sessions = SessionTopologies(sandbox_server)
    first, second = sessions.acquire("session-1"), sessions.acquire("session-2")
    assert first["user_pool_id"] != second["user_pool_id"]
    assert first["identity_pool_id"] != second["identity_pool_id"]
    assert sessions.acquire("session-1") is first
    assert sessions.release_ended(lambda session_id: session_id == "session-2") == 1
    with pytest.raises(ClientError):  # its key went with it: a released topology answers no one
        admin_client(first, "cognito-idp").describe_user_pool(UserPoolId=first["user_pool_id"])
    assert admin_client(second, "cognito-idp").describe_user_pool(UserPoolId=second["user_pool_id"])
    sessions.release("session-2")
    assert sessions.count() == 0
