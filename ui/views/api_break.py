""""Break it": buttons that make the opened, passing call fail on purpose, and what came of it."""

from __future__ import annotations

from typing import Callable

import streamlit as st

from flows.api_matrix import Broken, Cell
from flows.breakit import applicable_breaks
from ui.controllers import api as controller
from ui.i18n import t
from ui.state import session
from ui.views.api_cell import render_status, render_tabs
from ui.widgets.step import render_step


def _render_buttons(cell: Cell, on_break: Callable[[str], None]) -> None:
    hows = applicable_breaks(cell.route.auth, cell.presented)
    if not hows:
        st.caption(t("api_page.break.none"))
        return
    if cell.status != 200:
        st.caption(t("api_page.break.open_passing"))
        return
    for column, how in zip(st.columns(len(hows)), hows):
        column.button(t(f"api_page.break.{how}"), key=f"break-{how}", on_click=on_break, args=(how,))


def _changed_lines(broken: Broken) -> str:
    """Every fact that changed, as a diff: the token type, the client, the expiry, the signature..."""
    lines = [f"- {t(f'decision.fact.{c.fact}')}: {c.before}\n+ {t(f'decision.fact.{c.fact}')}: {c.after}"
             for c in broken.changed]
    return "\n".join(lines) or t("api_page.break.nothing_changed")


def _render_broken(broken: Broken) -> None:
    st.markdown(f"**{t('api_page.break.done', how=t(f'api_page.break.{broken.how}'))}**")
    st.caption(t("api_page.break.changed"))
    st.code(_changed_lines(broken), language="diff")  # claims are wire text
    render_status(broken.cell)
    if broken.difference is not None:
        st.info(broken.difference.message(session().lang), icon="🔧")
    if broken.genuine is not None:
        st.info(t("api_page.break.genuine", outcome=broken.genuine.outcome), icon="⏰")
    render_tabs(broken.cell)


def render_break_it(cell: Cell, on_break: Callable[[str], None]) -> None:
    st.subheader(t("api_page.break.heading"))
    _render_buttons(cell, on_break)
    machine = controller.page().machine
    if machine is not None and not machine.ok:  # the other client's token could not be had
        render_step(machine)
    broken = controller.page().broken
    if broken is not None:
        _render_broken(broken)
