"""Exercises by clicking, as an attendee in a real Chromium: one exercise per leg, each started
in the session's own topology, investigated on the normal pages, and seen marked solved.

Leg 1 is solved by a real call (signing carol in through the confidential client on the Sign in
page); legs 2–4 by choosing the right reason from the short list after looking at the refusal.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from flows import i18n
from flows.exercises import exercise
from tests.security import driver
from ui.views.exercises import reason_label

pytestmark = pytest.mark.browser


def _open_exercise(page: Page, name: str) -> None:
    driver.go(page, "exercises", "Exercises")
    chosen = exercise(name)
    label = f"{i18n.text('exercises.leg.' + chosen.leg)} — {chosen.text('title')}"
    driver.choose(page, "Exercise", label)
    page.get_by_role("button", name="Start this exercise").click()
    expect(page.get_by_text("Started: the scenario is set up in your topology.")).to_be_visible(timeout=driver.SLOW)
    driver.idle(page)


def _solved(page: Page) -> None:
    expect(page.locator(driver.MAIN).get_by_text("Solved", exact=True)).to_be_visible(timeout=driver.SLOW)


def _diagnose(page: Page, name: str, wrong: str | None = None) -> None:
    for code in (wrong, exercise(name).answer):
        if code is None:
            continue
        page.locator(f"{driver.MAIN} [data-testid='stRadio']").get_by_text(reason_label(code, "en"), exact=True).click()
        page.get_by_role("button", name="Check my answer").click()
        driver.idle(page)
    _solved(page)


def test_one_exercise_per_leg_solved_by_clicking(page: Page, dashboard_url: str):
    driver.open_dashboard(page, dashboard_url)

    # Leg 1: the fix is the real call: carol through the confidential client (with SECRET_HASH).
    _open_exercise(page, "secret_hash_missing")
    expect(page.get_by_text("Not solved yet")).to_be_visible()
    driver.sign_in(page, "carol", "confidential")
    driver.go(page, "exercises", "Exercises")
    _solved(page)

    # Leg 2: look at what the identity pool says of an access token, then name the reason.
    _open_exercise(page, "access_token_to_identity_pool")
    _diagnose(page, "access_token_to_identity_pool", wrong="identity_client")

    # Leg 3: guests are now refused in this attendee's own pool: the guest exchange fails for real.
    _open_exercise(page, "guest_not_allowed")
    driver.go(page, "identity_pool", "Identity pool")
    page.get_by_text("A guest (no Logins)", exact=True).click()
    driver.idle(page)
    page.get_by_role("button", name="Get guest credentials (no Logins)").click()
    expect(page.get_by_text("Unauthenticated access is not supported").first).to_be_visible(timeout=driver.SLOW)
    driver.go(page, "exercises", "Exercises")
    _diagnose(page, "guest_not_allowed")

    # Leg 4: SigV4 for the wrong service.
    _open_exercise(page, "sigv4_wrong_service")
    _diagnose(page, "sigv4_wrong_service")

    expect(page.get_by_text("4 of 10 solved")).to_be_visible()
