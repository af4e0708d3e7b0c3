import streamlit as st

from flows import signin
from ui import state
from ui.i18n import t
from ui.step import render_step

target = state.target()
users = {user.username: user for user in target.users}


def sign_in() -> None:
    username, client_name = st.session_state["sign_in_user"], st.session_state["sign_in_client"]
    password = st.session_state.pop(f"password-{username}", "")  # passwords are never kept
    if not username:
        return
    result = signin.sign_in_with_password(target, username, password, client_name)
    state.save_result(result)
    if result.ok and result.outputs.get("id_token"):
        state.save_tokens(result.outputs)


st.title(t("leg.sign_in.title"))
st.write(t("sign_in.intro"))
if users:
    username = st.selectbox(t("sign_in.user"), list(users), key="sign_in_user",
                            format_func=lambda name: f"{name} — {users[name].note}")
    st.text_input(t("sign_in.password"), value=users[username].password, type="password", key=f"password-{username}")
else:
    st.caption(t("sign_in.no_seeded_users"))
    username = st.text_input(t("sign_in.username"), key="sign_in_user")
    st.text_input(t("sign_in.password"), type="password", key=f"password-{username}")
st.selectbox(t("sign_in.client"), [name for name in ("public", "confidential") if name in target.clients],
             key="sign_in_client", format_func=lambda name: f"{name} — {target.clients[name].note}")
st.button(t("sign_in.button"), type="primary", on_click=sign_in)

result = state.result("sign_in")
if result is not None:
    if result.ok and result.outputs.get("id_token"):
        st.success(t("sign_in.success"))
        st.page_link("pages/tokens.py", label=t("sign_in.next"), icon="➡️")
    render_step(result)
