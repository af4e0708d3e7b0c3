"""The API Gateway page in a real browser: fill the matrix, click a cell, read the call."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from ui.views.api_table import CELL_WIDTH, INDEX_WIDTH
from ui.widgets.table import TABLE_TESTID

pytestmark = pytest.mark.browser
HEADER_HEIGHT = ROW_HEIGHT = 35  # st.dataframe's defaults (one line per row)


def _click_cell(page: Page, row: int, column: int) -> None:
    """The table is a canvas (glide-data-grid): click where the cell is drawn. Columns have fixed
    widths (ui.api_table), so the position is known."""
    grid = page.locator("[data-testid='stDataFrame']").first
    grid.scroll_into_view_if_needed()  # a click outside the viewport lands nowhere
    box = grid.bounding_box()
    assert box is not None
    x = box["x"] + INDEX_WIDTH + CELL_WIDTH * column + CELL_WIDTH / 2
    y = box["y"] + HEADER_HEIGHT + ROW_HEIGHT * row + ROW_HEIGHT / 2
    page.mouse.click(x, y)


def test_fill_the_matrix_and_open_a_cell(page: Page, dashboard_url: str):
    page.goto(dashboard_url)  # the dashboard's own script first: it declares the pages
    expect(page.get_by_role("heading", name="Cognito Lab")).to_be_visible()
    page.goto(dashboard_url + "/api_gateway")
    expect(page.get_by_role("heading", name="API Gateway", exact=True)).to_be_visible()

    # No sign-in needed: the machine client's client_credentials token carries the custom scope.
    page.get_by_text("client_credentials, for the machine client").click()
    page.get_by_role("button", name=re.compile(r"^Get an access token with")).click()
    expect(page.get_by_text("Access token from client_credentials (machine client)")).to_be_visible()

    page.get_by_role("button", name="Fill the matrix (call every cell)").click()
    grid = page.locator("[data-testid='stDataFrame']").first
    expect(grid).to_be_visible()
    expect(grid).to_contain_text("OAuth M2M")  # the grid's accessible copy: the short heading

    _click_cell(page, row=2, column=2)  # REST GET /items (with its scope) × the OAuth access token
    heading = re.compile(r"^REST GET \/items · Cognito \+ scope × Access token \(OAuth client_credentials\)$")
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    expect(page.get_by_test_id("stAlertContentSuccess").get_by_text("HTTP 200", exact=True)).to_be_visible()
    wire = page.get_by_role("tabpanel", name="Request and response")
    expect(wire.get_by_text(re.compile(r"^GET http://127\.0\.0\.1:\d+/execute-api/\w+/prod/items"))).to_be_visible()
    expect(wire).to_contain_text("Authorization: Bearer eyJ")  # the request…
    expect(wire.get_by_text(re.compile(r"^HTTP 200\n"))).to_be_visible()  # …beside the response

    page.get_by_role("tab", name="The authorizer's reasoning").click()
    reasoning = page.get_by_role("tabpanel", name="The authorizer's reasoning")
    expect(reasoning).to_contain_text("The authorizer's reasoning, step by step")
    expect(reasoning.locator(f"table[data-testid='{TABLE_TESTID}']").first).to_be_visible()  # wraps, never cut

    page.get_by_role("tab", name="curl and signing").click()
    curl = page.get_by_role("tabpanel", name="curl and signing")
    expect(curl.get_by_text(re.compile(r"^curl -X GET http://127\.0\.0\.1"))).to_be_visible()
    expect(curl).to_contain_text("-H 'Authorization: Bearer eyJ")
    expect(page.get_by_role("button", name="Use another app client's token")).to_be_visible()
