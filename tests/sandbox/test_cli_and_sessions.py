"""`python -m sandbox` and the per-session topologies the dashboard relies on."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Callable

import pytest
from botocore.exceptions import ClientError

from sandbox import moto_adapter, release, seed, start_sandbox
from sandbox.sessions import ONE_PERSON_SPARES, ROOM_SPARES, SPARES_VARIABLE, SessionTopologies, spares_wanted
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


def _wait_for(condition: Callable[[], bool], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_a_spare_topology_goes_to_exactly_one_session_and_is_released():
    server = start_sandbox("127.0.0.1", 0)  # its own: shutdown stops it
    sessions = SessionTopologies(server)
    sessions.start_spares(2)
    _wait_for(lambda: len(sessions.spare_pool_ids()) == 2)
    ready = sessions.spare_pool_ids()
    with ThreadPoolExecutor(max_workers=6) as pool:  # six sessions open at the same moment
        handed = list(pool.map(lambda n: sessions.acquire(f"session-{n}")["user_pool_id"], range(6)))
    assert len(set(handed)) == 6, "two sessions share a topology"
    assert set(ready) <= set(handed), "a ready spare was not handed out"
    assert not set(ready) & set(sessions.spare_pool_ids()), "a handed spare is still offered"
    _wait_for(lambda: len(sessions.spare_pool_ids()) == 2)  # refilled in the background, fresh
    assert not set(sessions.spare_pool_ids()) & set(handed)
    spares = sessions.spare_pool_ids()
    sessions.release_ended(lambda session_id: False)
    # moto's pools are one store per process (other tests' pools live there too): ask by id.
    assert sessions.count() == 0 and not [p for p in handed if moto_adapter.find_pool(p)]
    assert all(moto_adapter.find_pool(p) for p in spares)  # only the spares are left
    sessions.shutdown()
    assert not [p for p in spares if moto_adapter.find_pool(p)]  # the spares went with the sandbox


def test_a_room_keeps_a_class_of_spares_and_the_setting_overrides_it():
    assert spares_wanted({}, serves_a_room=False) == ONE_PERSON_SPARES
    assert spares_wanted({}, serves_a_room=True) == ROOM_SPARES == 30  # issue 16: up to 30 attendees
    assert spares_wanted({SPARES_VARIABLE: "5"}, serves_a_room=True) == 5
    assert spares_wanted({SPARES_VARIABLE: "0"}, serves_a_room=False) == 0


def test_moto_parses_its_bundled_key_once_per_process(sandbox_server):
    # moto re-imported the same bundled RSA key for every CreateUserPool (a third of a seeding's CPU).
    first, second = seed(sandbox_server), seed(sandbox_server)
    try:
        keys = [moto_adapter.find_pool(t["user_pool_id"]).json_web_key for t in (first, second)]
        assert keys[0] is keys[1]
    finally:
        release(sandbox_server, first)
        release(sandbox_server, second)
