"""What the identity pool is given: the Logins map, whose value is the ID token, and why.

Everything read from a token goes through st.code or the escaped `render_segments`: a claim
is text, never Markdown or HTML.
"""

from __future__ import annotations

import json
from typing import Any

import streamlit as st

from flows.sign_in_facts import claims_of
from flows.target import Target
from ui.i18n import t
from ui.controllers.identity import IdentityChoice
from ui.state import session
from ui.widgets.token_card import render_segments

# The claims that decide what the pool does with a token (aws-facts.md §4.1); iss, long and the
# same in both, gets a line of its own.
_COMPARED_CLAIMS = ("aud", "client_id", "token_use")


def client_name(target: Target, client_id: Any) -> str:
    """Which of the target's app clients issued the token: its mapping decides the role."""
    names = [name for name, client in target.clients.items() if client.client_id == client_id]
    return names[0] if names else t("identity_page.client.unknown")


def _aligned(rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows)


def _signed_in_text(target: Target, claims: dict[str, Any]) -> str:
    client_id = str(claims.get("aud", ""))
    return _aligned([
        (t("identity_page.signed_in.username"), str(claims.get("cognito:username", ""))),
        (t("identity_page.signed_in.client"), f"{client_name(target, client_id)} — {client_id}"),
        (t("identity_page.signed_in.mapping"), f"{target.login_provider}:{client_id}"),
    ])


def _claim_cell(claims: dict[str, Any], name: str) -> str:
    return str(claims[name]) if name in claims else t("identity_page.compare.none")


def comparison_text(id_claims: dict[str, Any], access_claims: dict[str, Any]) -> str:
    header = (t("identity_page.compare.claim"), t("token.title.id"), t("token.title.access"))
    rows = [(name, _claim_cell(id_claims, name), _claim_cell(access_claims, name)) for name in _COMPARED_CLAIMS]
    issuers = {_claim_cell(id_claims, "iss"), _claim_cell(access_claims, "iss")}
    iss = [("iss", issuers.pop() + "  " + t("identity_page.compare.both"))] if len(issuers) == 1 else [
        ("iss", _claim_cell(id_claims, "iss") + "  " + t("token.title.id")),
        ("iss", _claim_cell(access_claims, "iss") + "  " + t("token.title.access"))]
    return _aligned([header, *rows]) + "\n" + _aligned(iss)


def _render_guest() -> None:
    st.caption(t("identity_page.logins.guest"))
    st.code("{}", language="json")


def _render_signed_in(target: Target, tokens: dict[str, str]) -> None:
    id_claims = claims_of(tokens["id_token"])
    st.caption(t("identity_page.signed_in"))
    st.code(_signed_in_text(target, id_claims), language="text", wrap_lines=True)  # the mapping key is long
    st.caption(t("identity.logins_map"))
    st.code(json.dumps({target.login_provider: "<ID token>"}, indent=2), language="json")
    render_segments(tokens["id_token"])
    st.markdown(t("identity_page.why_id_token"))  # catalogue text only
    st.caption(t("identity_page.compare.caption"))
    st.code(comparison_text(id_claims, claims_of(tokens.get("access_token"))), language="text")


def render_login(target: Target, choice: IdentityChoice, tokens: dict[str, str]) -> None:
    """Folded away once there is a result: the first screen shows the button and what came back."""
    if choice.who == "user" and not tokens.get("id_token"):
        st.info(t("identity.sign_in_first"))
        st.page_link("app_pages/sign_in.py", label=t("leg.sign_in.title"), icon="1️⃣")
        return
    with st.expander(t("identity_page.logins.heading"), expanded=session().identity.view is None):
        if choice.who == "guest":
            _render_guest()
        else:
            _render_signed_in(target, tokens)
