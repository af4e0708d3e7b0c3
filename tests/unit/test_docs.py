"""The reference docs: every link works, both languages have the same pages and headings, the
glossary pages are generated from the glossary's data (flows/locales), and the corrected memo gives every statement
a verdict, an AWS source and a lab step."""

from __future__ import annotations

import ast
import json
import re
import sys
from pathlib import Path

import pytest

from flows import docs_links, glossary
from tests.conftest import ROOT

DOCS = Path(__file__).resolve().parents[2] / "docs"
LANGUAGES = ("en", "ja")
PAGES = {"index.md", "sign-in.md", "tokens.md", "identity-pools.md", "api-gateway.md", "security.md", "glossary.md",
         "memo-corrected.md"}

VERDICT_LINE = {
    "en": re.compile(r"^\*\*Verdict:\*\* (Correct|Misleading|Wrong)\.?$", re.MULTILINE),
    "ja": re.compile(r"^\*\*判定：\*\* (正しい|誤解を招く|誤り)$", re.MULTILINE),
}
STATEMENT_HEADING = {"en": "Statement ", "ja": "記述 "}
# Fragments of the team memo that the corrected memo must quote (in both languages).
MEMO_QUOTES = (
    "Amazon Cognito の主な 2 つのコンポーネントは、ユーザープールと ID プールです。",
    "ユーザープールは、ウェブおよびモバイルユーザーにサインアップとサインインオプションを提供するユーザーディレクトリです。",
    "ID プールは、AWS の他のサービスへのアクセス権をユーザーに付与する AWS 認証情報を提供します。",
    "ユーザープールと ID プールは個別に使用することも、一緒に使用することもできます。",
    "IDプール - CognitoがOpenIDConnectのID providerになるよ",
    "ユーザープール - CognitoがOAuth2で認可",
    "IAMでOpenIDConnectのID providerもできるらしい。",
    "↑Cognitoの「ありがちな使い方」一覧があるので、まずこれを読む。",
    "まずIDトークンで",
)

REQUIRED_CLAIMS = (
    "sub", "aud", "client_id", "token_use", "auth_time", "iat", "exp", "nbf", "iss", "jti", "origin_jti",
    "event_id", "cognito:username", "username", "cognito:groups", "cognito:roles", "cognito:preferred_role",
    "scope", "email", "email_verified", "phone_number", "nonce", "at_hash", "version", "custom:*",
    "identities", "amr",
)
REQUIRED_TERMS = (
    "user pool", "app client", "client secret", "SECRET_HASH", "SRP", "PKCE", "identity pool", "identity id",
    "Logins map", "enhanced flow", "basic flow", "JWKS", "REST API Cognito authorizer",
    "HTTP API JWT authorizer", "AWS_IAM / SigV4", "scopes", "resource server", "refresh token",
)


def _read(lang: str, name: str) -> str:
    return (DOCS / lang / name).read_text(encoding="utf-8")


# --- docs_links ------------------------------------------------------------------------------

@pytest.mark.parametrize(("heading", "slug"), [
    ("aud versus client_id", "aud-versus-client_id"),
    ("The header: kid, alg and no typ", "the-header-kid-alg-and-no-typ"),
    ("OAuth 2.0 endpoints", "oauth-20-endpoints"),
    ("`token_use`", "token_use"),
    ("REST API: the COGNITO_USER_POOLS authorizer", "rest-api-the-cognito_user_pools-authorizer"),
    ("aud と client_id", "aud-と-client_id"),
    ("時刻のクレーム：iat、exp、auth_time", "時刻のクレームiatexpauth_time"),
    ("取り消し（revoke）エンドポイント", "取り消しrevokeエンドポイント"),
])
def test_slugify_follows_github(heading: str, slug: str) -> None:
    assert docs_links.slugify(heading) == slug


def test_repeated_headings_get_numbered_anchors() -> None:
    anchors = [h.anchor for h in docs_links.headings("# A\n## Notes\n## Notes\n```\n## not a heading\n```\n")]
    assert anchors == ["a", "notes", "notes-1"]


def test_check_links_reports_each_kind_of_broken_link(tmp_path: Path) -> None:
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "a.md").write_text(
        "# A\n## Part one\n"
        "[ok](#part-one) [ok](a.md#part-one) [ok](/tokens) [ok](https://docs.aws.amazon.com/cognito/)\n"
        "[bad](#nope) [bad](b.md) [bad](/tokens#x) [bad](https://example.com/) [bad](http://docs.aws.amazon.com/)\n"
        "`[code](c.md)`\n```\n[fenced](d.md)\n```\n", encoding="utf-8")
    problems = docs_links.check_links(tmp_path)
    assert [p.split("(")[1].split(")")[0] for p in problems] == [
        "#nope", "b.md", "/tokens#x", "https://example.com/", "http://docs.aws.amazon.com/"]


# --- the docs --------------------------------------------------------------------------------

def test_no_broken_links() -> None:
    assert docs_links.check_links(DOCS / "en") == []
    assert docs_links.check_links(DOCS / "ja") == []


def test_both_languages_have_the_same_pages() -> None:
    english = {path.name for path in (DOCS / "en").glob("*.md")}
    japanese = {path.name for path in (DOCS / "ja").glob("*.md")}
    assert english == japanese
    assert PAGES <= english


@pytest.mark.parametrize("name", sorted(PAGES))
def test_both_languages_have_the_same_headings(name: str) -> None:
    english = [h.level for h in docs_links.headings(_read("en", name))]
    japanese = [h.level for h in docs_links.headings(_read("ja", name))]
    assert len(english) == len(japanese)
    assert english == japanese  # same levels in the same order: sections correspond by position


