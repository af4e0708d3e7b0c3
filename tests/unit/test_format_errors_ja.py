"""Every token-format and key-set error the lab words itself reads in Japanese (issue 17).

Each error is built through the real path (decode_token, KeySet, read_jwks_file, JwksSource over
loopback HTTP), then shown with `text("ja")`: no missing-key marker, Japanese text, and no English
sentence left once the values quoted from the input or from a parser are taken out."""

from __future__ import annotations

import http.server
import re
import socket
import threading
from collections.abc import Callable, Iterator
from typing import Any, get_args

import pytest

from flows.audit import AuditInputError, read_tokens
from flows import cli, lab_users
from flows.errors import CodedError
from flows.jwks import JwksError, JwksErrorCode, JwksSource, KeySet, jwks_url_for_issuer, read_jwks_file
from flows.jwt_decode import MAX_TOKEN_CHARS, TokenFormatCode, TokenFormatError, decode_token
from flows.jwt_verify import Expectations, verify_token
from tests.unit.jwt_fixtures import b64url

_JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
_ENGLISH_WORDS = re.compile(r"\b[A-Za-z]{2,}(?:\s+[A-Za-z]{2,}){2,}\b")  # three English words in a row

TOKEN_INPUTS: dict[str, tuple[TokenFormatCode, object]] = {
    "not text": ("not_text", 42),
    "empty": ("empty", "   "),
    "too large": ("too_large", "a" * (MAX_TOKEN_CHARS + 1)),
    "five segments": ("encrypted_token", "a.b.c.d.e"),
    "two segments": ("wrong_segment_count", "a.b"),
    "bad character": ("bad_base64url", "e30.e3*.x"),
    "standard base64": ("bad_base64url", "e30.e3+.x"),
    "padding": ("bad_base64url", "e30=.e30.x"),
    "cut short": ("bad_base64url", "e30.e30.abcde"),
    "not canonical": ("bad_base64url", "e31.e30."),
    "not utf-8": ("not_utf8", f"e30.{b64url(bytes([0x7B, 0xFF, 0x7D]))}."),
    "not json": ("not_json", f"e30.{b64url(b'not json')}."),
    "not usable json": ("not_json", "e30." + b64url(b'{"exp": NaN}') + "."),
    "json list": ("not_json_object", f"e30.{b64url(b'[1]')}."),
    "duplicate key": ("duplicate_json_key", "e30." + b64url(b'{"a": 1, "a": 2}') + "."),
}


def token_error(text: object) -> TokenFormatError:
    with pytest.raises(TokenFormatError) as caught:
        decode_token(text)  # type: ignore[arg-type]
    return caught.value


def assert_reads_in_japanese(error: CodedError) -> None:
    shown = error.text("ja")
    assert "⟦" not in shown, shown
    assert _JAPANESE.search(shown), shown
    for value in error.params.values():  # values quoted from the input or a parser stay as they are
        shown = shown.replace(str(value), "")
    assert not _ENGLISH_WORDS.search(shown), shown
    assert error.text("en") == error.message  # English stays the message for logs and JSON


@pytest.mark.parametrize("case", TOKEN_INPUTS)
def test_every_token_format_error_reads_in_japanese(case: str) -> None:
    code, text = TOKEN_INPUTS[case]
    error = token_error(text)
    assert error.code == code
    assert_reads_in_japanese(error)


def test_every_token_format_code_is_covered() -> None:
    assert {code for code, _ in TOKEN_INPUTS.values()} == set(get_args(TokenFormatCode))


def test_the_issues_example_in_japanese() -> None:
    error = token_error("a.b")
    assert error.message == "a JWT has 3 dot-separated segments (header.payload.signature), this has 2"
    assert error.text("ja") == ("JWT はドットで区切られた 3 つのセグメント (ヘッダー.ペイロード.署名) から成りますが、"
                                "このトークンのセグメントは 2 つです")


def test_segment_names_are_translated() -> None:
    assert token_error("e30.e30.abcde").text("ja").startswith("署名のセグメント")


def test_a_malformed_tokens_verify_reason_is_japanese_and_its_json_english() -> None:
    verification = verify_token("a.b", None, Expectations())
    check = verification.checks[0]
    assert "このトークンのセグメントは 2 つです" in check.reason_in("ja")
    assert check.to_dict("en")["params"] == {"detail": token_error("a.b").message}


# --- key sets -------------------------------------------------------------------------------


class _Answer404(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def loopback_404() -> Iterator[str]:
    server = http.server.HTTPServer(("127.0.0.1", 0), _Answer404)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/jwks.json"
    server.shutdown()
    server.server_close()


def _closed_port_url() -> str:
    with socket.socket() as probe:  # a port just freed: nothing listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/jwks.json"


def jwks_error(make: Callable[[], object]) -> JwksError:
    with pytest.raises(JwksError) as caught:
        make()
    return caught.value


JWKS_CASES: dict[str, tuple[JwksErrorCode, Callable[[], object]]] = {
    "not an object": ("invalid_jwks", lambda: KeySet.from_jwks([])),
    "no keys list": ("invalid_jwks", lambda: KeySet.from_jwks({})),
    "not json": ("not_json", lambda: KeySet.from_json("{")),
    "missing file": ("unreadable_file", lambda: read_jwks_file("/nonexistent/jwks.json")),
    "foreign issuer": ("untrusted_url", lambda: jwks_url_for_issuer("https://evil.example")),
    "no url": ("untrusted_url", lambda: JwksSource().keys_for()),
    "ftp url": ("invalid_url", lambda: JwksSource("ftp://keys.example/jwks.json")),
    "closed port": ("unreachable", lambda: JwksSource(_closed_port_url(), timeout=2).keys_for()),
}


@pytest.mark.parametrize("case", JWKS_CASES)
def test_every_jwks_error_reads_in_japanese(case: str) -> None:
    code, make = JWKS_CASES[case]
    error = jwks_error(make)
    assert error.code == code
    assert_reads_in_japanese(error)


def test_an_http_error_reads_in_japanese(loopback_404: str) -> None:
    error = jwks_error(lambda: JwksSource(loopback_404).keys_for())
    assert error.code == "http_error"
    assert_reads_in_japanese(error)


def test_every_jwks_code_is_covered() -> None:
    assert {code for code, _ in JWKS_CASES.values()} | {"http_error"} == set(get_args(JwksErrorCode))


# --- audit input ----------------------------------------------------------------------------


def test_an_audit_input_error_and_a_line_problem_read_in_japanese() -> None:
    with pytest.raises(AuditInputError) as caught:
        read_tokens(["user,when\n", "a,b\n"])
    assert caught.value.text("ja").startswith("CSV のヘッダーにトークンの列がありません：")
    problem = read_tokens(['{"ts": 1}'])[0].problem
    assert problem is not None and problem.text("ja").startswith("JSON の行にトークンのフィールドがありません：")
    assert "⟦" not in problem.text("ja") and problem.text("en").startswith("JSON line has no token field")


def test_the_predict_commands_usage_error_reads_in_japanese(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["predict", "a.b.c", "--lang", "ja"]) == 2
    assert capsys.readouterr().err.strip() == "エラー：--topology FILE を指定してください (または --target aws)"


def test_the_lab_users_scripts_error_line_reads_in_japanese(monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("COGNITO_LAB_PASSWORD", raising=False)
    assert lab_users.main(["--stack", "lab", "--lang", "ja"]) == 2
    assert capsys.readouterr().err.startswith("エラー：COGNITO_LAB_PASSWORD を export してください")
