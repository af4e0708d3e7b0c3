"""Tables a person can read at 1280 px: every value wraps inside its column, nothing is cut off
and nothing scrolls sideways.

A few rows (the usual case: claims, checks, facts, predictions) are drawn as a static HTML table;
every cell is escaped here, so whatever a token says stays text (no Markdown, no HTML). Many rows
(an audit of a whole log file) stay an interactive `st.dataframe`, whose cells cannot wrap: there
each column gets a width from its longest value, and the full text is one click away.
"""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st

STATIC_MAX_ROWS = 40  # above this a static table gets too long to scan: a scrolling grid instead
TABLE_TESTID = "lab-table"  # the browser test finds the static tables by this
MARKED_CLASS = "lab-marked"  # rows drawn with a highlight (e.g. the claims that differ)

# Long unbroken values (a JWT, an issuer URL) may break anywhere, so the table never exceeds its
# container. `color: inherit` keeps the light and dark themes readable.
_STYLE = (
    "<style>"
    f"table[data-testid='{TABLE_TESTID}']{{width:100%;table-layout:auto;border-collapse:collapse;"
    "font-size:0.875rem;margin-bottom:0.5rem}"
    f"table[data-testid='{TABLE_TESTID}'] th,table[data-testid='{TABLE_TESTID}'] td{{"
    "border:1px solid rgba(128,128,128,0.45);padding:0.25rem 0.5rem;text-align:left;vertical-align:top;"
    "overflow-wrap:anywhere;word-break:normal;white-space:pre-wrap;color:inherit}"
    f"table[data-testid='{TABLE_TESTID}'] th{{text-align:left;font-weight:600;background:rgba(128,128,128,0.08)}}"
    # Headings and the first column (claim names, checks) break between words only, so the
    # column is as wide as its longest word: "custom:department" stays whole.
    f"table[data-testid='{TABLE_TESTID}'] th,table[data-testid='{TABLE_TESTID}'] td:first-child"
    "{overflow-wrap:break-word;word-break:keep-all}"
    f"table[data-testid='{TABLE_TESTID}'] tr.{MARKED_CLASS} td{{background:rgba(255,189,69,0.18)}}"
    "</style>"
)


def _cell(value: object) -> str:
    return html.escape("" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value))


def table_html(frame: pd.DataFrame, marked: frozenset[int] = frozenset()) -> str:
    """The frame as an escaped HTML table; rows whose position is in `marked` are highlighted."""
    head = "".join(f"<th>{_cell(name)}</th>" for name in frame.columns)
    rows = []
    for position, values in enumerate(frame.itertuples(index=False, name=None)):
        css = f' class="{MARKED_CLASS}"' if position in marked else ""
        rows.append(f"<tr{css}>" + "".join(f"<td>{_cell(value)}</td>" for value in values) + "</tr>")
    return (f'{_STYLE}<table data-testid="{TABLE_TESTID}"><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>")


def _grid_columns(frame: pd.DataFrame) -> dict[str, st.column_config.Column]:
    """Wide enough for each column's longest value, within reason (the rest in the cell's tooltip)."""
    columns = {}
    for name in frame.columns:
        longest = max([len(str(name)), *(len(str(value)) for value in frame[name])], default=0)
        size = "small" if longest <= 12 else "medium" if longest <= 30 else "large"
        columns[str(name)] = st.column_config.TextColumn(width=size)
    return columns


def render_table(frame: pd.DataFrame, marked: frozenset[int] = frozenset()) -> None:
    """A readable table: static (wrapping) for a few rows, a sized grid for many."""
    if len(frame) <= STATIC_MAX_ROWS:
        st.html(table_html(frame, marked))
        return
    st.dataframe(frame, hide_index=True, width="stretch", column_config=_grid_columns(frame))
