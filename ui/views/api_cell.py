"""One cell of the matrix, opened: its status, then three tabs: the request and response side by
side; the outcome beside the prediction, the authorizer's reasoning step by step and what the
backend received; the same call as curl (and for SigV4, what was signed). Also the "call one cell"
controls, which open a cell by calling it afresh."""

from __future__ import annotations

from typing import Callable, Mapping

import pandas as pd
import streamlit as st

from flows import api
from flows.api_matrix import PRESENTED, Cell, Presented, masked_canonical_request, route_key
from flows.target import Target
from ui.i18n import t
from ui.state import session
from ui.views.api_table import column_label, row_label
from ui.widgets.step import render_step
from ui.widgets.table import render_table

_CALL_LABELS = {"id_token": "api.with_id_token", "access_token": "api.with_access_token",
                "oauth_access_token": "api_page.with_oauth", "credentials": "api_page.with_credentials",
                "nothing": "api.with_nothing"}
_MARKS = {True: "✅", False: "❌", None: "➖"}


def _default_route(target: Target) -> int:
    """The classic first lesson: the REST Cognito authorizer without scopes."""
    return next((i for i, route in enumerate(target.routes) if route.auth == "COGNITO_USER_POOLS" and not route.scopes), 0)


def render_call_one(target: Target, presenting: Mapping[str, Presented], on_call: Callable[[str, str], None]) -> None:
    """Pick a route and call it with one thing: the same as opening that cell, called afresh."""
    st.subheader(t("api_page.one.heading"))
    routes = {route_key(route): route for route in target.routes}
    chosen = st.selectbox(t("api.route"), list(routes), index=_default_route(target), key="api_route",
                          format_func=lambda key: routes[key].label)
    if routes[chosen].description(session().lang):
        st.caption(routes[chosen].description(session().lang))
    for column, name in zip(st.columns(len(PRESENTED)), PRESENTED):
        column.button(t(_CALL_LABELS[name]), key=f"call-{name}", disabled=name not in presenting,
                      on_click=on_call, args=(chosen, name))


def render_verdict(cell: Cell) -> None:
    """The answer and the prediction side by side (both as table text: the answer is from the wire)."""
    prediction = cell.prediction
    predicted = prediction.outcome if prediction and prediction.status is not None else t("api_page.cell.not_predicted")
    why = t(prediction.message_key, **prediction.params) if prediction else t("api_page.cell.not_predicted")
    rows = [(t("api_page.verdict.outcome"), cell.outcome),
            (t("api_page.verdict.predicted"), predicted),
            (t("api_page.verdict.why"), why),
            (t("api_page.verdict.agreement"), t(f"api_page.agreement.{str(cell.agrees).lower()}"))]
    render_table(pd.DataFrame(rows, columns=[" ", t("api_page.verdict.value")]))  # sentences wrap, never cut


def render_reasoning(cell: Cell) -> None:
    st.markdown(f"**{t('api_page.reasoning.heading')}**")
    rows = [{t("api_page.reasoning.step"): t(step.key, **step.params), t("api_page.reasoning.result"): _MARKS[step.passed],
             t("api_page.reasoning.detail"): step.detail} for step in cell.reasons]
    render_table(pd.DataFrame(rows))


def _render_backend(cell: Cell) -> None:
    received = cell.backend
    if received is None:
        return
    st.caption(t("api_page.backend_identity") if cell.route.auth == "AWS_IAM" else t("api.backend_received"))
    st.json(received)


def render_curl(cell: Cell) -> None:
    if not cell.result.exchanges:
        return
    st.caption(t("api_page.curl"))
    st.code(api.curl_command(cell.result.exchanges[-1], session().reveal_secrets), language="bash")


def _render_signed(cell: Cell) -> None:
    """For SigV4: exactly what was signed, so a learner can redo the signature by hand."""
    outputs = cell.result.outputs
    if "canonical_request" not in outputs:
        return
    canonical, to_sign = st.columns(2)
    canonical.caption(t("api_page.canonical_request"))
    shown = outputs["canonical_request"]
    shown = shown if session().reveal_secrets else masked_canonical_request(shown)
    canonical.code(shown, language="text")
    to_sign.caption(t("api_page.string_to_sign"))
    to_sign.code(outputs["string_to_sign"], language="text")


def render_status(cell: Cell) -> None:
    passed = cell.status is not None and cell.status < 400
    (st.success if passed else st.error)(t("api.status", status=cell.status if cell.status is not None else "—"))


def render_tabs(cell: Cell) -> None:
    """Request and response; the authorizer's reasoning; curl and what SigV4 signed."""
    wire, decision, curl = st.tabs([t("api_page.tab.wire"), t("api_page.tab.reasoning"), t("api_page.tab.curl")])
    with wire:
        render_step(cell.result)
    with decision:
        render_verdict(cell)
        render_reasoning(cell)
        _render_backend(cell)
    with curl:
        render_curl(cell)
        _render_signed(cell)


def render_cell(cell: Cell) -> None:
    st.divider()
    st.subheader(t("api_page.opened", route=row_label(cell.route), presented=column_label(cell.presented)))
    if cell.route.description(session().lang):
        st.caption(cell.route.description(session().lang))
    if cell.route.scopes:
        st.caption(t("api_page.route_scopes", scopes=" ".join(f"`{scope}`" for scope in cell.route.scopes)))
    render_status(cell)
    render_tabs(cell)
