"""Debug a token from somewhere else: decode it, say what is wrong, then say what would settle
the rest.

The order is the one an engineer debugging a 401 needs (issue 14): the claims are always decoded
and shown; everything that can be known without keys is diagnosed (another pool's issuer, the
wrong token type, expired N minutes ago, another app client); and if the signature could not be
checked, the diagnosis says how to check it ("paste the JWKS of pool X, or allow fetching it").
An unreachable JWKS is never the headline: it only leaves the signature unchecked.

Keys come from, in order: a JWKS the learner pasted; the target's own JWKS when the token's
issuer is the target's; the Cognito JWKS URL of an issuer of exactly Cognito's shape, when the
learner allows fetching it. No other URL taken from a token is ever fetched (`iss`, `jku`, `x5u`,
`kid` are attacker-controlled).

`diagnose` is shared with `python -m flows verify`: the same codes, the same sentences.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

from flows.jwks import COGNITO_ISSUER, JwksError, JwksSource, KeySet
from flows.jwt_decode import TokenFormatError, decode_token, token_kind
from flows.jwt_verify import Expectations, Verification, render_reason, verify_token
from flows.target import Target

__all__ = ["Diagnosis", "Finding", "KeyChoice", "KeySources", "PastedReport", "SignatureState",
           "choose_keys", "diagnose", "inspect_pasted"]

SignatureState = Literal["verified", "failed", "unchecked"]


class Finding(NamedTuple):
    """One thing the diagnosis says: a stable `code` for programs, a catalogue key and its
    parameters for people (worded on demand, in the language asked for)."""

    code: str
    key: str
    params: Mapping[str, Any] = {}

    def text(self, lang: str = "en") -> str:
        return render_reason(self.key, self.params, lang)

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        return {"code": self.code, "message": self.text(lang)}


@dataclass(frozen=True)
class Diagnosis:
    valid: bool
    headline: Finding
    findings: tuple[Finding, ...]  # what is wrong, knowable without keys first
    facts: tuple[Finding, ...]  # who issued it, for which client, of which type, until when
    settle: tuple[Finding, ...]  # what would settle what is still open (the signature)
    signature: SignatureState

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        return {
            "valid": self.valid, "headline": self.headline.to_dict(lang), "signature": self.signature,
            "findings": [f.to_dict(lang) for f in self.findings],
            "facts": [f.to_dict(lang) for f in self.facts],
            "settle": [f.to_dict(lang) for f in self.settle],
        }

    def lines(self, lang: str = "en") -> list[str]:
        """The findings, then what would settle the rest: plain text, one sentence a line."""
        return [f.text(lang) for f in (*self.findings, *self.settle)]


def diagnose(verification: Verification, expect: Expectations, now: float | None = None,
             key_problem: JwksError | None = None) -> Diagnosis:
    """Turn a verdict (made with or without keys) into what an engineer debugging a 401 needs."""
    now = time.time() if now is None else now
    claims = verification.claims
    findings = tuple(_findings(verification, expect, now))
    signature = _signature_state(verification)
    settle = tuple(_settle(claims, signature, key_problem, verification))
    return Diagnosis(verification.valid, _headline(verification, findings, signature), findings,
                     tuple(_facts(claims, now)), settle, signature)


def _signature_state(verification: Verification) -> SignatureState:
    passed = verification.check("signature").passed
    return "verified" if passed else "failed" if passed is False else "unchecked"


def _headline(verification: Verification, findings: tuple[Finding, ...],
              signature: SignatureState) -> Finding:
    if verification.valid:
        return Finding("valid", "diagnosis.headline.valid")
    if findings:
        return findings[0]
    error = verification.error  # invalid with no failed check: only an unchecked signature
    if signature == "unchecked" or error is None:
        return Finding("keys_unavailable", "diagnosis.headline.unchecked")
    return Finding(error.code, error.key, error.params)


def _findings(verification: Verification, expect: Expectations, now: float) -> list[Finding]:
    claims, found = verification.claims, []
    foreign = verification.check("iss").passed is False
    for check in verification.checks:
        if check.passed is not False:
            continue
        if foreign and check.name in ("key_lookup", "key_and_algorithm"):
            continue  # another pool's key is missing from this pool's JWKS: a consequence, not news
        found.append(_explain(check.name, check.code or "malformed", check.key, check.params, claims,
                              expect, now))
    return found


def _explain(name: str, code: str, key: str, params: Mapping[str, Any], claims: dict[str, Any],
             expect: Expectations, now: float) -> Finding:
    if name == "iss":
        return _wrong_issuer(claims.get("iss"), expect.issuer or "")
    if key == "verify.token_use.other_type":
        return Finding(code, f"diagnosis.wrong_token_use.{params['kind']}")
    if name == "exp" and code == "expired":
        return _expired(claims["exp"], now)
    if key == "verify.client.wrong":
        return Finding(code, "diagnosis.wrong_client", params)
    return Finding(code, key, params)


def _wrong_issuer(iss: object, expected: str) -> Finding:
    params = {"iss": iss, "expected": expected, "expected_pool": _pool_of(expected) or expected}
    pool = _pool_of(iss)
    if pool:
        return Finding("wrong_issuer", "diagnosis.wrong_issuer.pool", {**params, "pool": pool})
    return Finding("wrong_issuer", "diagnosis.wrong_issuer.other", params)


def _pool_of(iss: object) -> str | None:
    """The user pool id of a Cognito issuer, None for any other issuer."""
    if isinstance(iss, str) and COGNITO_ISSUER.fullmatch(iss):
        return iss.rsplit("/", 1)[1]
    return None


def _expired(exp: float, now: float) -> Finding:
    seconds = int(now) - int(exp)
    if seconds < 120:
        return Finding("expired", "diagnosis.expired.seconds", {"seconds": seconds, "at": exp})
    return Finding("expired", "diagnosis.expired.minutes", {"minutes": seconds // 60, "at": exp})


def _facts(claims: dict[str, Any], now: float) -> list[Finding]:
    facts = [Finding("token_type", f"diagnosis.fact.type.{token_kind(claims)}")]
    iss = claims.get("iss")
    if isinstance(iss, str):
        pool = _pool_of(iss)
        facts.append(Finding("issuer", "diagnosis.fact.pool" if pool else "diagnosis.fact.issuer",
                             {"pool": pool, "iss": iss}))
    client = claims.get("aud") if token_kind(claims) == "id" else claims.get("client_id")
    if client is not None:
        facts.append(Finding("client", "diagnosis.fact.client", {"got": client}))
    exp = claims.get("exp")
    if isinstance(exp, (int, float)) and not isinstance(exp, bool) and abs(exp) < 1e12:
        left = int(exp) - int(now)
        key = "diagnosis.fact.expires_in" if left > 0 else "diagnosis.fact.expired_ago"
        facts.append(Finding("expiry", key, {"minutes": abs(left) // 60, "at": exp}))
    return facts


def _settle(claims: dict[str, Any], signature: SignatureState, key_problem: JwksError | None,
            verification: Verification) -> list[Finding]:
    if signature != "unchecked" or not claims:
        return []
    iss = claims.get("iss")
    pool = _pool_of(iss)
    settle = []
    if pool:
        settle.append(Finding("paste_jwks", "diagnosis.settle.pool",
                              {"pool": pool, "url": f"{iss}/.well-known/jwks.json"}))
    else:
        settle.append(Finding("paste_jwks", "diagnosis.settle.issuer", {"iss": iss}))
    if key_problem is not None:
        settle.append(Finding(key_problem.code, "diagnosis.settle.key_problem",
                              {"detail": key_problem}))
    elif verification.check("key_lookup").passed is False:
        settle.append(Finding("key_not_found", "diagnosis.settle.other_keys"))
    return settle


# --- the paste tab --------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyChoice:
    keys: KeySet | None
    origin: str  # message key: where the keys came from
    error: JwksError | None = None


@dataclass
class KeySources:
    """Per-session key caches: one for the target's JWKS URL, one for Cognito issuers."""

    target: JwksSource
    cognito: JwksSource

    @classmethod
    def for_target(cls, target: Target) -> KeySources:
        return cls(JwksSource(target.jwks_location), JwksSource())


