"""A table of facts (flows.sign_in_facts): headings and message-key values in the learner's
language, wire text as it was, secrets masked unless revealed."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from flows.redact import mask
from flows.sign_in_facts import Fact, Row
from ui.i18n import t
from ui.state import session
from ui.widgets.table import render_table


def _shown(fact: Fact, reveal: bool) -> str:
    if fact.translate:
        return t(fact.value) if fact.value else ""
    return mask(fact.value) if fact.secret and not reveal else fact.value


def render_facts(rows: tuple[Row, ...]) -> None:
    reveal = session().reveal_secrets
    frame = pd.DataFrame([{t(fact.column): _shown(fact, reveal) for fact in row} for row in rows])
    render_table(frame)
