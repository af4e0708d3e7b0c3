import pandas as pd
import streamlit as st

from ui.state import session, target as session_target
from ui.widgets.diagram import LEGS, four_legs_dot
from ui.i18n import t

target = session_target()
st.title(t("overview.title"))
st.write(t("overview.intro"))
st.graphviz_chart(four_legs_dot(done={leg for leg in LEGS if session().result(leg)}))

for number, leg in enumerate(LEGS, start=1):
    st.page_link(f"app_pages/{leg}.py", label=f"{number}. {t(f'leg.{leg}.title')} — {t(f'leg.{leg}.short')}")

with st.expander(t("overview.topology")):
    st.caption(t("overview.users"))
    st.dataframe(pd.DataFrame([{t("overview.col.username"): u.username, t("overview.col.groups"): ", ".join(u.groups),
                                 t("overview.col.note"): u.description(session().lang)}
                               for u in target.users]), hide_index=True, width="stretch")
    st.caption(t("overview.routes"))
    st.dataframe(pd.DataFrame([{"api": r.api, "method": r.method, "path": r.path, "auth": r.auth,
                                "scopes": " ".join(r.scopes)} for r in target.routes]),
                 hide_index=True, width="stretch")
