"""Every term and token claim the lab explains, in English and Japanese: the one source of truth
for the docs' glossary page and the dashboard's token tables.

The glossary is data, next to the other texts: `flows/locales/glossary.json` lists the entries
(term, section, docs link) and `flows/locales/<lang>/glossary.json` holds their texts as catalogue
keys (`glossary.entry.<term>`). Links are written against the English pages
(`tokens.md#aud-versus-client_id`); `docs_links.localize` finds the same section in the Japanese
pages, whose headings mirror the English ones one for one.

Regenerate the glossary pages after any change to those files:

    python -m flows.glossary en > docs/en/glossary.md
    python -m flows.glossary ja > docs/ja/glossary.md

Standard library only (with `flows.i18n` and `flows.docs_links`, which are too): the docs test and
the dashboard both import it.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Literal

from flows import docs_links, i18n

LANGUAGES = ("en", "ja")
Section = Literal["header", "claims", "terms"]
_ENTRIES_FILE = Path(__file__).parent / "locales" / "glossary.json"
DOCS_ROOT = Path(__file__).resolve().parent.parent / "docs"


@dataclass(frozen=True)
class GlossaryEntry:
    term: str
    en: str
    ja: str
    doc: str  # a section of the English docs, e.g. "tokens.md#aud-versus-client_id"

    def text(self, lang: str) -> str:
        return self.ja if lang == "ja" else self.en


def _entry(listed: Mapping[str, str]) -> GlossaryEntry:
    key = f"glossary.entry.{listed['term']}"
    english, japanese = i18n.catalogue("en")[key], i18n.catalogue("ja")[key]
    return GlossaryEntry(listed["term"], english, japanese, listed["doc"])


def _load() -> dict[Section, Mapping[str, GlossaryEntry]]:
    listed = json.loads(_ENTRIES_FILE.read_text(encoding="utf-8"))
    return {section: MappingProxyType({item["term"]: _entry(item) for item in items})
            for section, items in listed.items()}


_SECTIONS = _load()
HEADER_FIELDS: Mapping[str, GlossaryEntry] = _SECTIONS["header"]  # fields of the JWT header
CLAIMS: Mapping[str, GlossaryEntry] = _SECTIONS["claims"]  # claims of user pool tokens (and amr)
TERMS: Mapping[str, GlossaryEntry] = _SECTIONS["terms"]
GLOSSARY: Mapping[str, GlossaryEntry] = MappingProxyType({**HEADER_FIELDS, **CLAIMS, **TERMS})
_BY_FOLDED_TERM: Mapping[str, GlossaryEntry] = MappingProxyType(
    {term.casefold(): entry for term, entry in GLOSSARY.items()})


def lookup(term: str) -> GlossaryEntry | None:
    """The entry for a claim or term; any `custom:<name>` claim is the `custom:*` entry."""
    key = term.strip()
    if key.startswith("custom:"):
        key = "custom:*"
    return GLOSSARY.get(key) or _BY_FOLDED_TERM.get(key.casefold())


def explain(term: str, lang: str) -> str | None:
    """What a claim or term means, in `lang` ("en" or "ja"; English otherwise); None if unknown."""
    entry = lookup(term)
    return entry.text(lang) if entry else None


@functools.cache
def doc_link(doc: str, lang: str) -> str:
    """An entry's docs section, as linked from the pages of `lang`."""
    return docs_links.localize(doc, lang, DOCS_ROOT) if lang in LANGUAGES else doc


def _label(key: str, lang: str) -> str:
    return i18n.catalogue(lang if lang in LANGUAGES else "en")[f"glossary.{key}"]


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def term_name(entry: GlossaryEntry, lang: str) -> str:
    """The term as the glossary lists it: in Japanese, the Japanese term first with the English
    one in parentheses (ユーザープール（user pool）), so both can be searched for."""
    name = _label(f"term.{entry.term}", lang)
    return name if entry.term in name else f"{name}（{entry.term}）"


def _row(entry: GlossaryEntry, lang: str, as_code: bool) -> str:
    term = f"`{entry.term}`" if as_code else term_name(entry, lang)
    title = _label(f"doc_title.{entry.doc.partition('.md')[0]}", lang)
    return f"| {_cell(term)} | {_cell(entry.text(lang))} | [{title}]({doc_link(entry.doc, lang)}) |"


def _table(entries: list[GlossaryEntry], first_column: str, lang: str, as_code: bool) -> list[str]:
    header = f"| {_label(first_column, lang)} | {_label('col.meaning', lang)} | {_label('col.more', lang)} |"
    return [header, "| --- | --- | --- |"] + [_row(entry, lang, as_code) for entry in entries]


def render_markdown(lang: str) -> str:
    """The whole glossary page of the docs in `lang`."""
    terms = sorted(TERMS.values(), key=lambda entry: entry.term.casefold())
    lines = [f"# {_label('page.title', lang)}", "", _label("page.intro", lang), "",
             _label("page.generated", lang), ""]
    for heading, column, entries, as_code in (
        ("page.header", "col.field", list(HEADER_FIELDS.values()), True),
        ("page.claims", "col.claim", list(CLAIMS.values()), True),
        ("page.terms", "col.term", terms, False),
    ):
        lines += [f"## {_label(heading, lang)}", ""] + _table(entries, column, lang, as_code) + [""]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    lang = argv[1] if len(argv) > 1 else "en"
    if lang not in LANGUAGES:
        print(f"usage: python -m flows.glossary {{{'|'.join(LANGUAGES)}}}", file=sys.stderr)
        return 2
    sys.stdout.buffer.write(render_markdown(lang).encode("utf-8"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
