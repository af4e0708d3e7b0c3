"""Page-wide style that keeps text whole at 1280 px: a button's label wraps onto a second line
instead of ending in "…" (Streamlit cuts it to one line by default), and the sidebar's ids (user
pool, identity pool) wrap instead of scrolling out of its narrow code box."""

from __future__ import annotations

import streamlit as st

_LABELS = "[data-testid^='stBaseButton'] [data-testid='stMarkdownContainer']"
READABLE_CSS = (
    "<style>"
    f"{_LABELS}, {_LABELS} p {{white-space: normal; overflow: visible; text-overflow: clip; overflow-wrap: anywhere}}"
    "[data-testid^='stBaseButton'] {height: auto; min-height: 2.5rem}"
    "[data-testid='stSidebar'] [data-testid='stCode'] pre, [data-testid='stSidebar'] [data-testid='stCode'] code"
    " {white-space: pre-wrap !important; overflow-wrap: anywhere; word-break: break-all}"
    "</style>"
)


def apply_readable_style() -> None:
    """Once per script run, before the page draws (a style-only st.html takes no space)."""
    st.html(READABLE_CSS)
