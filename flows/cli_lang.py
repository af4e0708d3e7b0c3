"""`--lang` for the command line: human-readable output in English or Japanese.

The default comes from the environment's locale (LANG, as a Japanese terminal sets it:
`ja_JP.UTF-8`), so a Japanese engineer reads Japanese without asking. JSON output keeps its
stable, language-free codes next to any text, so scripts never depend on the language.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping

from flows import i18n


def language_from_environment(environ: Mapping[str, str] | None = None) -> str:
    """ja for a Japanese locale (LC_ALL, then LC_MESSAGES, then LANG, as POSIX reads them)."""
    environ = os.environ if environ is None else environ
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        if environ.get(variable):
            return "ja" if environ[variable].lower().startswith("ja") else "en"
    return "en"


def add_lang_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lang", choices=tuple(i18n.LANGUAGES), default=language_from_environment(),
                        help="language of the human-readable output (default: from LANG)")
