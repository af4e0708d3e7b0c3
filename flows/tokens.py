"""Leg 2: the ID token and the access token, decoded and verified against the pool's JWKS."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any, Literal

from flows.capture import Recorder
from flows.jwks import JwksError, JwksSource, KeySet, shared_source
from flows.jwt_decode import DecodedToken, TokenFormatError, decode_token
from flows.jwt_verify import Expectations, Verification, verify_token
from flows.steps import AwsFailure, Note, StepResult
from flows.target import Target

TokenName = Literal["id", "access"]


@dataclass(frozen=True)
class TokenReport:
    """One token as the lab shows it: decoded, and checked against what this pool issues."""

    name: TokenName
    decoded: DecodedToken | None
    verification: Verification | None
    format_error: TokenFormatError | None = None  # shown with .text(lang)

    def to_json(self) -> dict[str, Any]:
        problem = self.format_error.message if self.format_error else None
        return {"name": self.name, "format_error": problem,
                "header": self.decoded.header if self.decoded else None,
                "claims": self.decoded.claims if self.decoded else None,
                "verification": self.verification.to_dict(include_token=False) if self.verification else None}


def fetch_jwks(target: Target, recorder: Recorder, source: JwksSource | None = None) -> KeySet:
    """GET the pool's JWKS now, through the hardened `JwksSource` (no redirects, size cap), and
    leave the keys in its cache for the API matrix. The URL is the target's: never a token's."""
    source = shared_source() if source is None else source
    observe = partial(recorder.record_response, "GET jwks.json")
    return source.refresh(target.issuer, url=target.jwks_url, observe=observe)


def cached_jwks(target: Target, source: JwksSource | None = None) -> KeySet:
    """The pool's keys from the cache (fetched only if nobody fetched them yet)."""
    source = shared_source() if source is None else source
    return source.keys_for(issuer=target.issuer, url=target.jwks_url)


def expectations_for(target: Target, name: TokenName, client_name: str) -> Expectations:
    return Expectations(issuer=target.issuer, client_ids=(target.client(client_name).client_id,), token_use=name)


def report(token: str, name: TokenName, keys: KeySet, expect: Expectations) -> TokenReport:
    try:
        decoded = decode_token(token)
    except TokenFormatError as error:
        return TokenReport(name, None, None, error)
    return TokenReport(name, decoded, verify_token(token, keys, expect))


def inspect_tokens(target: Target, tokens: dict[TokenName, str], client_name: str = "public",
                   source: JwksSource | None = None) -> StepResult:
    """Fetch the JWKS once, then decode and verify each token."""
    recorder = Recorder()
    result = StepResult("tokens", recorder.exchanges, notes=[
        Note("note.tokens.two_keys", "tokens.md#signing-keys-and-the-jwks"),
        Note("note.tokens.aud_vs_client_id", "tokens.md#aud-versus-client_id"),
    ])
    try:
        keys = fetch_jwks(target, recorder, source)
    except JwksError as error:
        result.failure = AwsFailure("JwksUnavailable", str(error), None, "meaning.tokens.jwks_unavailable")
        return result
    result.outputs = {name: report(token, name, keys, expectations_for(target, name, client_name))
                      for name, token in tokens.items()}
    return result
