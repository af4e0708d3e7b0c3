"""Leg 1: sign in to the user pool, one flow at a time, hop by hop (aws-facts.md §2–3).
The walk lives in `LabSession.sign_in` (ui/state.py); ui/controllers/sign_in.py changes it."""

from functools import partial
from typing import Callable

import streamlit as st

from ui.controllers import sign_in as controller
from ui.i18n import t
from ui.views.sign_in_choice import render_choice_flow
from ui.views.sign_in_hops import render_next_page_link
from ui.views.sign_in_native import render_password_flow, render_refresh, render_revocation, render_sign_up
from ui.views.sign_in_oauth import render_client_credentials, render_oauth_code
from ui.widgets.sequence import render_sequence

FORMS: dict[str, Callable[[], None]] = {
    **{flow: partial(render_password_flow, flow) for flow in controller.PASSWORD_FLOWS},
    "refresh": render_refresh, "sign_up": render_sign_up, "revocation": render_revocation,
    "oauth_code": render_oauth_code, "client_credentials": render_client_credentials,
    "choice": render_choice_flow,  # USER_AUTH: passkeys and one-time codes
}

# A browser back from the hosted sign-in page with ?code=…&state=…
if controller.take_browser_callback({name: str(st.query_params[name]) for name in st.query_params}):
    st.query_params.clear()  # a rerun must not try the same code again
    st.rerun()  # draw the sidebar again: this session may now show the adopted target
flows = controller.forget_unoffered_flow()
controller.default_inputs()

st.title(t("leg.sign_in.title"))
st.caption(t("newcomer.lead.sign_in"))
st.write(t("signin_page.intro"))
flow = st.selectbox(t("signin_page.flow"), flows, key=controller.FLOW_KEY, on_change=controller.flow_changed,
                    format_func=lambda name: t(f"signin_page.flow.{name}"))
# The flow's help and its diagram side by side: the form and its result then fit on the first screen.
explained, picture = st.columns([2, 3])
explained.caption(t(f"signin_page.flow_help.{flow}"))
with picture:
    render_sequence(controller.diagram_for(flow), *controller.where(flow))
FORMS[flow]()
render_next_page_link()