def choose_keys(issuer: object, kid: object, target: Target, pasted_jwks: str, sources: KeySources,
                allow_fetch: bool = True) -> KeyChoice:
    """Where the keys come from; `allow_fetch=False` fetches nothing for another issuer."""
    try:
        if pasted_jwks.strip():
            return KeyChoice(KeySet.from_json(pasted_jwks), "paste.keys.pasted")
        hint = str(kid) if isinstance(kid, str) else None
        if issuer == target.issuer:
            return KeyChoice(sources.target.keys_for(kid=hint), "paste.keys.target")
        if not allow_fetch:
            return KeyChoice(None, "paste.keys.not_fetched")
        return KeyChoice(sources.cognito.keys_for(kid=hint, issuer=str(issuer)), "paste.keys.cognito")
    except JwksError as error:
        return KeyChoice(None, "paste.keys.none", error)


@dataclass(frozen=True)
class PastedReport:
    format_error: TokenFormatError | None  # shown with .text(lang)
    keys: KeyChoice | None
    verification: Verification | None
    diagnosis: Diagnosis | None = None


def inspect_pasted(token: str, target: Target, pasted_jwks: str, expect: Expectations,
                   sources: KeySources, allow_fetch: bool = True, now: float | None = None) -> PastedReport:
    """Decode (once), choose keys, verify (without keys if none could be had), diagnose."""
    try:
        decoded = decode_token(token)
    except TokenFormatError as error:
        return PastedReport(error, None, None)
    choice = choose_keys(decoded.claims.get("iss"), decoded.header.get("kid"), target, pasted_jwks,
                         sources, allow_fetch)
    verification = verify_token(decoded, choice.keys, expect, now)
    return PastedReport(None, choice, verification, diagnose(verification, expect, now, choice.error))
