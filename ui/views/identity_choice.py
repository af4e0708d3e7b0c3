"""Identity-pool page: the learner's choices, and the buttons (each calls
ui/controllers/identity.py in its on_click callback, so results are saved before the page draws)."""

from __future__ import annotations

from typing import Literal, cast

import streamlit as st

from flows.target import Target
from ui.controllers import identity as controller
from ui.controllers.identity import FLOWS, WHO, Flow, IdentityChoice, Who
from ui.i18n import t
from ui.state import session


def _basic_role(chosen: Target) -> str | None:
    """The role the app names to STS. An empty choice lets flows pick the pool's default."""
    if not chosen.roles:
        return st.text_input(t("identity_page.basic_role_arn"), key="identity_basic_role_arn").strip() or None
    shown = {"": t("identity_page.basic_role.default"), **{n: f"{n} — {arn}" for n, arn in chosen.roles.items()}}
    name = st.selectbox(t("identity_page.basic_role"), list(shown), key="identity_basic_role",
                        format_func=shown.__getitem__)
    return chosen.roles.get(name) if name else None


def _kept_radio(label: str, options: tuple[str, ...], name: Literal["who", "flow"]) -> str:
    """A radio whose choice the session keeps (a language switch would reset the widget)."""
    key = f"identity_{name}"
    # Labels translated now, not when Streamlit (or AppTest) calls format_func later.
    shown = {option: t(f"identity_page.{name}.{option}") for option in options}
    index = options.index(getattr(session().identity, name))
    return st.radio(label, options, index=index, key=key, on_change=controller.keep_choice, args=(key, name),
                    format_func=shown.__getitem__)


def choose(chosen: Target) -> IdentityChoice:
    who_column, flow_column = st.columns(2)
    with who_column:
        who = cast(Who, _kept_radio(t("identity_page.who"), WHO, "who"))
    with flow_column:
        flow = cast(Flow, _kept_radio(t("identity_page.flow"), FLOWS, "flow"))
    return IdentityChoice(who, flow, _basic_role(chosen) if flow == "basic" else None)


def _label(choice: IdentityChoice) -> str:
    if choice.flow == "basic":
        return t("identity_page.button.basic" if choice.who == "user" else "identity_page.button.basic_guest")
    return t("identity.exchange") if choice.who == "user" else t("identity_page.button.guest")


def render_buttons(choice: IdentityChoice, tokens: dict[str, str]) -> None:
    signed_in = bool(tokens.get("id_token"))
    exchange_column, access_column = st.columns(2)
    exchange_column.button(_label(choice), type="primary", key="identity_exchange", on_click=controller.exchange,
                           args=(choice,), disabled=choice.who == "user" and not signed_in)
    if choice.who == "user" and tokens.get("access_token"):
        # Kept on purpose: the real refusal teaches why the Logins value is the ID token.
        access_column.button(t("identity.try_access_token"), key="identity_access_token",
                             on_click=controller.try_access_token)
