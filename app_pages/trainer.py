"""The trainer's view of the room: unlocked by the trainer key, shows progress and failing steps,
and can reset the room. It shows nothing an attendee holds (ui/classroom.py keeps none of it)."""

from __future__ import annotations

import streamlit as st

from ui.controllers import trainer
from ui.i18n import t
from ui.classroom import LEGS, the_classroom

st.title(t("trainer.title"))
if not trainer.configured_key():
    st.info(t("trainer.not_configured"))
    st.stop()

if not trainer.is_unlocked():
    with st.form("trainer_unlock"):
        given = st.text_input(t("trainer.key"), type="password")
        submitted = st.form_submit_button(t("trainer.unlock"), type="primary")
    if submitted:
        outcome = trainer.try_key(given)
        if outcome.unlocked:
            st.rerun()
        st.error(t("trainer.wrong_key", seconds=outcome.wait_seconds) if outcome.wait_seconds
                 else t("trainer.refused"))
    st.stop()


@st.fragment(run_every=trainer.REFRESH_SECONDS)
def live_room() -> None:
    room = the_classroom()
    progress = room.progress()
    st.subheader(t("trainer.progress", count=len(progress)))
    labels = {leg: t(f"leg.{leg}.title") for leg in LEGS}
    # st.table: plain HTML, a few dozen rows at most, readable at a glance on a projector.
    st.table(progress.rename(columns={**labels, "nickname": t("trainer.col.nickname"), "steps": t("trainer.col.steps"),
                                      "failed": t("trainer.col.failed"),
                                      "exercises": t("trainer.col.exercises"), "hints": t("trainer.col.hints"), "last_step": t("trainer.col.last_step"),
                                      "seconds_ago": t("trainer.col.seconds_ago")}), hide_index=True)
    st.subheader(t("trainer.failing"))
    failures = room.failures()
    if failures.empty:
        st.caption(t("trainer.no_failures"))
    else:
        st.table(failures.rename(columns={"step": t("trainer.col.step"), "failures": t("trainer.col.failures"),
                                          "attendees": t("trainer.col.attendees"), "errors": t("trainer.col.errors")}),
                 hide_index=True)


live_room()
st.divider()
confirm = st.checkbox(t("trainer.reset_confirm"))
if st.button(t("trainer.reset"), disabled=not confirm):
    st.success(t("trainer.reset_done", count=the_classroom().reset()))
