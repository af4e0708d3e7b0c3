"""The API Gateway page's own per-session data, in st.session_state only (DESIGN.md).

Kept under one key and dropped whenever the target or the signed-in tokens change, so a matrix
never mixes calls made for another user or another user pool. Results the export must see go
through `ui.state.save_result` as well.
"""

from __future__ import annotations

from typing import Any, Mapping

import streamlit as st

from flows.api_matrix import Broken, Cell, route_key
from flows.steps import StepResult
from flows.target import Target
from ui import state

_KEY = "api_page"
_CREDENTIAL_STEPS = ("identity_pool", "identity_pool_basic")  # enhanced flow first


def _page() -> dict[str, Any]:
    return st.session_state.setdefault(_KEY, {})


def forget_if_stale(target: Target, tokens: Mapping[str, str]) -> None:
    owner = (target.kind, target.user_pool_id, tokens.get("id_token"))
    if _page().get("owner") != owner:
        st.session_state[_KEY] = {"owner": owner}


# --- what the learner can present -------------------------------------------------------------------
def save_scoped_token(result: StepResult, source: str) -> None:
    state.save_result(result)
    _page()["oauth"] = (result, source)


def scoped_token() -> tuple[StepResult, str] | None:
    """The last attempt at the OAuth access token, and how ("code" or "client_credentials")."""
    return _page().get("oauth")


def scoped_access_token() -> str | None:
    attempt = scoped_token()
    return attempt[0].outputs.get("access_token") if attempt and attempt[0].ok else None


def save_machine_token(result: StepResult) -> None:
    state.save_result(result)
    _page()["machine"] = result


def machine_result() -> StepResult | None:
    """The machine client's client_credentials call, made for the "another app client" break."""
    return _page().get("machine")


def machine_token() -> str | None:
    result = machine_result()
    return result.outputs.get("access_token") if result is not None and result.ok else None


def credentials() -> Mapping[str, Any] | None:
    """Identity-pool credentials from this session's identity-pool step, if it succeeded."""
    for step in _CREDENTIAL_STEPS:
        result = state.result(step)
        if result is not None and result.ok and result.outputs.get("access_key_id"):
            return result.outputs
    return None


# --- the matrix and the opened cell ------------------------------------------------------------------
def cells() -> dict[tuple[str, str], Cell]:
    return _page().setdefault("cells", {})


def save_cells(filled: Mapping[tuple[str, str], Cell]) -> None:
    cells().update(filled)


def open_cell(cell: Cell) -> None:
    """Show this cell below the matrix; the export's "api_call" is its result."""
    cells()[(route_key(cell.route), cell.presented)] = cell
    _page().update(opened=cell, broken=None)
    state.save_result(cell.result)


def opened() -> Cell | None:
    return _page().get("opened")


def selection_is_new(selected: tuple[str, str] | None) -> bool:
    """Whether the matrix's selected cell changed since the last run (a click, not a rerun)."""
    if selected == _page().get("selected"):
        return False
    _page()["selected"] = selected
    return selected is not None


def save_broken(broken: Broken) -> None:
    _page()["broken"] = broken
    state.save_result(broken.cell.result)


def broken() -> Broken | None:
    return _page().get("broken")
