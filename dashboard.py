"""Cognito Lab: the entry point. Starts the sandbox (one per process, on the room's public host when
one is set), gives each browser session its own seeded topology (kept until its resume code
expires), and lays out the sidebar and the pages."""

from __future__ import annotations

import os

import streamlit as st

from flows.i18n import LANGUAGES
from sandbox import (SandboxServer, SandboxStartError, SessionTopologies, spares_wanted, start_public_sandbox,
                     start_sandbox)
from ui.controllers import target as target_controller
from ui.i18n import t
from ui.resume import keep_code_in_url, resume_registry
from ui.room import LOOPBACK_HOST, RoomConfigError, current_room, dashboard_url, listens_only_on_loopback
from ui.state import session
from ui.views.export_panel import render_export_panel
from ui.views.target_panel import render_target_panel
from ui.widgets.readable import apply_readable_style
from ui.classroom import the_classroom
from ui.widgets.room_sidebar import render_room_sidebar

st.set_page_config(page_title="Cognito Lab", page_icon="🔐", layout="wide")
apply_readable_style()


def _start_server() -> SandboxServer:
    room = current_room()
    if room.public_host:
        return start_public_sandbox(room.public_host, room.sandbox_port)
    return start_sandbox(LOOPBACK_HOST, room.sandbox_port)


@st.cache_resource(show_spinner=False)
def lab_sandbox() -> SessionTopologies:
    """The process's one sandbox server; topologies are per session (per resume code), never
    shared, and released only when their code expires (not when a websocket closes)."""
    registry = SessionTopologies(_start_server(), dashboard_url=dashboard_url())
    registry.start_reaper(resume_registry().is_live, float(os.environ.get("COGNITO_LAB_REAPER_SECONDS", "30")))
    # Topologies seeded ahead, each for exactly one new session: a room opening the lab at once
    # waits for none (sandbox/sessions.py).
    registry.start_spares(spares_wanted(os.environ, serves_a_room=current_room().public_host is not None))
    the_classroom().topologies = registry  # the trainer's "reset the room"
    return registry


def healthy_sandbox() -> SessionTopologies:
    """The running sandbox, or a clear message and a way to recover (then the run stops)."""
    try:
        registry = lab_sandbox()
    except (SandboxStartError, RoomConfigError) as error:
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
    with st.spinner(t("sandbox.seeding")):
        topology = registry.acquire(lab.resume_code)
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


def personal_url_notice() -> None:
    """The resume code makes the page's URL personal: say so, and say when a code was refused."""
    lab = session()
    keep_code_in_url(lab.resume_code)
    if lab.resume_refused:
        st.warning(t("room.resume_refused"))
        lab.resume_refused = False  # said once
    if listens_only_on_loopback():
        st.sidebar.error(t("room.loopback_only", host=current_room().public_host))
    st.sidebar.caption(t("room.personal_url", minutes=round(resume_registry().idle_seconds / 60)))


def navigation() -> st.navigation:
    return st.navigation([
        st.Page("app_pages/overview.py", title=t("page.overview"), icon=":material/explore:", default=True),
        st.Page("app_pages/sign_in.py", title=t("leg.sign_in.title"), icon=":material/login:", url_path="sign_in"),
        st.Page("app_pages/tokens.py", title=t("leg.tokens.title"), icon=":material/key:", url_path="tokens"),
        st.Page("app_pages/identity_pool.py", title=t("leg.identity_pool.title"), icon=":material/badge:", url_path="identity_pool"),
        st.Page("app_pages/api_gateway.py", title=t("leg.api_gateway.title"), icon=":material/api:", url_path="api_gateway"),
        st.Page("app_pages/exercises.py", title=t("exercises.title"), icon=":material/fitness_center:", url_path="exercises"),
        st.Page("app_pages/reference.py", title=t("page.reference"), icon=":material/menu_book:", url_path="reference"),
        st.Page("app_pages/trainer.py", title=t("page.trainer"), icon=":material/groups:", url_path="trainer"),
    ])


ensure_session_target(healthy_sandbox())
personal_url_notice()
sidebar()
navigation().run()
render_export_panel()  # after the page: includes what this run just did
