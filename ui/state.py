"""The one place that reads and writes per-session state (st.session_state only)."""

from __future__ import annotations

from typing import Any

import streamlit as st

from flows.steps import StepResult
from flows.target import Target


def target() -> Target:
    return st.session_state["target"]


def lang() -> str:
    return st.session_state.get("lang", "en")


def reveal_secrets() -> bool:
    return bool(st.session_state.get("reveal_secrets", False))


def save_result(result: StepResult) -> None:
    st.session_state.setdefault("results", {})[result.step] = result


def result(step: str) -> StepResult | None:
    return st.session_state.get("results", {}).get(step)


def tokens() -> dict[str, Any]:
    return st.session_state.get("tokens", {})


def save_tokens(outputs: dict[str, Any]) -> None:
    st.session_state["tokens"] = {k: outputs[k] for k in ("id_token", "access_token", "refresh_token") if outputs.get(k)}


def forget_session_data() -> None:
    """Drop every token, credential and trace of this session (e.g. when the target changes)."""
    for key in ("results", "tokens"):
        st.session_state.pop(key, None)
