"""The sidebar's part in the classroom: the nickname the trainer sees this attendee under, and
the attendee's own sandbox key (their "account" in the shared sandbox), masked unless revealed."""

from __future__ import annotations

import streamlit as st

from flows.redact import mask
from ui.i18n import t
from ui.classroom import NICKNAME_MAX, the_classroom
from ui.state import session

NICKNAME_KEY = "room_nickname"  # the widget; the nickname itself lives in the room (ui/classroom.py)


def _save_nickname() -> None:
    the_classroom().set_nickname(session().attendee_id, str(st.session_state.get(NICKNAME_KEY, "")))


def render_room_sidebar() -> None:
    lab = session()
    st.text_input(t("room.nickname"), value=the_classroom().nickname(lab.attendee_id), max_chars=NICKNAME_MAX,
                  key=NICKNAME_KEY, on_change=_save_nickname, help=t("room.nickname_help"))
    account = lab.target.account if lab.target is not None else None
    if account is None:
        return
    with st.expander(t("room.account_key")):
        st.caption(t("room.account_key_help"))
        secret = account.secret_access_key if lab.reveal_secrets else mask(account.secret_access_key)
        st.code(f"aws_access_key_id = {account.access_key_id}\naws_secret_access_key = {secret}", language="ini")
