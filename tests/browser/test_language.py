"""The language switch changes every page, and the choice stays across pages (issue 7)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

JAPANESE_PAGES = [("概要", "Cognito Lab"), ("サインイン", "サインイン"), ("ID トークンとアクセストークン", "ID トークンとアクセストークン"),
                  ("ID プール", "ID プール"), ("API Gateway", "API Gateway"), ("リファレンス", "リファレンス")]


def test_switch_to_japanese_and_see_it_on_every_page(page: Page, dashboard_url: str):
    page.goto(dashboard_url)
    page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").first.click()
    page.get_by_role("option", name="日本語").click()
    expect(page.get_by_text("Cognito を使うアプリは")).to_be_visible()
    for link, heading in JAPANESE_PAGES:
        page.locator("[data-testid='stSidebarNav']").get_by_role("link", name=link, exact=True).click()
        expect(page.get_by_role("heading", name=heading, exact=True).first).to_be_visible()
        expect(page.locator("[data-testid='stMain']")).not_to_contain_text("⟦")
