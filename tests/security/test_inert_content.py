"""Whatever a token says is shown as text: no HTML, script, link or control character in a
header or claim can act on the page, or on the wiki an export is pasted into.

Two ways in: a token pasted with its JWKS (header and claims written by an attacker), and the
learner's own tokens after the user set one of their attributes with UpdateUserAttributes, as any
user of a pool may (the ID token then carries it, and every page and export shows it).
"""

from __future__ import annotations

import json
import re
import time

import boto3
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from playwright.sync_api import Page, expect

from tests.security import driver
from tests.security.conftest import Dashboard
from ui.widgets.table import TABLE_TESTID

pytestmark = pytest.mark.browser

IMG = "<img src=x onerror=window.__pwned=1>"
SCRIPT = "<script>window.__pwned=1</script>"
LINK = "[click me](https://evil.example)"
JS_URL = "javascript:window.__pwned=1"
CONTROLS = "nul\u0000 rlo\u202e txt"
EVERYTHING = f"{IMG} {SCRIPT} {LINK} {JS_URL} {CONTROLS} ``` end"


def _evil_token_and_jwks(**claims: object) -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = {**jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key(), as_dict=True), "kid": IMG, "alg": "RS256", "use": "sig"}
    now = int(time.time())
    payload = {"name": IMG, "script": SCRIPT, "link": LINK, "website": JS_URL, "controls": CONTROLS, IMG: "a claim name",
               "iss": "https://issuer.example", "sub": "u1", "token_use": "access", "client_id": "c1",
               "iat": now, "exp": now + 600, **claims}
    headers = {"kid": IMG, "typ": SCRIPT, "cty": LINK, "x5u": JS_URL}
    return jwt.encode(payload, key, algorithm="RS256", headers=headers), json.dumps({"keys": [jwk]})


def _assert_inert(page: Page) -> None:
    """Nothing from the content became an element, a link or a running script; nothing crashed."""
    for frame in page.frames:
        assert frame.evaluate("typeof window.__pwned") == "undefined"
    assert page.locator("img[src='x']").count() == 0
    assert page.evaluate("[...document.scripts].filter(s => s.textContent.includes('__pwned')).length") == 0
    assert page.locator("a[href*='evil.example']").count() == 0
    assert page.locator("a[href^='javascript:' i]").count() == 0
    assert page.locator("[data-testid='stException']").count() == 0


def _cells(page: Page) -> list[str]:
    """The tables' cells as text: the static tables' (ui/widgets/table.py) and the dataframes'
    (their accessible table; the grid itself is a canvas)."""
    cells = page.locator(f"{driver.MAIN} [data-testid='stDataFrame'] [role='gridcell'], "
                         f"{driver.MAIN} table[data-testid='{TABLE_TESTID}'] td")
    expect(cells.first).to_be_attached()  # a grid's cells are drawn a moment after its canvas
    page.wait_for_timeout(500)
    return cells.all_text_contents()


def _paste(page: Page, token: str, jwks: str) -> None:
    page.get_by_label('Token (with or without "Bearer ")').fill(token)
    page.get_by_label(re.compile(r"^JWKS \(optional")).fill(jwks)
    page.get_by_role("button", name="Decode and verify").click()
    driver.idle(page)


def test_a_pasted_tokens_header_and_claims_show_as_text(page: Page, dashboard_url: str):
    token, jwks = _evil_token_and_jwks()
    driver.open_dashboard(page, dashboard_url)
    driver.go(page, "tokens", "ID token vs access token")
    page.get_by_role("tab", name="Paste a token").click()
    _paste(page, token, jwks)
    expect(page.get_by_text("Keys: the JWKS you pasted.")).to_be_visible()
    expect(page.get_by_text(re.compile(r"^Rejected: wrong_issuer"))).to_be_visible()  # issuer.example isn't the pool
    cells = _cells(page)
    for text in (IMG, SCRIPT, LINK, JS_URL, "a claim name"):
        assert text in cells, f"{text!r} is not shown as text"
    assert any("rlo\u202e txt" in cell for cell in cells)
    assert any(f"kid {IMG!r} found in the JWKS" in cell for cell in cells)  # from the header
    _assert_inert(page)


def test_a_rejection_message_quoting_the_token_shows_it_as_text(page: Page, dashboard_url: str):
    token, jwks = _evil_token_and_jwks(iss=LINK)
    driver.open_dashboard(page, dashboard_url)
    driver.go(page, "tokens", "ID token vs access token")
    page.get_by_role("tab", name="Paste a token").click()
    for pasted in (jwks, ""):  # "Rejected: wrong_issuer — iss is …", "No keys …: will not fetch keys for issuer …"
        _paste(page, token, pasted)
        expect(page.get_by_text(re.compile(r"^(Rejected: wrong_issuer|No keys to verify with)"))).to_be_visible()
        _assert_inert(page)


def _set_own_attribute(dashboard: Dashboard, access_token: str, value: str) -> None:
    """What any user may do to their own profile, with their own access token."""
    idp = boto3.client("cognito-idp", endpoint_url=dashboard.sandbox_endpoint, region_name="us-east-1")
    idp.update_user_attributes(AccessToken=access_token, UserAttributes=[{"Name": "custom:department", "Value": value}])


def _outside_fences(markdown: str) -> str:
    """The Markdown a wiki would render as Markdown: everything not in a fenced code block."""
    outside, fence = [], None
    for line in markdown.splitlines():
        opening = re.match(r" {0,3}(`{3,}|~{3,})", line)
        if fence is None and opening:
            fence = opening[1]
        elif fence is not None and re.fullmatch(rf" {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}\s*", line):
            fence = None
        elif fence is None:
            outside.append(line)
    assert fence is None, "a fenced block is never closed"
    return "\n".join(outside)


def test_own_tokens_carrying_a_users_markup_show_it_as_text_and_export_it_inert(page: Page, dashboard: Dashboard):
    driver.open_dashboard(page, dashboard.url)
    driver.sign_in(page, "carol")
    first = driver.authentication_result(page)
    _set_own_attribute(dashboard, first["AccessToken"], EVERYTHING)
    page.get_by_role("button", name="Sign in", exact=True).click()  # new tokens, with the attribute
    expect(page.get_by_text(first["IdToken"][-40:])).to_have_count(0, timeout=driver.SLOW)
    driver.signed_in(page)
    claims = jwt.decode(driver.authentication_result(page)["IdToken"], options={"verify_signature": False})
    assert claims["custom:department"] == EVERYTHING
    _assert_inert(page)

    driver.start_tokens(page)
    driver.tokens_shown(page)
    assert any(IMG in cell and "rlo\u202e" in cell for cell in _cells(page)), "custom:department is not shown"
    _assert_inert(page)

    driver.start_exchange(page)
    driver.identity_id(page)
    driver.start_api_call(page)
    assert IMG in driver.api_answered(page)  # requestContext.authorizer.claims, as st.json shows them
    _assert_inert(page)

    markdown = driver.download_export(page, "Markdown")
    assert IMG in markdown and "evil.example" in markdown  # exported, inside code blocks
    prose = _outside_fences(markdown)
    for marker in ("<img", "<script", "evil.example", "javascript:", "\u202e", "\u0000"):
        assert marker not in prose, f"{marker!r} is outside a code block of the Markdown export"
    _assert_inert(page)
