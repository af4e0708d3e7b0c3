"""Debug a token someone pasted: pick its keys safely, then decode, verify and predict.

Keys come from, in order: a JWKS the learner pasted; the target's own JWKS when the token's
issuer is the target's; the Cognito JWKS URL of an issuer of exactly Cognito's shape. No other
URL taken from a token is ever fetched (`iss`, `jku`, `x5u`, `kid` are attacker-controlled).
"""

from __future__ import annotations

from dataclasses import dataclass

from flows.jwks import JwksError, JwksSource, KeySet
from flows.jwt_decode import TokenFormatError, decode_token
from flows.jwt_verify import Expectations, Verification, verify_token
from flows.target import Target


@dataclass(frozen=True)
class KeyChoice:
    keys: KeySet | None
    origin: str  # message key: where the keys came from
    error: str | None = None


@dataclass
class KeySources:
    """Per-session key caches: one for the target's JWKS URL, one for Cognito issuers."""

    target: JwksSource
    cognito: JwksSource

    @classmethod
    def for_target(cls, target: Target) -> KeySources:
        return cls(JwksSource(target.jwks_location), JwksSource())


def choose_keys(issuer: object, kid: object, target: Target, pasted_jwks: str, sources: KeySources) -> KeyChoice:
    try:
        if pasted_jwks.strip():
            return KeyChoice(KeySet.from_json(pasted_jwks), "paste.keys.pasted")
        hint = str(kid) if isinstance(kid, str) else None
        if issuer == target.issuer:
            return KeyChoice(sources.target.keys_for(kid=hint), "paste.keys.target")
        return KeyChoice(sources.cognito.keys_for(kid=hint, issuer=str(issuer)), "paste.keys.cognito")
    except JwksError as error:
        return KeyChoice(None, "paste.keys.none", error.message)


@dataclass(frozen=True)
class PastedReport:
    format_error: str | None
    keys: KeyChoice | None
    verification: Verification | None


def inspect_pasted(token: str, target: Target, pasted_jwks: str, expect: Expectations,
                   sources: KeySources) -> PastedReport:
    try:
        decoded = decode_token(token)
    except TokenFormatError as error:
        return PastedReport(error.message, None, None)
    choice = choose_keys(decoded.claims.get("iss"), decoded.header.get("kid"), target, pasted_jwks, sources)
    if choice.keys is None:
        return PastedReport(None, choice, None)
    return PastedReport(None, choice, verify_token(decoded, choice.keys, expect))
