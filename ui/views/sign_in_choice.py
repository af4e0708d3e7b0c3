"""The sign-in page's choice-based flow (USER_AUTH): the challenge selection, the email code read
from the outbox, and passkeys with the browser's own WebAuthn prompt. Buttons call
`ui.controllers.sign_in` (its choice section); this module only draws."""

from __future__ import annotations

import json
from typing import Any

import streamlit as st

from flows import decode_token
from ui.controllers import sign_in as controller
from ui.i18n import t
from ui.state import ChoiceWalk, session, target
from ui.views.sign_in_hops import render_hops
from ui.widgets.passkey import passkey_prompt
from ui.widgets.sequence import SEQUENCES, Sequence, answer, call

_PARTICIPANTS = ("authenticator", "app", "pool", "mailbox")
# The choice flow's picture, kept with its page section (the other flows' are in ui/widgets/sequence.py).
SEQUENCES.setdefault(controller.CHOICE_FLOW, Sequence(_PARTICIPANTS, (
    call(1, "app", "pool", "InitiateAuth\nUSER_AUTH: USERNAME"),
    answer(1, "pool", "app", "SELECT_CHALLENGE\nAvailableChallenges, Session"),
    call(2, "app", "pool", "RespondToAuthChallenge\nSELECT_CHALLENGE: ANSWER"),
    call(2, "pool", "mailbox", "EMAIL_OTP"),
    answer(2, "pool", "app", "EMAIL_OTP | WEB_AUTHN\nCREDENTIAL_REQUEST_OPTIONS"),
    call(3, "mailbox", "app", "EMAIL_OTP_CODE"),
    call(3, "authenticator", "app", "navigator.credentials.get\nAuthenticationResponseJSON"),
    call(4, "app", "pool", "RespondToAuthChallenge\nEMAIL_OTP_CODE | CREDENTIAL"),
    answer(4, "pool", "app", key="signin_page.seq.tokens"))))


def render_choice_flow() -> None:
    st.markdown(f"#### {t('choice.title')}")
    st.caption(t("choice.intro"))
    users = [user.username for user in target().users] or [""]
    username = st.selectbox(t("choice.username"), users, key=controller.CHOICE_USER_KEY)
    st.text_input(t("choice.password"), type="password", key=f"{controller.CHOICE_PASSWORD_PREFIX}-{username}",
                  value=next((u.password for u in target().users if u.username == username), ""))
    start, register = st.columns(2)
    start.button(t("choice.start"), type="primary", on_click=controller.choice_start)
    register.button(t("choice.register"), on_click=controller.choice_start_registration)
    walk = controller.run(controller.CHOICE_FLOW).choice
    _render_registration(walk)
    _render_challenge(walk)
    for stage in sorted({hop.stage for hop in controller.run(controller.CHOICE_FLOW).hops}):
        render_hops(controller.CHOICE_FLOW, stage)
    _render_explained(walk)
    _render_registered(walk)
    _render_tokens()


def _render_registered(walk: ChoiceWalk) -> None:
    hops = controller.run(controller.CHOICE_FLOW).hops
    if hops and hops[-1].title_key == "choice.hop.register_complete" and hops[-1].result.ok:
        st.success(t("choice.passkey_registered", username=walk.username))


def _render_registration(walk: ChoiceWalk) -> None:
    if not walk.creation_options:
        return
    st.info(t("choice.browser_prompt"))
    nonce = str(walk.creation_options.get("challenge", ""))
    value = passkey_prompt("create", walk.creation_options, nonce, t("choice.register"), key=f"create-{nonce}")
    if value and value.get("credential"):
        controller.choice_complete_registration(value["credential"])
        st.rerun()
    elif value and value.get("error"):
        st.error(value["error"])


def _render_challenge(walk: ChoiceWalk) -> None:
    if walk.challenge == "SELECT_CHALLENGE":
        st.write(t("choice.available", challenges=", ".join(walk.available)))
        st.radio(t("choice.pick"), list(walk.available), key=controller.CHOICE_ANSWER_KEY, horizontal=True)
        st.button(t("choice.send"), type="primary", on_click=controller.choice_select, key="choice-select")
    elif walk.challenge in ("EMAIL_OTP", "SMS_OTP"):
        code = st.session_state.get(controller.CHOICE_CODE_KEY, "")
        if code:
            st.caption(t("choice.code_from_outbox", code=code))
        st.text_input(t("choice.code"), key=controller.CHOICE_CODE_KEY)
        st.button(t("choice.send"), type="primary", on_click=controller.choice_answer_code, key="choice-code")
    elif walk.challenge == "WEB_AUTHN" and walk.request_options:
        st.info(t("choice.browser_prompt"))
        nonce = str(json.loads(walk.request_options).get("challenge", ""))
        value = passkey_prompt("get", walk.request_options, nonce, t("choice.send"), key=f"get-{nonce}")
        if value and value.get("credential"):
            controller.choice_answer_passkey(value["credential"])
            st.rerun()
        elif value and value.get("error"):
            st.error(value["error"])


def _render_explained(walk: ChoiceWalk) -> None:
    explained = walk.explained
    if not explained:
        return
    client_data, authenticator = explained["client_data"], explained["authenticator"]
    left, right = st.columns(2)
    with left:
        st.markdown(f"**{t('choice.client_data')}**")
        st.json(client_data)
        st.caption(t("choice.explain.origin"))
    with right:
        st.markdown(f"**{t('choice.authenticator_data')}**")
        st.json(authenticator)
        flags = authenticator["flags"]
        st.caption(t("choice.explain.rp_id_hash", rp_id=explained["rp_id"], matches=authenticator["rp_id_hash_matches"]))
        st.caption(t("choice.explain.flags", up=flags["UP"], uv=flags["UV"], be=flags["BE"], bs=flags["BS"]))
        st.caption(t("choice.explain.sign_count", count=authenticator["sign_count"]))


def _render_tokens() -> None:
    hops = controller.run(controller.CHOICE_FLOW).hops
    last: dict[str, Any] = hops[-1].result.outputs if hops and hops[-1].result.ok else {}
    if not last.get("id_token"):
        return
    claims = decode_token(str(last["id_token"])).claims
    st.success(t("choice.tokens", amr=json.dumps(claims.get("amr", []))))
    st.json({"cognito:username": claims.get("cognito:username"), "amr": claims.get("amr"),
             "auth_time": claims.get("auth_time")})
    st.code(str(last["id_token"]), language=None)
