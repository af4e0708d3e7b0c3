"""The sign-in page's walk through one flow: the hops done so far, kept in `st.session_state`.

A *hop* is one flows call (one StepResult) at one of the page's numbered steps ("stages").
The main result of whichever flow is also saved as the step "sign_in" (with its tokens), so the
tokens, identity and API pages and the export see it exactly as before; the other hops are
saved under their own step names.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import streamlit as st

from flows import fidelity
from flows.jwt_decode import TokenFormatError, decode_token
from flows.steps import Note, StepResult
from ui import state
from ui.i18n import t
from ui.step import render_failure, render_note, render_step

RUN_KEY = "sign_in_run"
ORIGIN_KEY = "sign_in_origin"  # which client and user the session's tokens belong to


@dataclass(frozen=True)
class Hop:
    stage: int
    title_key: str
    result: StepResult
    facts: tuple[dict[str, str], ...] = ()  # rows; column names are catalogue keys
    lessons: tuple[Note, ...] = ()  # page-level explanations (signin_page.json)


@dataclass
class Run:
    flow: str
    hops: list[Hop] = field(default_factory=list)
    memo: dict[str, Any] = field(default_factory=dict)  # what the next step needs (session, PKCE, code…)


def run(flow: str) -> Run:
    """This session's walk through `flow`; a fresh one if it was walking another flow."""
    current = st.session_state.get(RUN_KEY)
    if not isinstance(current, Run) or current.flow != flow:
        current = st.session_state[RUN_KEY] = Run(flow)
    return current


def restart(flow: str) -> Run:
    st.session_state[RUN_KEY] = Run(flow)
    return st.session_state[RUN_KEY]


def where(flow: str) -> tuple[int, bool]:
    """The stage the learner is at (the last hop's, or 1 before any) and whether it failed."""
    hops = run(flow).hops
    return (hops[-1].stage, not hops[-1].result.ok) if hops else (1, False)


def record(flow: str, hop: Hop, main: bool = False, origin: tuple[str, str] | None = None) -> None:
    """Add the hop to the walk and to the session's results; tokens replace the session's."""
    result = hop.result
    if result.ok and result.outputs.get("id_token"):
        state.save_tokens({**state.tokens(), **{k: v for k, v in result.outputs.items() if v}})
        main = True
        if origin:
            st.session_state[ORIGIN_KEY] = {"client": origin[0], "username": origin[1]}
    if main:  # shown and exported as the sign-in, with the sign-in's fidelity notes
        hop = dataclasses.replace(hop, result=dataclasses.replace(result, step="sign_in"))
    run(flow).hops.append(hop)
    state.save_result(hop.result)


def origin() -> dict[str, str]:
    return st.session_state.get(ORIGIN_KEY, {"client": "public", "username": ""})


def claims(token: str | None) -> dict[str, Any]:
    """A token's claims, for showing them; verifying is the tokens page's job."""
    try:
        return decode_token(token).claims if token else {}
    except TokenFormatError:
        return {}


def scope_lesson(result: StepResult, key: str) -> tuple[Note, ...]:
    """What the access token's `scope` says, as a page-level lesson."""
    scope = claims(result.outputs.get("access_token")).get("scope") if result.ok else None
    return (Note(key, "sign-in.md#why-native-sign-in-tokens-carry-no-custom-scopes", {"scope": scope}),) if scope else ()


def _render_facts(facts: tuple[dict[str, str], ...]) -> None:
    frame = pd.DataFrame(list(facts))
    st.dataframe(frame.rename(columns=t), hide_index=True, width="stretch")


def _render_hop(hop: Hop) -> None:
    st.markdown(f"##### {t('signin_page.step', step=hop.stage)} · {t(hop.title_key)}")
    outputs = hop.result.outputs if hop.result.ok else {}
    if outputs.get("id_token"):
        # A sign-in brings three tokens; a refresh brings two (no new refresh token).
        st.success(t("sign_in.success") if outputs.get("refresh_token") else t("signin_page.tokens_refreshed"))
    if hop.facts:
        _render_facts(hop.facts)
    for lesson in hop.lessons:
        render_note(lesson)
    if hop.result.exchanges:
        render_step(hop.result)
    else:  # nothing crossed the wire (the app read a redirect): no empty "On the wire"
        _render_without_wire(hop.result)


def _render_without_wire(result: StepResult) -> None:
    render_failure(result)
    sandbox_notes = fidelity.notes_for(result) if state.target().kind == "sandbox" else []
    for note in [*result.notes, *sandbox_notes]:
        render_note(note)


def render_hops(flow: str, stage: int) -> None:
    """The hops of this stage, in the order they were made."""
    for hop in run(flow).hops:
        if hop.stage == stage:
            _render_hop(hop)


def last_hop(flow: str, stage: int) -> Hop | None:
    hops = [hop for hop in run(flow).hops if hop.stage == stage]
    return hops[-1] if hops else None


def render_next_page_link() -> None:
    if state.tokens().get("id_token"):
        st.page_link("app_pages/tokens.py", label=t("sign_in.next"), icon="➡️")
