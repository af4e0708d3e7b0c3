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
from ui.widgets.table import render_table

_ABSENT = "—"


def _cell(claims: dict[str, Any], name: str) -> str:
    if name not in claims:
        return _ABSENT
    value = claims[name]
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def differing_claims(id_claims: dict[str, Any], access_claims: dict[str, Any]) -> list[str]:
    """The claims whose value (or presence) differs between the two tokens, in token order."""
    names = dict.fromkeys([*id_claims, *access_claims])
    return [name for name in names if _cell(id_claims, name) != _cell(access_claims, name)]


def comparison_table(id_claims: dict[str, Any], access_claims: dict[str, Any], names: list[str]) -> pd.DataFrame:
    return pd.DataFrame([{t("token.claim"): name, t("token.title.id"): _cell(id_claims, name),
                          t("token.title.access"): _cell(access_claims, name),
                          t("token.meaning"): glossary.explain(name, session().lang) or ""} for name in names],
                        columns=[t("token.claim"), t("token.title.id"), t("token.title.access"), t("token.meaning")])


def render_comparison(id_claims: dict[str, Any], access_claims: dict[str, Any]) -> None:
    """The claims that differ first, highlighted; the identical ones collapsed below them."""
    st.subheader(t("compare.heading"))
    differing = differing_claims(id_claims, access_claims)
    same = [name for name in dict.fromkeys([*id_claims, *access_claims]) if name not in differing]
    st.markdown(t("newcomer.compare.differ", count=len(differing)))
    render_table(comparison_table(id_claims, access_claims, differing), marked=frozenset(range(len(differing))))
    with st.expander(t("newcomer.compare.same", count=len(same))):
        render_table(comparison_table(id_claims, access_claims, same))
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
    render_table(pd.DataFrame(rows))
