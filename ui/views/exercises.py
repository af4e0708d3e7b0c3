"""The Exercises page's rendering: the choice, the goal, hints, the diagnosis, and once solved the
explanation with its links. It reads LabSession.exercises; each button calls one controller."""

from __future__ import annotations

import string
from typing import Any

import streamlit as st

from flows import i18n
from flows.exercises import Exercise, exercises
from ui.controllers import exercises as controller
from ui.i18n import t
from ui.state import LabSession
from ui.widgets.step import doc_link


class _Blank(dict[str, Any]):
    """Fills a message's placeholders with an ellipsis: an option names the reason, not a case."""

    def __missing__(self, key: str) -> str:
        return "…"


def reason_label(code: str, lang: str) -> str:
    """A diagnosis option, in the decision model's own words (decision.reason.<code>)."""
    template = i18n.catalogue(lang).get(f"decision.reason.{code}", code)
    return string.Formatter().vformat(template, (), _Blank())


def choose(lab: LabSession) -> Exercise:
    listed = exercises()
    solved = lab.exercises.solved
    names = [e.name for e in listed]
    active = lab.exercises.active
    labels = {e.name: ("✅ " if e.name in solved else "")
              + f"{i18n.text('exercises.leg.' + e.leg, lab.lang)} — {e.text('title', lab.lang)}" for e in listed}
    chosen = st.selectbox(t("exercises.choose"), names, index=names.index(active) if active in names else 0,
                          key="exercise_choice", format_func=labels.__getitem__)
    return next(e for e in listed if e.name == chosen)


def render_controls(lab: LabSession, chosen: Exercise) -> None:
    left, right = st.columns(2)
    left.button(t("exercises.start"), type="primary", key="exercise_start", disabled=not lab.on_sandbox(),
                on_click=controller.start, args=(lab, chosen.name))
    right.button(t("exercises.reset"), key="exercise_reset", disabled=not lab.on_sandbox(),
                 on_click=controller.reset, args=(lab, chosen.name))
    if not lab.on_sandbox():
        st.info(t("exercises.sandbox_only"))
    if lab.exercises.error:
        st.error(lab.exercises.error)
        lab.exercises.error = None


def render_hints(lab: LabSession, chosen: Exercise) -> None:
    shown = lab.exercises.hints.get(chosen.name, 0)
    for number in range(1, shown + 1):
        st.info(f"**{t('exercises.hint', number=number)}** — {chosen.hint(number, lab.lang)}", icon="💡")
    st.button(t("exercises.hint_button", shown=shown, total=chosen.hints), key="exercise_hint",
              disabled=shown >= chosen.hints, on_click=controller.show_hint, args=(lab, chosen.name))


def render_diagnosis(lab: LabSession, chosen: Exercise) -> None:
    key = f"diagnosis_{chosen.name}"
    with st.form("exercise_diagnosis"):
        st.radio(t("exercises.diagnose"), chosen.options, index=None, key=key,
                 format_func=lambda code: reason_label(code, lab.lang))
        # A callback: it runs before the page, so a right answer shows as solved at once.
        st.form_submit_button(t("exercises.check"), on_click=_diagnose, args=(lab, chosen.name, key))
    if lab.exercises.wrong_answer and chosen.name not in lab.exercises.solved:
        st.warning(t("exercises.wrong"))


def _diagnose(lab: LabSession, name: str, key: str) -> None:
    picked = st.session_state.get(key)
    if picked:
        controller.diagnose(lab, name, picked)


def render_solved(lab: LabSession, chosen: Exercise) -> None:
    st.success(t("exercises.solved"), icon="✅")
    st.markdown(f"**{t('exercises.explanation')}** — {chosen.text('explanation', lab.lang)}")
    st.markdown(f"**{t('exercises.fix')}** — {chosen.text('fix', lab.lang)}")
    st.markdown(f"[{t('exercises.doc')}]({doc_link(chosen.doc, lab.lang)}) · "
                f"[{t('exercises.aws_doc')}]({chosen.aws_doc})")
