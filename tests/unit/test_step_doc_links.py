"""Every step's notes link to a doc section that exists, in both languages."""

from __future__ import annotations

import re

import pytest

from flows.docs_links import headings, localize
from tests.conftest import ROOT

DOCS = ROOT / "docs"
_NOTE_DOC = re.compile(r"""Note\(\s*["'][^"']+["']\s*,\s*["']([^"']+)["']""")


def _note_links() -> set[str]:
    links: set[str] = set()
    for path in (ROOT / "flows").glob("*.py"):
        links |= {link for link in _NOTE_DOC.findall(path.read_text(encoding="utf-8")) if link}
    return links


def test_steps_have_doc_links():
    assert len(_note_links()) >= 8


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_every_note_link_resolves(lang):
    for link in sorted(_note_links()):
        page, _, anchor = localize(link, lang, DOCS).partition("#")
        assert (DOCS / lang / page).is_file(), link
        anchors = {h.anchor for h in headings((DOCS / lang / page).read_text(encoding="utf-8"))}
        assert not anchor or anchor in anchors, f"{link} → {lang}/{page}#{anchor}"
