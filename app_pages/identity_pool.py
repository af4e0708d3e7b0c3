"""Leg 3: the identity pool trades the ID token (or nothing, for a guest) for AWS credentials,
through the enhanced or the basic flow, and the page says which role came back, and why.
The page's state is `LabSession.identity` (ui/state.py); ui/controllers/identity.py changes it."""

import streamlit as st

from ui.i18n import t
from ui.state import session, target
from ui.views.identity_choice import choose, render_buttons
from ui.views.identity_login import render_login
from ui.views.identity_results import render_basic, render_enhanced

lab = session()
st.title(t("leg.identity_pool.title"))
st.caption(t("newcomer.lead.identity_pool"))
st.write(t("identity.intro"))

choice = choose(target())
render_login(target(), choice, lab.tokens)
render_buttons(choice, lab.tokens)  # each button: one controller call, in a callback

view = lab.identity.view
result = lab.result(view.step) if view is not None else None
if view is not None and result is not None:
    st.divider()
    (render_basic if view.step == "identity_pool_basic" else render_enhanced)(view, result)
