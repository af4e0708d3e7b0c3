"""What the caller can present to an API: the native sign-in's tokens, an access token with the
custom scope from the OAuth flow, identity-pool credentials (and, always, nothing)."""

from __future__ import annotations

from typing import Callable, Mapping

import streamlit as st

from flows.api_matrix import route_scopes
from flows.target import Target
from ui.controllers import api as controller
from ui.i18n import t
from ui.state import session
from ui.widgets.step import render_failure, render_step

SOURCES = ("code", "client_credentials")


def _native(tokens: Mapping[str, str]) -> None:
    st.markdown(f"**{t('api_page.present.native')}**")
    if tokens:
        st.success(t("api_page.present.native_ok"))
        return
    st.info(t("tokens.sign_in_first"))
    st.page_link("app_pages/sign_in.py", label=t("leg.sign_in.title"), icon="1️⃣")


def _password_input(target: Target, username: str | None) -> None:
    if not username:
        st.caption(t("api_page.present.code_needs_sign_in"))
        return
    demo = next((user.password for user in target.users if user.username == username), "")
    st.text_input(t("sign_in.password"), value=demo, type="password", key=controller.PASSWORD_KEY)


def _scoped_status() -> None:
    attempt = controller.page().scoped
    if attempt is None:
        return
    result, source = attempt
    if result.ok:
        st.success(t(f"api_page.present.scoped_ok_{source}"))
    else:
        st.error(t("api_page.present.scoped_failed"))


def _scoped(target: Target, username: str | None, on_get: Callable[[], None]) -> None:
    scopes = " ".join(route_scopes(target))
    st.markdown(f"**{t('api_page.col.oauth')}**")
    source = st.radio(t("api_page.present.source"), SOURCES, key=controller.SOURCE_KEY,
                      format_func=lambda name: t(f"api_page.present.source.{name}"))
    if source == "code":
        _password_input(target, username)
    st.button(t("api_page.present.get_scoped", scopes=scopes), key="api_get_scoped", on_click=on_get,
              disabled=source == "code" and not username)
    _scoped_status()


def _credentials(tokens: Mapping[str, str], on_get: Callable[[], None]) -> None:
    st.markdown(f"**{t('api_page.col.credentials')}**")
    credentials, last = controller.credentials(), session().result("identity_pool")
    if credentials is not None:
        st.success(t("api_page.present.credentials_ok"))
        st.code(str(credentials.get("identity_id", "")), language="text", wrap_lines=True)  # an id from the wire, in a narrow column
    elif last is not None and not last.ok:
        render_failure(last)  # the identity pool refused: say why, here too
    else:
        st.caption(t("api_page.present.credentials_missing"))
    st.button(t("identity.exchange"), key="api_get_credentials", on_click=on_get, disabled=not tokens.get("id_token"))


def render_presenters(target: Target, tokens: Mapping[str, str], username: str | None,
                      on_scoped_token: Callable[[], None], on_credentials: Callable[[], None]) -> None:
    st.subheader(t("api_page.present.heading"))
    native, scoped, signed = st.columns(3)
    with native:
        _native(tokens)
    with scoped:
        _scoped(target, username, on_scoped_token)
    with signed:
        _credentials(tokens, on_credentials)
    attempt = controller.page().scoped
    # The hops of the OAuth flow, each its own exchange; open by default when it failed.
    if attempt is not None and st.toggle(t("api_page.present.show_oauth"), value=not attempt[0].ok, key="api_show_oauth"):
        render_step(attempt[0])
