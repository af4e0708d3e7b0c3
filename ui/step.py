"""A flow step's result: the error (if any) explained, the lessons, and the wire."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import streamlit as st

from flows import fidelity
from flows.docs_links import localize
from flows.steps import Note, StepResult
from ui import state
from ui.exchange import render_exchanges
from ui.i18n import t


DOCS_ROOT = Path(__file__).resolve().parent.parent / "docs"


def doc_link(doc: str, lang: str) -> str:
    """Where the Reference page shows this doc section, in the learner's language."""
    page, _, anchor = localize(doc, lang, DOCS_ROOT).partition("#")
    return f"/reference?doc={page.removesuffix('.md')}" + (f"#{quote(anchor)}" if anchor else "")


def render_note(note: Note) -> None:
    body = note.text(state.lang())
    if note.doc:
        body += f" — [{t('step.read_more')}]({doc_link(note.doc, state.lang())})"
    (st.warning if note.fidelity else st.info)(body, icon="🧪" if note.fidelity else "💡")


def render_failure(result: StepResult) -> None:
    failure = result.failure
    if failure is None:
        return
    status = f" (HTTP {failure.status})" if failure.status else ""
    st.error(t("step.failed", code=failure.code, status=status))
    st.code(failure.message, language="text")
    meaning = failure.meaning(state.lang())
    if meaning:
        st.caption(meaning)


def render_step(result: StepResult) -> None:
    render_failure(result)
    for note in result.notes:
        render_note(note)
    if state.target().kind == "sandbox":
        for note in fidelity.notes_for(result):
            render_note(note)
    st.subheader(t("step.on_the_wire"))
    render_exchanges(result.exchanges, state.reveal_secrets())
