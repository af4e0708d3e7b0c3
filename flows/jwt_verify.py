"""Verify a Cognito user-pool token the way AWS documents it, one named check at a time.

The steps follow "Verifying a JSON web token" in the Cognito Developer Guide (aws-facts.md §1.4)
plus the scope and group rules of API Gateway authorizers (§5.1, §5.2). Claim *types* follow
aws-jwt-verify, AWS's own verifier (src/jwt.ts `assertJwtPayload`, src/cognito-verifier.ts
`validateCognitoJwtFields`): an `aud` or `scope` that is not a string is refused, not ignored.

Every check is reported, so a learner sees *all* that is wrong with a token; `Verification.error`
is the first failure in `CHECK_ORDER`. The issuer comes right after the structure: a token that
names another issuer can never be accepted whatever its signature, and "issued by another pool"
is what an engineer debugging a 401 needs to hear, not "no key for this kid". Nothing else in the
payload is trusted before the signature is known to be good.

Reasons are catalogue keys with parameters (`flows/locales/*/diagnosis.json`), turned into text
only when someone reads them, in the language they ask for: an audit of 100,000 tokens formats
no sentence it does not show. Likewise the checklist itself is built on first use.

Only RS256 is accepted. Cognito signs both token types with RS256 (§1.1), and pinning one
algorithm closes the `alg: none` and RS256-to-HS256 "algorithm confusion" forgeries.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple, get_args

from flows import i18n
from flows.errors import CodedError, FlowsError
from flows.jwks import JwksKey, KeySet
from flows.jwt_decode import DecodedToken, TokenFormatError, decode_token, token_kind, utc_iso

__all__ = [
    "ACCEPTED_ALGORITHM",
    "CHECK_ORDER",
    "Check",
    "CheckName",
    "Expectations",
    "Verification",
    "VerifyError",
    "VerifyErrorCode",
    "render_reason",
    "verify_token",
]

ACCEPTED_ALGORITHM = "RS256"
TokenUse = Literal["id", "access"]

VerifyErrorCode = Literal[
    "malformed", "key_not_found", "unsupported_algorithm", "invalid_key", "invalid_signature",
    "expired", "not_yet_valid", "wrong_issuer", "missing_scope", "missing_group",
    "wrong_token_use", "wrong_client",
    "keys_unavailable",  # no key set could be had: the signature is unchecked, nothing else failed
]
CheckName = Literal[
    "structure", "iss", "key_lookup", "key_and_algorithm", "signature",
    "exp", "nbf", "scope", "groups", "token_use", "client",
]


CHECK_ORDER: tuple[CheckName, ...] = get_args(CheckName)
_ERROR_CODES = frozenset(get_args(VerifyErrorCode))
_NO_PARAMS: Mapping[str, Any] = {}


class VerifyError(CodedError):
    """Why a token was rejected: `code` is stable for programs, `message` is for people (English;
    `message_in(lang)` for another language)."""

    code_type = VerifyErrorCode
    code: VerifyErrorCode

    def __init__(self, code: str, key: str, params: Mapping[str, Any] = _NO_PARAMS) -> None:
        # Not CodedError.__init__: that would word the message now, for every rejected token.
        if code not in _ERROR_CODES:
            raise ValueError(f"VerifyError has no code {code!r}")
        Exception.__init__(self, code)
        self.code, self.key, self.params = code, key, params

    @property  # type: ignore[override]
    def message(self) -> str:
        return render_reason(self.key, self.params)

    def message_in(self, lang: str) -> str:
        return render_reason(self.key, self.params, lang)

    def __str__(self) -> str:
        return self.message


class Check(NamedTuple):
    """One named check. `passed` is None when the check was not run (nothing to check, or an
    earlier failure made it meaningless). The reason is a catalogue key and its parameters."""

    name: CheckName
    passed: bool | None
    key: str
    params: Mapping[str, Any] = _NO_PARAMS
    code: VerifyErrorCode | None = None  # the error code when passed is False

    @property
    def reason(self) -> str:
        return render_reason(self.key, self.params)

    def reason_in(self, lang: str) -> str:
        return render_reason(self.key, self.params, lang)

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        return {"name": self.name, "passed": self.passed, "reason": self.reason_in(lang),
                "code": self.code, "reason_key": self.key, "params": _plain(self.params)}


# What one check found, before it is a Check: a plain tuple is the cheapest thing to build.
_Outcome = tuple[bool | None, str, Mapping[str, Any], "VerifyErrorCode | None"]


@dataclass(frozen=True)
class Expectations:
    """What the caller's API accepts. Empty tuples and None mean "don't check"."""

    issuer: str | None = None
    client_ids: tuple[str, ...] = ()
    token_use: TokenUse | None = None
    scopes: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    grace_seconds: int = 0

    def __post_init__(self) -> None:
        if self.token_use not in (None, "id", "access"):
            raise ValueError(f"token_use must be 'id', 'access' or None, not {self.token_use!r}")
        if self.grace_seconds < 0:
            raise ValueError("grace_seconds can't be negative")
        for name in ("client_ids", "scopes", "groups"):
            if isinstance(getattr(self, name), str):  # ("a") is a str, a classic slip
                raise TypeError(f"{name} must be a tuple of strings, not a string")


