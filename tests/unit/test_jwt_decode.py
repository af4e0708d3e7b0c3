"""flows.jwt_decode: reading a token without trusting it, and refusing text that isn't one."""

from __future__ import annotations

import time

import pytest

from flows.jwt_decode import (
    MAX_TOKEN_CHARS,
    DecodedToken,
    TokenFormatError,
    decode_token,
    token_kind,
    utc_iso,
)
from tests.unit.jwt_fixtures import (
    ID_KID,
    ISSUER,
    access_claims,
    b64url,
    forge,
    id_claims,
    id_token,
    raw_json,
)


def format_error(text: object) -> TokenFormatError:
    with pytest.raises(TokenFormatError) as caught:
        decode_token(text)  # type: ignore[arg-type]
    return caught.value


# --- what decodes ---------------------------------------------------------------------------


def test_decodes_header_claims_and_keeps_the_original_segments() -> None:
    token = id_token()
    decoded = decode_token(token)
    assert isinstance(decoded, DecodedToken)
    # Cognito headers carry kid and alg, no typ (aws-facts.md §1.1)
    assert decoded.header == {"kid": ID_KID, "alg": "RS256"}
    assert decoded.claims == id_claims()
    assert decoded.segments == tuple(token.split("."))
    assert decoded.signature_b64 == token.split(".")[2]
    assert decoded.signing_input == token.rsplit(".", 1)[0].encode()
    assert len(decoded.signature) == 256  # RSA-2048


@pytest.mark.parametrize("wrap", [
    "  {}\n",
    "Bearer {}",                      # API Gateway accepts "Bearer <token>" (aws-facts.md §5.2)
    "bearer   {}",
    "Authorization: Bearer {}",
    "authorization:Bearer {}\r\n",
    "Authorization: {}",
    "\t{}\t",
])
def test_tolerates_whitespace_and_authorization_prefixes(wrap: str) -> None:
    token = id_token()
    assert decode_token(wrap.format(token)).segments == tuple(token.split("."))


def test_reads_cognito_style_escaped_slashes() -> None:
    # Real Cognito JSON escapes '/' as '\/' (aws-facts.md §1.1)
    payload = raw_json(id_claims()).replace("/", "\\/")
    assert "\\/" in payload
    assert decode_token(forge({"kid": ID_KID, "alg": "RS256"}, payload)).claims["iss"] == ISSUER


def test_token_without_signature_still_decodes_for_inspection() -> None:
    decoded = decode_token(forge({"alg": "none"}, {"sub": "x"}))
    assert decoded.signature_b64 == "" and decoded.header == {"alg": "none"}


# --- what doesn't -----------------------------------------------------------------------------


@pytest.mark.parametrize("text, count", [("hello", 1), ("a.b", 2), ("e30.e30.e30.e30", 4), ("a.b.c.d.e.f", 6)])
def test_not_a_jwt_says_how_many_segments(text: str, count: int) -> None:
    error = format_error(text)
    assert error.code == "wrong_segment_count"
    assert error.message.endswith(f"this has {count}")


def test_five_segments_is_recognised_as_an_encrypted_token() -> None:
    error = format_error("eyJhbGciOiJSU0EtT0FFUCJ9.a.b.c.d")
    assert error.code == "encrypted_token"
    assert "JWE" in error.message


@pytest.mark.parametrize("text", ["", "   ", "\n\t", "Bearer ", "Authorization: Bearer  "])
def test_empty_input(text: str) -> None:
    assert format_error(text).code == "empty"


@pytest.mark.parametrize("segment, fragment", [
    ("ab+c", "'+' at position 2 (standard base64"),
    ("ab/c", "'/' at position 2"),
    ("e30=", "'=' at position 3 (JWT segments carry no '=' padding)"),
    ("e3 0", "' ' at position 2"),
    ("e3é0", "'é' at position 2"),
])
def test_bad_base64url_names_the_character_and_where(segment: str, fragment: str) -> None:
    error = format_error(f"{segment}.e30.")
    assert error.code == "bad_base64url"
    assert "header segment" in error.message and fragment in error.message


def test_impossible_base64url_length() -> None:
    error = format_error("e30.e30.abcde")  # 5 chars: 1 left over, no byte can end like that
    assert error.code == "bad_base64url" and "signature segment is cut short" in error.message


