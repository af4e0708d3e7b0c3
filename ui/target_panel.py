"""The sidebar's target switch: the local sandbox, or a real AWS account.

Switching drops every token, credential and trace of the session, so one target's tokens are
never sent to another.
"""

from __future__ import annotations

import os
from typing import Any

import streamlit as st

from flows.target import Target
from flows.target_sources import (SETTINGS, TargetConfigError, settings_from_env, settings_from_stack,
                                  target_from_settings)
from ui import state
from ui.i18n import t

_FIELDS = ("region", "user_pool_id", "public_client_id", "identity_pool_id", "rest_api_url", "http_api_url", "domain")


def _configured_settings() -> dict[str, Any]:
    """secrets.toml ([cognito_lab] table) first, then COGNITO_LAB_* environment variables."""
    try:
        from_secrets = dict(st.secrets.get("cognito_lab", {}))
    except (FileNotFoundError, KeyError, st.errors.StreamlitSecretNotFoundError):
        from_secrets = {}
    return {**settings_from_env(os.environ), **{k: str(v) for k, v in from_secrets.items() if k in SETTINGS}}


def _switch_to(target: Target) -> None:
    state.forget_session_data()
    st.session_state["target"] = target


def _load_stack() -> None:
    settings = _configured_settings()
    try:
        settings.update(settings_from_stack(st.session_state["aws_stack"], st.session_state.get("aws_region") or "us-east-1"))
    except Exception as error:  # noqa: BLE001 — any AWS or credential error is shown, not raised
        st.session_state["target_error"] = t("target.stack_failed", reason=str(error))
        return
    st.session_state.update({f"aws_{name}": settings.get(name, "") for name in _FIELDS})


def _use_aws() -> None:
    # Endpoint overrides come only from configuration (env or secrets), never from the form.
    typed = {name: st.session_state.get(f"aws_{name}", "") for name in _FIELDS}
    try:
        _switch_to(target_from_settings({**_configured_settings(), **{k: v for k, v in typed.items() if v}}))
    except TargetConfigError as error:
        st.session_state["target_error"] = str(error)


def _use_sandbox() -> None:
    _switch_to(st.session_state["sandbox_target"])


def render_target_panel() -> None:
    defaults = _configured_settings()
    with st.sidebar.expander(t("target.heading"), expanded=False):
        if st.session_state["target"].kind == "aws":
            st.button(t("target.back_to_sandbox"), on_click=_use_sandbox)
        st.text_input(t("target.stack"), key="aws_stack")
        st.button(t("target.load_stack"), on_click=_load_stack)
        for name in _FIELDS:
            st.session_state.setdefault(f"aws_{name}", defaults.get(name, ""))
            st.text_input(t(f"target.field.{name}"), key=f"aws_{name}")
        st.button(t("target.use_aws"), type="primary", on_click=_use_aws)
        if "target_error" in st.session_state:
            st.error(st.session_state.pop("target_error"))
