"""An HTTP request and its response, side by side, exactly as captured (secrets masked)."""

from __future__ import annotations

import json

import streamlit as st

from flows.capture import Exchange
from ui.i18n import t


def _pretty(body: str) -> str:
    try:
        return json.dumps(json.loads(body), indent=2, ensure_ascii=False)
    except (json.JSONDecodeError, TypeError):
        return body


def _headers_text(headers: tuple[tuple[str, str], ...]) -> str:
    return "\n".join(f"{name}: {value}" for name, value in headers)


def _language(body: str) -> str:
    return "json" if body.strip().startswith(("{", "[")) else "text"


def _render_request(exchange: Exchange) -> None:
    request = exchange.request
    st.caption(t("exchange.request"))
    # st.code shows text as text: nothing from the wire is ever rendered as Markdown or HTML.
    st.code(f"{request.method} {request.url}\n{_headers_text(request.headers)}", language="http")
    if request.body:
        st.code(_pretty(request.body), language=_language(request.body))


def _render_response(exchange: Exchange) -> None:
    st.caption(t("exchange.response", elapsed=f"{exchange.elapsed_ms:.0f}"))
    response = exchange.response
    if response is None:
        st.error(t("exchange.no_response", error=exchange.error or ""))
        return
    st.code(f"HTTP {response.status}\n{_headers_text(response.headers)}", language="http")
    if response.body:
        st.code(_pretty(response.body), language=_language(response.body))


def render_exchange(exchange: Exchange, reveal: bool) -> None:
    shown = exchange if reveal else exchange.masked()
    left, right = st.columns(2)
    with left:
        _render_request(shown)
    with right:
        _render_response(shown)


def render_exchanges(exchanges: list[Exchange], reveal: bool) -> None:
    for number, exchange in enumerate(exchanges, start=1):
        with st.expander(f"{number}. {exchange.label}", expanded=True):
            render_exchange(exchange, reveal)
