"""A flow step's result, as flows finished it: the error (if any) explained, the lessons, the
sandbox's fidelity notes, and the wire."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import streamlit as st

from flows.docs_links import localize
from flows.steps import Note, StepResult
from ui.state import session
from ui.widgets.exchange import render_exchanges
from ui.i18n import t


DOCS_ROOT = Path(__file__).resolve().parent.parent / "docs"


def doc_link(doc: str, lang: str) -> str:
    """Where the Reference page shows this doc section, in the learner's language."""
    page, _, anchor = localize(doc, lang, DOCS_ROOT).partition("#")
    return f"/reference?doc={page.removesuffix('.md')}" + (f"#{quote(anchor)}" if anchor else "")


def render_note(note: Note) -> None:
    lang = session().lang
    body = note.text(lang)
    if note.doc:
        body += f" — [{t('step.read_more')}]({doc_link(note.doc, lang)})"
    (st.warning if note.fidelity else st.info)(body, icon="🧪" if note.fidelity else "💡")


def render_failure(result: StepResult) -> None:
    failure = result.failure
    if failure is None:
        return
    status = f" (HTTP {failure.status})" if failure.status else ""
    st.error(t("step.failed", code=failure.code, status=status))
    st.code(failure.text(session().lang), language="text")
    meaning = failure.meaning(session().lang)
    if meaning:
        st.caption(meaning)


def render_notes(result: StepResult) -> None:
    """The step's own notes, then how the sandbox differs from AWS here (if it does)."""
    for note in [*result.notes, *result.fidelity_notes]:
        render_note(note)


def render_step(result: StepResult) -> None:
    render_failure(result)
    render_notes(result)
    st.subheader(t("step.on_the_wire"))
    render_exchanges(result.exchanges, session().reveal_secrets)
