"""The result of an identity-pool run: credentials (secrets masked unless revealed) with a live
expiry countdown, the role, the basic flow's OpenID token, and every call on the wire."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pandas as pd
import streamlit as st

from flows.redact import mask_mapping
from flows.role_config import identity_id_of
from flows.steps import StepResult
from ui.i18n import t
from ui.state import IdentityView, session
from ui.views.identity_role import render_lookups, render_role
from ui.widgets.step import render_note, render_step
from ui.widgets.token_card import render_countdown, render_segments

CREDENTIAL_FIELDS = ("access_key_id", "SecretKey", "SessionToken", "expiration")
# The OpenID token's claims mean something else than a user-pool token's (aws-facts.md §4.3), so
# they get their own explanations rather than the glossary's.
_OPEN_ID_MEANINGS = {"iss": "identity_page.oidc.iss", "aud": "identity_page.oidc.aud", "sub": "identity_page.oidc.sub",
                     "amr": "identity_page.oidc.amr", "exp": "identity_page.oidc.exp", "iat": "identity_page.oidc.iat",
                     "https://cognito-identity.amazonaws.com/identity-pool-arn": "identity_page.oidc.pool_arn"}
_TIME_CLAIMS = frozenset({"exp", "iat"})
# What STS's AssumeRoleWithWebIdentity answered, under the API's own names (aws-facts.md §4.5).
_STS_FIELDS = (("RoleArn", "role_arn"), ("AssumedRoleUser.Arn", "assumed_role_arn"), ("Provider", "provider"),
               ("Audience", "audience"), ("SubjectFromWebIdentityToken", "subject"))


def credentials_frame(outputs: dict[str, Any], reveal: bool) -> pd.DataFrame:
    credentials = {name: outputs[name] for name in CREDENTIAL_FIELDS if name in outputs}
    shown = credentials if reveal else mask_mapping(credentials)
    return pd.DataFrame([{t("identity_page.field"): name, t("identity_page.value"): str(value)}
                         for name, value in shown.items()])


def expiration_epoch(outputs: dict[str, Any]) -> float | None:
    try:
        return datetime.datetime.fromisoformat(str(outputs["expiration"])).timestamp()
    except (KeyError, ValueError):
        return None


def render_credentials(result: StepResult) -> None:
    st.success(t("identity.success", identity_id=result.outputs.get("identity_id", "")))
    st.caption(t("identity_page.credentials"))
    st.dataframe(credentials_frame(result.outputs, session().reveal_secrets), hide_index=True, width="stretch")
    render_countdown(expiration_epoch(result.outputs))


def _render_identity_id(result: StepResult) -> None:
    """After a refusal the identity id still matters: GetId gave one before the pool refused."""
    identity_id = identity_id_of(result)
    if identity_id:
        st.caption(t("identity_page.identity_id"))
        st.code(identity_id, language="text", wrap_lines=True)


def _render_view_notes(view: IdentityView) -> None:
    for note in view.notes:  # e.g. how the sandbox scopes down a guest's credentials
        render_note(note)


def _render_details(view: IdentityView, result: StepResult) -> None:
    """The role and why, the calls on the wire, the lab's own look-ups: one tab each, so the
    page's first screen keeps the result (issue 18)."""
    parts = {"role": view.presented != "access",  # an access token is refused before any role is chosen
             "wire": result.ok,  # a refusal's wire is shown first, with it
             "lookups": any(session().result(step) is not None for step in view.lookups)}
    shown = [name for name, wanted in parts.items() if wanted]
    if not shown:
        return
    labels = {"role": t("identity_page.role.heading"), "wire": t("step.on_the_wire"),
              "lookups": t("identity_page.role.wire")}
    for tab, name in zip(st.tabs([labels[name] for name in shown]), shown):
        with tab:
            if name == "role":
                render_role(view, result)
            elif name == "wire":
                render_step(result)
            else:
                render_lookups(view)


def render_enhanced(view: IdentityView, result: StepResult) -> None:
    st.caption(t(f"identity_page.presented.{view.presented}"))
    if result.ok:
        render_credentials(result)
        _render_view_notes(view)
        st.page_link("app_pages/api_gateway.py", label=t("identity.next"), icon="➡️")
    else:  # the refusal first: it is the lesson
        render_step(result)
        _render_identity_id(result)
    _render_details(view, result)


# --- the basic flow -----------------------------------------------------------------------------
def _render_sts_answer(outputs: dict[str, Any]) -> None:
    st.caption(t("identity_page.basic.sts_answer"))
    width = max(len(name) for name, _ in _STS_FIELDS)
    st.code("\n".join(f"{name.ljust(width)}  {outputs.get(key) or ''}" for name, key in _STS_FIELDS), language="text",
            wrap_lines=True)


def _claim_value(name: str, value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    if name in _TIME_CLAIMS and isinstance(value, int):
        text += f"  ({datetime.datetime.fromtimestamp(value, datetime.timezone.utc):%Y-%m-%d %H:%M:%S} UTC)"
    return text


def open_id_claims_table(claims: dict[str, Any]) -> pd.DataFrame:
    return pd.DataFrame([{t("token.claim"): name, t("token.value"): _claim_value(name, value),
                          t("token.meaning"): t(_OPEN_ID_MEANINGS[name]) if name in _OPEN_ID_MEANINGS else ""}
                         for name, value in claims.items()])


def render_open_id_token(outputs: dict[str, Any], heading: bool = False) -> None:
    token = outputs.get("open_id_token")
    if not token:
        return
    if heading:  # outside the tab that names it
        st.subheader(t("identity_page.basic.token_heading"))
    st.caption(t("identity_page.basic.token_caption"))
    render_segments(token)
    if "open_id_token_header" in outputs:
        st.caption(t("token.header"))
        st.code(json.dumps(outputs["open_id_token_header"], indent=2, ensure_ascii=False), language="json")
    if "open_id_token_claims" in outputs:
        st.caption(t("token.claims"))
        st.dataframe(open_id_claims_table(outputs["open_id_token_claims"]), hide_index=True, width="stretch")


def render_basic(view: IdentityView, result: StepResult) -> None:
    st.caption(t(f"identity_page.presented.{view.presented}"))
    if result.ok:
        render_credentials(result)
        _render_sts_answer(result.outputs)
    else:
        render_step(result)
        _render_identity_id(result)
    st.info(t("identity_page.basic.no_mapping"))
    if not result.ok:  # the refusal's wire is above; STS may have refused an OpenID token we have
        render_open_id_token(result.outputs, heading=True)
        return
    token_tab, wire_tab = st.tabs([t("identity_page.basic.token_heading"), t("step.on_the_wire")])
    with token_tab:
        render_open_id_token(result.outputs)
    with wire_tab:
        render_step(result)
