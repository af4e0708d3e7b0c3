"""The sign-in page's native-API forms (InitiateAuth and friends, aws-facts.md §2). Each button
calls `ui.controllers.sign_in` in its on_click callback; this module only draws."""

from __future__ import annotations

import time

import streamlit as st

from flows import signin
from flows.sign_in_facts import Challenge
from flows.target import DemoUser, Target
from ui.controllers import sign_in as controller
from ui.i18n import t
from ui.state import session, target
from ui.views.sign_in_hops import render_hops


# --- inputs shared with the hosted sign-in form ---------------------------------------------
def user_inputs(chosen: Target, user_key: str, password_prefix: str) -> str:
    """A seeded user (or a typed username when the target has none) and their password field."""
    users = {user.username: user for user in chosen.users}
    if users:
        username = st.selectbox(t("sign_in.user"), list(users), key=user_key,
                                format_func=lambda name: f"{name} — {users[name].description(session().lang)}")
        # Demo passwords are pre-filled (masked) so a click signs in; the field is per user.
        st.text_input(t("sign_in.password"), value=users[username].password, type="password",
                      key=f"{password_prefix}-{username}")
        return username
    st.caption(t("sign_in.no_seeded_users"))
    username = st.text_input(t("sign_in.username"), key=user_key)
    st.text_input(t("sign_in.password"), type="password", key=f"{password_prefix}-{username}")
    return username


def _client_input(chosen: Target, flow: str) -> None:
    fixed = controller.FIXED_CLIENT.get(flow)
    if fixed:
        st.caption(t("signin_page.client_fixed", client=fixed, note=chosen.clients[fixed].description(session().lang)))
        return
    names = [name for name in ("public", "confidential") if name in chosen.clients]
    st.selectbox(t("sign_in.client"), names, key=controller.CLIENT_KEY,
                 format_func=lambda name: f"{name} — {chosen.clients[name].description(session().lang)}")


# --- step 1: InitiateAuth, step 2: the challenge ---------------------------------------------
def render_password_flow(flow: str) -> None:
    chosen = target()
    user_inputs(chosen, controller.USER_KEY, controller.PASSWORD_PREFIX)
    _client_input(chosen, flow)
    st.button(t("sign_in.button"), type="primary", on_click=controller.sign_in, args=(flow,))
    render_hops(flow, 1)
    challenge = controller.run(flow).challenge
    if challenge is not None:
        _render_challenge(flow, challenge)
    render_hops(flow, 2)


def _render_challenge(flow: str, challenge: Challenge) -> None:
    st.markdown(f"##### {t('signin_page.step', step=2)} · {t('signin_page.challenge.heading', challenge=challenge.name)}")
    if challenge.name == "NEW_PASSWORD_REQUIRED":
        _new_password_form(flow, challenge)
    elif challenge.name == "SOFTWARE_TOKEN_MFA":
        _totp_form(flow, challenge)
    else:
        st.info(t("signin_page.challenge.unsupported", challenge=challenge.name))


def _new_password_form(flow: str, challenge: Challenge) -> None:
    for name in challenge.required:
        st.text_input(name, key=f"required-{name}")
    st.text_input(t("signin_page.new_password.label"), type="password", key="new_password",
                  help=t("signin_page.new_password.help"))
    st.button(t("signin_page.new_password.button"), type="primary", on_click=controller.answer_new_password,
              args=(flow,))


def _demo_user(chosen: Target, username: str) -> DemoUser | None:
    return next((user for user in chosen.users if user.username == username), None)


def _totp_form(flow: str, challenge: Challenge) -> None:
    user = _demo_user(target(), challenge.typed)
    if user is not None and user.totp_secret:
        # The lab holds the demo user's authenticator secret, so it can show what the phone shows.
        st.markdown(t("signin_page.totp.shows", user=user.username))
        st.code(signin.authenticator_code(user.totp_secret), language="text")
        st.caption(t("signin_page.totp.how", seconds=30 - int(time.time()) % 30))
    st.text_input(t("signin_page.totp.label"), key="totp_code", max_chars=6)
    st.button(t("signin_page.totp.button"), type="primary", on_click=controller.answer_totp, args=(flow,))


