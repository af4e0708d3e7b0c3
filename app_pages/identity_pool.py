"""Leg 3: the identity pool trades the ID token (or nothing, for a guest) for AWS credentials,
through the enhanced or the basic flow, and the page says which role came back, and why."""

import streamlit as st

from ui import identity_run, state
from ui.i18n import t
from ui.identity_login import render_login
from ui.identity_results import render_basic, render_enhanced

target = state.target()
tokens = state.tokens()
st.title(t("leg.identity_pool.title"))
st.write(t("identity.intro"))

choice = identity_run.choose(target)
render_login(target, choice, tokens)
identity_run.render_buttons(choice, tokens)  # each button: one flows call, in a callback

view = identity_run.last_view()
result = state.result(view.step) if view is not None else None
if view is not None and result is not None:
    st.divider()
    (render_basic if view.step == "identity_pool_basic" else render_enhanced)(view, result)
