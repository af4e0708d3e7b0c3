"""Pasting text that is not a JWT, in Japanese: the headline and why, both in Japanese (issue 17:
"a JWT has 3 dot-separated segments…" was the issue's own example of English left behind)."""

from __future__ import annotations

from tests.pages.test_tokens_diagnosis import _paste
from tests.pages.test_pages import _app


def test_pasting_two_segments_in_japanese_says_why_in_japanese():
    app = _paste(_app(), "a.b", lang="ja")
    assert app.error[0].value == "JWT ではありません"
    shown = [block.value for block in app.code]
    assert ("JWT はドットで区切られた 3 つのセグメント (ヘッダー.ペイロード.署名) から成りますが、"
            "このトークンのセグメントは 2 つです") in shown
    assert not any("dot-separated" in value or "⟦" in value for value in shown)


def test_pasting_two_segments_in_english_keeps_the_english_sentence():
    app = _paste(_app(), "a.b")
    assert "a JWT has 3 dot-separated segments (header.payload.signature), this has 2" in [
        block.value for block in app.code]
