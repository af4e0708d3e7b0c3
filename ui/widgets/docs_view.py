"""Render a doc page of docs/ with the same section anchors the docs link to."""

from __future__ import annotations

import re

import streamlit as st

from flows.docs_links import headings

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_FENCE = re.compile(r"^\s*(```+|~~~+)")
_DOC_LINK = re.compile(r"\]\((?!https?://|/|#)([\w-]+)\.md(#[^)]*)?\)")


def dashboard_links(markdown: str) -> str:
    """`tokens.md#x` (a link between doc pages) → the Reference page showing that section."""
    return _DOC_LINK.sub(lambda m: f"](/reference?doc={m[1]}{m[2] or ''})", markdown)


def _sections(markdown: str) -> list[tuple[int, str, str]]:
    """(heading level, heading text, body) in order; level 0 is the text before any heading."""
    sections, level, title, body, fence = [], 0, "", [], False
    for line in markdown.splitlines():
        fence = fence != bool(_FENCE.match(line))
        match = None if fence else _HEADING.match(line)
        if match:
            sections.append((level, title, "\n".join(body)))
            level, title, body = len(match[1]), match[2], []
        else:
            body.append(line)
    return sections + [(level, title, "\n".join(body))]


def render_doc(markdown: str) -> None:
    anchors = iter(h.anchor for h in headings(markdown))
    for level, title, body in _sections(dashboard_links(markdown)):
        if level == 1:
            st.title(title, anchor=next(anchors))
        elif level == 2:
            st.header(title, anchor=next(anchors), divider="gray")
        elif level >= 3:
            st.subheader(title, anchor=next(anchors))
        if body.strip():
            st.markdown(body)
