"""The authorization-code flow with PKCE, by clicking in a real Chromium (Debian's): hop by hop
inside the page, and for real through the sandbox's hosted sign-in page and back."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from sandbox.topology import USERS

pytestmark = pytest.mark.browser

OAUTH_FLOW = "OAuth 2.0 authorization code with PKCE (hosted sign-in page)"


def _main(page: Page):
    return page.locator("[data-testid='stMain']")


def _open_sign_in_page(page: Page, dashboard: str) -> None:
    # The root first: until some session of a fresh dashboard process has run st.navigation,
    # Streamlit serves a deep link like /sign_in from the pages/ folder without dashboard.py.
    page.goto(dashboard)
    heading = page.get_by_role("heading", name="Cognito Lab")
    try:
        expect(heading).to_be_visible(timeout=15_000)
    except AssertionError:  # a fresh process's first run came up without dashboard.py: a new session has it
        page.reload()
        expect(heading).to_be_visible()
    page.get_by_role("link", name=re.compile(r"^1\. Sign in")).click()
    expect(page.get_by_role("heading", name="Sign in", exact=True)).to_be_visible()


def _choose_flow(page: Page, label: str) -> None:
    _main(page).get_by_test_id("stSelectbox").filter(has_text="Flow").click()
    page.get_by_role("option", name=label).click()
    expect(_main(page).get_by_text(re.compile(r"^The browser way in"))).to_be_visible()


def _click(page: Page, label: str) -> None:
    _main(page).get_by_role("button", name=label, exact=True).click()


def _diagram_svg(page: Page) -> str:
    """The SVG Mermaid drew: Streamlit shows it as an <img> of a blob URL, so read the blob."""
    diagram = page.get_by_role("img", name="Sequence diagram of the chosen sign-in flow")
    diagram.scroll_into_view_if_needed()
    expect(diagram).to_be_visible()
    return diagram.evaluate("image => fetch(image.src).then(response => response.text())")


def _expect_verified_tokens(page: Page) -> None:
    page.get_by_role("link", name="Next: look inside the tokens").click()
    expect(page.get_by_role("heading", name="ID token", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Access token", exact=True)).to_be_visible()
    expect(page.get_by_text("Signature verified against the user pool's JWKS")).to_have_count(2)


def test_code_flow_with_pkce_hop_by_hop(page: Page, dashboard_url: str):
    _open_sign_in_page(page, dashboard_url)
    _choose_flow(page, OAUTH_FLOW)
    _click(page, "Make a PKCE pair and open /oauth2/authorize")
    expect(_main(page).get_by_text(re.compile(r"^Why PKCE"))).to_be_visible()
    expect(_main(page)).to_contain_text("code_verifier")
    _click(page, "Sign in on the hosted page")
    # The redirect_uri follows the dashboard's real port (ui/room.py), whatever it is.
    port = dashboard_url.rsplit(":", 1)[1]
    expect(_main(page)).to_contain_text(f"Location: http://localhost:{port}/sign_in?code=")
    _click(page, "Follow the redirect back to the app (check state, take the code)")
    expect(_main(page).get_by_text(re.compile(r"^The state that came back"))).to_be_visible()
    _click(page, "Redeem the code with the code_verifier")
    expect(page.get_by_text("Signed in: the user pool returned")).to_be_visible()
    # The sequence diagram is drawn, with the learner at the token exchange.
    assert "You are here: step 4" in _diagram_svg(page)
    _expect_verified_tokens(page)


def test_real_redirect_through_the_hosted_page_back_to_the_dashboard(page: Page, dashboard_on_localhost: str):
    _open_sign_in_page(page, dashboard_on_localhost)
    _choose_flow(page, OAUTH_FLOW)
    _click(page, "Prepare a sign-in in my browser")
    with page.context.expect_page() as opened:
        _main(page).get_by_role("link", name="Open the real sign-in page in my browser").click()
    hosted = opened.value
    expect(hosted.get_by_role("heading", name="Sign in with your username and password")).to_be_visible()
    hosted.get_by_label("Username").fill("bob")
    hosted.get_by_label("Password").fill(next(user["password"] for user in USERS if user["username"] == "bob"))
    hosted.get_by_role("button", name="Sign in").click()
    # Cognito's redirect brings the browser back to /sign_in: a new dashboard session.
    hosted.wait_for_url(re.compile(rf"^{re.escape(dashboard_on_localhost)}/sign_in"))
    expect(hosted.get_by_text("Signed in: the user pool returned")).to_be_visible()
    expect(_main(hosted).get_by_text(re.compile(r"^Your browser did steps 1 and 2 itself"))).to_be_visible()
    assert "code=" not in hosted.url  # the page dropped the used code from the address bar
    _expect_verified_tokens(hosted)
