"""Verify a Cognito user-pool token the way AWS documents it, one named check at a time.

The steps follow "Verifying a JSON web token" in the Cognito Developer Guide (aws-facts.md §1.4)
plus the scope and group rules of API Gateway authorizers (§5.1, §5.2). Every check is reported,
so a learner sees *all* that is wrong with a token; `Verification.error` is the first failure in
`CHECK_ORDER`, which is the order a careful verifier must apply them in: nothing in the payload is
trusted before the signature is known to be good.

Only RS256 is accepted. Cognito signs both token types with RS256 (§1.1), and pinning one
algorithm closes the `alg: none` and RS256-to-HS256 "algorithm confusion" forgeries.
"""

from __future__ import annotations

import json
import math
import time
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple, get_args

from flows.errors import CodedError
from flows.jwks import VERIFYING_DOC, JwksKey, KeySet
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
    "verify_token",
]

ACCEPTED_ALGORITHM = "RS256"
TokenUse = Literal["id", "access"]

# AWS's own pages, cited in what the verifier tells a person (the repository has no other source).
ID_TOKEN_DOC = "https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-id-token.html"
COGNITO_AUTHORIZER_DOC = "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-integrate-with-cognito.html"


VerifyErrorCode = Literal[
    "malformed", "key_not_found", "unsupported_algorithm", "invalid_key", "invalid_signature",
    "expired", "not_yet_valid", "wrong_issuer", "missing_scope", "missing_group",
    "wrong_token_use", "wrong_client",
]
CheckName = Literal[
    "structure", "key_lookup", "key_and_algorithm", "signature",
    "exp", "nbf", "iss", "scope", "groups", "token_use", "client",
]


CHECK_ORDER: tuple[CheckName, ...] = get_args(CheckName)


class VerifyError(CodedError):
    """Why a token was rejected: `code` is stable for programs, `message` is for people."""

    code_type = VerifyErrorCode
    code: VerifyErrorCode


class Check(NamedTuple):
    """One named check. `passed` is None when the check was not run (nothing to check, or an
    earlier failure made it meaningless). A NamedTuple, not a dataclass: eleven are built per
    token, and this is the cheapest immutable record Python has."""

    name: CheckName
    passed: bool | None
    reason: str
    code: VerifyErrorCode | None = None  # the error code when passed is False

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "passed": self.passed, "reason": self.reason, "code": self.code}


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


@dataclass(frozen=True)
class Verification:
    valid: bool
    error: VerifyError | None
    checks: tuple[Check, ...]
    header: dict[str, Any]
    claims: dict[str, Any]

    def check(self, name: CheckName) -> Check:
        for check in self.checks:
            if check.name == name:
                return check
        raise KeyError(name)

    def to_dict(self, include_token: bool = True) -> dict[str, Any]:
        result: dict[str, Any] = {
            "valid": self.valid,
            "error": self.error.to_dict() if self.error else None,
            "checks": [check.to_dict() for check in self.checks],
        }
        if include_token:
            result.update(
                token_type=token_kind(self.claims), header=self.header, claims=self.claims
            )
        return result

    def to_json(self, include_token: bool = True, indent: int | None = None) -> str:
        return json.dumps(self.to_dict(include_token), indent=indent, ensure_ascii=False)


def verify_token(
    token: str | DecodedToken, keys: KeySet, expect: Expectations, now: float | None = None
) -> Verification:
    """Verify `token` against `keys`. Never raises for bad tokens: the verdict says what failed."""
    try:
        decoded = token if isinstance(token, DecodedToken) else decode_token(token)
    except TokenFormatError as error:
        return _malformed(error.message)
    checks = _run_checks(decoded, keys, expect, time.time() if now is None else now)
    error = _first_failure(checks)
    return Verification(error is None, error, checks, decoded.header, decoded.claims)


def _first_failure(checks: tuple[Check, ...]) -> VerifyError | None:
    for check in checks:
        if check.passed is False:
            return VerifyError(check.code or "malformed", check.reason)
    if checks[CHECK_ORDER.index("signature")].passed is not True:  # defence in depth
        return VerifyError("invalid_signature", "the signature was not verified")
    return None


def _malformed(message: str) -> Verification:
    checks = (Check("structure", False, message, "malformed"),) + tuple(
        Check(name, None, "not run: the token could not be decoded") for name in CHECK_ORDER[1:]
    )
    return Verification(False, VerifyError("malformed", message), checks, {}, {})


