"""Leg 4: API Gateway. Every route × what the caller presents, called for real, next to what the
token checks predict; open a cell for the request, the authorizer's reasoning and curl; then
break a passing call on purpose. The page's state is `LabSession.api` (ui/state.py); each button
calls ui/controllers/api.py in its callback."""

import streamlit as st

from ui.controllers import api as controller
from ui.i18n import t
from ui.state import session, target
from ui.views.api_break import render_break_it
from ui.views.api_cell import render_call_one, render_cell
from ui.views.api_present import render_presenters
from ui.views.api_table import render_matrix

st.title(t("leg.api_gateway.title"))
st.caption(t("newcomer.lead.api_gateway"))
st.write(t("api.intro"))
render_presenters(target(), session().tokens, controller.username(), controller.get_scoped_token,
                  controller.get_credentials)
controller.select(render_matrix(target(), controller.presenting(), controller.fill_matrix))
render_call_one(target(), controller.presenting(), controller.call_one)
cell = controller.page().opened
if cell is not None:
    render_cell(cell)
    render_break_it(cell, controller.break_it)
