"""A decoded token: header, claims with their meaning, and the verification checklist."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import streamlit as st

from flows import glossary
from flows.jwt_decode import utc_iso
from flows.tokens import TokenReport
from ui import state
from ui.i18n import t

_TIME_CLAIMS = frozenset({"exp", "iat", "auth_time", "nbf"})


def _shown(name: str, value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    if name in _TIME_CLAIMS:
        text += f"  ({utc_iso(value)})"
    return text


def claims_table(claims: dict[str, Any]) -> pd.DataFrame:
    rows = [{t("token.claim"): name, t("token.value"): _shown(name, value),
             t("token.meaning"): glossary.explain(name, state.lang()) or ""} for name, value in claims.items()]
    return pd.DataFrame(rows)


def checks_table(report: TokenReport) -> pd.DataFrame:
    marks = {True: "✅", False: "❌", None: "—"}
    checks = report.verification.checks if report.verification else ()
    return pd.DataFrame([{t("token.check"): c.name, t("token.result"): marks[c.passed], t("token.reason"): c.reason}
                         for c in checks])


def _verdict(report: TokenReport) -> None:
    verification = report.verification
    if verification is None:
        st.error(t("token.malformed", reason=report.format_error or ""))
    elif verification.valid:
        st.success(t("token.valid"))
    else:
        st.error(t("token.invalid", code=verification.error.code, message=verification.error.message))


def render_token_report(report: TokenReport) -> None:
    st.markdown(f"#### {t(f'token.title.{report.name}')}")
    _verdict(report)
    if report.decoded is None:
        return
    st.caption(t("token.header"))
    st.code(json.dumps(report.decoded.header, indent=2, ensure_ascii=False), language="json")
    st.caption(t("token.claims"))
    st.dataframe(claims_table(report.decoded.claims), hide_index=True, width="stretch")
    st.caption(t("token.checklist"))
    st.dataframe(checks_table(report), hide_index=True, width="stretch")
