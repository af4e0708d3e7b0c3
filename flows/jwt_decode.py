"""Decode a user-pool JWT without verifying it (RFC 7515 compact serialization, RFC 7519).

Decoding is what a learner does first: look inside a token. Nothing here proves the token is
genuine; that is `flows.jwt_verify`. The decoder is strict on purpose, so that the verifier built
on it never judges a token whose text can be read two ways:

- every segment must be canonical, unpadded base64url (RFC 7515 §2);
- header and payload must be UTF-8 JSON *objects* with no duplicate member names. RFC 7515 §4
  and RFC 7519 §4 allow either rejecting duplicates or keeping the last one; rejecting is the
  safe choice, since two parsers reading `{"sub":"a","sub":"b"}` differently is a classic
  token-confusion bug.

pyjwt's own decoder (`jwt.api_jws`) accepts duplicate keys (last wins) and non-canonical base64,
so the few lines below are hand-written.
"""

from __future__ import annotations

import binascii
import datetime as dt
import json
import re
from typing import Any, Literal, NamedTuple

import pybase64

from flows import i18n
from flows.errors import CodedError

__all__ = [
    "MAX_TOKEN_CHARS",
    "DecodedToken",
    "TokenFormatCode",
    "TokenFormatError",
    "TokenKind",
    "decode_token",
    "strip_bearer",
    "token_kind",
    "utc_iso",
]

# Real Cognito tokens are 1-4 KB; group-heavy ones stay well under 16 KiB. A cap keeps a pasted
# log file (or a hostile input) from costing more than a length check.
MAX_TOKEN_CHARS = 16 * 1024

TokenKind = Literal["id", "access", "unknown"]

_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_BASE64URL = re.compile(r"[A-Za-z0-9_-]*")
_URLSAFE_TO_STANDARD = bytes.maketrans(b"-_", b"+/")
# By segment length % 4: a final group of 2 characters carries 1 byte (4 bits unused),
# of 3 characters 2 bytes (2 bits unused); full groups of 4 use every bit.
_UNUSED_BITS_MASK = (0, 0, 0b1111, 0b11)
_PREFIX = re.compile(r"(?:authorization\s*:\s*)?(?:bearer(?:\s+|$))?", re.IGNORECASE)


TokenFormatCode = Literal[
    "not_text", "empty", "too_large", "encrypted_token", "wrong_segment_count",
    "bad_base64url", "not_utf8", "not_json", "not_json_object", "duplicate_json_key",
]


class TokenFormatError(CodedError, ValueError):
    """The text is not a well-formed JWS compact token. `code` names the first problem found."""

    code_type = TokenFormatCode
    code: TokenFormatCode

    def text(self, lang: str = "en") -> str:
        """In `lang`, with the segment's name (header, payload, signature) in `lang` too."""
        if not self.key:
            return self.message
        params = dict(self.params)
        if "segment" in params:
            params["segment"] = i18n.text(f"format.segment.{params['segment']}", lang)
        return i18n.text(self.key, lang, **params)


def _format_error(code: str, key: str, **params: Any) -> TokenFormatError:
    """A TokenFormatError worded from flows/locales/*/format_errors.json."""
    english = dict(params)
    if "segment" in english:
        english["segment"] = i18n.text(f"format.segment.{english['segment']}", "en")
    return TokenFormatError(code, i18n.text(key, "en", **english), key, params)


class DecodedToken(NamedTuple):
    """The readable parts of a token, each decoded once: the verifier reuses the signature bytes
    instead of decoding them again. `segments` keeps the original text: the signature covers
    `segments[0] + "." + segments[1]` exactly as sent, not a re-serialization. A NamedTuple, not
    a dataclass: one is built per token, and an audit builds a hundred thousand."""

    header: dict[str, Any]
    claims: dict[str, Any]
    signature_b64: str
    segments: tuple[str, str, str]
    signature: bytes

    @property
    def signing_input(self) -> bytes:
        return f"{self.segments[0]}.{self.segments[1]}".encode("ascii")

    @property
    def text(self) -> str:
        return ".".join(self.segments)


