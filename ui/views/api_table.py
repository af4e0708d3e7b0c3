"""The matrix: routes × what the caller presents, one cell per real call, with the prediction
beside the outcome. A click on a cell opens it."""

from __future__ import annotations

from typing import Callable, Mapping

import pandas as pd
import streamlit as st

from flows.api_matrix import PRESENTED, Cell, Presented, route_key
from flows.target import ApiRoute, Target
from ui.controllers import api as controller
from ui.i18n import t

TABLE_KEY = controller.TABLE_KEY
_COLUMN_KEYS = {"id_token": "token.title.id", "access_token": "api_page.col.access",
                "oauth_access_token": "api_page.col.oauth", "credentials": "api_page.col.credentials",
                "nothing": "api_page.col.nothing"}
# The matrix fits the main area at 1280 px (818 px): 225 + 5 x 115 = 800. A cell shows the status
# and the prediction's mark only; the opened cell says the rest (issue 18).
INDEX_WIDTH, CELL_WIDTH = 225, 115  # pixels
_AUTH_SHORT = {"COGNITO_USER_POOLS": "Cognito", "AWS_IAM": "IAM", "NONE": "—"}


def column_label(name: str) -> str:
    attempt = controller.page().scoped
    if name == "oauth_access_token" and attempt is not None and attempt[0].ok:
        return t(f"api_page.col.oauth_{attempt[1]}")  # says which flow the token came from
    return t(_COLUMN_KEYS[name])


def header(name: str) -> str:
    """The matrix's short column heading (the caption under it spells each one out)."""
    attempt = controller.page().scoped
    if name == "oauth_access_token" and attempt is not None and attempt[0].ok:
        return t(f"polish.head.oauth_{attempt[1]}")
    return t(f"polish.head.{name}")


def _agreement(cell: Cell) -> str:
    """✔ when the token checks predicted this very status (so it needn't be repeated)."""
    if cell.agrees is None:
        return t("polish.cell.not_predicted")
    return t("api_page.cell.agrees") if cell.agrees else t("polish.cell.differs", predicted=cell.predicted_status)


def cell_text(cell: Cell | None, available: bool) -> str:
    """Status and mark: "🔴 403 ✘ 401". The error's name and message are in the opened cell."""
    if cell is None:
        return t("polish.cell.not_called") if available else t("polish.cell.unavailable")
    passed = cell.status is not None and cell.status < 400
    status = cell.status if cell.status is not None else "—"
    return t("polish.cell.text", icon="🟢" if passed else "🔴", status=status, mark=_agreement(cell))


def _auth(route: ApiRoute) -> str:
    scoped = f" + {t('api_page.row.scoped')}" if route.scopes else ""
    return f"{_AUTH_SHORT.get(route.auth, route.auth)}{scoped}"


def row_label(route: ApiRoute) -> str:
    """Shorter than ApiRoute.label (the scope itself is shown when a cell is opened)."""
    return f"{route.api.upper()} {route.method} {route.path} · {_auth(route)}"


def matrix_row(route: ApiRoute) -> str:
    """Shorter still for the matrix's narrow first column: every route is a GET."""
    return f"{route.api.upper()} {route.path} · {_auth(route)}"


def matrix_frame(target: Target, presenting: Mapping[str, Presented]) -> pd.DataFrame:
    cells = controller.page().cells
    rows = {matrix_row(route): {header(name): cell_text(cells.get((route_key(route), name)), name in presenting)
                                for name in PRESENTED} for route in target.routes}
    return pd.DataFrame.from_dict(rows, orient="index")


def _selected(cells: list[tuple[int, str]], target: Target) -> tuple[str, str] | None:
    if not cells:
        return None
    row, column = cells[0]
    names = {header(name): name for name in PRESENTED}
    if column not in names or not 0 <= row < len(target.routes):
        return None  # the route label column, or a table from before a language switch
    return route_key(target.routes[row]), names[column]


def render_matrix(target: Target, presenting: Mapping[str, Presented],
                  on_fill: Callable[[], None]) -> tuple[str, str] | None:
    """The fill button and the table; returns the selected cell (route key, presented name)."""
    st.subheader(t("api_page.matrix.heading"))
    st.caption(t("api_page.matrix.intro"))
    st.button(t("api_page.fill"), type="primary", key="api_fill", on_click=on_fill)
    if not controller.page().cells:
        return None
    # Fixed widths, the route labels pinned: a cell stays where a learner (and the browser test,
    # which clicks by position) expects it, however long an answer is.
    columns = {"_index": st.column_config.TextColumn(width=INDEX_WIDTH)}
    columns |= {header(name): st.column_config.TextColumn(width=CELL_WIDTH, help=column_label(name))
                for name in PRESENTED}
    event = st.dataframe(matrix_frame(target, presenting), key=TABLE_KEY, on_select="rerun",
                         selection_mode="single-cell", column_config=columns)
    st.caption(t("polish.matrix.legend"))
    st.caption(t("polish.matrix.columns"))
    return _selected(list(event.selection.cells), target)
