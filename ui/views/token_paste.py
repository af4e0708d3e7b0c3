"""Paste any JWT: decode it, verify it with safely chosen keys, see the checklist."""

from __future__ import annotations

import streamlit as st

from flows.jwt_verify import Expectations
from ui.controllers import tokens as controller
from ui.state import target
from ui.i18n import t
from ui.widgets.token_card import checks_table, claims_table, show_problem, render_countdown, render_segments
from ui.views.token_compare import render_predictions
from ui.widgets.table import render_table


def _expectations() -> Expectations:
    chosen = target()
    left, middle, right = st.columns(3)
    token_use = left.selectbox(t("paste.token_use"), ["", "id", "access"], key="paste_token_use",
                               format_func=lambda v: v or t("paste.any"))
    client = middle.text_input(t("paste.client_id"), key="paste_client")
    grace = right.number_input(t("paste.grace"), min_value=0, max_value=300, value=0, key="paste_grace")
    return Expectations(issuer=chosen.issuer, client_ids=(client.strip(),) if client.strip() else (),
                        token_use=token_use or None, grace_seconds=int(grace))


def render_paste_tab() -> None:
    st.write(t("paste.intro"))
    token = st.text_area(t("paste.token"), key="paste_token", height=120)
    jwks = st.text_area(t("paste.jwks"), key="paste_jwks", height=80, help=t("paste.jwks_help"))
    expect = _expectations()
    if not st.button(t("paste.verify"), type="primary") or not token.strip():
        return
    report = controller.check_pasted(token, jwks, expect)
    if report.format_error:
        show_problem(t("token.malformed"), report.format_error)
        return
    st.caption(t(report.keys.origin))
    if report.verification is None:
        show_problem(t("paste.no_keys"), report.keys.error or "")
        return
    verification = report.verification
    if verification.valid:
        st.success(t("paste.valid"))
    else:
        show_problem(t("token.invalid", code=verification.error.code), verification.error.message)
    render_segments(token.strip().removeprefix("Bearer ").strip())
    render_countdown(verification.claims.get("exp"))
    render_table(checks_table(verification))
    render_table(claims_table(verification.claims))
    render_predictions(verification, target(), "paste")
