"""Serving a room (issue 16): the lab served with COGNITO_LAB_PUBLIC_HOST=127.0.0.2, a loopback
address that is not the default, so a URL built from `localhost` or 127.0.0.1 shows up as wrong.

- every link, URL and redirect the sign-in page shows or the browser follows uses 127.0.0.2;
- the real round trip through the sandbox's hosted sign-in page ends back on the lab, signed in,
  in the same session (its resume code);
- after a reload, the session's user pool, tokens and Japanese are still there.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from typing import Iterator
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import BrowserContext, Page, Response, expect

from flows.i18n import text
from sandbox.topology import USERS
from tests.browser.conftest import _wait_healthy
from tests.conftest import ROOT

pytestmark = pytest.mark.browser

ROOM_HOST = "127.0.0.2"
OAUTH_FLOW = "OAuth 2.0 authorization code with PKCE (hosted sign-in page)"
_URL = re.compile(r"https?://[^\s\"'<>)]+")


def _free_port_on(host: str) -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def room_url() -> Iterator[str]:
    """The lab as the README serves a room, on 127.0.0.2 (the sandbox on a port of its own)."""
    port, sandbox_port = _free_port_on(ROOM_HOST), _free_port_on(ROOM_HOST)
    env = {**os.environ, "COGNITO_LAB_PUBLIC_HOST": ROOM_HOST, "COGNITO_LAB_SANDBOX_PORT": str(sandbox_port)}
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.port", str(port),
         "--server.address", ROOM_HOST, "--server.headless", "true", "--server.fileWatcherType", "none"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    url = f"http://{ROOM_HOST}:{port}"
    try:
        _wait_healthy(url, process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


def _main(page: Page):
    return page.locator("[data-testid='stMain']")


def _resume_code(page: Page) -> str:
    page.wait_for_url(re.compile(r"[?&]resume="))
    return re.search(r"[?&]resume=([\w-]+)", page.url).group(1)


def _pool_id(page: Page) -> str:
    code = page.locator("[data-testid='stSidebar'] [data-testid='stCode']").first
    expect(code).to_contain_text(re.compile(r"us-east-1_\w+"))
    return re.search(r"us-east-1_\w+", code.inner_text()).group(0)


def _hosts_of(urls: list[str]) -> set[str]:
    return {urlsplit(url).hostname or "" for url in urls if url.startswith("http")}


def _open_sign_in_page(page: Page, room_url: str) -> None:
    page.goto(room_url)
    heading = page.get_by_role("heading", name="Cognito Lab")
    try:
        expect(heading).to_be_visible(timeout=15_000)
    except AssertionError:  # a fresh process's first run can come up without dashboard.py
        page.reload()
        expect(heading).to_be_visible()
    page.get_by_role("link", name=re.compile(r"^1\. Sign in")).click()
    expect(page.get_by_role("heading", name="Sign in", exact=True)).to_be_visible()
    _main(page).get_by_test_id("stSelectbox").filter(has_text="Flow").click()
    page.get_by_role("option", name=OAUTH_FLOW).click()
    _main(page).get_by_role("button", name="Prepare a sign-in in my browser", exact=True).click()
    expect(_main(page).get_by_role("link", name="Open the real sign-in page in my browser")).to_be_visible()


def _every_url_on_the_sign_in_page(page: Page) -> list[str]:
    links = _main(page).locator("a[href]").evaluate_all("links => links.map(link => link.href)")
    return links + _URL.findall(_main(page).inner_text())


def _sign_in_as_bob(context: BrowserContext, page: Page) -> tuple[Page, list[str]]:
    """The hosted page in a new tab, and every URL the browser was sent to on the way."""
    followed: list[str] = []

    def remember(response: Response) -> None:
        followed.append(response.url)
        if 300 <= response.status < 400:
            followed.append(response.headers.get("location", ""))

    context.on("response", remember)
    with context.expect_page() as opened:
        _main(page).get_by_role("link", name="Open the real sign-in page in my browser").click()
    hosted = opened.value
    expect(hosted.get_by_role("heading", name="Sign in with your username and password")).to_be_visible()
    hosted.get_by_label("Username").fill("bob")
    hosted.get_by_label("Password").fill(next(user["password"] for user in USERS if user["username"] == "bob"))
    hosted.get_by_role("button", name="Sign in").click()
    hosted.wait_for_url(re.compile(rf"^http://{re.escape(ROOM_HOST)}:\d+/sign_in"))
    expect(hosted.get_by_text("Signed in: the user pool returned")).to_be_visible()
    context.remove_listener("response", remember)
    return hosted, followed


def _choose_japanese(page: Page) -> None:
    page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").first.click()
    page.get_by_role("option", name="日本語").click()
    expect(page.get_by_role("heading", name="ID トークンとアクセストークン", exact=True)).to_be_visible()


def _expect_both_tokens_verified(page: Page, lang: str) -> None:
    """The tokens page of a signed-in session (a fresh one says "sign in first" instead)."""
    expect(page.get_by_text(text("token.valid", lang))).to_have_count(2)
    expect(page.get_by_text(text("tokens.sign_in_first", lang))).to_have_count(0)


def test_a_room_on_its_public_host_signs_in_and_survives_a_reload(page: Page, room_url: str):
    _open_sign_in_page(page, room_url)
    code, pool_id = _resume_code(page), _pool_id(page)
    shown = _every_url_on_the_sign_in_page(page)
    assert any("/oauth2/authorize" in url for url in shown) and any("/sign_in" in url for url in shown)
    assert _hosts_of(shown) == {ROOM_HOST}, shown
    assert "localhost" not in _main(page).inner_text() and "127.0.0.1" not in _main(page).inner_text()

    hosted, followed = _sign_in_as_bob(page.context, page)
    assert any("/oauth2/authorize" in url for url in followed) and any("code=" in url for url in followed)
    assert _hosts_of(followed) == {ROOM_HOST}, followed
    assert _resume_code(hosted) == code  # back in the session that started the sign-in
    assert _pool_id(hosted) == pool_id

    hosted.get_by_role("link", name="Next: look inside the tokens").click()
    expect(hosted.get_by_role("heading", name="ID token", exact=True)).to_be_visible()
    _expect_both_tokens_verified(hosted, "en")
    _choose_japanese(hosted)
    hosted.reload()
    expect(hosted.get_by_role("heading", name="ID トークンとアクセストークン", exact=True)).to_be_visible()
    assert _resume_code(hosted) == code and _pool_id(hosted) == pool_id
    _expect_both_tokens_verified(hosted, "ja")
    expect(hosted.locator("[data-testid='stSidebar']")).to_contain_text("このページのアドレスはあなた専用です")


def test_a_wrong_resume_code_starts_a_fresh_session_and_says_so(page: Page, room_url: str):
    page.goto(f"{room_url}/?resume=not-a-code-anyone-was-given")
    expect(page.get_by_text(re.compile(r"^The address you opened holds an unknown or expired session"))).to_be_visible()
    assert _resume_code(page) != "not-a-code-anyone-was-given"
