"""Leg 2: ID token versus access token. The session's tokens, checked by
ui/controllers/tokens.py; a pasted token; many tokens audited at once."""

import streamlit as st

from ui.controllers import tokens as controller
from ui.i18n import t
from ui.state import session, target
from ui.views.token_audit import render_audit_tab
from ui.views.token_compare import render_comparison, render_predictions
from ui.views.token_paste import render_paste_tab
from ui.widgets.step import render_step
from ui.widgets.token_card import render_token_report


def your_tokens() -> None:
    result = controller.checked_tokens()
    if result is None:
        st.info(t("tokens.sign_in_first"))
        st.page_link("app_pages/sign_in.py", label=t("leg.sign_in.title"), icon="1️⃣")
        return
    if result.ok:
        tokens = session().tokens
        id_report, access_report = result.outputs["id"], result.outputs["access"]
        id_column, access_column = st.columns(2)
        with id_column:
            render_token_report(id_report, tokens["id_token"])
        with access_column:
            render_token_report(access_report, tokens["access_token"])
        render_comparison(id_report.decoded.claims, access_report.decoded.claims)
        which = st.radio(t("tokens.predict_for"), ["id", "access"], horizontal=True, key="predict_for",
                         format_func=lambda name: t(f"token.title.{name}"))
        render_predictions(result.outputs[which].verification, target(), which)
        st.page_link("app_pages/identity_pool.py", label=t("tokens.next"), icon="➡️")
    render_step(result)


st.title(t("leg.tokens.title"))
st.caption(t("newcomer.lead.tokens"))
st.write(t("tokens.intro"))
mine, pasted, audit = st.tabs([t("tokens.tab.mine"), t("tokens.tab.paste"), t("tokens.tab.audit")])
with mine:
    your_tokens()
with pasted:
    render_paste_tab()
with audit:
    render_audit_tab()
