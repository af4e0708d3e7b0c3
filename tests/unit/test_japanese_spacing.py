"""Japanese text has no space between sentences: a Markdown source wrapped mid-paragraph would
render one ("できます。 どの…"), and so would a typed one (issue 17)."""

from __future__ import annotations

import re

import pytest

from flows import i18n
from tests.conftest import ROOT

_JAPANESE = r"[\u3000-\u30ff\u3400-\u9fff\uff00-\uffef]"
# A space between two Japanese characters (「。 どの」「も、 スコープ」): never meant in Japanese prose.
_SPACE_BETWEEN_JAPANESE = re.compile(rf"{_JAPANESE}[ \t]+{_JAPANESE}")
_BLOCK_START = re.compile(r"^\s*(?:[-*+] |\d+\. |#|\||>|```|$)")


def _prose_lines(markdown: str) -> list[tuple[int, str, str]]:
    """(line number, line, next line) for the lines outside code fences."""
    lines, prose, fenced = markdown.splitlines() + [""], [], False
    for number, (line, following) in enumerate(zip(lines, lines[1:]), start=1):
        if line.lstrip().startswith("```"):
            fenced = not fenced
        elif not fenced:
            prose.append((number, line, following))
    return prose


def _soft_wrapped(line: str, following: str) -> bool:
    """A Japanese line that runs on into the next: Markdown joins the two with a space."""
    return bool(re.search(rf"{_JAPANESE}$", line)) and not _BLOCK_START.match(following) \
        and not _BLOCK_START.match(line)


@pytest.mark.parametrize("page", sorted(path.name for path in (ROOT / "docs" / "ja").glob("*.md")))
def test_japanese_docs_are_not_wrapped_mid_paragraph(page: str):
    text = (ROOT / "docs" / "ja" / page).read_text(encoding="utf-8")
    wrapped = [number for number, line, following in _prose_lines(text) if _soft_wrapped(line, following)]
    spaced = [number for number, line, _ in _prose_lines(text) if _SPACE_BETWEEN_JAPANESE.search(line)]
    assert (wrapped, spaced) == ([], [])


def test_japanese_catalogue_has_no_space_between_sentences():
    spaced = {key: value for key, value in i18n.catalogue("ja").items() if _SPACE_BETWEEN_JAPANESE.search(value)}
    assert spaced == {}


def test_the_check_sees_a_wrapped_paragraph():
    assert _soft_wrapped("API を呼び出せます。", "どのトークンが通るかは…")
    assert not _soft_wrapped("API を呼び出せます。", "")
    assert _SPACE_BETWEEN_JAPANESE.search("できます。 どの")
