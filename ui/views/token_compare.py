"""ID token versus access token, claim by claim, and what each consumer would decide."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import streamlit as st

from flows import consumers, glossary
from flows.jwt_verify import Verification
from flows.target import Target
from ui.state import session
from ui.i18n import t

_ABSENT = "—"


def _cell(claims: dict[str, Any], name: str) -> str:
    if name not in claims:
        return _ABSENT
    value = claims[name]
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def comparison_table(id_claims: dict[str, Any], access_claims: dict[str, Any]) -> pd.DataFrame:
    names = list(dict.fromkeys([*id_claims, *access_claims]))
    return pd.DataFrame([{t("token.claim"): name, t("token.title.id"): _cell(id_claims, name),
                          t("token.title.access"): _cell(access_claims, name),
                          t("token.meaning"): glossary.explain(name, session().lang) or ""} for name in names])


def render_comparison(id_claims: dict[str, Any], access_claims: dict[str, Any]) -> None:
    st.subheader(t("compare.heading"))
    st.dataframe(comparison_table(id_claims, access_claims), hide_index=True, width="stretch")
    left, right = st.columns(2)
    left.info(t("compare.id_is_for"), icon="🪪")
    right.info(t("compare.access_is_for"), icon="🔑")


def render_predictions(verification: Verification, target: Target, key: str) -> None:
    st.markdown(f"**{t('predict.heading')}**")
    scope = st.selectbox(t("predict.scope"), consumers.scopes_to_try(target), key=f"predict-scope-{key}")
    audience = st.text_input(t("predict.audience"), value=consumers.default_audience(target), key=f"predict-audience-{key}")
    found = consumers.predictions(verification, target, scope, consumers.audience_from(audience))
    rows = [{t("predict.consumer"): t(p.gate_key), t("predict.outcome"): ("✅ " if p.passes else "❌ ") + p.outcome,
             t("predict.why"): t(p.message_key, **p.params)} for p in found]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
