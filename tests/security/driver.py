"""Clicking through the dashboard as a learner does. Every helper waits for what it caused.

Pages are changed through the sidebar's links, never with `page.goto`: a page load starts a new
Streamlit session, with a new topology and none of the tokens.
"""

from __future__ import annotations

import json
import re
from typing import Any

from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from sandbox.topology import USERS

MAIN = "[data-testid='stMain']"
SIDEBAR = "[data-testid='stSidebar']"
SLOW = 60_000  # ms: the sandbox seeds a whole topology for each new session
PASSWORDS = {user["username"]: user["password"] for user in USERS}


def idle(page: Page) -> None:
    """The script run that the last action started has finished."""
    page.wait_for_timeout(300)
    expect(page.locator("[data-testid='stStatusWidget']")).to_have_count(0, timeout=SLOW)


def open_dashboard(page: Page, url: str) -> None:
    """A new session on the overview, once its own topology is seeded."""
    page.goto(url)
    overview_ready(page)


def overview_ready(page: Page) -> None:
    expect(page.get_by_role("heading", name="Cognito Lab")).to_be_visible(timeout=SLOW)
    expect(page.locator(f"{SIDEBAR} [data-testid='stCode']").first).to_be_visible(timeout=SLOW)
    idle(page)


def go(page: Page, url_path: str, heading: str) -> None:
    page.locator(f"[data-testid='stSidebarNavLink'][href$='/{url_path}']").click()
    expect(page.get_by_role("heading", name=heading, exact=True).first).to_be_visible(timeout=SLOW)
    idle(page)


def target_ids(page: Page) -> tuple[str, str, str]:
    """(region, user pool id, identity pool id), as the sidebar shows them."""
    text = page.locator(f"{SIDEBAR} [data-testid='stCode']").first.inner_text()
    region, user_pool_id, identity_pool_id = text.split()
    return region, user_pool_id, identity_pool_id


def choose(page: Page, label: str, option: str) -> None:
    """Pick a selectbox option; a rerun landing while the list is open closes it, so retry."""
    choice = page.get_by_role("option", name=re.compile(rf"^{re.escape(option)}\b"))
    for _ in range(3):
        idle(page)
        page.get_by_label(label, exact=True).click()
        try:
            choice.click(timeout=5_000)
            break
        except PlaywrightTimeoutError:
            page.keyboard.press("Escape")
    expect(page.get_by_label(label, exact=True)).to_have_value(re.compile(rf"^{re.escape(option)}\b"))
    idle(page)


def choose_user(page: Page, username: str) -> None:
    """Pick a seeded user and wait for their own pre-filled password field: a click on "Sign in"
    before the run that draws it has finished sends no password for them."""
    choose(page, "User", username)
    expect(page.get_by_label("Password", exact=True)).to_have_value(PASSWORDS[username], timeout=SLOW)


def code_texts(page: Page) -> list[str]:
    return page.locator(f"{MAIN} [data-testid='stCode']").all_inner_texts()


def json_blocks(page: Page) -> list[Any]:
    """Every code block of the main area that holds JSON (request and response bodies)."""
    blocks = []
    for text in code_texts(page):
        try:
            blocks.append(json.loads(text))
        except ValueError:
            pass
    return blocks


def authentication_result(page: Page) -> dict[str, str]:
    return next(block["AuthenticationResult"] for block in json_blocks(page)
                if isinstance(block, dict) and "AuthenticationResult" in block)


def credentials(page: Page) -> dict[str, str]:
    return next(block["Credentials"] for block in json_blocks(page)
                if isinstance(block, dict) and "Credentials" in block)


def start_sign_in(page: Page, username: str, client: str = "public") -> None:
    go(page, "sign_in", "Sign in")
    choose_user(page, username)
    if client != "public":
        choose(page, "App client", client)
    page.get_by_role("button", name="Sign in", exact=True).click()


def signed_in(page: Page) -> None:
    expect(page.get_by_text("Signed in: the user pool returned")).to_be_visible(timeout=SLOW)
    idle(page)


def sign_in(page: Page, username: str, client: str = "public") -> None:
    start_sign_in(page, username, client)
    signed_in(page)


def start_tokens(page: Page) -> None:
    page.get_by_role("link", name="Next: look inside the tokens").click()


def tokens_shown(page: Page) -> None:
    expect(page.get_by_text("Signature verified against the user pool's JWKS")).to_have_count(2, timeout=SLOW)
    idle(page)


def start_exchange(page: Page, follow_link: bool = True) -> None:
    if follow_link:
        page.get_by_role("link", name="Next: exchange the ID token").click()
    page.get_by_role("button", name="Exchange the ID token for AWS credentials").click(timeout=SLOW)


def identity_id(page: Page) -> str:
    success = page.get_by_text(re.compile(r"^Credentials for identity us-east-1:"))
    expect(success).to_be_visible(timeout=SLOW)
    idle(page)
    return success.inner_text().removeprefix("Credentials for identity ").strip()


def start_api_call(page: Page) -> None:
    page.get_by_role("link", name="Next: call the API").click()
    page.get_by_role("button", name="Call with the ID token").click(timeout=SLOW)


def api_answered(page: Page) -> str:
    """The claims the backend received, as the page shows them (st.json)."""
    success = page.get_by_test_id("stAlertContentSuccess").get_by_text("HTTP 200", exact=True)
    expect(success).to_be_visible(timeout=SLOW)
    idle(page)
    return page.locator(f"{MAIN} [data-testid='stJson']").first.inner_text()


def set_reveal(page: Page, on: bool) -> None:
    switch = page.get_by_role("switch", name="Reveal secrets")
    if switch.is_checked() != on:
        switch.click(force=True)  # the visual toggle covers the input
        expect(switch).to_be_checked(checked=on)
    idle(page)


def download_export(page: Page, kind: str) -> str:
    """The sidebar's "Export this walkthrough" → "Download JSON" or "Download Markdown"."""
    button = page.get_by_role("button", name=f"Download {kind}")
    if not button.is_visible():
        page.locator(SIDEBAR).get_by_text("Export this walkthrough").click()
    expect(button).to_be_visible()
    idle(page)  # a download started during a rerun is lost with the rerun's media files
    with page.expect_download(timeout=20_000) as download:
        button.click()
    path = download.value.path()
    idle(page)  # the click reruns the script
    with open(path, encoding="utf-8") as file:
        return file.read()


def own_sandbox_key(page: Page) -> dict[str, str]:
    """The session's own sandbox key ({"id", "secret"}), read in the sidebar with secrets revealed
    (the reveal switch is put back as it was)."""
    was_revealed = page.get_by_role("switch", name="Reveal secrets").is_checked()
    set_reveal(page, True)
    block = page.locator(f"{SIDEBAR} [data-testid='stCode']").filter(has_text="aws_secret_access_key")
    header = page.locator(SIDEBAR).get_by_text("Your sandbox key")
    header.click()
    expect(block).to_be_visible()
    text = block.inner_text()
    header.click()  # closed again: the page is left as it was found
    expect(block).to_be_hidden()
    key = {"id": re.search(r"aws_access_key_id = (\S+)", text)[1],
           "secret": re.search(r"aws_secret_access_key = (\S+)", text)[1]}
    set_reveal(page, was_revealed)
    return key
