"""The sidebar's "Export this walkthrough": Markdown for a wiki, JSON for tools."""

from __future__ import annotations

import json

import streamlit as st

from flows import export
from ui.state import session
from ui.i18n import t


def render_export_panel() -> None:
    with st.sidebar.expander(t("export.heading")):
        results = export.ordered(session().results)
        if not results:
            st.caption(t("export.nothing"))
            return
        signatures = st.checkbox(t("export.signatures"), key="export_signatures")
        solved = {name: session().exercises.hints.get(name, 0) for name in session().exercises.solved}
        options = {"lang": session().lang, "reveal_secrets": session().reveal_secrets, "include_signatures": signatures,
                   "exercises": solved}
        st.download_button(t("export.markdown"), export.export_markdown(results, **options),
                           file_name="cognito-lab-walkthrough.md", mime="text/markdown")
        st.download_button(t("export.json"), json.dumps(export.export_json(results, **options), indent=2, ensure_ascii=False),
                           file_name="cognito-lab-walkthrough.json", mime="application/json")
