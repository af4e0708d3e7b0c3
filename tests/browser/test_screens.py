"""Every page as a person sees it at 1280 px, in English and in Japanese (issue 18).

One walk per language: sign in, look at the tokens, exchange them, fill the API matrix and open
a cell, read the reference, back to the overview. After each page's main action the test takes a
full-page screenshot into `artifacts/screens/` (kept by CI as artefacts; look at them) and checks
in the DOM that nothing is cut off: no table cell or container wider than its box, no label
clipped by an ellipsis, no button whose label overflows it, and the claims that differ between
the two tokens visible on the first screen of the comparison, without scrolling any grid.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from flows.i18n import text
from tests.conftest import ROOT
from tests.security import driver
from ui.widgets.table import MARKED_CLASS, TABLE_TESTID

pytestmark = pytest.mark.browser

SCREENS = ROOT / "artifacts" / "screens"
WIDTH, HEIGHT = 1280, 900
DIFFERING = ("aud", "client_id", "scope", "username", "version")

# Elements cut off in their box: wider content than box, where the box hides the overflow
# (an ellipsis or overflow hidden), and every static table cell and table. One entry per culprit.
_CUT = """(root) => {
  const cut = [];
  const describe = (el) => `${el.tagName.toLowerCase()}[${el.getAttribute('data-testid') || el.className}]: `
      + (el.innerText || '').slice(0, 60);
  for (const el of root.querySelectorAll('*')) {
    if (!el.offsetParent || el.clientWidth === 0 || el.matches("[data-testid='stSkipToContent']")) continue;
    const box = el.getBoundingClientRect();
    if (box.width <= 1 || box.height <= 1) continue;  // text for screen readers only
    const style = getComputedStyle(el);
    const hides = style.textOverflow === 'ellipsis' || ['hidden', 'clip'].includes(style.overflowX);
    if (hides && el.scrollWidth > el.clientWidth + 1 && (el.innerText || '').trim()) cut.push(describe(el));
  }
  for (const el of root.querySelectorAll("table[data-testid='%(table)s'], table[data-testid='%(table)s'] td")) {
    if (el.scrollWidth > el.clientWidth + 1) cut.push(describe(el));
  }
  for (const el of root.querySelectorAll("[data-testid='stSidebar'] [data-testid='stCode'] pre")) {
    if (el.scrollWidth > el.clientWidth + 1) cut.push(describe(el));  // ids scrolled out of the box
  }
  for (const el of root.querySelectorAll('button')) {
    if (el.offsetParent && el.scrollWidth > el.clientWidth + 1) cut.push(describe(el));
  }
  return cut;
}""" % {"table": TABLE_TESTID}

# A grid (st.dataframe) that scrolls sideways hides columns: its scroller is wider than its box.
_SIDEWAYS_GRIDS = """(root, skip) => [...root.querySelectorAll("[data-testid='stDataFrame'] .dvn-scroller")]
    .filter(el => !skip || !el.closest(skip))
    .filter(el => el.offsetParent && el.scrollWidth > el.clientWidth + 1)
    .map(el => `${el.closest("[data-testid='stDataFrame']").parentElement.className}: ${el.scrollWidth} > ${el.clientWidth}`)"""


def _t(lang: str, key: str, **params: object) -> str:
    return text(key, lang, **params)


def _screenshot(page: Page, name: str) -> Path:
    """The whole page: Streamlit scrolls inside its main area, so the viewport is grown to it."""
    driver.idle(page)
    height = page.evaluate("() => document.querySelector(\"[data-testid='stMain']\").scrollHeight")
    page.set_viewport_size({"width": WIDTH, "height": max(HEIGHT, int(height))})
    page.wait_for_timeout(500)
    SCREENS.mkdir(parents=True, exist_ok=True)
    path = SCREENS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    return path


# A code box whose text runs past its right edge (it scrolls sideways: the rest is out of view).
_SIDEWAYS_CODE = """(root) => [...root.querySelectorAll("[data-testid='stCode'] pre, [data-testid='stCode'] code")]
    .filter(el => el.offsetParent && el.scrollWidth > el.clientWidth + 1)
    .map(el => (el.innerText || '').slice(0, 60))"""

MATRIX = ".st-key-api_matrix_table"  # checked on its own, below


def _nothing_cut(page: Page, where: str) -> None:
    main = page.locator(driver.MAIN)
    cut = page.locator("body").evaluate(_CUT)  # the main area and the sidebar
    assert not cut, f"cut off on {where}: " + " | ".join(cut)
    sideways = main.evaluate(_SIDEWAYS_GRIDS, MATRIX)
    assert not sideways, f"a grid scrolls sideways on {where}: " + " | ".join(sideways)


def _go(page: Page, lang: str, url_path: str, title_key: str) -> None:
    driver.go(page, url_path, _t(lang, title_key))


def _sign_in(page: Page, lang: str) -> None:
    _go(page, lang, "sign_in", "leg.sign_in.title")
    page.get_by_role("button", name=_t(lang, "sign_in.button"), exact=True).click()
    expect(page.get_by_text(_t(lang, "sign_in.success"))).to_be_visible(timeout=driver.SLOW)
    _nothing_cut(page, "sign_in")


def _tokens(page: Page, lang: str) -> None:
    _go(page, lang, "tokens", "leg.tokens.title")
    expect(page.get_by_text(_t(lang, "token.valid"))).to_have_count(2, timeout=driver.SLOW)
    driver.idle(page)
    marked = page.locator(f"{driver.MAIN} table[data-testid='{TABLE_TESTID}'] tr.{MARKED_CLASS}")
    claims = [row.split("\t")[0].strip() for row in marked.all_inner_texts()]
    assert set(DIFFERING) <= set(claims), claims
    for row in marked.all():  # on the page's first screens once scrolled to, no grid scrolling
        row.scroll_into_view_if_needed()
        expect(row).to_be_in_viewport()
    _nothing_cut(page, "tokens")


def _identity(page: Page, lang: str) -> None:
    _go(page, lang, "identity_pool", "leg.identity_pool.title")
    page.get_by_role("button", name=_t(lang, "identity.exchange"), exact=True).click()
    before, after = _t(lang, "identity.success", identity_id="\0").split("\0")
    success = re.compile(f"^{re.escape(before)}.+{re.escape(after)}$")
    expect(page.get_by_text(success)).to_be_visible(timeout=driver.SLOW)
    _nothing_cut(page, "identity_pool")
    # The role's tab: its reasons quote the ~90-character role-mapping key; no code box hides a part.
    role = page.get_by_role("tabpanel", name=_t(lang, "identity_page.role.heading"))
    assert role.evaluate(_SIDEWAYS_CODE) == [], "a code box scrolls sideways in the role's tab"


def _api(page: Page, lang: str) -> None:
    _go(page, lang, "api_gateway", "leg.api_gateway.title")
    page.locator(".st-key-api_fill button").click()
    expect(page.locator(f"{driver.MAIN} [data-testid='stDataFrame']").first).to_be_visible(timeout=driver.SLOW)
    driver.idle(page)
    page.locator(".st-key-call-id_token button").click()  # opens the cell: the call and its reasoning
    driver.idle(page)
    page.get_by_role("tab", name=_t(lang, "api_page.tab.reasoning")).click()
    driver.idle(page)
    _nothing_cut(page, "api_gateway")


def _open_in(page: Page, dashboard_url: str, lang: str) -> None:
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    driver.open_dashboard(page, dashboard_url)
    if lang != "en":
        page.locator(f"{driver.SIDEBAR} [data-testid='stSelectbox']").first.click()
        page.get_by_role("option", name="日本語").click()
        expect(page.get_by_text(_t(lang, "newcomer.lead.overview"))).to_be_visible()
        driver.idle(page)


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_every_page_after_its_main_action_at_1280_px(page: Page, dashboard_url: str, lang: str):
    _open_in(page, dashboard_url, lang)
    for step, name in ((_sign_in, "sign_in"), (_tokens, "tokens"), (_identity, "identity_pool"), (_api, "api_gateway")):
        step(page, lang)
        _screenshot(page, f"{lang}-{name}")
    _go(page, lang, "reference", "page.reference")
    _nothing_cut(page, "reference")
    _screenshot(page, f"{lang}-reference")
    page.locator("[data-testid='stSidebarNavLink']").first.click()
    expect(page.get_by_text(_t(lang, "newcomer.lead.overview"))).to_be_visible()
    driver.idle(page)
    done = page.get_by_role("link", name=re.compile(re.escape(_t(lang, "newcomer.overview.done"))))
    expect(done).to_have_count(4)  # every leg this walk completed, the API's included
    _nothing_cut(page, "overview")
    _screenshot(page, f"{lang}-overview")


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_the_api_matrix_fits_at_1280_px(page: Page, dashboard_url: str, lang: str):
    _open_in(page, dashboard_url, lang)
    _sign_in(page, lang)
    _go(page, lang, "api_gateway", "leg.api_gateway.title")
    page.locator(".st-key-api_fill button").click()
    matrix = page.locator(f"{MATRIX} [data-testid='stDataFrame']")
    expect(matrix).to_be_visible(timeout=driver.SLOW)
    driver.idle(page)
    assert page.locator(driver.MAIN).evaluate(_SIDEWAYS_GRIDS, None) == []
    matrix.scroll_into_view_if_needed()
    SCREENS.mkdir(parents=True, exist_ok=True)
    matrix.screenshot(path=str(SCREENS / f"{lang}-api_matrix.png"))
