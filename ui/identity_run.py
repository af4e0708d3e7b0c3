"""Identity-pool page: the learner's choices, and the flows calls behind each button.

The buttons work through on_click callbacks: the calls run before the page is drawn, so the
page only ever renders results that are already saved (and AppTest can drive it).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Literal, cast

import streamlit as st

from flows import identity
from flows.steps import StepResult
from flows.target import Target
from ui import state
from ui.i18n import t

Who = Literal["user", "guest"]
Flow = Literal["enhanced", "basic"]
Presented = Literal["id", "access", "guest"]

WHO: tuple[Who, ...] = ("user", "guest")
FLOWS: tuple[Flow, ...] = ("enhanced", "basic")
_VIEW_KEY = "identity_view"  # what the last run presented: the results alone don't say


@dataclass(frozen=True)
class IdentityChoice:
    who: Who
    flow: Flow
    role_arn: str | None = None  # basic flow only; None: the pool's default role for this identity


@dataclass(frozen=True)
class IdentityView:
    """The last run: which result to show, what was presented, and the lab's own lookups."""

    step: str  # "identity_pool" or "identity_pool_basic"
    presented: Presented
    id_token: str | None = None  # the ID token sent: the lab explains the role from its claims
    lookups: tuple[str, ...] = ()  # step names of GetIdentityPoolRoles and the sandbox's trace


# --- inputs -------------------------------------------------------------------------------------
def _basic_role(target: Target) -> str | None:
    """The role the app names to STS. An empty choice lets flows pick the pool's default."""
    if not target.roles:
        return st.text_input(t("identity_page.basic_role_arn"), key="identity_basic_role_arn").strip() or None
    shown = {"": t("identity_page.basic_role.default"), **{n: f"{n} — {arn}" for n, arn in target.roles.items()}}
    name = st.selectbox(t("identity_page.basic_role"), list(shown), key="identity_basic_role",
                        format_func=shown.__getitem__)
    return target.roles.get(name) if name else None


def _kept_radio(label: str, options: tuple[str, ...], key: str, labels: str) -> str:
    """A radio whose choice survives a language switch and a page change: Streamlit resets a
    widget whose stored (translated) label is no longer among its options, so the choice is
    also kept in plain session state and given back as the default."""
    kept = f"{key}_kept"

    def keep() -> None:
        st.session_state[kept] = st.session_state[key]

    # Labels translated now, not when Streamlit (or AppTest) calls format_func later.
    shown = {option: t(f"{labels}.{option}") for option in options}
    index = options.index(st.session_state.get(kept, options[0]))
    return st.radio(label, options, index=index, key=key, on_change=keep, format_func=shown.__getitem__)


def choose(target: Target) -> IdentityChoice:
    who_column, flow_column = st.columns(2)
    with who_column:
        who = cast(Who, _kept_radio(t("identity_page.who"), WHO, "identity_who", "identity_page.who"))
    with flow_column:
        flow = cast(Flow, _kept_radio(t("identity_page.flow"), FLOWS, "identity_flow", "identity_page.flow"))
    return IdentityChoice(who, flow, _basic_role(target) if flow == "basic" else None)


def _label(choice: IdentityChoice) -> str:
    if choice.flow == "basic":
        return t("identity_page.button.basic" if choice.who == "user" else "identity_page.button.basic_guest")
    return t("identity.exchange") if choice.who == "user" else t("identity_page.button.guest")


def render_buttons(choice: IdentityChoice, tokens: dict[str, str]) -> None:
    signed_in = bool(tokens.get("id_token"))
    exchange_column, access_column = st.columns(2)
    exchange_column.button(_label(choice), type="primary", key="identity_exchange", on_click=exchange,
                           args=(choice,), disabled=choice.who == "user" and not signed_in)
    if choice.who == "user" and tokens.get("access_token"):
        # Kept on purpose: the real refusal teaches why the Logins value is the ID token.
        access_column.button(t("identity.try_access_token"), key="identity_access_token", on_click=try_access_token)


# --- the calls ----------------------------------------------------------------------------------
def identity_id_of(result: StepResult) -> str | None:
    """The identity id, also when a later call failed: GetId's answer is on the wire."""
    if result.outputs.get("identity_id"):
        return result.outputs["identity_id"]
    for exchange_ in result.exchanges:
        if exchange_.label == "GetId" and exchange_.response is not None and exchange_.response.status == 200:
            try:
                return json.loads(exchange_.response.body).get("IdentityId")
            except (json.JSONDecodeError, AttributeError):
                return None
    return None


def _look_up_role(target: Target, result: StepResult) -> tuple[str, ...]:
    """The pool's role configuration (for the lab's explanation) and, on the sandbox only, its
    own record of the decision. AWS has no such record, so there the explanation stands alone."""
    state.save_result(identity.describe_pool_roles(target))
    identity_id = identity_id_of(result)
    if target.kind != "sandbox" or not identity_id:
        return ("pool_roles",)
    state.save_result(identity.role_decision_trace(target, identity_id))
    return ("pool_roles", "role_decision")


def _remember(view: IdentityView) -> None:
    st.session_state[_VIEW_KEY] = view


def exchange(choice: IdentityChoice) -> None:
    target = state.target()
    id_token = state.tokens().get("id_token") if choice.who == "user" else None
    presented: Presented = "id" if id_token else "guest"
    if choice.flow == "basic":
        state.save_result(identity.get_credentials_basic(target, id_token, choice.role_arn))
        _remember(IdentityView("identity_pool_basic", presented, id_token))
        return
    result = identity.get_credentials(target, id_token, with_role=True)
    state.save_result(result)  # "identity_pool": the export and the walkthrough read it
    _remember(IdentityView("identity_pool", presented, id_token, _look_up_role(target, result)))


def try_access_token() -> None:
    """The enhanced flow with the access token in Logins: the pool refuses before any role."""
    target = state.target()
    state.save_result(identity.get_credentials(target, state.tokens().get("access_token")))
    _remember(IdentityView("identity_pool", "access"))


def last_view() -> IdentityView | None:
    return st.session_state.get(_VIEW_KEY)