@pytest.mark.parametrize("lang", LANGUAGES)
def test_glossary_page_is_generated(lang: str) -> None:
    assert _read(lang, "glossary.md") == glossary.render_markdown(lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_unconfirmed_facts_are_marked(lang: str) -> None:
    marker = "(unconfirmed)" if lang == "en" else "（未確認）"
    for name in ("sign-in.md", "tokens.md", "identity-pools.md", "api-gateway.md"):
        assert marker in _read(lang, name), name


# --- the corrected memo ----------------------------------------------------------------------

def _statement_sections(lang: str) -> list[str]:
    """The text of each `### Statement n` (`### 記述 n`) section."""
    sections: list[list[str]] = []
    inside = False
    for line in _read(lang, "memo-corrected.md").splitlines():
        heading = re.match(r"^(#{1,6})\s", line)
        if heading and len(heading[1]) <= 3:
            inside = line.startswith(f"### {STATEMENT_HEADING[lang]}")
            if inside:
                sections.append([])
        if inside:
            sections[-1].append(line)
    return ["\n".join(section) for section in sections]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_memo_statement_has_verdict_source_and_lab_step(lang: str) -> None:
    sections = _statement_sections(lang)
    assert len(sections) >= len(MEMO_QUOTES) - 1  # two fragments are quoted together
    for section in sections:
        title = section.splitlines()[0]
        assert len(VERDICT_LINE[lang].findall(section)) == 1, title
        assert "](https://docs.aws.amazon.com/" in section, title
        assert re.search(r"\]\(/[a-z_]*\)", section), title
        assert any(line.startswith("> ") for line in section.splitlines()), title


def test_memo_statements_match_across_languages() -> None:
    english, japanese = _statement_sections("en"), _statement_sections("ja")
    to_english = {"正しい": "Correct", "誤解を招く": "Misleading", "誤り": "Wrong"}
    assert [VERDICT_LINE["en"].search(s)[1] for s in english] == \
        [to_english[VERDICT_LINE["ja"].search(s)[1]] for s in japanese]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_memo_claim_is_quoted(lang: str) -> None:
    text = _read(lang, "memo-corrected.md")
    for quote in MEMO_QUOTES:
        assert quote in text, quote


# --- the glossary ----------------------------------------------------------------------------

def test_glossary_covers_every_claim_header_field_and_term() -> None:
    for term in REQUIRED_CLAIMS + ("kid", "alg", "typ") + REQUIRED_TERMS:
        assert term in glossary.GLOSSARY, term


def test_every_entry_is_explained_in_both_languages() -> None:
    japanese = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
    for term, entry in glossary.GLOSSARY.items():
        assert entry.term == term
        assert entry.en.strip() and entry.ja.strip(), term
        assert japanese.search(entry.ja), term


def test_explain_handles_custom_attributes_case_and_unknown_terms() -> None:
    assert glossary.explain("custom:department", "ja") == glossary.GLOSSARY["custom:*"].ja
    assert glossary.explain("aud", "en") == glossary.GLOSSARY["aud"].en
    assert glossary.explain("logins map", "en") == glossary.GLOSSARY["Logins map"].en
    assert glossary.explain("aud", "fr") == glossary.GLOSSARY["aud"].en
    assert glossary.explain("no-such-claim", "en") is None


def test_glossary_links_point_at_the_same_section_in_japanese() -> None:
    # The Japanese link is computed from the docs' headings (no hand-kept table to drift): each
    # must find its section, not fall back to the bare page, and land on the twin heading.
    for entry in glossary.GLOSSARY.values():
        page, _, anchor = entry.doc.partition("#")
        japanese = glossary.doc_link(entry.doc, "ja")
        assert japanese.startswith(f"{page}#"), entry.term
        english_anchors = [h.anchor for h in docs_links.headings(_read("en", page))]
        japanese_anchors = [h.anchor for h in docs_links.headings(_read("ja", page))]
        assert japanese_anchors.index(japanese.partition("#")[2]) == english_anchors.index(anchor), entry.term


def test_glossary_is_data_with_a_text_for_every_entry_in_both_languages() -> None:
    listed = json.loads((ROOT / "flows" / "locales" / "glossary.json").read_text(encoding="utf-8"))
    terms = [item["term"] for items in listed.values() for item in items]
    assert len(terms) == len(set(terms)) == len(glossary.GLOSSARY)
    for lang in LANGUAGES:
        texts = json.loads((ROOT / "flows" / "locales" / lang / "glossary.json").read_text(encoding="utf-8"))
        entries = {key.removeprefix("glossary.entry.") for key in texts if key.startswith("glossary.entry.")}
        assert entries == set(terms), lang  # no text without an entry, no entry without a text


_STDLIB_FLOWS_MODULES = {"flows", "flows.glossary", "flows.i18n", "flows.docs_links"}


def _imports(module: str) -> set[str]:
    path = ROOT / (module.replace(".", "/") + ".py")
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found |= {f"{node.module}.{alias.name}" if node.module == "flows" else node.module
                      for alias in node.names}
    return found


def test_glossary_imports_only_the_standard_library() -> None:
    # flows.i18n and flows.docs_links count: they are standard library only themselves.
    for module in ("flows.glossary", "flows.i18n", "flows.docs_links"):
        others = {name for name in _imports(module) if name not in _STDLIB_FLOWS_MODULES}
        assert {name.split(".")[0] for name in others} <= set(sys.stdlib_module_names), module
