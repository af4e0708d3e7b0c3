"""Leg 1: sign in to the user pool, one flow at a time, hop by hop (aws-facts.md §2–3)."""

from functools import partial
from typing import Callable

import streamlit as st

from flows.target import Target
from ui import state
from ui.i18n import t
from ui.sequence import render_sequence
from ui.sign_in_native import (diagram_for, render_password_flow, render_refresh, render_revocation,
                               render_sign_up, suggest_user)
from ui.sign_in_oauth import render_client_credentials, render_oauth_code, take_browser_callback
from ui.sign_in_run import render_next_page_link, where

# The flows in the order the learner meets them; the first is the default.
FLOWS: dict[str, Callable[[], None]] = {
    "password": partial(render_password_flow, "password"), "srp": partial(render_password_flow, "srp"),
    "new_password": partial(render_password_flow, "new_password"), "totp": partial(render_password_flow, "totp"),
    "refresh": render_refresh, "sign_up": render_sign_up, "revocation": render_revocation,
    "confidential": partial(render_password_flow, "confidential"),
    "oauth_code": render_oauth_code, "client_credentials": render_client_credentials,
}
# What a flow needs from the target: an app client, and for the OAuth ones a user pool domain.
NEEDS_CLIENT = {"confidential": "confidential", "client_credentials": "machine"}
ON_THE_DOMAIN = ("oauth_code", "client_credentials")


def offered(target: Target) -> list[str]:
    return [flow for flow in FLOWS if NEEDS_CLIENT.get(flow, "public") in target.clients
            and (target.domain or flow not in ON_THE_DOMAIN)]


def flow_changed() -> None:
    suggest_user(st.session_state["sign_in_flow"])


take_browser_callback()  # a browser back from the hosted sign-in page with ?code=…&state=…
flows = offered(state.target())
if st.session_state.get("sign_in_flow") not in flows:
    st.session_state.pop("sign_in_flow", None)  # e.g. a target without a domain

st.title(t("leg.sign_in.title"))
st.write(t("signin_page.intro"))
flow = st.selectbox(t("signin_page.flow"), flows, key="sign_in_flow", on_change=flow_changed,
                    format_func=lambda name: t(f"signin_page.flow.{name}"))
st.caption(t(f"signin_page.flow_help.{flow}"))
render_sequence(diagram_for(flow), *where(flow))
FLOWS[flow]()
render_next_page_link()
