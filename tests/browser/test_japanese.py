"""Every page in Japanese, with its main actions done (a sign-in, a failing verification, an
identity-pool refusal, an API 401), reads as Japanese: no English sentence in the visible text.
The same walk in English shows no Japanese (issue 17).

What counts as visible text: what the browser shows in the main area and the sidebar, except
- code blocks (`pre`, `code`, st.code): the wire, tokens, ARNs, and AWS's own messages, which
  the lab quotes verbatim in code blocks (render_failure, show_problem) because a Japanese
  engineer meets them in English in the logs; the Japanese explanation sits next to each;
- data frames (claim values, the API matrix): drawn on a canvas, and their values are data;
- diagrams (Graphviz, Mermaid): their labels are identifiers.

- AWS's messages quoted in prose, 「like this」 or "like this": AWS's own words, which the lab
  keeps as AWS writes them.

An "English sentence" is FOUR OR MORE English words in a row, separated only by spaces or
commas. A word is letters only (with ' or -), so identifiers never count (USER_PASSWORD_AUTH,
cognito:groups, us-east-1_AbC, /oauth2/token, 401); nor do the names below, which are
technical terms or product names that Japanese text uses as they are (API Gateway, ID トークン,
HTTP API, Cognito …), nor words in CamelCase or capitals (InitiateAuth, JWKS, REST).
"""

from __future__ import annotations

import re
from typing import Iterator

import pytest
from playwright.sync_api import Page, expect

from flows import i18n

pytestmark = pytest.mark.browser

# Names Japanese text keeps in English: products, protocols, and AWS's parameter values.
TECHNICAL_WORDS = frozenset({
    "Amazon", "Cognito", "Gateway", "Lambda", "Bearer", "Markdown", "Lab", "Basic", "Token", "Rules",
    "Deny", "Equals", "Contains", "NotEqual", "StartsWith", "Authorization", "Logins", "Authenticated",
    "Unauthenticated", "Identity", "Pool", "Guest", "Sandbox", "Admins", "Readers",
})
_WORD = r"[A-Za-z][A-Za-z'’-]*"
_RUN_OF_WORDS = re.compile(rf"{_WORD}(?:[ ,]+{_WORD})+")
_JWT = re.compile(r"eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+")
_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff66-\uff9f]")


def _is_english_word(word: str) -> bool:
    """A word of prose: not a listed name, not an acronym (JWT, ID), not CamelCase (GetId)."""
    if word in TECHNICAL_WORDS or word.isupper() or re.search(r"[a-z][A-Z]", word):
        return False
    return len(word) > 1 or word in ("a", "I")


_QUOTED = re.compile(r"「[^」\n]*」|\"[^\"\n]*\"|“[^”\n]*”")


def english_sentences(text: str) -> list[str]:
    """Every run of four or more English words in a row, outside quotations (see the module's docstring)."""
    found = []
    for run in _RUN_OF_WORDS.finditer(_QUOTED.sub(" 「」 ", text)):
        words, streak = re.findall(_WORD, run.group()), []
        for word in words + [""]:
            if word and _is_english_word(word):
                streak.append(word)
                continue
            if len(streak) >= 4:
                found.append(" ".join(streak))
            streak = []
    return found


def test_the_definition_of_a_sentence():
    assert english_sentences("a JWT has 3 dot-separated segments") == []  # 3 words either side of JWT
    assert english_sentences("トークンは the token does not have a valid audience です") == [
        "the token does not have a valid audience"]
    assert english_sentences("API Gateway の REST API Cognito オーソライザー") == []
    assert english_sentences("ID プールは「Invalid login token. Missing a required claim: aud」で拒否します") == []
    assert english_sentences("Sign in with a password") == ["Sign in with a password"]


# Whatever is not prose: code blocks (AWS's messages, the wire), data frames, diagrams.
_VISIBLE_TEXT = """() => {
  const skip = "pre, code, [data-testid='stCode'], [data-testid='stDataFrame'], [data-testid='stGraphVizChart'],"
             + " [data-testid='stIFrame'], iframe, svg, [data-testid='stMarkdownContainer'] .mermaid";
  const roots = document.querySelectorAll("[data-testid='stMain'], [data-testid='stSidebar']");
  const texts = [];
  for (const root of roots) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const node = walker.currentNode, parent = node.parentElement;
      if (!parent || parent.closest(skip) || !parent.checkVisibility()) continue;
      if (node.textContent.trim()) texts.push(node.textContent.trim());
    }
  }
  return texts.join("\\n");
}"""


