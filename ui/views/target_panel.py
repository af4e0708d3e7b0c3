"""The sidebar's target switch: the local sandbox, or a real AWS account (the changes are
ui/controllers/target.py's)."""

from __future__ import annotations

import streamlit as st

from ui.controllers import target as controller
from ui.i18n import t
from ui.state import target


def _render_error() -> None:
    error = controller.take_target_error()
    if error is not None:
        key, detail = error
        st.error(t(key, reason=detail) if key else detail)


def render_target_panel() -> None:
    defaults = controller.configured_settings()
    with st.sidebar.expander(t("target.heading"), expanded=False):
        if target().kind == "aws":
            st.button(t("target.back_to_sandbox"), on_click=controller.use_sandbox)
        st.text_input(t("target.stack"), key="aws_stack")
        st.button(t("target.load_stack"), on_click=controller.load_stack)
        for name in controller.FIELDS:
            st.session_state.setdefault(f"aws_{name}", defaults.get(name, ""))
            st.text_input(t(f"target.field.{name}"), key=f"aws_{name}")
        st.button(t("target.use_aws"), type="primary", on_click=controller.use_aws)
        _render_error()
