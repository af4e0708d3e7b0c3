"""Audit many tokens at once: a table of verdicts, a chart of failure causes, a CSV. Works with
no reachable JWKS too: every claim is still judged, and the page says signatures are unchecked."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from flows.audit import AuditInputError, explain_reasons, rows_to_csv, rows_to_dataframe, summarize
from ui.controllers import tokens as controller
from ui.i18n import t
from ui.widgets.table import render_table
from ui.state import session

UPLOAD_OPTION = "server.maxUploadSize"  # megabytes; .streamlit/config.toml sets it


def max_upload_megabytes() -> int:
    """What the lab accepts: Streamlit's own upload limit, so the uploader says the same number
    and refuses a bigger file before sending it (not after a long upload)."""
    return int(st.get_option(UPLOAD_OPTION))


def render_audit_tab() -> None:
    st.write(t("audit.intro"))
    upload = st.file_uploader(t("audit.file"), type=["txt", "log", "csv", "jsonl", "json"], key="audit_file")
    if upload is None:
        return
    limit = max_upload_megabytes()
    if upload.size > limit * 1024 * 1024:
        st.error(t("audit.too_big", megabytes=limit))
        return
    lines = upload.getvalue().decode("utf-8", errors="replace").splitlines()
    if not any(line.strip() for line in lines):
        st.warning(t("newcomer.audit.empty", name=upload.name))  # nothing to count, chart or download
        return
    try:
        with st.spinner(t("audit.running", count=len(lines))):
            audited = controller.audit(lines)
    except AuditInputError as error:
        st.code(error.text(session().lang), language="text")  # may quote the uploaded file: shown as text
        return
    if not audited.rows:
        st.warning(t("newcomer.audit.no_tokens", name=upload.name))
        return
    lang = session().lang
    if audited.key_problem is not None:
        st.warning(t("audit.keys_unavailable"))
        st.code(audited.key_problem.text(lang), language="text")
    summary = summarize(audited.rows)
    st.bar_chart(pd.Series(summary, name=t("audit.count")))
    st.code("\n".join(explain_reasons(summary, lang)), language="text")
    render_table(rows_to_dataframe(audited.rows, lang))
    st.download_button(t("audit.download"), rows_to_csv(audited.rows, lang), file_name="token-audit.csv",
                       mime="text/csv")
