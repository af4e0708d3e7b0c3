import streamlit as st

from flows.tokens import inspect_tokens
from ui import state
from ui.i18n import t
from ui.sign_in_run import origin
from ui.step import render_step
from ui.token_audit import render_audit_tab
from ui.token_card import render_token_report
from ui.token_compare import render_comparison, render_predictions
from ui.token_paste import render_paste_tab


def your_tokens() -> None:
    tokens = state.tokens()
    if not tokens:
        st.info(t("tokens.sign_in_first"))
        st.page_link("app_pages/sign_in.py", label=t("leg.sign_in.title"), icon="1️⃣")
        return
    result = state.result("tokens")
    if result is None or st.session_state.get("tokens_inspected") != tokens["id_token"]:
        # Checked against the app client that signed in (public, or the confidential one).
        client_name = origin()["client"] if origin()["client"] in state.target().clients else "public"
        result = inspect_tokens(state.target(), {"id": tokens["id_token"], "access": tokens["access_token"]}, client_name)
        state.save_result(result)
        st.session_state["tokens_inspected"] = tokens["id_token"]
    if result.ok:
        id_report, access_report = result.outputs["id"], result.outputs["access"]
        id_column, access_column = st.columns(2)
        with id_column:
            render_token_report(id_report, tokens["id_token"])
        with access_column:
            render_token_report(access_report, tokens["access_token"])
        render_comparison(id_report.decoded.claims, access_report.decoded.claims)
        which = st.radio(t("tokens.predict_for"), ["id", "access"], horizontal=True, key="predict_for",
                         format_func=lambda name: t(f"token.title.{name}"))
        render_predictions(result.outputs[which].verification, state.target(), which)
        st.page_link("app_pages/identity_pool.py", label=t("tokens.next"), icon="➡️")
    render_step(result)


st.title(t("leg.tokens.title"))
st.write(t("tokens.intro"))
mine, pasted, audit = st.tabs([t("tokens.tab.mine"), t("tokens.tab.paste"), t("tokens.tab.audit")])
with mine:
    your_tokens()
with pasted:
    render_paste_tab()
with audit:
    render_audit_tab()
