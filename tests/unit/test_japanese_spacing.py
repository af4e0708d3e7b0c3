"""Japanese text has no space between sentences: a Markdown source wrapped mid-paragraph would
render one ("できます。 どの…"), and so would a typed one. And one form of colon after Japanese
text, the full-width one (issue 17)."""

from __future__ import annotations

import re

import pytest

from flows import i18n
from tests.conftest import ROOT

_JAPANESE = r"[\u3000-\u30ff\u3400-\u9fff\uff00-\uffef]"
# A space between two Japanese characters (「。 どの」「も、 スコープ」): never meant in Japanese prose.
_SPACE_BETWEEN_JAPANESE = re.compile(rf"{_JAPANESE}[ \t]+{_JAPANESE}")
# A half-width colon right after Japanese (「サンドボックス: …」); the full-width ：is the one form.
_HALF_WIDTH_COLON = re.compile(rf"(?:{_JAPANESE}|[）」]):")
_CODE_SPAN = re.compile(r"`[^`]*`")
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
    colons = [number for number, line, _ in _prose_lines(text)
              if _HALF_WIDTH_COLON.search(_CODE_SPAN.sub("", line))]
    assert (wrapped, spaced, colons) == ([], [], [])


def test_japanese_catalogue_has_no_space_between_sentences():
    spaced = {key: value for key, value in i18n.catalogue("ja").items() if _SPACE_BETWEEN_JAPANESE.search(value)}
    colons = {key: value for key, value in i18n.catalogue("ja").items()
              if _HALF_WIDTH_COLON.search(_CODE_SPAN.sub("", value))}
    assert (spaced, colons) == ({}, {})


def test_the_check_sees_a_wrapped_paragraph():
    assert _soft_wrapped("API を呼び出せます。", "どのトークンが通るかは…")
    assert not _soft_wrapped("API を呼び出せます。", "")
    assert _SPACE_BETWEEN_JAPANESE.search("できます。 どの")
    assert _HALF_WIDTH_COLON.search("サンドボックス: AWS")


# One term per concept across the docs, the dashboard and the glossary (issue 17). The glossary
# names each other form once, so people can search for it; nothing else uses it.
THE_OTHER_FORMS = {"ベーシックフロー": "基本フロー", "デフォルト": "既定", "失効": "取り消し", "クッキー": "Cookie",
                   "リフレッシュトークン": "更新トークン"}
_NAMED_ONCE_IN = {"glossary.entry.refresh token"}


def _japanese_texts() -> dict[str, str]:
    texts = {key: value for key, value in i18n.catalogue("ja").items() if key not in _NAMED_ONCE_IN}
    pages = {f"docs/ja/{path.name}": path.read_text(encoding="utf-8")
             for path in (ROOT / "docs" / "ja").glob("*.md") if path.name != "glossary.md"}  # generated from the above
    return texts | pages


def test_one_term_per_concept():
    found = {(where, other) for where, text in _japanese_texts().items() for other in THE_OTHER_FORMS if other in text}
    assert sorted(found) == []


def test_the_glossary_gives_aws_terms_once():
    glossary = (ROOT / "docs" / "ja" / "glossary.md").read_text(encoding="utf-8")
    for aws_term in ("更新トークン", "クライアント認証情報", "拡張 (簡易) 認証フロー", "基本 (クラシック) 認証フロー",
                     "リフレッシュトークン"):
        assert aws_term in glossary, aws_term
    assert glossary.count("クライアント認証情報") == 1
    assert "| ユーザープール（user pool） |" in glossary
