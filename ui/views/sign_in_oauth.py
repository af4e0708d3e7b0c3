"""The sign-in page's OAuth 2.0 forms on the user pool domain (aws-facts.md §3): the
authorization code with PKCE (S256), hop by hop or in the learner's own browser, and
client_credentials for a machine client. The walk lives in `LabSession.sign_in`; only a sign-in
made in the learner's own browser parks its verifier server-side (ui/pkce_store.py says why)."""

from __future__ import annotations

import streamlit as st

from ui.controllers import sign_in as controller
from ui.i18n import t
from ui.pkce_store import TTL_SECONDS
from ui.room import redirect_uri
from ui.state import OAuthWalk, session, target
from ui.views.sign_in_hops import render_hops
from ui.views.sign_in_native import user_inputs

FLOW = controller.OAUTH_FLOW


def _heading(stage: int, key: str) -> None:
    st.markdown(f"##### {t('signin_page.step', step=stage)} · {t(key)}")


def _render_stage_two(walk: OAuthWalk) -> None:
    if not walk.form or walk.location:
        return
    _heading(2, "signin_page.oauth.hosted_form")
    st.caption(t("signin_page.oauth.hosted_form_help"))
    user_inputs(target(), controller.OAUTH_USER_KEY, controller.OAUTH_PASSWORD_PREFIX)
    st.button(t("signin_page.oauth.submit"), type="primary", on_click=controller.submit_hosted_form)


def _render_stage_three(walk: OAuthWalk) -> None:
    if not walk.location or walk.code or walk.from_browser:
        return
    _heading(3, "signin_page.hop.redirect")
    st.code(walk.location, language="text")
    st.button(t("signin_page.oauth.follow"), type="primary", on_click=controller.follow_redirect)


def _render_stage_four(walk: OAuthWalk) -> None:
    if not walk.code:
        return
    _heading(4, "signin_page.oauth.redeem_heading")
    if walk.redeemed:
        st.button(t("signin_page.oauth.redeem_again"), on_click=controller.redeem, args=("again",))
        return
    right, wrong = st.columns(2)
    right.button(t("signin_page.oauth.redeem"), type="primary", on_click=controller.redeem, args=("right",))
    wrong.button(t("signin_page.oauth.redeem_wrong"), on_click=controller.redeem, args=("wrong",))


def _render_browser_option() -> None:
    st.subheader(t("signin_page.browser.heading"))
    st.write(t("signin_page.browser.intro", redirect_uri=redirect_uri(), minutes=int(TTL_SECONDS // 60)))
    st.button(t("signin_page.browser.prepare"), on_click=controller.prepare_browser_sign_in)
    url = session().sign_in.browser_url
    if url:
        st.link_button(t("signin_page.browser.open"), url, type="primary")
        st.code(url, language="text")


def render_oauth_code() -> None:
    walk = controller.run(FLOW).oauth
    if walk.unknown_state:
        st.error(t("signin_page.browser.unknown_state"))
    if walk.from_browser:
        st.info(t("signin_page.browser.came_back"))
    st.text_input(t("signin_page.scopes"), key=controller.OAUTH_SCOPES_KEY, help=t("signin_page.scopes_help"))
    st.button(t("signin_page.oauth.start"), type="primary", on_click=controller.start_code_flow)
    render_hops(FLOW, 1)
    for stage, render_form in ((2, _render_stage_two), (3, _render_stage_three), (4, _render_stage_four)):
        render_form(walk)
        render_hops(FLOW, stage)
    _render_browser_option()


def render_client_credentials() -> None:
    machine = target().clients["machine"]
    st.caption(t("signin_page.client_fixed", client="machine", note=machine.description(session().lang)))
    st.text_input(t("signin_page.scopes"), key=controller.MACHINE_SCOPES_KEY, help=t("signin_page.machine_scopes_help"))
    st.button(t("signin_page.client_credentials.button"), type="primary", on_click=controller.client_credentials)
    render_hops("client_credentials", 1)
    if controller.NATIVE_MACHINE_CLIENT in target().clients:  # the same token from the native API
        st.caption(t("client_token.explain"))
        st.button(t("client_token.button"), on_click=controller.client_token)
        render_hops("client_credentials", 2)
