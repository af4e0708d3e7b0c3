"""All user-facing text, from one catalogue per language (`flows/locales/<lang>/*.json`,
one file per area, merged; a key may appear in only one file).

Flows return message keys, not sentences, so the dashboard can show every explanation in the
learner's language and the command line in English.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

LANGUAGES = {"en": "English", "ja": "日本語"}
_LOCALES = Path(__file__).parent / "locales"


@functools.cache
def catalogue(lang: str) -> dict[str, str]:
    merged: dict[str, str] = {}
    for path in sorted((_LOCALES / lang).glob("*.json")):
        part = json.loads(path.read_text(encoding="utf-8"))
        duplicated = merged.keys() & part.keys()
        if duplicated:
            raise ValueError(f"{path.name} repeats keys of another catalogue file: {sorted(duplicated)}")
        merged.update(part)
    return merged


def missing_marker(key: str) -> str:
    return f"⟦{key}⟧"  # visible on screen, and what the tests look for


def text(key: str, lang: str = "en", **params: Any) -> str:
    template = catalogue(lang if lang in LANGUAGES else "en").get(key)
    if template is None:
        return missing_marker(key)
    return template.format(**params) if params else template


def has(key: str) -> bool:
    return key in catalogue("en")
