"""Paste any JWT: decode it and show its claims, whatever else happens; diagnose it (what is
wrong, knowable without keys first; what would settle the rest); then the checklist."""

from __future__ import annotations

import streamlit as st

from flows.jwt_verify import Expectations
from flows.paste import Diagnosis, PastedReport
from ui.controllers import tokens as controller
from ui.state import session, target
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
    allow_fetch = st.checkbox(t("paste.allow_fetch"), value=True, key="paste_allow_fetch")
    expect = _expectations()
    if not st.button(t("paste.verify"), type="primary") or not token.strip():
        return
    report = controller.check_pasted(token, jwks, expect, allow_fetch)
    if report.format_error:
        show_problem(t("token.malformed"), report.format_error.text(session().lang))
        return
    _render_report(report, token)


def _render_report(report: PastedReport, token: str) -> None:
    verification, diagnosis = report.verification, report.diagnosis
    st.caption(t(report.keys.origin))
    _render_diagnosis(diagnosis)
    st.caption(t("paste.claims_title"))  # the claims, always: the first thing a 401 needs
    render_table(claims_table(verification.claims))
    render_segments(token.strip().removeprefix("Bearer ").strip())
    render_countdown(verification.claims.get("exp"))
    render_table(checks_table(verification))
    render_predictions(verification, target(), "paste")


def _render_diagnosis(diagnosis: Diagnosis) -> None:
    """Our headline in the alert; the sentences, which quote the token's claims, as plain text
    only (an alert renders Markdown, and a claim like [x](https://evil) would become a link)."""
    lang = session().lang
    if diagnosis.valid:
        st.success(t("paste.valid"))
    else:
        code = diagnosis.headline.code  # the stable code too: it is what docs and logs search for
        st.error(f"{t('token.invalid', code=code)} — {t(f'diagnosis.code.{code}')}")
        st.code("\n".join(f.text(lang) for f in diagnosis.findings) or diagnosis.headline.text(lang),
                language="text")
    st.caption(t("diagnosis.facts"))
    st.code("\n".join(f.text(lang) for f in diagnosis.facts), language="text")
    if diagnosis.settle:
        st.info(t("diagnosis.settle_title"))
        st.code("\n".join(f.text(lang) for f in diagnosis.settle), language="text")