def _run_checks(
    decoded: DecodedToken, keys: KeySet, expect: Expectations, now: float
) -> tuple[Check, ...]:
    header, claims = decoded.header, decoded.claims
    key = keys.lookup(header.get("kid"))
    algorithm = _check_key_and_algorithm(header, key)
    return (
        _check_structure(header),
        _check_key_lookup(header, key, keys),
        algorithm,
        _check_signature(decoded, key) if algorithm.passed else _signature_not_run(),
        _check_exp(claims, now, expect.grace_seconds),
        _check_nbf(claims, now, expect.grace_seconds),
        _check_issuer(claims, expect.issuer),
        _check_scope(claims, expect.scopes),
        _check_groups(claims, expect.groups),
        _check_token_use(claims, expect.token_use),
        _check_client(claims, expect.client_ids),
    )


# --- header and signature -------------------------------------------------------------------


def _check_structure(header: dict[str, Any]) -> Check:
    if "crit" in header:  # RFC 7515 §4.1.11: unknown critical extensions must be rejected
        return Check("structure", False, "header marks extensions as critical ('crit'); "
                     "this verifier supports none, and Cognito tokens use none", "malformed")
    return Check("structure", True, "3 base64url segments; header and payload are JSON objects")


def _check_key_lookup(header: dict[str, Any], key: JwksKey | None, keys: KeySet) -> Check:
    kid = header.get("kid")
    if not isinstance(kid, str):
        return Check("key_lookup", False, "header has no kid, so no key can be chosen",
                     "key_not_found")
    if key is None:
        return Check("key_lookup", False, f"no key with kid {_quote(kid)} among the JWKS's "
                     f"{len(keys)} key(s): is the JWKS from this token's user pool?",
                     "key_not_found")
    return Check("key_lookup", True, f"kid {_quote(kid)} found in the JWKS")


def _check_key_and_algorithm(header: dict[str, Any], key: JwksKey | None) -> Check:
    alg = header.get("alg")
    if alg != ACCEPTED_ALGORITHM:
        return Check("key_and_algorithm", False, _algorithm_reason(alg), "unsupported_algorithm")
    if key is None:
        return Check("key_and_algorithm", None, "alg RS256 is right; no key to check it against")
    if key.jwk is None:
        return Check("key_and_algorithm", False,
                     f"key {_quote(key.kid)} is unusable: {key.problem}", "invalid_key")
    return Check("key_and_algorithm", True, f"RS256 with a {key.jwk.key.key_size}-bit RSA key")


def _algorithm_reason(alg: object) -> str:
    if not isinstance(alg, str):
        return "header has no alg; Cognito tokens are signed with RS256"
    if alg.lower() == "none":
        return "alg 'none' means the token is unsigned: never accepted"
    if alg.upper().startswith("HS"):
        return (f"alg {_quote(alg)} is a shared-secret algorithm; Cognito signs with RS256, and an "
                "HS token made with the public key as secret is a known forgery")
    return f"alg {_quote(alg)} is not accepted: Cognito signs with RS256 only ({VERIFYING_DOC})"


def _check_signature(decoded: DecodedToken, key: JwksKey | None) -> Check:
    if key is None or key.jwk is None:
        return _signature_not_run()
    # The pyjwt algorithm object does the RSA PKCS#1 v1.5 / SHA-256 verify with the cached key.
    if key.jwk.Algorithm.verify(decoded.signing_input, key.jwk.key, decoded.signature):
        return Check("signature", True, f"RS256 signature verified with key {_quote(key.kid)}")
    return Check("signature", False, "signature does not match: the token was altered, or signed "
                 "by another key", "invalid_signature")


def _signature_not_run() -> Check:
    return Check("signature", None, "not run: no usable key and algorithm")


# --- claims ---------------------------------------------------------------------------------


def _check_exp(claims: dict[str, Any], now: float, grace: int) -> Check:
    exp = claims.get("exp")
    if exp is None:
        return Check("exp", False, f"no exp claim: Cognito always sets one ({ID_TOKEN_DOC}), "
                     "and a token without it would never expire", "malformed")
    if not _is_number(exp):
        return Check("exp", False, f"exp must be a number of seconds, got {_quote(exp)}",
                     "malformed")
    if now >= exp + grace:
        ago = int(now) - int(exp)  # int arithmetic: a float can't hold a 400-digit JSON number
        return Check("exp", False, f"expired at {_when(exp)}, {_quote(ago, 30)} s ago"
                     + (f" (beyond the {grace} s grace period)" if grace else ""), "expired")
    return Check("exp", True, f"expires at {_when(exp)}")