def test_non_canonical_last_character_is_refused() -> None:
    # "e30" is {} ; "e31" decodes to the same bytes in Python but is a second spelling of it
    assert decode_token("e30.e30.").header == {}
    error = format_error("e31.e30.")
    assert error.code == "bad_base64url" and "canonical" in error.message


def test_non_utf8_payload() -> None:
    error = format_error(f"e30.{b64url(bytes([0x7B, 0xFF, 0xFE, 0x7D]))}.")
    assert error.code == "not_utf8"
    assert error.message == "payload is not UTF-8 text (byte 1)"


@pytest.mark.parametrize("json_text, code, fragment", [
    ("not json", "not_json", "payload is not JSON"),
    ('{"sub": "a"', "not_json", "payload is not JSON"),
    ("[1, 2]", "not_json_object", "payload is JSON list, not a JSON object"),
    ('"a string"', "not_json_object", "JSON str"),
    ("null", "not_json_object", "JSON NoneType"),
    ('{"exp": NaN}', "not_json", "NaN"),
    ('{"exp": Infinity}', "not_json", "Infinity"),
    ('{"exp": ' + "9" * 5000 + "}", "not_json", "payload is not usable JSON"),
    ("[" * 5000 + "]" * 5000, "not_json", "payload is not usable JSON"),
])
def test_payload_must_be_a_json_object(json_text: str, code: str, fragment: str) -> None:
    error = format_error(f"e30.{b64url(json_text)}.")
    assert error.code == code and fragment in error.message


@pytest.mark.parametrize("header, payload, where, key", [
    ('{"alg":"RS256","alg":"none"}', "{}", "header", "alg"),
    ("{}", '{"sub":"alice","sub":"admin"}', "payload", "sub"),
    ("{}", '{"a":{"x":1,"x":2}}', "payload", "x"),     # nested objects too
    ("{}", '{"a":[{"y":1,"y":1}]}', "payload", "y"),   # even with equal values
])
def test_duplicate_json_keys_are_refused(header: str, payload: str, where: str, key: str) -> None:
    error = format_error(forge(header, payload))
    assert error.code == "duplicate_json_key"
    assert error.message == f"{where} repeats the key {key!r}"


def test_a_megabyte_paste_fails_fast_with_a_clear_message() -> None:
    paste = (id_token() + "\n") * (1_000_000 // len(id_token()))
    started = time.perf_counter()
    error = format_error(paste)
    assert time.perf_counter() - started < 0.05
    assert error.code == "too_large"
    assert f"{MAX_TOKEN_CHARS:,}" in error.message and "paste only the token" in error.message


def test_a_token_at_the_size_limit_is_still_read() -> None:
    token = forge({"alg": "RS256"}, {"pad": "x" * (MAX_TOKEN_CHARS * 3 // 4 - 40)})
    assert MAX_TOKEN_CHARS - 100 < len(token) <= MAX_TOKEN_CHARS
    assert decode_token(token).claims["pad"]


@pytest.mark.parametrize("value", [None, 42, b"e30.e30."])
def test_non_text_input_is_a_format_error(value: object) -> None:
    assert format_error(value).code == "not_text"


def test_format_error_is_a_value_error_with_code_and_message() -> None:
    error = format_error("nope")
    assert isinstance(error, ValueError)
    assert str(error) == error.message


# --- helpers ----------------------------------------------------------------------------------


def test_token_kind_follows_token_use() -> None:
    # token_use is "id" or "access" (aws-facts.md §1.2, §1.3)
    assert token_kind(id_claims()) == "id"
    assert token_kind(access_claims()) == "access"
    assert token_kind({"token_use": "refresh"}) == "unknown"
    assert token_kind({}) == "unknown"
    assert token_kind({"token_use": ["id"]}) == "unknown"


@pytest.mark.parametrize("value, expected", [
    (1500013000, "2017-07-14T06:16:40Z"),     # the exp of the AWS sample ID token
    (1500013000.9, "2017-07-14T06:16:40Z"),
    (0, "1970-01-01T00:00:00Z"),
    (True, None), ("1500013000", None), (None, None),
    (float("nan"), None), (float("inf"), None), (10**30, None), (-(10**30), None),
    (10**400, None), (253402300799, "9999-12-31T23:59:59Z"), (253402300800, None),
])
def test_utc_iso(value: object, expected: str | None) -> None:
    assert utc_iso(value) == expected
