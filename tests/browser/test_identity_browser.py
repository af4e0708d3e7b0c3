"""In a real browser: sign in by clicking, trade the ID token for credentials, and see which
role the identity pool chose, and why."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def _main(page: Page):
    return page.locator("[data-testid='stMain']")


def _idle(page: Page) -> None:
    page.wait_for_timeout(300)
    expect(page.locator("[data-testid='stStatusWidget']")).to_have_count(0, timeout=30_000)


def _sign_in_and_open_the_identity_page(page: Page, dashboard_url: str) -> None:
    page.goto(dashboard_url)
    expect(page.get_by_role("heading", name="Cognito Lab")).to_be_visible()
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Sign in").click()
    page.get_by_role("button", name="Sign in", exact=True).click()  # alice, the first user
    expect(page.get_by_text("Signed in: the user pool returned")).to_be_visible()  # the run has finished
    # Through the sidebar, not page.goto: a new URL load would be a new session, without tokens.
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Identity pool").click()
    expect(page.get_by_role("heading", name="Identity pool", exact=True)).to_be_visible()
    # Enabled only once the session holds an ID token: the sign-in worked.
    expect(page.get_by_role("button", name="Exchange the ID token for AWS credentials")).to_be_enabled()


def test_exchange_the_id_token_and_see_the_chosen_role(page: Page, dashboard_url: str):
    _sign_in_and_open_the_identity_page(page, dashboard_url)
    expect(_main(page)).to_contain_text('"<ID token>"')  # the Logins map
    page.get_by_role("button", name="Exchange the ID token for AWS credentials").click()
    expect(page.get_by_text(re.compile(r"Credentials for identity us-east-1:"))).to_be_visible()
    _idle(page)
    # The role, the wire and the look-ups are tabs under the result; the role's is open first.
    expect(page.get_by_role("tab", name="Which role, and why", selected=True)).to_be_visible()
    expect(page.get_by_role("tab", name="On the wire", exact=True)).to_be_visible()
    # alice is in the admins group: her token's cognito:preferred_role is the admins role.
    expect(_main(page).get_by_text(re.compile(r"assumed-role/CognitoLab-\w+-Admins/")).first).to_be_visible()
    expect(page.get_by_text("The lab's explanation and the identity pool's answer agree.")).to_be_visible()
    expect(_main(page)).to_contain_text("chars, masked)")
    expect(page.get_by_test_id("token-countdown").first).to_contain_text(re.compile(r"Expires in \d+h"))


def test_the_access_token_is_refused_on_screen(page: Page, dashboard_url: str):
    _sign_in_and_open_the_identity_page(page, dashboard_url)
    page.get_by_role("button", name="Try the access token instead").click()
    expect(_main(page)).to_contain_text("Invalid login token. Missing a required claim: aud")