def _check_nbf(claims: dict[str, Any], now: float, grace: int) -> Check:
    nbf = claims.get("nbf")
    if nbf is None:
        return Check("nbf", True, "no nbf claim (Cognito tokens have none)")
    if not _is_number(nbf):
        return Check("nbf", False, f"nbf must be a number of seconds, got {_quote(nbf)}",
                     "malformed")
    if nbf > now + grace:
        return Check("nbf", False, f"not valid before {_when(nbf)}: is a clock wrong?",
                     "not_yet_valid")
    return Check("nbf", True, f"valid since {_when(nbf)}")


def _check_issuer(claims: dict[str, Any], issuer: str | None) -> Check:
    if issuer is None:
        return Check("iss", None, "no expected issuer configured")
    iss = claims.get("iss")
    if iss != issuer:
        return Check("iss", False, f"iss is {_quote(iss)}, expected {_quote(issuer)}",
                     "wrong_issuer")
    return Check("iss", True, f"iss is {_quote(issuer)}")


def _check_scope(claims: dict[str, Any], scopes: tuple[str, ...]) -> Check:
    if not scopes:
        return Check("scope", None, "no scope required")
    scope = claims.get("scope")
    if scope is None:
        return Check("scope", False, "token has no scope claim; ID tokens never do: an API that "
                     f"checks scopes needs the access token ({COGNITO_AUTHORIZER_DOC})", "missing_scope")
    if not isinstance(scope, str):
        return Check("scope", False, f"scope should be a space-separated string, got "
                     f"{_quote(scope)}", "missing_scope")
    # Any one required scope is enough, as in API Gateway (aws-facts.md §5.1, §5.2).
    granted = [s for s in scope.split() if s in scopes]
    if not granted:
        return Check("scope", False, f"scope {_quote(scope)} has none of {', '.join(scopes)}",
                     "missing_scope")
    return Check("scope", True, f"scope {_quote(granted[0])} is granted")


def _check_groups(claims: dict[str, Any], groups: tuple[str, ...]) -> Check:
    if not groups:
        return Check("groups", None, "no group required")
    member_of = claims.get("cognito:groups")
    if not isinstance(member_of, list):
        return Check("groups", False, "no cognito:groups claim: the user is in no group",
                     "missing_group")
    missing = [group for group in groups if group not in member_of]
    if missing:
        return Check("groups", False, f"user is not in group(s) {', '.join(missing)}",
                     "missing_group")
    return Check("groups", True, f"user is in {', '.join(groups)}")


def _check_token_use(claims: dict[str, Any], expected: TokenUse | None) -> Check:
    use = claims.get("token_use")
    accepted = (expected,) if expected else ("id", "access")
    if use not in accepted:
        return Check("token_use", False, _token_use_reason(use, expected), "wrong_token_use")
    return Check("token_use", True, f"token_use is {use!r}")


def _token_use_reason(use: object, expected: TokenUse | None) -> str:
    if expected and use in ("id", "access"):
        return (f"this is an {use} token, the API expects the {expected} token "
                "(API Gateway: no scopes wants the ID token, scopes want the access token)")
    return f"token_use is {_quote(use)}; Cognito user-pool tokens say 'id' or 'access'"


def _check_client(claims: dict[str, Any], client_ids: tuple[str, ...]) -> Check:
    if not client_ids:
        return Check("client", None, "no app client id configured")
    # ID tokens name the app client in aud, access tokens in client_id (aws-facts.md §1.3, §1.4).
    claim = _client_claim_name(claims)
    value = claims.get(claim)
    values = value if isinstance(value, list) else [value]
    if not any(isinstance(v, str) and v in client_ids for v in values):
        return Check("client", False, f"{claim} is {_quote(value)}, not one of the expected app "
                     f"client ids {', '.join(client_ids)}", "wrong_client")
    return Check("client", True, f"{claim} matches the app client id")


def _client_claim_name(claims: dict[str, Any]) -> str:
    kind = token_kind(claims)
    if kind == "unknown":  # same fallback as an HTTP API JWT authorizer (aws-facts.md §5.2)
        return "aud" if "aud" in claims else "client_id"
    return "aud" if kind == "id" else "client_id"


# --- helpers --------------------------------------------------------------------------------


def _is_number(value: object) -> bool:
    if isinstance(value, bool):  # JSON true is a Python int subclass, not a time
        return False
    return isinstance(value, int) or (isinstance(value, float) and math.isfinite(value))


def _when(epoch: int | float) -> str:
    return utc_iso(epoch) or f"{_quote(epoch, 30)} (beyond any calendar date)"


def _quote(value: object, limit: int = 80) -> str:
    """repr() cut short: claims and headers are attacker-written and may be huge."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
