"""Cognito Lab: the entry point. Starts the sandbox (one per process), gives each browser
session its own seeded topology, and lays out the sidebar and the pages."""

from __future__ import annotations

import os

import streamlit as st
from streamlit.runtime import Runtime
from streamlit.runtime.scriptrunner import get_script_run_ctx

from flows.i18n import LANGUAGES
from sandbox.server import SandboxStartError, start_sandbox
from sandbox.sessions import SessionTopologies
from ui.controllers import target as target_controller
from ui.i18n import t
from ui.state import session
from ui.views.export_panel import render_export_panel
from ui.views.target_panel import render_target_panel
from ui.room import the_room
from ui.widgets.room_sidebar import render_room_sidebar

st.set_page_config(page_title="Cognito Lab", page_icon="🔐", layout="wide")


def _session_is_active(session_id: str) -> bool:
    """Still alive, or waiting to reconnect (a dropped Wi-Fi, a closed lid): keep its topology.

    `is_active_session` is False for a disconnected session Streamlit keeps for reconnection, so
    the session manager is asked whether it still holds the session at all (private API; the
    public check is the fallback)."""
    if not Runtime.exists():
        return True
    runtime = Runtime.instance()
    manager = getattr(runtime, "_session_mgr", None)
    if manager is not None and hasattr(manager, "get_session_info"):
        return manager.get_session_info(session_id) is not None
    return runtime.is_active_session(session_id)


@st.cache_resource(show_spinner=False)
def lab_sandbox() -> SessionTopologies:
    """The process's one sandbox server; topologies are per session, never shared."""
    port = int(os.environ.get("COGNITO_LAB_SANDBOX_PORT", "0"))
    registry = SessionTopologies(start_sandbox("127.0.0.1", port))
    registry.start_reaper(_session_is_active, float(os.environ.get("COGNITO_LAB_REAPER_SECONDS", "30")))
    the_room().topologies = registry  # the trainer's "reset the room"
    return registry


def healthy_sandbox() -> SessionTopologies:
    """The running sandbox, or a clear message and a way to recover (then the run stops)."""
    try:
        registry = lab_sandbox()
    except SandboxStartError as error:
        st.error(t("sandbox.cannot_start", reason=str(error)))
        st.stop()
    if not registry.is_healthy():
        st.error(t("sandbox.stopped"))
        if st.button(t("sandbox.restart"), type="primary"):
            registry.shutdown()
            lab_sandbox.clear()
            st.rerun()
        st.stop()
    return registry


def ensure_session_target(registry: SessionTopologies) -> None:
    """Seed this session's own topology, again after a sandbox restart."""
    lab = session()
    if lab.sandbox_generation == registry.generation and lab.target is not None:
        return
    session_id = get_script_run_ctx().session_id
    with st.spinner(t("sandbox.seeding")):
        topology = registry.acquire(session_id)
    target_controller.seed_sandbox(topology, registry.generation)


def sidebar() -> None:
    lab = session()
    with st.sidebar:
        # The widget has its own key; the choice is LabSession.lang, so it survives page changes
        # (Streamlit forgets a widget's state when a run doesn't render it).
        st.selectbox(t("sidebar.language"), list(LANGUAGES), format_func=LANGUAGES.get,
                     key=target_controller.LANGUAGE_KEY, index=list(LANGUAGES).index(lab.lang),
                     on_change=target_controller.choose_language)
        target = lab.target
        st.caption(t("sidebar.target", kind=t(f"target.{target.kind}")))
        st.code(f"{target.region}\n{target.user_pool_id}\n{target.identity_pool_id}", language="text")
        st.toggle(t("sidebar.reveal_secrets"), value=lab.reveal_secrets, key=target_controller.REVEAL_KEY,
                  on_change=target_controller.choose_reveal, help=t("sidebar.reveal_help"))
        render_room_sidebar()
    render_target_panel()


def navigation() -> st.navigation:
    return st.navigation([
        st.Page("app_pages/overview.py", title=t("page.overview"), icon=":material/explore:", default=True),
        st.Page("app_pages/sign_in.py", title=t("leg.sign_in.title"), icon=":material/login:", url_path="sign_in"),
        st.Page("app_pages/tokens.py", title=t("leg.tokens.title"), icon=":material/key:", url_path="tokens"),
        st.Page("app_pages/identity_pool.py", title=t("leg.identity_pool.title"), icon=":material/badge:", url_path="identity_pool"),
        st.Page("app_pages/api_gateway.py", title=t("leg.api_gateway.title"), icon=":material/api:", url_path="api_gateway"),
        st.Page("app_pages/reference.py", title=t("page.reference"), icon=":material/menu_book:", url_path="reference"),
        st.Page("app_pages/trainer.py", title=t("page.trainer"), icon=":material/groups:", url_path="trainer"),
    ])


ensure_session_target(healthy_sandbox())
sidebar()
navigation().run()
render_export_panel()  # after the page: includes what this run just did
