"""The sandbox serving a room (issue 16): where it listens, the URLs its topologies give, and
topologies released when their resume code expires, not when a websocket closes."""

from __future__ import annotations

import socket
from typing import Iterator

import pytest
import requests

from sandbox import SessionTopologies, start_public_sandbox
from sandbox.server import SandboxServer
from ui.resume import ResumeRegistry
from tests.sandbox.helpers import admin_client
from ui.state import LabSession

ROOM_HOST = "127.0.0.2"  # a loopback address that is not the default
NOT_HERE = "192.0.2.10"  # TEST-NET-1 (RFC 5737): never one of this machine's addresses


def _free_port(host: str) -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


@pytest.fixture()
def room_sandbox() -> Iterator[SandboxServer]:
    server = start_public_sandbox(ROOM_HOST, _free_port(ROOM_HOST))
    yield server
    server.stop()


def test_the_sandbox_listens_on_the_public_host_on_the_port_asked(room_sandbox: SandboxServer):
    assert room_sandbox.server.server_address[0] == ROOM_HOST
    assert room_sandbox.endpoint == f"http://{ROOM_HOST}:{room_sandbox.port}"
    with pytest.raises(OSError):  # not on the default loopback address
        socket.create_connection(("127.0.0.1", room_sandbox.port), timeout=1).close()


def test_an_address_of_another_machine_listens_everywhere_but_links_to_it():
    """Behind a NAT or in a container the public address is not this machine's own."""
    server = start_public_sandbox(NOT_HERE, 0)
    try:
        assert server.server.server_address[0] == "0.0.0.0"
        assert server.endpoint == f"http://{NOT_HERE}:{server.port}"
    finally:
        server.stop()


def test_every_url_of_a_topology_uses_the_public_host(room_sandbox: SandboxServer):
    dashboard = f"http://{ROOM_HOST}:8601"
    registry = SessionTopologies(room_sandbox, dashboard_url=dashboard)
    topology = registry.acquire("a-resume-code")
    urls = [topology["endpoint"], topology["jwks_url"], topology["domain"], *topology["apis"].values()]
    assert all(url.startswith(f"http://{ROOM_HOST}:{room_sandbox.port}/") or url == room_sandbox.endpoint for url in urls)
    # The issuer stays on the AWS host (aws-facts.md §1.1); its keys are at the public JWKS URL.
    assert topology["issuer"].startswith("https://cognito-idp.us-east-1.amazonaws.com/")
    assert requests.get(topology["jwks_url"], timeout=5).json()["keys"]
    idp = admin_client(topology, "cognito-idp")  # an admin call: signed with the topology's own key
    client = idp.describe_user_pool_client(UserPoolId=topology["user_pool_id"],
                                           ClientId=topology["clients"]["public"]["client_id"])["UserPoolClient"]
    assert client["CallbackURLs"] == [f"{dashboard}/sign_in"] and client["LogoutURLs"] == [f"{dashboard}/"]
    registry.release("a-resume-code")


def test_a_topology_is_released_when_its_resume_code_expires_not_before(room_sandbox: SandboxServer):
    now = [0.0]
    codes = ResumeRegistry(idle_seconds=60, clock=lambda: now[0])
    code = codes.open(LabSession())
    registry = SessionTopologies(room_sandbox)
    registry.acquire(code)
    assert registry.release_ended(codes.is_live) == 0 and registry.count() == 1  # no websocket matters
    now[0] += 61
    assert registry.release_ended(codes.is_live) == 1 and registry.count() == 0
