import pandas as pd
import streamlit as st

from ui.state import session, target as session_target
from ui.views.overview_legs import completed_legs
from ui.widgets.diagram import LEGS, four_legs_dot
from ui.widgets.table import render_table
from ui.i18n import t

target = session_target()
st.title(t("overview.title"))
st.caption(t("newcomer.lead.overview"))
st.write(t("overview.intro"))
done = completed_legs(session())
st.graphviz_chart(four_legs_dot(done=done))

for number, leg in enumerate(LEGS, start=1):
    status = t("newcomer.overview.done") if leg in done else t("newcomer.overview.todo")
    st.page_link(f"app_pages/{leg}.py", label=f"{number}. {t(f'leg.{leg}.title')} — {t(f'leg.{leg}.short')} · {status}")

with st.expander(t("overview.topology")):
    st.caption(t("overview.users"))
    render_table(pd.DataFrame([{t("overview.col.username"): u.username, t("overview.col.groups"): ", ".join(u.groups),
                                t("overview.col.note"): u.description(session().lang)} for u in target.users]))
    st.caption(t("overview.routes"))
    render_table(pd.DataFrame([{"api": r.api, "method": r.method, "path": r.path, "auth": r.auth,
                                "scopes": " ".join(r.scopes)} for r in target.routes]))
