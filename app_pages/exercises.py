"""Exercises: a broken set-up in the attendee's own topology, a goal in plain words, graded hints;
solved when the lab sees the goal met in this session (issue 19). State: LabSession.exercises;
ui/controllers/exercises.py changes it; ui/views/exercises.py renders it."""

import streamlit as st

from flows.exercises import exercises
from ui.controllers import exercises as controller
from ui.i18n import t
from ui.state import session
from ui.views.exercises import choose, render_controls, render_diagnosis, render_hints, render_solved

lab = session()
st.title(t("exercises.title"))
st.write(t("exercises.intro"))
status = st.empty()  # filled once this run has checked the chosen exercise

chosen = choose(lab)
solved = controller.refresh(lab, chosen.name)
status.caption(t("exercises.status", solved=len(lab.exercises.solved), total=len(exercises())))
st.subheader(chosen.text("title", lab.lang))
st.markdown(f"**{t('exercises.goal')}** — {chosen.text('goal', lab.lang)}")
render_controls(lab, chosen)
if lab.exercises.active == chosen.name:
    st.caption(t("exercises.started"))

if solved:
    render_solved(lab, chosen)
else:
    if chosen.solve == "signed_in":
        st.caption(t("exercises.signed_in_goal", username=chosen.username, client=chosen.client))
    render_hints(lab, chosen)
    if chosen.solve == "diagnosis":
        render_diagnosis(lab, chosen)
    else:
        st.caption(t("exercises.not_solved_yet"))