# --- REFRESH_TOKEN_AUTH ------------------------------------------------------------------------
def _render_tokens_of() -> None:
    who = controller.origin()
    st.caption(t("signin_page.tokens_of", username=who.username or "—", client=who.client))


def render_refresh() -> None:
    if not session().tokens.get("refresh_token"):
        st.info(t("signin_page.refresh.sign_in_first"))
    else:
        _render_tokens_of()
        st.button(t("signin_page.refresh.button"), type="primary", on_click=controller.refresh)
        render_hops("refresh", 1)
    _render_rotation()


def _render_rotation() -> None:
    """Refresh-token rotation: one refresh through GetTokensFromRefreshToken, then the old token refused."""
    if controller.ROTATING_CLIENT not in target().clients:
        return
    st.markdown(f"#### {t('rotation.title')}")
    st.caption(t("rotation.explain"))
    st.button(t("rotation.button"), on_click=controller.rotate_refresh_token)
    render_hops("refresh", 2)


# --- SignUp → the code → ConfirmSignUp → sign in -------------------------------------------
def _render_sign_up_form() -> None:
    st.text_input(t("sign_in.username"), key="sign_up_username")
    st.text_input(t("signin_page.sign_up.email"), key="sign_up_email")
    st.text_input(t("sign_in.password"), type="password", key=controller.SIGN_UP_PASSWORD_KEY,
                  help=t("signin_page.sign_up.password_help"))
    st.button(t("signin_page.sign_up.button"), type="primary", on_click=controller.sign_up)


def _signed_in_as_new_user() -> bool:
    return any(hop.result.ok for hop in controller.hops_at("sign_up", 4))


def _render_after_sign_up(username: str, confirmed: bool) -> None:
    st.button(t("signin_page.sign_up.read_code"), on_click=controller.read_code)
    render_hops("sign_up", 2)
    st.text_input(t("signin_page.sign_up.code"), key="sign_up_code", max_chars=6)
    st.button(t("newcomer.sign_up.confirm_and_sign_in", username=username), type="primary",
              on_click=controller.confirm, help=t("newcomer.sign_up.sign_in_help"))
    render_hops("sign_up", 3)
    render_hops("sign_up", 4)
    if confirmed and not _signed_in_as_new_user():  # the sign-up password field was emptied meanwhile
        st.caption(t("newcomer.sign_up.password_gone", username=username))
        st.text_input(t("sign_in.password"), type="password", key=controller.SIGN_IN_AGAIN_PASSWORD_KEY)
        st.button(t("signin_page.sign_up.sign_in", username=username), type="primary",
                  on_click=controller.sign_in_new_user)


def render_sign_up() -> None:
    _render_sign_up_form()
    render_hops("sign_up", 1)
    walk = controller.run("sign_up").sign_up
    if walk.username:  # signed up: the code, the confirmation, the first sign-in
        _render_after_sign_up(walk.username, walk.confirmed)


# --- GetUser, GlobalSignOut / RevokeToken, GetUser refused -------------------------------------
def render_revocation() -> None:
    tokens = session().tokens
    if not tokens.get("access_token"):
        st.info(t("signin_page.revocation.sign_in_first"))
        return
    _render_tokens_of()
    st.button(t("signin_page.revocation.get_user"), type="primary", on_click=controller.get_user, args=(1,))
    render_hops("revocation", 1)
    if not controller.hops_at("revocation", 1):
        return
    sign_out, revoke = st.columns(2)
    sign_out.button(t("signin_page.revocation.global_sign_out"), on_click=controller.global_sign_out)
    revoke.button(t("signin_page.revocation.revoke"), on_click=controller.revoke, disabled=not tokens.get("refresh_token"))
    render_hops("revocation", 2)
    stage_two = controller.hops_at("revocation", 2)
    if stage_two and stage_two[-1].result.ok:
        st.button(t("signin_page.revocation.get_user_again"), type="primary", on_click=controller.get_user, args=(3,))
        render_hops("revocation", 3)
