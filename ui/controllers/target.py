"""The sidebar, what a click changes: which target the session talks to (the local sandbox or a
real AWS account), its language and whether secrets are shown. No rendering here.

Switching targets drops every token, credential and trace of the session, so one target's tokens
are never sent to another.
"""

from __future__ import annotations

import os
from typing import Any

import streamlit as st

from flows.target import Target, target_from_topology
from flows.target_sources import SETTINGS, TargetConfigError, settings_from_env, settings_from_stack, target_from_settings
from ui.state import session

FIELDS = ("region", "user_pool_id", "public_client_id", "identity_pool_id", "rest_api_url", "http_api_url", "domain")
LANGUAGE_KEY = "lang_choice"  # the language widget; the choice itself is LabSession.lang
REVEAL_KEY = "reveal_secrets"  # the toggle; the choice is LabSession.reveal_secrets


def configured_settings() -> dict[str, Any]:
    """secrets.toml ([cognito_lab] table) first, then COGNITO_LAB_* environment variables."""
    try:
        from_secrets = dict(st.secrets.get("cognito_lab", {}))
    except (FileNotFoundError, KeyError, st.errors.StreamlitSecretNotFoundError):
        from_secrets = {}
    return {**settings_from_env(os.environ), **{k: str(v) for k, v in from_secrets.items() if k in SETTINGS}}


def seed_sandbox(topology: dict[str, Any], generation: int) -> None:
    """This session's own sandbox topology (again after a sandbox restart): nothing older is kept."""
    lab = session()
    lab.switch_target(target_from_topology(topology))
    lab.topology, lab.sandbox_target, lab.sandbox_generation = topology, lab.target, generation


def load_stack() -> None:
    """Read the stack's outputs and clients' secrets; an empty region is None, so boto3 resolves it
    (profile, AWS_DEFAULT_REGION) as the command line's --stack does."""
    lab = session()
    try:
        loaded = settings_from_stack(st.session_state["aws_stack"], st.session_state.get("aws_region") or None)
    except TargetConfigError as error:
        lab.target_error = ("target.stack_failed", error.text(lab.lang))
        return
    except Exception as error:  # noqa: BLE001 — any AWS or credential error is shown, not raised
        lab.target_error = ("target.stack_failed", str(error))
        return
    keep_loaded(loaded)


def keep_loaded(loaded: dict[str, str]) -> None:
    """All of a stack's settings are kept; the panel's text fields show the ones a learner may edit."""
    session().stack_settings = dict(loaded)
    settings = {**configured_settings(), **loaded}
    st.session_state.update({f"aws_{name}": settings.get(name, "") for name in FIELDS})


def aws_settings() -> dict[str, Any]:
    """Configuration, then the loaded stack, then what is typed in the panel (non-empty fields).
    Endpoint overrides come only from configuration (env or secrets), never from the form."""
    typed = {name: st.session_state.get(f"aws_{name}", "") for name in FIELDS}
    return {**configured_settings(), **session().stack_settings, **{k: v for k, v in typed.items() if v}}


def use_aws() -> None:
    try:
        chosen = target_from_settings(aws_settings())
    except TargetConfigError as error:
        session().target_error = ("", error.text(session().lang))
        return
    session().switch_target(chosen)


def use_sandbox() -> None:
    sandbox: Target | None = session().sandbox_target
    if sandbox is not None:
        session().switch_target(sandbox)


def choose_language() -> None:
    session().lang = st.session_state[LANGUAGE_KEY]


def choose_reveal() -> None:
    session().reveal_secrets = bool(st.session_state[REVEAL_KEY])


def take_target_error() -> tuple[str, str] | None:
    """The last refusal (message key or "", detail), once."""
    lab = session()
    error, lab.target_error = lab.target_error, None
    return error