def decode_token(text: str) -> DecodedToken:
    """Split and decode a compact JWS; raise `TokenFormatError` with a specific reason."""
    segments = _split_segments(strip_bearer(text))
    header = _decode_header(segments[0])
    claims = _decode_json_segment(segments[1], "payload")
    signature = _segment_bytes(segments[2], "signature")
    return DecodedToken(header, claims, segments[2], segments, signature)


# A user pool signs with two keys, so its tokens carry one of two header segments: decoding each
# distinct header once saves a base64 and a JSON parse per token in an audit. Only headers whose
# values are all strings are kept, so the shallow copy handed out is a full copy.
_HEADERS: dict[str, dict[str, Any]] = {}
_MAX_CACHED_HEADERS = 64


def _decode_header(segment: str) -> dict[str, Any]:
    cached = _HEADERS.get(segment)
    if cached is not None:
        return dict(cached)
    header = _decode_json_segment(segment, "header")
    if len(_HEADERS) < _MAX_CACHED_HEADERS and all(isinstance(v, str) for v in header.values()):
        _HEADERS[segment] = dict(header)
    return header


def strip_bearer(text: str) -> str:
    """Remove surrounding whitespace and an `Authorization:` / `Bearer ` prefix.

    API Gateway accepts the token with or without `Bearer ` (aws-facts.md §5.1, §5.2), so people
    paste both; a copied header line is just as common.
    """
    if not isinstance(text, str):
        raise _format_error("not_text", "format.not_text", type=type(text).__name__)
    if len(text) > MAX_TOKEN_CHARS:  # checked first: a 1 MB paste costs one comparison
        raise _too_large(len(text))
    stripped = text.strip()
    prefix = _PREFIX.match(stripped)  # always matches, possibly the empty string
    return stripped[prefix.end():].strip() if prefix else stripped


def _too_large(length: int) -> TokenFormatError:
    return _format_error("too_large", "format.too_large", length=f"{length:,}", limit=f"{MAX_TOKEN_CHARS:,}")


def _split_segments(text: str) -> tuple[str, str, str]:
    if not text:
        raise _format_error("empty", "format.empty")
    parts = text.split(".")
    if len(parts) == 3:
        return parts[0], parts[1], parts[2]
    if len(parts) == 5:
        raise _format_error("encrypted_token", "format.encrypted_token")
    raise _format_error("wrong_segment_count", "format.wrong_segment_count", n=len(parts))


_PADDING = ("", "", "==", "=")  # by segment length % 4; 1 can't be base64 at all


def _segment_bytes(segment: str, name: str) -> bytes:
    """Decode a segment. The fast path is pybase64's SIMD decoder, validating: it refuses any
    character outside the base64url alphabet except '+' and '/', which it also takes, so a
    segment holding one of them (or '='), or failing in any way, takes the careful path, which
    raises the precise error. pybase64, not binascii: the payload and the signature are most of a
    token, and binascii decodes them three times slower (a tenth of an audit's time)."""
    if "+" not in segment and "/" not in segment and "=" not in segment:
        try:
            raw = pybase64.b64decode(segment + _PADDING[len(segment) % 4], altchars="-_", validate=True)
        except (ValueError, binascii.Error):  # non-ASCII text, a bad character, a bad length
            pass
        else:
            if _is_canonical(segment):
                return raw
    _check_base64url(segment, name)
    return _base64url_bytes(segment)


def _check_base64url(segment: str, name: str) -> None:
    if not _BASE64URL.fullmatch(segment):
        raise _bad_character(segment, name)
    if len(segment) % 4 == 1:
        raise _format_error("bad_base64url", "format.cut_short", segment=name, length=len(segment))
    if not _is_canonical(segment):
        raise _format_error("bad_base64url", "format.not_canonical", segment=name)


def _base64url_bytes(segment: str) -> bytes:
    """Decode a segment `_check_base64url` accepted (binascii: `base64.urlsafe_b64decode`
    costs twice as much for the same result)."""
    padding = b"=" * (-len(segment) % 4)
    return binascii.a2b_base64(segment.encode("ascii").translate(_URLSAFE_TO_STANDARD) + padding)


