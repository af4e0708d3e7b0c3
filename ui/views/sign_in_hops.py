"""The sign-in page's hops, as the controller recorded them: heading, success, facts, lessons,
then the step itself (its notes and what crossed the wire)."""

from __future__ import annotations

import streamlit as st

from flows.steps import StepResult
from ui.controllers import sign_in as controller
from ui.i18n import t
from ui.state import Hop, session
from ui.widgets.facts import render_facts
from ui.widgets.step import render_failure, render_note, render_notes, render_step


def _render_hop(hop: Hop) -> None:
    st.markdown(f"##### {t('signin_page.step', step=hop.stage)} · {t(hop.title_key)}")
    outputs = hop.result.outputs if hop.result.ok else {}
    if outputs.get("id_token"):
        # A sign-in brings three tokens; a refresh brings two (no new refresh token).
        # (with rotation, a refresh brings a refresh token too: still a refresh)
        signed_in = outputs.get("refresh_token") and hop.result.step != "refresh_rotation"
        st.success(t("sign_in.success") if signed_in else t("signin_page.tokens_refreshed"))
    if hop.facts:
        render_facts(hop.facts)
    for lesson in hop.lessons:
        render_note(lesson)
    if hop.result.exchanges:
        render_step(hop.result)
    else:  # nothing crossed the wire (the app read a redirect): no empty "On the wire"
        _render_without_wire(hop.result)


def _render_without_wire(result: StepResult) -> None:
    render_failure(result)
    render_notes(result)


def render_hops(flow: str, stage: int) -> None:
    """The hops of this stage, in the order they were made."""
    for hop in controller.hops_at(flow, stage):
        _render_hop(hop)


def render_next_page_link() -> None:
    if session().tokens.get("id_token"):
        st.page_link("app_pages/tokens.py", label=t("sign_in.next"), icon="➡️")