class Verification:
    """The verdict on one token. `checks` (the full checklist) is built on first use."""

    __slots__ = ("valid", "error", "header", "claims", "_outcomes", "_checks")

    def __init__(self, valid: bool, error: VerifyError | None, outcomes: tuple[_Outcome, ...],
                 header: dict[str, Any], claims: dict[str, Any]) -> None:
        self.valid, self.error, self.header, self.claims = valid, error, header, claims
        self._outcomes = outcomes
        self._checks: tuple[Check, ...] | None = None

    @property
    def checks(self) -> tuple[Check, ...]:
        if self._checks is None:
            self._checks = tuple(Check(name, *outcome[:2], outcome[2], outcome[3])
                                 for name, outcome in zip(CHECK_ORDER, self._outcomes))
        return self._checks

    def check(self, name: CheckName) -> Check:
        for check in self.checks:
            if check.name == name:
                return check
        raise KeyError(name)

    def to_dict(self, include_token: bool = True, lang: str = "en") -> dict[str, Any]:
        error = self.error
        result: dict[str, Any] = {
            "valid": self.valid,
            "error": {"code": error.code, "message": error.message_in(lang)} if error else None,
            "checks": [check.to_dict(lang) for check in self.checks],
        }
        if include_token:
            result.update(
                token_type=token_kind(self.claims), header=self.header, claims=self.claims
            )
        return result

    def to_json(self, include_token: bool = True, indent: int | None = None) -> str:
        return json.dumps(self.to_dict(include_token), indent=indent, ensure_ascii=False)


def verify_token(
    token: str | DecodedToken, keys: KeySet | None, expect: Expectations, now: float | None = None
) -> Verification:
    """Verify `token` against `keys`. Never raises for bad tokens: the verdict says what failed.

    `keys=None` means no key set could be had (offline, say): every claim is still checked, the
    signature is not, and a token with nothing else wrong gets `keys_unavailable`."""
    try:
        decoded = token if isinstance(token, DecodedToken) else decode_token(token)
    except TokenFormatError as error:
        return _malformed(error)
    outcomes = _run_checks(decoded, keys, expect, time.time() if now is None else now)
    error = _first_failure(outcomes, keys is None)
    return Verification(error is None, error, outcomes, decoded.header, decoded.claims)


def _first_failure(outcomes: tuple[_Outcome, ...], no_keys: bool) -> VerifyError | None:
    for passed, key, params, code in outcomes:
        if passed is False:
            return VerifyError(code or "malformed", key, params)
    if outcomes[_SIGNATURE][0] is not True:  # defence in depth: never valid unverified
        if no_keys:
            return VerifyError("keys_unavailable", "verify.signature.keys_unavailable")
        return VerifyError("invalid_signature", "verify.signature.not_verified")
    return None


_SIGNATURE = CHECK_ORDER.index("signature")


def _malformed(problem: TokenFormatError) -> Verification:
    params = {"detail": problem}  # rendered in the reader's language, see render_reason
    outcomes = ((False, "verify.structure.undecodable", params, "malformed"),) + tuple(
        (None, "verify.not_run.undecodable", _NO_PARAMS, None) for _ in CHECK_ORDER[1:]
    )
    error = VerifyError("malformed", "verify.structure.undecodable", params)
    return Verification(False, error, outcomes, {}, {})


