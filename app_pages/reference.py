from pathlib import Path

import streamlit as st

from ui.state import session
from ui.widgets.docs_view import render_doc
from ui.i18n import t

DOCS = Path(__file__).resolve().parent.parent / "docs"
pages = sorted(path.stem for path in (DOCS / session().lang).glob("*.md"))
st.title(t("page.reference"))
st.caption(t("newcomer.lead.reference"))
if not pages:
    st.info(t("reference.none"))
    st.stop()
requested = st.query_params.get("doc", pages[0])
choice = st.selectbox(t("reference.page"), pages, index=pages.index(requested) if requested in pages else 0)
st.query_params["doc"] = choice
# Our own docs, written in this repository: the one place Markdown is rendered as Markdown.
render_doc((DOCS / session().lang / f"{choice}.md").read_text(encoding="utf-8"))
