"""Leg 4, what a click changes: the API Gateway page's state (`LabSession.api`: the scoped token,
the matrix's cells, the opened cell, the broken call) and the session's results. No rendering.

The page's state is dropped whenever the target or the signed-in tokens change, so a matrix never
mixes calls made for another user or another user pool. Every result the export must see is
also saved as a session result.
"""

from __future__ import annotations

from typing import Any, Mapping

import streamlit as st

from flows import api_matrix, identity
from flows.api_matrix import Cell, Presented, route_key
from flows.steps import StepResult
from ui.state import ApiPageState, session, target

TABLE_KEY = "api_matrix_table"  # the matrix's widget key: a callback clears its selection
SOURCE_KEY, PASSWORD_KEY = "api_oauth_source", "api_oauth_password"
_CREDENTIAL_STEPS = ("identity_pool", "identity_pool_basic")  # enhanced flow first


def page() -> ApiPageState:
    """This page's state, fresh if the target or the tokens changed since it was made."""
    lab = session()
    chosen = target()
    owner = (chosen.kind, chosen.user_pool_id, lab.tokens.get("id_token"))
    if lab.api.owner != owner:
        lab.api = ApiPageState(owner=owner)
    return lab.api


# --- what the learner can present -------------------------------------------------------------------
def username() -> str | None:
    return api_matrix.username_of(session().tokens.get("id_token"))


def scoped_access_token() -> str | None:
    attempt = page().scoped
    return attempt[0].outputs.get("access_token") if attempt and attempt[0].ok else None


def machine_token() -> str | None:
    result = page().machine
    return result.outputs.get("access_token") if result is not None and result.ok else None


def credentials() -> Mapping[str, Any] | None:
    """Identity-pool credentials from this session's identity-pool step, if it succeeded."""
    for step in _CREDENTIAL_STEPS:
        result = session().result(step)
        if result is not None and result.ok and result.outputs.get("access_key_id"):
            return result.outputs
    return None


def presenting() -> dict[str, Presented]:
    return api_matrix.presentations(session().tokens, scoped_access_token(), credentials())


def _save_scoped(result: StepResult, source: str) -> None:
    session().save_result(result)
    page().scoped = (result, source)


def get_scoped_token() -> None:
    scopes = api_matrix.route_scopes(target())
    if st.session_state.get(SOURCE_KEY) == "client_credentials":
        _save_scoped(api_matrix.scoped_token_by_client_credentials(target(), scopes), "client_credentials")
        return
    password = st.session_state.pop(PASSWORD_KEY, "")  # passwords are never kept
    _save_scoped(api_matrix.scoped_token_by_code(target(), username() or "", password, scopes), "code")


def get_credentials() -> None:
    session().save_result(identity.get_credentials(target(), session().tokens["id_token"]))


# --- the matrix and the opened cell ------------------------------------------------------------------
def fill_matrix() -> None:
    page().cells.update(api_matrix.fill(target(), presenting()))


def open_cell(cell: Cell) -> None:
    """Show this cell below the matrix; the export's "api_call" is its result."""
    state = page()
    state.cells[(route_key(cell.route), cell.presented)] = cell
    state.opened, state.broken = cell, None
    session().save_result(cell.result)


def select(selected: tuple[str, str] | None) -> None:
    """The matrix's selection: a newly clicked cell that was called opens (no new call)."""
    state = page()
    if selected == state.selected:
        return
    state.selected = selected
    if selected is not None and selected in state.cells:
        open_cell(state.cells[selected])


def clear_selection() -> None:
    """Forget the clicked cell (from a callback, before the table is drawn), so clicking it again
    after opening another cell some other way opens it again."""
    st.session_state[TABLE_KEY] = {"selection": {"rows": [], "columns": [], "cells": []}}
    page().selected = None


def call_one(key: str, name: str) -> None:
    route = api_matrix.find_route(target(), key)
    open_cell(api_matrix.call_cell(target(), route, presenting()[name], api_matrix.load_keys(target())))
    clear_selection()


# --- break it ------------------------------------------------------------------------------------------
def _other_client_token(token: str | None) -> str | None:
    state = page()
    if machine_token() is None:  # the machine client's token, asked for once
        scopes = api_matrix.route_scopes(target())
        state.machine = api_matrix.scoped_token_by_client_credentials(target(), scopes, "api_other_client_token")
        session().save_result(state.machine)
    return api_matrix.other_client_token(target(), token, machine_token(), session().tokens.get("access_token"))


def break_it(how: str) -> None:
    state = page()
    cell = state.opened
    presented = presenting().get(cell.presented) if cell else None
    if cell is None or presented is None:
        return
    other = _other_client_token(presented.token) if how == "other_client" else None
    if how == "other_client" and other is None:
        return  # the machine client's refusal is shown with the buttons
    state.broken = api_matrix.break_cell(target(), cell, presented, how, other)
    session().save_result(state.broken.cell.result)
