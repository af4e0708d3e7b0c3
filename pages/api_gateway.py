import streamlit as st

from flows import api
from ui import state
from ui.i18n import t
from ui.step import render_step

target = state.target()
tokens = state.tokens()
st.title(t("leg.api_gateway.title"))
st.write(t("api.intro"))
routes = {route.label: route for route in target.routes if route.auth != "AWS_IAM"}
default = next(i for i, r in enumerate(routes.values()) if r.auth == "COGNITO_USER_POOLS" and not r.scopes)
route = routes[st.selectbox(t("api.route"), list(routes), index=default, key="api_route")]
if route.note:
    st.caption(route.note)

presented = {"id_token": t("api.with_id_token"), "access_token": t("api.with_access_token"), "": t("api.with_nothing")}
columns = st.columns(len(presented))
for column, (token_name, label) in zip(columns, presented.items()):
    if column.button(label, disabled=bool(token_name) and token_name not in tokens, key=f"call-{token_name or 'none'}"):
        state.save_result(api.call_route(target, route, tokens.get(token_name) if token_name else None))

result = state.result("api_call")
if result is not None:
    status = result.outputs.get("status")
    (st.success if result.ok else st.error)(t("api.status", status=status))
    body = result.outputs.get("body")
    if result.ok and isinstance(body, dict):
        st.caption(t("api.backend_received"))
        st.json(body.get("requestContext", {}).get("authorizer", {}))
    render_step(result)
