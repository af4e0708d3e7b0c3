"""The four legs as a diagram (Graphviz, which Streamlit renders natively)."""

from __future__ import annotations

from ui.i18n import t

LEGS = ("sign_in", "tokens", "identity_pool", "api_gateway")


def four_legs_dot(done: set[str], current: str | None = None) -> str:
    """DOT source: browser → user pool → tokens → identity pool → API, done legs filled."""
    nodes = []
    for number, leg in enumerate(LEGS, start=1):
        style = 'style="filled,bold" fillcolor="#cfe8ff"' if leg in done else 'style="rounded"'
        pen = " penwidth=3" if leg == current else ""
        label = f"{number}. {t(f'leg.{leg}.title')}\\n{t(f'leg.{leg}.short')}"
        nodes.append(f'  {leg} [shape=box {style}{pen} label="{_escape(label)}"];')
    edges = [f"  {a} -> {b};" for a, b in zip(LEGS, LEGS[1:])]
    return "digraph legs {\n  rankdir=LR;\n  node [fontname=Helvetica];\n" + "\n".join(nodes + edges) + "\n}"


def _escape(text: str) -> str:
    return text.replace('"', '\\"')
