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
INDEX_WIDTH, CELL_WIDTH = 220, 175  # pixels
_MESSAGE_CHARS = 32  # an IAM refusal can quote the whole Authorization header: the cell shows its start
_AUTH_SHORT = {"COGNITO_USER_POOLS": "Cognito"}


def column_label(name: str) -> str:
    attempt = controller.page().scoped
    if name == "oauth_access_token" and attempt is not None and attempt[0].ok:
        return t(f"api_page.col.oauth_{attempt[1]}")  # says which flow the token came from
    return t(_COLUMN_KEYS[name])


def _short(cell: Cell) -> str:
    """The outcome in a few words: a long refusal (IncompleteSignature quotes the whole header)
    by its error type, else its start."""
    text = cell.outcome
    if len(text) <= _MESSAGE_CHARS:
        return text
    if cell.error_type:
        return f"{cell.status} {cell.error_type}"
    return text[:_MESSAGE_CHARS - 1] + "…"


def _agreement(cell: Cell) -> str:
    """✔ when the token checks predicted this very status (so it needn't be repeated)."""
    if cell.agrees is None:
        return t("api_page.cell.not_predicted")
    return t("api_page.cell.agrees") if cell.agrees else t("api_page.cell.differs", predicted=cell.predicted_status)


def cell_text(cell: Cell | None, available: bool) -> str:
    if cell is None:
        return t("api_page.cell.not_called") if available else t("api_page.cell.unavailable")
    icon = "🟢" if cell.status is not None and cell.status < 400 else "🔴"
    return t("api_page.cell.text", icon=icon, outcome=_short(cell), mark=_agreement(cell))


def row_label(route: ApiRoute) -> str:
    """Shorter than ApiRoute.label (the scope itself is shown when a cell is opened)."""
    scoped = f" + {t('api_page.row.scoped')}" if route.scopes else ""
    return f"{route.api.upper()} {route.method} {route.path} · {_AUTH_SHORT.get(route.auth, route.auth)}{scoped}"


def matrix_frame(target: Target, presenting: Mapping[str, Presented]) -> pd.DataFrame:
    cells = controller.page().cells
    rows = {row_label(route): {column_label(name): cell_text(cells.get((route_key(route), name)), name in presenting)
                          for name in PRESENTED} for route in target.routes}
    return pd.DataFrame.from_dict(rows, orient="index")


def _selected(cells: list[tuple[int, str]], target: Target) -> tuple[str, str] | None:
    if not cells:
        return None
    row, column = cells[0]
    names = {column_label(name): name for name in PRESENTED}
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
    columns |= {column_label(name): st.column_config.TextColumn(width=CELL_WIDTH) for name in PRESENTED}
    event = st.dataframe(matrix_frame(target, presenting), key=TABLE_KEY, on_select="rerun",
                         selection_mode="single-cell", column_config=columns)
    st.caption(t("api_page.matrix.legend"))
    return _selected(list(event.selection.cells), target)
