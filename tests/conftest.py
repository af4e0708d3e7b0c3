"""Shared fixtures: a real sandbox server on loopback, and a fresh topology in it.

boto3 and requests talk to it over real HTTP, exactly as the lab talks to AWS.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Iterator

import pytest

from flows.target import Target, target_from_topology
from sandbox.server import SandboxServer, start_sandbox
from sandbox.topology import release, seed

ROOT = Path(__file__).resolve().parent.parent

# No test may reach AWS: boto3 must never find real credentials or a real endpoint.
os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing-not-a-real-key")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing-not-a-real-secret")
os.environ.pop("AWS_PROFILE", None)


@pytest.fixture(scope="session")
def sandbox_server() -> Iterator[SandboxServer]:
    server = start_sandbox("127.0.0.1", 0)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def topology(sandbox_server: SandboxServer) -> Iterator[dict[str, Any]]:
    seeded = seed(sandbox_server)
    yield seeded
    release(sandbox_server, seeded)


@pytest.fixture(scope="module")
def target(topology: dict[str, Any]) -> Target:
    return target_from_topology(topology)


# One Chromium for the whole run: the browser and security tests share it (two sync
# Playwright instances can't run in one thread).
CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags Chromium tries to reach Google on this closed network.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import expect, sync_playwright

    # Streamlit renders after a websocket round trip and a script run: on a busy 2-core CI
    # machine that can take longer than Playwright's 5-second default.
    expect.set_options(timeout=30_000)

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: run the README's test command, which installs Debian's chromium")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    opened = context.new_page()
    opened.set_default_timeout(30_000)
    yield opened
    context.close()
