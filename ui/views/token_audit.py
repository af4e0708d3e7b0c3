"""Audit many tokens at once: a table of verdicts, a chart of failure causes, a CSV."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from flows.audit import AuditInputError, rows_to_csv, rows_to_dataframe, summarize
from flows.jwks import JwksError
from ui.controllers import tokens as controller
from ui.i18n import t

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
            rows = controller.audit(lines)
    except (AuditInputError, JwksError) as error:
        st.code(str(error), language="text")  # may quote the uploaded file: shown as text
        return
    summary = summarize(rows)
    st.bar_chart(pd.Series(summary, name=t("audit.count")))
    st.dataframe(rows_to_dataframe(rows), hide_index=True, width="stretch")
    st.download_button(t("audit.download"), rows_to_csv(rows), file_name="token-audit.csv", mime="text/csv")
