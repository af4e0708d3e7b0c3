"""Text in the learner's language, from the catalogues of flows/locales."""

from __future__ import annotations

from typing import Any

from flows import i18n
from ui.state import session


def t(key: str, **params: Any) -> str:
    return i18n.text(key, session().lang, **params)
