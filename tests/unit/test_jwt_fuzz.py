"""Thousands of broken tokens: the decoder raises only TokenFormatError, the verifier never raises,
nothing hangs, and no mutation of a genuine token is ever accepted as valid."""

from __future__ import annotations

import functools
import json
import time
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flows.jwt_decode import DecodedToken, TokenFormatError, decode_token
from flows.jwt_verify import CHECK_ORDER, Expectations, Verification, verify_token
from tests.unit.jwt_fixtures import (
    CLIENT_ID,
    ID_KID,
    ISSUER,
    NOW,
    access_token,
    b64url,
    cognito_keys,
    id_token,
    rs256_sign_raw,
)

ERROR_CODES = {
    "malformed", "key_not_found", "invalid_key", "unsupported_algorithm", "invalid_signature",
    "expired", "not_yet_valid", "wrong_issuer", "missing_scope", "missing_group",
    "wrong_token_use", "wrong_client",
}
EXPECT = Expectations(issuer=ISSUER, client_ids=(CLIENT_ID,), scopes=("openid",),
                      groups=("admins",), grace_seconds=5)
SLOWEST_ACCEPTABLE_SECONDS = 1.0  # a verify takes ~40 µs; anything near this is a hang
FUZZ = settings(max_examples=2500, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow])
CHARACTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ \t\n\x00é\u2028€"


@functools.lru_cache(maxsize=1)
def genuine_tokens() -> tuple[str, ...]:
    return id_token(), access_token()


def genuine_segments() -> set[tuple[str, ...]]:
    return {tuple(token.split(".")) for token in genuine_tokens()}


def check_decoder(text: Any) -> None:
    try:
        assert isinstance(decode_token(text), DecodedToken)
    except TokenFormatError as error:
        assert error.code and error.message


def check_verifier(text: Any, expect: Expectations = EXPECT) -> Verification:
    started = time.perf_counter()
    verification = verify_token(text, cognito_keys(), expect, now=NOW)
    assert time.perf_counter() - started < SLOWEST_ACCEPTABLE_SECONDS
    assert tuple(check.name for check in verification.checks) == CHECK_ORDER
    assert verification.valid == (verification.error is None)
    if verification.error is not None:
        assert verification.error.code in ERROR_CODES
        failed = [check for check in verification.checks if check.passed is False]
        assert failed[0].code == verification.error.code
    json.loads(verification.to_json())  # always reportable
    return verification


# --- strategies -------------------------------------------------------------------------------


@st.composite
def mutated_tokens(draw: st.DrawFn) -> str:
    """A genuine token with 1-4 random edits: character swaps, insertions, deletions, cuts,
    segment shuffles and duplications."""
    token = draw(st.sampled_from(genuine_tokens()))
    for _ in range(draw(st.integers(1, 4))):
        token = draw(st.sampled_from(EDITS))(draw, token)
    return token


def _replace(draw: st.DrawFn, token: str) -> str:
    if not token:
        return token
    at = draw(st.integers(0, len(token) - 1))
    return token[:at] + draw(st.sampled_from(CHARACTERS)) + token[at + 1:]


def _insert(draw: st.DrawFn, token: str) -> str:
    at = draw(st.integers(0, len(token)))
    return token[:at] + draw(st.text(CHARACTERS, min_size=1, max_size=8)) + token[at:]


def _delete(draw: st.DrawFn, token: str) -> str:
    start = draw(st.integers(0, len(token)))
    return token[:start] + token[start + draw(st.integers(1, 20)):]


def _replace_segment_end(draw: st.DrawFn, token: str) -> str:
    """Segment ends are where base64 has slack: unused bits in the last character."""
    segments = token.split(".")
    at = draw(st.integers(0, len(segments) - 1))
    segments[at] = segments[at][:-1] + draw(st.sampled_from(CHARACTERS[:64]))
    return ".".join(segments)


def _truncate(draw: st.DrawFn, token: str) -> str:
    return token[: draw(st.integers(0, len(token)))]


def _shuffle_segments(draw: st.DrawFn, token: str) -> str:
    return ".".join(draw(st.permutations(token.split("."))))