def _is_canonical(segment: str) -> bool:
    """True if the last character's unused low bits are zero (RFC 4648 §3.5).

    Python's decoder ignores those bits, so without this check `...Q` and `...R` would be two
    spellings of one token, and a deny-list keyed by token text could be sidestepped. Checking
    the one character is much cheaper than re-encoding the decoded bytes.
    """
    unused_bits_mask = _UNUSED_BITS_MASK[len(segment) % 4]
    return not unused_bits_mask or not _ALPHABET.index(segment[-1]) & unused_bits_mask


def _bad_character(segment: str, name: str) -> TokenFormatError:
    position, char = next((i, c) for i, c in enumerate(segment) if not _BASE64URL.fullmatch(c))
    key = "format.bad_character"
    if char in "+/":
        key = "format.bad_character.standard_base64"
    elif char == "=":
        key = "format.bad_character.padding"
    return _format_error("bad_base64url", key, segment=name, char=repr(char), position=position)


def _decode_json_segment(segment: str, name: str) -> dict[str, Any]:
    raw = _segment_bytes(segment, name)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise _format_error("not_utf8", "format.not_utf8", segment=name, byte=error.start) from None
    value = _parse_json(text, name)
    if not isinstance(value, dict):
        raise _format_error("not_json_object", "format.not_json_object", segment=name,
                            json_type=type(value).__name__)
    return value


def _parse_json(text: str, name: str) -> object:
    """The C scanner alone when the text is exactly one JSON value (what every token has); any
    doubt goes through `JSONDecoder.decode`, which tolerates whitespace and words the error."""
    try:
        value, end = _JSON.scan_once(text, 0)
        if end == len(text):
            return value
    except Exception:  # noqa: BLE001 - the careful path below raises the precise error
        pass
    try:
        return _JSON.decode(text)
    except _DuplicateKey as error:
        raise _format_error("duplicate_json_key", "format.duplicate_key", segment=name,
                            name=repr(error.key)) from None
    except json.JSONDecodeError as error:  # error.msg is the JSON parser's own English words
        raise _format_error("not_json", "format.not_json", segment=name, detail=error.msg,
                            position=error.pos) from None
    except (ValueError, RecursionError) as error:
        # NaN/Infinity, integers over Python's digit limit, absurd nesting: still "not JSON" to us.
        raise _format_error("not_json", "format.not_usable_json", segment=name, detail=_short(error)) from None


class _DuplicateKey(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):  # cheap test first: this hook runs for every JSON object
        raise _DuplicateKey(_first_repeated_key(pairs))
    return obj


def _first_repeated_key(pairs: list[tuple[str, Any]]) -> str:
    seen: set[str] = set()
    for key, _ in pairs:
        if key in seen:
            return key
        seen.add(key)
    return ""


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not valid JSON (RFC 8259 has no NaN or Infinity)")


# Built once: json.loads(text, hook=...) would build a new decoder for every segment.
_JSON = json.JSONDecoder(object_pairs_hook=_reject_duplicates, parse_constant=_reject_constant)


def _short(error: BaseException) -> str:
    return (str(error) or type(error).__name__)[:120]


def token_kind(claims: dict[str, Any]) -> TokenKind:
    """What Cognito says the token is: its `token_use` claim (aws-facts.md §1.2, §1.3)."""
    use = claims.get("token_use")
    return use if use in ("id", "access") else "unknown"


def utc_iso(epoch: object) -> str | None:
    """Render a NumericDate claim as `2024-01-31T12:00:00Z`; None if it is not a usable time."""
    if isinstance(epoch, bool) or not isinstance(epoch, (int, float)):
        return None
    try:  # NaN, infinities and integers past year 9999 all land in the except
        moment = dt.datetime.fromtimestamp(epoch, tz=dt.timezone.utc)
    except (OverflowError, OSError, ValueError):
        return None
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")
