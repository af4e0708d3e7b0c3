"""The sign-in page's hops, as the controller recorded them: heading, success, facts, lessons,
then the step itself (its notes and what crossed the wire)."""

from __future__ import annotations

import dataclasses

import streamlit as st

from flows.steps import Note, StepResult
from ui.controllers import sign_in as controller
from ui.i18n import t
from ui.state import Hop, session
from ui.widgets.facts import render_facts
from ui.widgets.step import render_failure, render_note, render_notes, render_step


# A page lesson says what the step's own note says, with this sign-in's values: show one tip per idea.
# (The native-scope lesson only names this token's scope; the step's note keeps the general rule.)
SUPERSEDES = {"signin_page.lesson.pkce": "note.oauth.pkce"}


def _ideas(note: Note) -> str:
    return SUPERSEDES.get(note.key, note.key)


def _unseen(hop: Hop, seen: set[str]) -> Hop:
    """The hop without the tips already shown on this page (by an earlier hop, or by its own lesson)."""
    lessons = tuple(note for note in hop.lessons if _ideas(note) not in seen)
    seen |= {_ideas(note) for note in hop.lessons}
    notes = [note for note in hop.result.notes if note.key not in seen]
    seen |= {note.key for note in hop.result.notes}
    return dataclasses.replace(hop, lessons=lessons, result=dataclasses.replace(hop.result, notes=notes))


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
    """The hops of this stage, in the order they were made, each tip once per page."""
    seen: set[str] = set()
    for hop in sorted(controller.run(flow).hops, key=lambda hop: hop.stage):  # the page's order
        shown = _unseen(hop, seen)
        if hop.stage == stage:
            _render_hop(shown)


def render_next_page_link() -> None:
    if session().tokens.get("id_token"):
        st.page_link("app_pages/tokens.py", label=t("sign_in.next"), icon="➡️")