def _duplicate_segment(draw: st.DrawFn, token: str) -> str:
    segments = token.split(".")
    at = draw(st.integers(0, len(segments) - 1))
    return ".".join(segments[: at + 1] + segments[at:])


def _swap_signature(draw: st.DrawFn, token: str) -> str:
    other = draw(st.sampled_from(genuine_tokens()))
    return token.rsplit(".", 1)[0] + "." + other.rsplit(".", 1)[-1]


EDITS = [_replace, _replace_segment_end, _insert, _delete, _truncate, _shuffle_segments,
         _duplicate_segment, _swap_signature]

JSON_SCALARS = (st.none() | st.booleans() | st.integers(-(10**500), 10**500)
                | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20))
JSON_VALUES = st.recursive(JSON_SCALARS, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=12)
CLAIM_NAMES = st.sampled_from(["exp", "nbf", "iat", "iss", "aud", "client_id", "token_use", "scope",
                               "cognito:groups", "sub", "username", "cognito:username"])
HEADER_NAMES = st.sampled_from(["alg", "kid", "typ", "crit", "jku", "x5u", "b64"])
ODD_VALUES = JSON_VALUES | st.sampled_from(
    ["RS256", "none", "HS256", ID_KID, "../../etc/passwd", "id", "access", "openid", "admins",
     CLIENT_ID, ISSUER, NOW, NOW + 60, NOW - 60, 0, -1, 1e308, -1e308, 2**63, 10**400, -(10**400)])


def json_objects(names: st.SearchStrategy[str]) -> st.SearchStrategy[dict[str, Any]]:
    return st.dictionaries(names | st.text(max_size=6), ODD_VALUES, max_size=8)


# --- properties -------------------------------------------------------------------------------


@pytest.mark.timeout(60)
@FUZZ
@given(mutated_tokens())
def test_mutated_genuine_tokens_are_never_accepted(token: str) -> None:
    check_decoder(token)
    verification = check_verifier(token)
    if verification.valid:  # only edits the decoder is meant to ignore (whitespace) may survive
        assert tuple(decode_token(token).segments) in genuine_segments()


@pytest.mark.timeout(60)
@settings(FUZZ, max_examples=800)
@given(json_objects(HEADER_NAMES), json_objects(CLAIM_NAMES), st.binary(max_size=300))
def test_arbitrary_headers_and_claims_never_crash(header: dict[str, Any], claims: dict[str, Any],
                                                  signature: bytes) -> None:
    token = f"{b64url(json.dumps(header))}.{b64url(json.dumps(claims))}.{b64url(signature)}"
    check_decoder(token)
    assert not check_verifier(token).valid


@pytest.mark.timeout(60)
@settings(FUZZ, max_examples=300)
@given(json_objects(CLAIM_NAMES), st.sampled_from([Expectations(), EXPECT]))
def test_genuinely_signed_odd_claims_never_crash_the_claim_checks(
    claims: dict[str, Any], expect: Expectations
) -> None:
    # Signed with the real key, so every claim check runs on whatever types the payload holds.
    token = rs256_sign_raw(json.dumps({"kid": ID_KID, "alg": "RS256"}), json.dumps(claims))
    verification = check_verifier(token, expect)
    assert verification.check("signature").passed is True


@pytest.mark.timeout(60)
@settings(FUZZ, max_examples=1500)
@given(st.one_of(
    st.text(max_size=400),
    st.text(CHARACTERS, max_size=400),
    st.binary(max_size=400).map(lambda data: data.decode("latin-1")),
    st.lists(st.text("eyJ0ABCxyz-_=", max_size=60), min_size=1, max_size=6).map(".".join),
))
def test_random_text_is_malformed_never_an_exception(text: str) -> None:
    check_decoder(text)
    verification = check_verifier(text)
    assert not verification.valid


@pytest.mark.timeout(60)
@settings(FUZZ, max_examples=50)
@given(st.integers(16 * 1024 + 1, 2_000_000), st.sampled_from("a.{[ "))
def test_huge_inputs_are_refused_quickly(size: int, filler: str) -> None:
    verification = check_verifier(filler * size)
    assert verification.error is not None and verification.error.code == "malformed"
