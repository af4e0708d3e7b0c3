"""Audit many tokens at once: a table of verdicts, a chart of failure causes, a CSV. Works with
no reachable JWKS too: every claim is still judged, and the page says signatures are unchecked."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from flows.audit import AuditInputError, explain_reasons, rows_to_csv, rows_to_dataframe, summarize
from ui.controllers import tokens as controller
from ui.i18n import t
from ui.state import session

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


def render_audit_tab() -> None:
    st.write(t("audit.intro"))
    upload = st.file_uploader(t("audit.file"), type=["txt", "log", "csv", "jsonl", "json"], key="audit_file")
    if upload is None:
        return
    if upload.size > MAX_UPLOAD_BYTES:
        st.error(t("audit.too_big", megabytes=MAX_UPLOAD_BYTES // (1024 * 1024)))
        return
    lines = upload.getvalue().decode("utf-8", errors="replace").splitlines()
    try:
        with st.spinner(t("audit.running", count=len(lines))):
            audited = controller.audit(lines)
    except AuditInputError as error:
        st.code(str(error), language="text")  # may quote the uploaded file: shown as text
        return
    lang = session().lang
    if audited.key_problem is not None:
        st.warning(t("audit.keys_unavailable"))
        st.code(audited.key_problem.message, language="text")
    summary = summarize(audited.rows)
    st.bar_chart(pd.Series(summary, name=t("audit.count")))
    st.code("\n".join(explain_reasons(summary, lang)), language="text")
    st.dataframe(rows_to_dataframe(audited.rows, lang), hide_index=True, width="stretch")
    st.download_button(t("audit.download"), rows_to_csv(audited.rows, lang), file_name="token-audit.csv",
                       mime="text/csv")
