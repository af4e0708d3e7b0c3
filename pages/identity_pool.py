import pandas as pd
import streamlit as st

from flows import identity
from flows.redact import mask_mapping
from ui import state
from ui.i18n import t
from ui.step import render_step

target = state.target()
tokens = state.tokens()
st.title(t("leg.identity_pool.title"))
st.write(t("identity.intro"))
if not tokens:
    st.info(t("identity.sign_in_first"))
    st.page_link("pages/sign_in.py", label=t("leg.sign_in.title"), icon="1️⃣")
    st.stop()

st.caption(t("identity.logins_map"))
st.code(f'{{"{target.login_provider}": "<ID token>"}}', language="json")
exchange, wrong_token = st.columns(2)
if exchange.button(t("identity.exchange"), type="primary"):
    state.save_result(identity.get_credentials(target, tokens["id_token"]))
if wrong_token.button(t("identity.try_access_token")):
    state.save_result(identity.get_credentials(target, tokens["access_token"]))

result = state.result("identity_pool")
if result is not None:
    if result.ok:
        st.success(t("identity.success", identity_id=result.outputs["identity_id"]))
        shown = result.outputs if state.reveal_secrets() else mask_mapping(result.outputs)
        st.dataframe(pd.DataFrame([{"field": k, "value": str(v)} for k, v in shown.items()]),
                     hide_index=True, width="stretch")
        st.page_link("pages/api_gateway.py", label=t("identity.next"), icon="➡️")
    render_step(result)
