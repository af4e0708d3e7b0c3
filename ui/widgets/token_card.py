"""A decoded token: coloured segments, header, claims with their meaning, the checklist."""

from __future__ import annotations

import datetime
import html
import json
import uuid
import zoneinfo
from typing import Any

import pandas as pd
import streamlit as st

from flows import glossary
from flows.jwt_verify import Verification
from flows.tokens import TokenReport
from ui.state import session
from ui.i18n import t
from ui.widgets.table import render_table

_TIME_CLAIMS = frozenset({"exp", "iat", "auth_time", "nbf"})
# Okabe–Ito colours stay distinct under the common colour-vision deficiencies; each segment is
# also named in the legend, so colour is never the only cue.
SEGMENT_COLOURS = {"header": "#0072B2", "payload": "#D55E00", "signature": "#009E73"}


def _browser_zone() -> datetime.tzinfo:
    try:
        return zoneinfo.ZoneInfo(st.context.timezone or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return datetime.timezone.utc


def _when(epoch: Any) -> str:
    if not isinstance(epoch, (int, float)) or isinstance(epoch, bool):
        return ""
    try:
        moment = datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc)
    except (OverflowError, OSError, ValueError):
        return ""
    local = moment.astimezone(_browser_zone())
    return f"{moment:%Y-%m-%d %H:%M:%S} UTC · {local:%Y-%m-%d %H:%M:%S %Z}"


def _shown(name: str, value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return f"{text}  ({_when(value)})" if name in _TIME_CLAIMS and _when(value) else text


def claims_table(claims: dict[str, Any]) -> pd.DataFrame:
    rows = [{t("token.claim"): name, t("token.value"): _shown(name, value),
             t("token.meaning"): glossary.explain(name, session().lang) or ""} for name, value in claims.items()]
    return pd.DataFrame(rows)


def checks_table(verification: Verification | None) -> pd.DataFrame:
    marks = {True: "✅", False: "❌", None: "—"}
    checks = verification.checks if verification else ()
    lang = session().lang
    return pd.DataFrame([{t("token.check"): c.name, t("token.result"): marks[c.passed],
                          t("token.reason"): c.reason_in(lang)} for c in checks])


def render_segments(token: str) -> None:
    """The token's three parts in three colours, as text (escaped: nothing in it can run)."""
    parts = token.strip().split(".")
    if len(parts) != 3:
        return
    spans = [f'<span style="color:{colour}">{html.escape(part)}</span>'
             for part, colour in zip(parts, SEGMENT_COLOURS.values())]
    legend = " ".join(f'<span style="color:{colour}">■ {html.escape(t("token.segment." + name))}</span>'
                      for name, colour in SEGMENT_COLOURS.items())
    st.html(f'<div style="font-family:monospace;word-break:break-all;font-size:0.8em">{".".join(spans)}</div>'
            f'<div style="font-size:0.8em">{legend}</div>')


def render_countdown(exp: Any) -> None:
    """A live countdown to exp, ticking in the browser (no reruns of the app)."""
    if not isinstance(exp, (int, float)) or isinstance(exp, bool):
        return
    # Only our own catalogue text and an integer go into this script; nothing from the token.
    expired, left = json.dumps(t("token.expired")), json.dumps(t("token.expires_in"))
    element_id = f"countdown-{uuid.uuid4().hex}"
    st.html(
        f"""<div id="{element_id}" data-testid="token-countdown" style="font-size:14px"></div><script>
        (() => {{
          const exp = {int(exp)}, box = document.getElementById("{element_id}");
          const tick = () => {{
            const s = exp - Math.floor(Date.now() / 1000);
            const h = Math.floor(s / 3600), m = Math.floor(s % 3600 / 60), r = s % 60;
            if (box) box.textContent = s > 0 ? {left} + " " + h + "h " + m + "m " + r + "s" : {expired};
          }};
          tick(); setInterval(tick, 1000);
        }})();</script>""", unsafe_allow_javascript=True)


def show_problem(headline: str, detail: str) -> None:
    """Our headline in an alert; the detail, which may quote the token, as plain text only
    (an alert renders Markdown, and a claim like [x](https://evil) would become a link)."""
    st.error(headline)
    if detail:
        st.code(detail, language="text")


def _verdict(report: TokenReport) -> None:
    verification = report.verification
    if verification is None:
        problem = report.format_error
        show_problem(t("token.malformed"), problem.text(session().lang) if problem else "")
    elif verification.valid:
        st.success(t("token.valid"))
    else:
        show_problem(t("token.invalid", code=verification.error.code), verification.error.message_in(session().lang))


def render_token_report(report: TokenReport, token: str) -> None:
    st.markdown(f"#### {t(f'token.title.{report.name}')}")
    _verdict(report)
    if report.decoded is None:
        return
    render_segments(token)
    render_countdown(report.decoded.claims.get("exp"))
    # Long: folded, so the first screen shows both verdicts and the comparison below them.
    with st.expander(f"{t('token.claims')} · {t('token.checklist')} · {t('token.header')}"):
        st.caption(t("token.claims"))
        render_table(claims_table(report.decoded.claims))
        st.caption(t("token.checklist"))
        render_table(checks_table(report.verification))
        st.caption(t("token.header"))
        st.code(json.dumps(report.decoded.header, indent=2, ensure_ascii=False), language="json")
