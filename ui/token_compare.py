"""ID token versus access token, claim by claim, and what each consumer would decide."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import streamlit as st

from flows import glossary, predict
from flows.jwt_verify import Verification
from flows.target import Target
from ui import state
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
                          t("token.meaning"): glossary.explain(name, state.lang()) or ""} for name in names])


def render_comparison(id_claims: dict[str, Any], access_claims: dict[str, Any]) -> None:
    st.subheader(t("compare.heading"))
    st.dataframe(comparison_table(id_claims, access_claims), hide_index=True, width="stretch")
    left, right = st.columns(2)
    left.info(t("compare.id_is_for"), icon="🪪")
    right.info(t("compare.access_is_for"), icon="🔑")


def predictions(verification: Verification, target: Target, scope: str, audience: tuple[str, ...]) -> list[predict.Prediction]:
    pool_clients = tuple(c.client_id for name, c in target.clients.items() if name in ("public", "confidential"))
    return [
        predict.rest_cognito(verification, target.issuer),
        predict.rest_cognito(verification, target.issuer, (scope,)),
        predict.http_jwt(verification, target.issuer, audience),
        predict.identity_pool(verification, target.issuer, pool_clients),
    ]


def render_predictions(verification: Verification, target: Target, key: str) -> None:
    st.markdown(f"**{t('predict.heading')}**")
    scopes = sorted({s for r in target.routes for s in r.scopes}) or ["aws.cognito.signin.user.admin"]
    scope = st.selectbox(t("predict.scope"), scopes, key=f"predict-scope-{key}")
    default_audience = ", ".join(c.client_id for name, c in target.clients.items() if name != "machine")
    audience = st.text_input(t("predict.audience"), value=default_audience, key=f"predict-audience-{key}")
    audience_ids = tuple(a.strip() for a in audience.split(",") if a.strip())
    rows = [{t("predict.consumer"): t(p.consumer), t("predict.outcome"): ("✅ " if p.passes else "❌ ") + p.outcome,
             t("predict.why"): t(p.reason, **p.params)} for p in predictions(verification, target, scope, audience_ids)]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