def _run_checks(
    decoded: DecodedToken, keys: KeySet | None, expect: Expectations, now: float
) -> tuple[_Outcome, ...]:
    header, claims = decoded.header, decoded.claims
    key = keys.lookup(header.get("kid")) if keys is not None else None
    algorithm = _check_key_and_algorithm(header, key, keys)
    return (
        _check_structure(header, claims),
        _check_issuer(claims, expect.issuer),
        _check_key_lookup(header, key, keys),
        algorithm,
        _check_signature(decoded, key) if algorithm[0] else _SIGNATURE_NOT_RUN,
        _check_exp(claims, now, expect.grace_seconds),
        _check_nbf(claims, now, expect.grace_seconds),
        _check_scope(claims, expect.scopes),
        _check_groups(claims, expect.groups),
        _check_token_use(claims, expect.token_use),
        _check_client(claims, expect.client_ids),
    )


# --- structure and claim types --------------------------------------------------------------

_STRUCTURE_OK: _Outcome = (True, "verify.structure.ok", _NO_PARAMS, None)


def _is_string(value: object) -> bool:
    return isinstance(value, str)


_ONLY_STR = frozenset({str})  # json gives exactly str, never a subclass


def _is_string_or_strings(value: object) -> bool:
    # issuperset(map(type, ...)) runs in C: no Python frame per item, unlike all(... for ...)
    return isinstance(value, str) or (isinstance(value, list) and _ONLY_STR.issuperset(map(type, value)))


def _is_number(value: object) -> bool:
    if isinstance(value, bool):  # JSON true is a Python int subclass, not a time
        return False
    return isinstance(value, int) or (isinstance(value, float) and math.isfinite(value))


# aws-jwt-verify's `assertJwtPayload` (src/jwt.ts): each claim, when present, must have this
# type, or the token is refused before anything else. exp and nbf have their own checks below.
_CLAIM_TYPES = (
    ("iss", _is_string, "verify.structure.claim_string"),
    ("sub", _is_string, "verify.structure.claim_string"),
    ("aud", _is_string_or_strings, "verify.structure.claim_strings"),
    ("iat", _is_number, "verify.structure.claim_number"),
    ("scope", _is_string, "verify.structure.claim_string"),
    ("jti", _is_string, "verify.structure.claim_string"),
)


def _check_structure(header: dict[str, Any], claims: dict[str, Any]) -> _Outcome:
    if "crit" in header:  # RFC 7515 §4.1.11: unknown critical extensions must be rejected
        return (False, "verify.structure.crit", _NO_PARAMS, "malformed")
    for claim, has_type, key in _CLAIM_TYPES:
        if claim in claims and not has_type(claims[claim]):  # JSON null is refused too
            return (False, key, {"claim": claim, "got": claims[claim]}, "malformed")
    return _STRUCTURE_OK


# --- issuer ---------------------------------------------------------------------------------

_ISSUER_NOT_SET: _Outcome = (None, "verify.iss.not_configured", _NO_PARAMS, None)


def _check_issuer(claims: dict[str, Any], issuer: str | None) -> _Outcome:
    if issuer is None:
        return _ISSUER_NOT_SET
    iss = claims.get("iss")
    if iss != issuer:
        return (False, "verify.iss.wrong", {"iss": iss, "expected": issuer}, "wrong_issuer")
    return (True, "verify.iss.ok", {"iss": issuer}, None)


# --- header and signature -------------------------------------------------------------------

_SIGNATURE_NOT_RUN: _Outcome = (None, "verify.signature.not_run", _NO_PARAMS, None)


def _check_key_lookup(header: dict[str, Any], key: JwksKey | None, keys: KeySet | None) -> _Outcome:
    if keys is None:
        return (None, "verify.key_lookup.no_key_set", _NO_PARAMS, None)
    kid = header.get("kid")
    if not isinstance(kid, str):
        return (False, "verify.key_lookup.no_kid", _NO_PARAMS, "key_not_found")
    if key is None:
        return (False, "verify.key_lookup.unknown_kid", {"kid": kid, "count": len(keys)},
                "key_not_found")
    return (True, "verify.key_lookup.ok", {"kid": kid}, None)


