"""Three attendees at once: each browser session sees its own topology, tokens and credentials,
and nothing of the others' — on screen or in its exports (DESIGN.md, "State and sessions")."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Callable

import jwt
import pytest
from playwright.sync_api import Browser, Page

from tests.security import driver

pytestmark = pytest.mark.browser

USERS = ("alice", "bob", "carol")


@dataclass
class Attendee:
    username: str
    page: Page
    seen: list[str] = field(default_factory=list)  # every page and export this session was given
    own: dict[str, str] = field(default_factory=dict)  # values that belong to this session only
    api_claims: str = ""  # what the API page says the backend received

    def snapshot(self) -> None:
        self.seen.append(self.page.content())
        assert driver.target_ids(self.page)[1] == self.own["user_pool_id"], "the sidebar's user pool changed"


def _all_at_once(attendees: list[Attendee], start: Callable[[Page], object], finish: Callable[[Page], object]) -> list[object]:
    """Start the step in every session before waiting for any: the server works on all three."""
    for attendee in attendees:
        start(attendee.page)
    return [finish(attendee.page) for attendee in attendees]


def _segments(token: str) -> dict[str, str]:
    header, payload, signature = token.split(".")
    return {"payload": payload, "signature": signature, "signing input": f"{header}.{payload}"}


def _walk_through_together(attendees: list[Attendee], url: str) -> None:
    for attendee in attendees:
        attendee.page.goto(url)
    for attendee in attendees:
        driver.overview_ready(attendee.page)  # all three sessions are being seeded at once
        _, attendee.own["user_pool_id"], attendee.own["identity_pool_id"] = driver.target_ids(attendee.page)
        attendee.snapshot()

    for attendee in attendees:
        driver.go(attendee.page, "sign_in", "Sign in")
        driver.choose_user(attendee.page, attendee.username)
    _all_at_once(attendees, lambda page: page.get_by_role("button", name="Sign in", exact=True).click(),
                 driver.signed_in)
    for attendee in attendees:
        _remember_tokens(attendee, driver.authentication_result(attendee.page))
        attendee.snapshot()

    _all_at_once(attendees, driver.start_tokens, driver.tokens_shown)
    for attendee in attendees:
        attendee.snapshot()

    identity_ids = _all_at_once(attendees, driver.start_exchange, driver.identity_id)
    for attendee, identity_id in zip(attendees, identity_ids):
        attendee.own["identity_id"] = str(identity_id)
        attendee.snapshot()

    claims_shown = _all_at_once(attendees, driver.start_api_call, driver.api_answered)
    for attendee, claims in zip(attendees, claims_shown):
        attendee.api_claims = re.sub(r"\s+", "", str(claims))
        attendee.snapshot()
        for kind in ("JSON", "Markdown"):
            attendee.seen.append(driver.download_export(attendee.page, kind))


def _remember_tokens(attendee: Attendee, result: dict[str, str]) -> None:
    claims = jwt.decode(result["IdToken"], options={"verify_signature": False})
    assert claims["cognito:username"] == attendee.username
    assert claims["iss"].endswith("/" + attendee.own["user_pool_id"])
    attendee.own.update({"sub": claims["sub"], "app client id": claims["aud"],
                         "ID token": result["IdToken"], "access token": result["AccessToken"]})
    for name in ("IdToken", "AccessToken"):
        attendee.own.update({f"{name} {part}": value for part, value in _segments(result[name]).items()})


def _assert_sees_only_its_own(attendee: Attendee, others: list[Attendee]) -> None:
    seen = "\n".join(attendee.seen)
    assert f'"cognito:username":"{attendee.username}"' in attendee.api_claims
    exported = json.dumps(json.loads(attendee.seen[-2]))  # the JSON export, in one canonical spacing
    assert f'"cognito:username": "{attendee.username}"' in exported
    # Each value is shown to its own session, so the search below would find it if it leaked.
    assert [name for name, value in attendee.own.items() if value not in seen] == []
    for other in others:
        assert f'"cognito:username": "{other.username}"' not in exported
        assert f'"cognito:username":"{other.username}"' not in attendee.api_claims
        for name, value in other.own.items():
            assert value not in seen, f"{attendee.username}'s session was shown {other.username}'s {name}"


def test_three_attendees_at_once_each_see_only_their_own_data(browser: Browser, dashboard_url: str):
    contexts = [browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
                for _ in USERS]
    try:
        attendees = [Attendee(username, context.new_page()) for username, context in zip(USERS, contexts)]
        for attendee in attendees:
            attendee.page.set_default_timeout(driver.SLOW)
        _walk_through_together(attendees, dashboard_url)
        assert len({a.own["user_pool_id"] for a in attendees}) == len(USERS)
        assert len({a.own["identity_pool_id"] for a in attendees}) == len(USERS)
        for attendee in attendees:
            _assert_sees_only_its_own(attendee, [other for other in attendees if other is not attendee])
    finally:
        for context in contexts:
            context.close()


# Streamlit resumes a session whose WebSocket dropped (Wi-Fi, a closed laptop lid) with its
# session state intact. This script lets the test drop the connection and hold it down.
_DROPPABLE_WEBSOCKETS = """
(() => {
  const Real = window.WebSocket;
  window.__sockets = [];
  window.__holdDown = false;
  window.WebSocket = function (url, protocols) {
    const socket = new Real(window.__holdDown ? "ws://127.0.0.1:9/held-down" : url, protocols);
    window.__sockets.push(socket);
    return socket;
  };
  window.WebSocket.prototype = Real.prototype;
  Object.assign(window.WebSocket, {CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3});
})();
"""


def test_a_session_back_from_a_dropped_connection_still_has_a_topology(browser: Browser, dashboard_url: str):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.add_init_script(_DROPPABLE_WEBSOCKETS)
    try:
        page = context.new_page()
        page.set_default_timeout(driver.SLOW)
        driver.open_dashboard(page, dashboard_url)
        driver.sign_in(page, "alice")
        first = driver.authentication_result(page)["IdToken"]
        page.evaluate("window.__holdDown = true; window.__sockets.forEach(socket => socket.close())")
        page.wait_for_timeout(6_000)  # the security suite's dashboard reaps every 2 s
        page.evaluate("window.__holdDown = false")
        driver.idle(page)  # reconnected: the same session, resumed
        page.get_by_role("button", name="Sign in", exact=True).click()
        driver.idle(page)
        assert page.get_by_text("ResourceNotFoundException").count() == 0
        driver.signed_in(page)
        assert driver.authentication_result(page)["IdToken"] != first
    finally:
        context.close()