def visible_text(page: Page) -> str:
    _idle(page)
    return page.evaluate(_VISIBLE_TEXT)


def _idle(page: Page) -> None:
    page.wait_for_timeout(400)
    expect(page.locator("[data-testid='stStatusWidget']")).to_have_count(0, timeout=60_000)


def _open(page: Page, lang: str, title_key: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=i18n.text(title_key, lang), exact=True).click()
    expect(page.get_by_role("heading", name=i18n.text(title_key, lang), exact=True).first).to_be_visible()
    _idle(page)


def _button(page: Page, lang: str, key: str):
    return page.get_by_role("button", name=i18n.text(key, lang), exact=True)


def _open_expanders(page: Page) -> None:
    """Text inside expanders is part of the page: open them all (main area only)."""
    closed = page.locator("[data-testid='stMain'] [data-testid='stExpander'] details:not([open]) > summary")
    for _ in range(closed.count()):
        closed.first.click()
        page.wait_for_timeout(150)


def walk_every_page(page: Page, dashboard_url: str, lang: str) -> Iterator[tuple[str, str]]:
    """(what was just done, the visible text) after each page and each main action."""
    page.goto(dashboard_url)
    expect(page.get_by_role("heading", name="Cognito Lab")).to_be_visible()
    if lang == "ja":
        page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").first.click()
        page.get_by_role("option", name="日本語").click()
        expect(page.get_by_text(i18n.text("overview.intro", "ja").split("。")[0])).to_be_visible()  # its first sentence: unique on the page
    _open_expanders(page)
    yield "overview", visible_text(page)

    _open(page, lang, "leg.sign_in.title")
    _button(page, lang, "sign_in.button").click()  # alice, the first user
    expect(page.get_by_text(i18n.text("sign_in.success", lang))).to_be_visible()
    _open_expanders(page)
    yield "sign-in", visible_text(page)

    _open(page, lang, "leg.tokens.title")
    yield "tokens", visible_text(page)
    id_token = _JWT.search(page.locator("[data-testid='stMain']").inner_text()).group()  # alice's ID token
    page.get_by_role("tab", name=i18n.text("tokens.tab.paste", lang)).click()
    tampered = id_token[:-6] + ("AAAAAA" if not id_token.endswith("AAAAAA") else "BBBBBB")
    page.get_by_label(i18n.text("paste.token", lang)).fill(tampered)
    _button(page, lang, "paste.verify").click()  # the pool's key, a wrong signature: the check fails
    expect(page.get_by_test_id("stAlertContentError").first).to_be_visible()
    yield "a failing verification", visible_text(page)

    _open(page, lang, "leg.identity_pool.title")
    _button(page, lang, "identity.try_access_token").click()
    expect(page.locator("[data-testid='stMain']")).to_contain_text("Missing a required claim")  # AWS's words, quoted
    yield "an identity-pool refusal", visible_text(page)
    _button(page, lang, "identity.exchange").click()
    success = ".+".join(map(re.escape, i18n.text("identity.success", lang, identity_id="\0").split("\0")))
    expect(page.get_by_text(re.compile(success)).first).to_be_visible()
    _open_expanders(page)
    yield "an identity-pool exchange", visible_text(page)

    _open(page, lang, "leg.api_gateway.title")
    page.get_by_role("button", name=i18n.text("api.with_nothing", lang)).first.click()
    expect(page.locator("[data-testid='stMain']")).to_contain_text("401")
    _open_expanders(page)
    yield "an API 401", visible_text(page)

    _open(page, lang, "page.reference")
    yield "reference", visible_text(page)


def test_japanese_pages_have_no_english_sentence(page: Page, dashboard_url: str):
    english = {done: english_sentences(text) for done, text in walk_every_page(page, dashboard_url, "ja")}
    assert {done: found for done, found in english.items() if found} == {}
    assert len(english) == 8  # every page and action was reached


def test_english_pages_have_no_japanese(page: Page, dashboard_url: str):
    japanese = {done: [line for line in text.splitlines() if _JAPANESE.search(line)]
                for done, text in walk_every_page(page, dashboard_url, "en")}
    assert {done: lines for done, lines in japanese.items() if lines} == {}
    assert len(japanese) == 8