def _check_key_and_algorithm(
    header: dict[str, Any], key: JwksKey | None, keys: KeySet | None
) -> _Outcome:
    alg = header.get("alg")
    if alg != ACCEPTED_ALGORITHM:
        return (False, _algorithm_reason(alg), {"alg": alg}, "unsupported_algorithm")
    if key is None:
        return (None, "verify.algorithm.no_key", _NO_PARAMS, None)
    if key.jwk is None:
        return (False, "verify.algorithm.unusable_key", {"kid": key.kid, "problem": key.problem},
                "invalid_key")
    return (True, "verify.algorithm.ok", {"bits": key.jwk.key.key_size}, None)


def _algorithm_reason(alg: object) -> str:
    if not isinstance(alg, str):
        return "verify.algorithm.missing"
    if alg.lower() == "none":
        return "verify.algorithm.none"
    if alg.upper().startswith("HS"):
        return "verify.algorithm.hmac"
    return "verify.algorithm.other"


def _check_signature(decoded: DecodedToken, key: JwksKey | None) -> _Outcome:
    if key is None or key.jwk is None:
        return _SIGNATURE_NOT_RUN
    # The pyjwt algorithm object does the RSA PKCS#1 v1.5 / SHA-256 verify with the cached key.
    if key.jwk.Algorithm.verify(decoded.signing_input, key.jwk.key, decoded.signature):
        return (True, "verify.signature.ok", {"kid": key.kid}, None)
    return (False, "verify.signature.mismatch", _NO_PARAMS, "invalid_signature")


# --- claims ---------------------------------------------------------------------------------

_NO_NBF: _Outcome = (True, "verify.nbf.absent", _NO_PARAMS, None)


def _check_exp(claims: dict[str, Any], now: float, grace: int) -> _Outcome:
    exp = claims.get("exp")
    if exp is None:
        return (False, "verify.exp.missing", _NO_PARAMS, "malformed")
    if not _is_number(exp):
        return (False, "verify.exp.not_number", {"got": exp}, "malformed")
    if now >= exp + grace:
        ago = int(now) - int(exp)  # int arithmetic: a float can't hold a 400-digit JSON number
        key = "verify.exp.expired_grace" if grace else "verify.exp.expired"
        return (False, key, {"at": exp, "seconds": ago, "grace": grace}, "expired")
    return (True, "verify.exp.ok", {"at": exp}, None)


def _check_nbf(claims: dict[str, Any], now: float, grace: int) -> _Outcome:
    nbf = claims.get("nbf")
    if nbf is None:
        return _NO_NBF
    if not _is_number(nbf):
        return (False, "verify.nbf.not_number", {"got": nbf}, "malformed")
    if nbf > now + grace:
        return (False, "verify.nbf.future", {"at": nbf}, "not_yet_valid")
    return (True, "verify.nbf.ok", {"at": nbf}, None)


_NO_SCOPE_REQUIRED: _Outcome = (None, "verify.scope.not_required", _NO_PARAMS, None)


def _check_scope(claims: dict[str, Any], scopes: tuple[str, ...]) -> _Outcome:
    if not scopes:
        return _NO_SCOPE_REQUIRED
    scope = claims.get("scope")
    if scope is None:
        return (False, "verify.scope.absent", _NO_PARAMS, "missing_scope")
    if not isinstance(scope, str):
        return (False, "verify.scope.not_string", {"got": scope}, "missing_scope")
    # Any one required scope is enough, as in API Gateway (aws-facts.md §5.1, §5.2).
    granted = [s for s in scope.split() if s in scopes]
    if not granted:
        return (False, "verify.scope.none_granted", {"scope": scope, "scopes": scopes},
                "missing_scope")
    return (True, "verify.scope.ok", {"scope": granted[0]}, None)


_NO_GROUP_REQUIRED: _Outcome = (None, "verify.groups.not_required", _NO_PARAMS, None)


