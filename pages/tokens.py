import streamlit as st

from flows.tokens import inspect_tokens
from ui import state
from ui.i18n import t
from ui.step import render_step
from ui.token_card import render_token_report

target = state.target()
tokens = state.tokens()
st.title(t("leg.tokens.title"))
st.write(t("tokens.intro"))
if not tokens:
    st.info(t("tokens.sign_in_first"))
    st.page_link("pages/sign_in.py", label=t("leg.sign_in.title"), icon="1️⃣")
    st.stop()

result = state.result("tokens")
if result is None or st.session_state.get("tokens_inspected") != tokens["id_token"]:
    result = inspect_tokens(target, {"id": tokens["id_token"], "access": tokens["access_token"]})
    state.save_result(result)
    st.session_state["tokens_inspected"] = tokens["id_token"]

if result.ok:
    id_column, access_column = st.columns(2)
    with id_column:
        render_token_report(result.outputs["id"])
    with access_column:
        render_token_report(result.outputs["access"])
    st.page_link("pages/identity_pool.py", label=t("tokens.next"), icon="➡️")
render_step(result)
