"""A learner clicks through the four legs in a real browser and sees what they should."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from ui.widgets.table import TABLE_TESTID

pytestmark = pytest.mark.browser


def _main(page: Page):
    return page.locator("[data-testid='stMain']")


def _idle(page: Page) -> None:
    page.wait_for_timeout(300)
    expect(page.locator("[data-testid='stStatusWidget']")).to_have_count(0, timeout=30_000)


def test_four_legs_by_clicking_only(page: Page, dashboard_url: str):
    page.goto(dashboard_url)
    expect(page.get_by_role("heading", name="Cognito Lab")).to_be_visible()

    page.get_by_role("link", name=re.compile(r"^1\. Sign in")).click()
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_text("Signed in: the user pool returned")).to_be_visible()
    expect(_main(page)).to_contain_text('"PASSWORD": "********"')

    page.get_by_role("link", name="Next: look inside the tokens").click()
    expect(page.get_by_role("heading", name="ID token", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Access token", exact=True)).to_be_visible()
    expect(page.get_by_text("Signature verified against the user pool's JWKS")).to_have_count(2)

    page.get_by_role("link", name="Next: exchange the ID token").click()
    page.get_by_role("button", name="Exchange the ID token for AWS credentials").click()
    expect(page.get_by_text(re.compile(r"Credentials for identity us-east-1:"))).to_be_visible()
    _idle(page)
    expect(_main(page)).to_contain_text("chars, masked)")

    page.get_by_role("link", name="Next: call the API").click()
    page.get_by_role("button", name="Call with the ID token").click()
    expect(page.get_by_test_id("stAlertContentSuccess").get_by_text("HTTP 200", exact=True)).to_be_visible()
    expect(_main(page)).to_contain_text("cognito:username")
    page.get_by_role("button", name="Call with no token").click()
    expect(page.get_by_test_id("stAlertContentError").get_by_text("HTTP 401", exact=True)).to_be_visible()
    expect(_main(page)).to_contain_text('"message": "Unauthorized"')


def test_paste_a_token_and_see_the_checklist(page: Page, dashboard_url: str):
    from tests.pages.test_pages import _own_token_and_jwks

    token, jwks = _own_token_and_jwks(iss="https://issuer.example")
    page.goto(dashboard_url + "/tokens")
    page.get_by_role("tab", name="Paste a token").click()
    page.get_by_label("Token (with or without \"Bearer \")").fill(token)
    page.get_by_label(re.compile(r"^JWKS \(optional")).fill(jwks)
    page.get_by_role("button", name="Decode and verify").click()
    expect(page.get_by_text("Keys: the JWKS you pasted.")).to_be_visible()
    expect(page.get_by_text(re.compile(r"Rejected: wrong_issuer"))).to_be_visible()
    expect(page.locator(f"table[data-testid='{TABLE_TESTID}']").first).to_be_visible()  # the checklist


def test_deep_link_into_a_fresh_dashboard_process(browser):
    # A bookmark, or the OAuth redirect back to /sign_in, may be the first request a freshly
    # started dashboard gets: it must still run dashboard.py (sandbox, sidebar, navigation).
    import subprocess
    import sys

    from tests.browser.conftest import _free_port, _wait_healthy
    from tests.conftest import ROOT

    port = _free_port()
    process = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.port", str(port),
                                "--server.headless", "true"], cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    context = browser.new_context()
    try:
        _wait_healthy(f"http://127.0.0.1:{port}", process)
        page = context.new_page()
        page.goto(f"http://127.0.0.1:{port}/tokens")
        expect(page.get_by_role("heading", name="ID token vs access token", exact=True)).to_be_visible()
        expect(page.locator("[data-testid='stMain']")).not_to_contain_text("KeyError")
    finally:
        context.close()
        process.terminate()
        process.wait(timeout=20)