def _check_groups(claims: dict[str, Any], groups: tuple[str, ...]) -> _Outcome:
    if not groups:
        return _NO_GROUP_REQUIRED
    member_of = claims.get("cognito:groups")
    if member_of is None:
        return (False, "verify.groups.absent", _NO_PARAMS, "missing_group")
    # aws-jwt-verify's assertStringArraysOverlap: a string or an array of strings; a string
    # counts as an array of one.
    if isinstance(member_of, str):
        member_of = [member_of]
    if not _is_string_or_strings(member_of):
        return (False, "verify.groups.not_strings", {"got": member_of}, "missing_group")
    missing = tuple(group for group in groups if group not in member_of)
    if missing:
        return (False, "verify.groups.missing", {"groups": missing}, "missing_group")
    return (True, "verify.groups.ok", {"groups": groups}, None)


def _check_token_use(claims: dict[str, Any], expected: TokenUse | None) -> _Outcome:
    use = claims.get("token_use")
    if use == expected if expected else (use == "id" or use == "access"):
        return (True, "verify.token_use.ok", {"use": use}, None)
    if expected and use in ("id", "access"):
        return (False, "verify.token_use.other_type", {"kind": use, "wanted": expected},
                "wrong_token_use")
    return (False, "verify.token_use.unknown", {"got": use}, "wrong_token_use")


_NO_CLIENT_CONFIGURED: _Outcome = (None, "verify.client.not_configured", _NO_PARAMS, None)


def _check_client(claims: dict[str, Any], client_ids: tuple[str, ...]) -> _Outcome:
    if not client_ids:
        return _NO_CLIENT_CONFIGURED
    # ID tokens name the app client in aud, access tokens in client_id (aws-facts.md §1.3, §1.4).
    claim = _client_claim_name(claims)
    value = claims.get(claim)
    if value is not None and not isinstance(value, str):
        # aws-jwt-verify (cognito-verifier.ts): assertStringArrayContainsString refuses an aud
        # or client_id that is not a string, a list of one included.
        return (False, "verify.client.not_string", {"claim": claim, "got": value}, "wrong_client")
    if value not in client_ids:
        return (False, "verify.client.wrong", {"claim": claim, "got": value, "clients": client_ids},
                "wrong_client")
    return (True, "verify.client.ok", {"claim": claim}, None)


def _client_claim_name(claims: dict[str, Any]) -> str:
    kind = token_kind(claims)
    if kind == "unknown":  # same fallback as an HTTP API JWT authorizer (aws-facts.md §5.2)
        return "aud" if "aud" in claims else "client_id"
    return "aud" if kind == "id" else "client_id"


# --- rendering ------------------------------------------------------------------------------


def render_reason(key: str, params: Mapping[str, Any] = _NO_PARAMS, lang: str = "en") -> str:
    """A reason in `lang`: parameters are shown by name (times as UTC, claim values quoted and
    cut short, lists joined), so the catalogue sentences hold no formatting logic. A parameter
    that is itself a lab error (why a token could not be decoded) is shown in `lang` too."""
    shown = {name: value.text(lang) if isinstance(value, FlowsError) else _FORMATS.get(name, str)(value)
             for name, value in params.items()}
    return i18n.text(key, lang, **shown)


def _when(epoch: object) -> str:
    return utc_iso(epoch) or f"{_quote(epoch, 30)} (beyond any calendar date)"


def _quote(value: object, limit: int = 80) -> str:
    """repr() cut short: claims and headers are attacker-written and may be huge."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _joined(values: object) -> str:
    return ", ".join(map(str, values)) if isinstance(values, (tuple, list)) else str(values)


_FORMATS: dict[str, Any] = {
    "at": _when, "got": _quote, "kid": _quote, "alg": _quote, "iss": _quote, "expected": _quote,
    "scope": _quote, "use": repr, "seconds": lambda value: _quote(value, 30),
    "scopes": _joined, "groups": _joined, "clients": _joined,
}


def _plain(params: Mapping[str, Any]) -> dict[str, Any]:
    """Parameters for JSON output: tuples become lists, a lab error its English message; other
    values are the token's own JSON."""
    return {name: _plain_value(value) for name, value in params.items()}


def _plain_value(value: object) -> object:
    if isinstance(value, tuple):
        return list(value)
    return value.message if isinstance(value, FlowsError) else value
