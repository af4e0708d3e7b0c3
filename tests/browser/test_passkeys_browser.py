"""Choice-based sign-in (USER_AUTH) in a real Chromium: a passkey registered and used through
Chromium's virtual authenticator (the DevTools protocol's WebAuthn domain), and an email code read
from the sandbox's outbox. WebAuthn needs a secure context and an RP id that matches the page's
host: the dashboard is opened as http://localhost:<port>, and the sandbox seeds "localhost"."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect


pytestmark = pytest.mark.browser

CHOICE_FLOW = "USER_AUTH — choice-based: passkeys and one-time codes"


def _main(page: Page):
    return page.locator("[data-testid='stMain']")


def _open_choice_flow(page: Page, dashboard: str) -> None:
    page.goto(dashboard)
    heading = page.get_by_role("heading", name="Cognito Lab")
    try:
        expect(heading).to_be_visible(timeout=15_000)
    except AssertionError:  # a fresh process's first run may come up without dashboard.py
        page.reload()
        expect(heading).to_be_visible()
    page.get_by_role("link", name=re.compile(r"^1\. Sign in")).click()
    expect(page.get_by_role("heading", name="Sign in", exact=True)).to_be_visible()
    _main(page).get_by_test_id("stSelectbox").filter(has_text="Flow").click()
    page.get_by_role("option", name=CHOICE_FLOW).click()
    expect(_main(page).get_by_role("heading", name=re.compile(r"^Choice-based sign-in"))).to_be_visible()


def _add_virtual_authenticator(page: Page) -> None:
    devtools = page.context.new_cdp_session(page)
    devtools.send("WebAuthn.enable")
    devtools.send("WebAuthn.addVirtualAuthenticator", {"options": {
        "protocol": "ctap2", "transport": "internal", "hasResidentKey": True,
        "hasUserVerification": True, "isUserVerified": True}})


def _press_passkey_button(page: Page) -> None:
    """The component's own button, inside its iframe: it calls navigator.credentials.*."""
    prompt = page.frame_locator("iframe[title*='passkey_prompt']")
    prompt.get_by_role("button").click()


def _answer_select_challenge(page: Page, challenge: str) -> None:
    expect(_main(page).get_by_text(re.compile(r"^Challenges this user can take"))).to_be_visible()
    _main(page).get_by_test_id("stRadio").get_by_text(challenge, exact=True).click()
    _main(page).get_by_role("button", name="RespondToAuthChallenge", exact=True).click()


def test_a_passkey_registers_and_signs_in_with_chromiums_virtual_authenticator(
        page: Page, dashboard_on_localhost: str) -> None:
    _open_choice_flow(page, dashboard_on_localhost)
    _add_virtual_authenticator(page)
    _main(page).get_by_role("button", name=re.compile(r"^Register a passkey")).click()
    expect(_main(page).get_by_text("Your browser now asks to create or use a passkey.")).to_be_visible()
    _press_passkey_button(page)
    expect(_main(page).get_by_text("Passkey registered for alice.")).to_be_visible()
    _main(page).get_by_role("button", name="InitiateAuth (USER_AUTH)", exact=True).click()
    _answer_select_challenge(page, "WEB_AUTHN")
    _press_passkey_button(page)
    expect(_main(page).get_by_text('Tokens issued (amr: ["webauthn"])')).to_be_visible()
    # The signed data, decoded and explained: the page's own origin, the RP id hash, the sign count.
    expect(_main(page).get_by_text(re.compile(r"^rpIdHash: SHA-256 of the relying-party id \(localhost\); matches: True"))).to_be_visible()
    expect(_main(page)).to_contain_text(dashboard_on_localhost)
    expect(_main(page).get_by_text(re.compile(r"^sign count: \d+"))).to_be_visible()


def test_an_email_code_from_the_outbox_signs_in(page: Page, dashboard_on_localhost: str) -> None:
    _open_choice_flow(page, dashboard_on_localhost)
    _main(page).get_by_role("button", name="InitiateAuth (USER_AUTH)", exact=True).click()
    _answer_select_challenge(page, "EMAIL_OTP")
    expect(_main(page).get_by_text(re.compile(r"^Code read from the sandbox's outbox: \d{8}"))).to_be_visible()
    _main(page).get_by_role("button", name="RespondToAuthChallenge", exact=True).click()
    expect(_main(page).get_by_text('Tokens issued (amr: ["otp"])')).to_be_visible()
