"""JSON Web Key Sets (RFC 7517) of Cognito user pools: parse them, and fetch them safely.

A user pool publishes two RSA keys at
`https://cognito-idp.<region>.amazonaws.com/<userPoolId>/.well-known/jwks.json`, one for ID tokens
and one for access tokens (aws-facts.md §1.1).

Where keys may come from is the security-critical part. A token names its own issuer (`iss`) and
may carry `jku`/`x5u` URLs and a `kid`; all of them are written by whoever made the token. If a
verifier fetched keys from a URL the token chose, a forger would simply point it at their own
keys. So `JwksSource` fetches only from a URL the caller configured, or from the one URL shape
Cognito uses, rebuilt from an `iss` that matches `COGNITO_ISSUER` exactly. Nothing else in a
token ever becomes a URL, a path or a file name.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import requests
from jwt import PyJWK
from jwt.exceptions import PyJWTError

from flows.errors import CodedError

__all__ = [
    "COGNITO_ISSUER",
    "JwksError",
    "JwksErrorCode",
    "JwksKey",
    "JwksSource",
    "KeySet",
    "cognito_issuer",
    "jwks_url_for_issuer",
    "read_jwks_file",
    "shared_source",
]

COGNITO_ISSUER = re.compile(
    r"https://cognito-idp\.[a-z0-9-]+\.amazonaws\.com/[\w-]+_[0-9a-zA-Z]+",
    re.ASCII,  # without it \w also matches non-ASCII letters, i.e. lookalike hosts and paths
)
DEFAULT_TIMEOUT_SECONDS = 5.0
DEFAULT_REFETCH_SECONDS = 60.0
MAX_JWKS_BYTES = 256 * 1024  # a Cognito JWKS is about 1 KB
MAX_CACHED_URLS = 64  # a room of 30 attendees, one pool each, plus pasted issuers
MIN_RSA_BITS = 2048  # Cognito's keys are 2048-bit; shorter RSA keys are forgeable in practice

# AWS's page on verifying a Cognito JWT, cited in what the lab tells a person.
VERIFYING_DOC = ("https://docs.aws.amazon.com/cognito/latest/developerguide/"
                 "amazon-cognito-user-pools-using-tokens-verifying-a-jwt.html")


JwksErrorCode = Literal[
    "invalid_jwks",  # not a JWKS, or too big
    "not_json",
    "unreadable_file",
    "untrusted_url",  # an issuer that is not exactly Cognito's shape, or no URL at all
    "invalid_url",  # a configured URL that is not http(s)
    "http_error",  # an answer other than 200 (redirects included: they are not followed)
    "unreachable",
]


class JwksError(CodedError):
    """The key set could not be obtained or read. `code` says why, `message` says it to a human."""

    code_type = JwksErrorCode
    code: JwksErrorCode


@dataclass(frozen=True)
class JwksKey:
    """One key of a set. `problem` is set (and `jwk` is None) when the key must not be used."""

    kid: str
    jwk: PyJWK | None
    problem: str | None = None


class KeySet:
    """The keys of one JWKS, by `kid`, with the public-key objects parsed once.

    Built per key with `jwt.PyJWK` rather than `jwt.PyJWKSet`: PyJWKSet silently drops keys it
    cannot use and keeps duplicate kids, hiding exactly what a learner debugging a JWKS needs to
    see. Here an unusable or ambiguous key stays in the set, flagged, and a token that names it
    fails with `invalid_key` and the reason.
    """

    def __init__(
        self, keys: Mapping[str, JwksKey], problems: tuple[str, ...], jwks: dict[str, Any]
    ) -> None:
        self._keys = dict(keys)
        self.problems = problems
        self.jwks = jwks

    @classmethod
    def from_jwks(cls, jwks: object) -> KeySet:
        document, entries = _key_entries(jwks)
        named = [entry for entry in entries if _kid_of(entry) is not None]
        keys = _keys_by_kid(named)  # type: ignore[arg-type]
        problems = _entry_problems(entries)
        problems += [f"key {key.kid!r}: {key.problem}" for key in keys.values() if key.problem]
        return cls(keys, tuple(problems), document)

    @classmethod
    def from_json(cls, text: str | bytes) -> KeySet:
        return cls.from_jwks(_parse_json(text))

    def lookup(self, kid: object) -> JwksKey | None:
        """The key named `kid`, or None. A kid is only ever a dictionary key here."""
        return self._keys.get(kid) if isinstance(kid, str) else None

    @property
    def kids(self) -> tuple[str, ...]:
        return tuple(self._keys)

    def __contains__(self, kid: object) -> bool:
        return isinstance(kid, str) and kid in self._keys

    def __iter__(self) -> Iterator[JwksKey]:
        return iter(self._keys.values())

    def __len__(self) -> int:
        return len(self._keys)

    def __reduce__(self) -> tuple[Callable[[object], KeySet], tuple[dict[str, Any]]]:
        # cryptography's key objects can't be pickled; worker processes rebuild them from the JWKS.
        return (KeySet.from_jwks, (self.jwks,))


def _key_entries(jwks: object) -> tuple[dict[str, Any], list[object]]:
    if not isinstance(jwks, dict):
        raise JwksError.coded("invalid_jwks", "jwks_error.not_object", type=type(jwks).__name__)
    keys = jwks.get("keys")
    if not isinstance(keys, list):
        raise JwksError.coded("invalid_jwks", "jwks_error.no_keys_list")
    return jwks, keys


def _kid_of(entry: object) -> str | None:
    kid = entry.get("kid") if isinstance(entry, dict) else None
    return kid if isinstance(kid, str) else None


def _entry_problems(entries: list[object]) -> list[str]:
    if not entries:
        return ['the JWKS "keys" list is empty: no token can be verified with it']
    problems = []
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            problems.append(f"keys[{index}] is not a JSON object: ignored")
        elif _kid_of(entry) is None:
            problems.append(f"keys[{index}] has no kid: ignored (Cognito tokens name their key by kid)")
    return problems


def _keys_by_kid(entries: list[dict[str, Any]]) -> dict[str, JwksKey]:
    counts = Counter(entry["kid"] for entry in entries)
    keys: dict[str, JwksKey] = {}
    for entry in entries:
        kid = entry["kid"]
        if counts[kid] > 1:
            keys[kid] = JwksKey(kid, None, f"the JWKS lists this kid {counts[kid]} times, so "
                                           "which key signed the token is ambiguous")
        else:
            keys[kid] = _build_key(kid, entry)
    return keys


def _build_key(kid: str, entry: dict[str, Any]) -> JwksKey:
    problem = _declared_key_problem(entry)
    if problem:
        return JwksKey(kid, None, problem)
    try:
        # Rebuilt from n and e alone, so nothing else in the JWK can shape the key object.
        jwk = PyJWK({"kty": "RSA", "kid": kid, "n": entry["n"], "e": entry["e"]}, "RS256")
    except (PyJWTError, TypeError, ValueError) as error:
        return JwksKey(kid, None, f"not a usable RSA public key ({str(error)[:80]})")
    if jwk.key.key_size < MIN_RSA_BITS:
        bits = jwk.key.key_size
        return JwksKey(kid, None, f"RSA key is {bits} bits; at least {MIN_RSA_BITS} needed")
    return JwksKey(kid, jwk)


def _declared_key_problem(entry: dict[str, Any]) -> str | None:
    kty, alg, use = entry.get("kty"), entry.get("alg", "RS256"), entry.get("use", "sig")
    if kty != "RSA":
        return f"kty is {kty!r}; Cognito signs with RSA keys only (RS256, {VERIFYING_DOC})"
    if alg != "RS256":
        return f"key is for alg {alg!r}; Cognito tokens use RS256"
    if use != "sig":
        return f"key use is {use!r}, not 'sig' (signature)"
    if "d" in entry:
        return "the JWKS publishes this key's PRIVATE part ('d'): anyone can sign with it"
    if not isinstance(entry.get("n"), str) or not isinstance(entry.get("e"), str):
        return "an RSA JWK needs 'n' and 'e' as base64url strings"
    return None


def _parse_json(data: str | bytes, url: str = "") -> object:
    """JSON from a pasted or saved JWKS, or from the answer of `url`."""
    try:
        return json.loads(data)
    except (ValueError, RecursionError) as error:  # JSONDecodeError and UnicodeDecodeError too
        detail = str(error)[:80]  # the JSON parser's own words
        if url:
            raise JwksError.coded("not_json", "jwks_error.response_not_json", url=url, detail=detail) from None
        raise JwksError.coded("not_json", "jwks_error.not_json", detail=detail) from None


def read_jwks_file(path: str | Path) -> KeySet:
    """A key set saved to disk, e.g. a JWKS downloaded once for offline verification."""
    try:
        with open(path, "rb") as file:
            data = file.read(MAX_JWKS_BYTES + 1)
    except OSError as error:
        raise JwksError.coded("unreadable_file", "jwks_error.unreadable_file", path=repr(str(path)),
                              detail=error.strerror) from None
    if len(data) > MAX_JWKS_BYTES:
        raise JwksError.coded("invalid_jwks", "jwks_error.file_too_large", path=repr(str(path)),
                              limit=f"{MAX_JWKS_BYTES:,}")
    return KeySet.from_json(data)


def cognito_issuer(region: str, user_pool_id: str) -> str:
    """`iss` of a user pool's tokens, always on the AWS host (aws-facts.md §1.1)."""
    return f"https://cognito-idp.{region}.amazonaws.com/{user_pool_id}"


def jwks_url_for_issuer(issuer: str) -> str:
    """The JWKS URL of a Cognito issuer; refuses any issuer that is not exactly Cognito's shape."""
    if not isinstance(issuer, str) or not COGNITO_ISSUER.fullmatch(issuer):
        raise JwksError.coded("untrusted_url", "jwks_error.untrusted_issuer", issuer=repr(str(issuer)[:100]))
    return f"{issuer}/.well-known/jwks.json"


Observer = Callable[[requests.Response, bytes], None]
"""Sees what crossed the wire for a fetch: the response, and its body as read."""


@dataclass(frozen=True)
class _CachedKeys:
    keys: KeySet
    fetched_at: float


class JwksSource:
    """Fetches and caches key sets: from `url` if given, else from a Cognito issuer's JWKS URL.

    The cache is keyed by the URL fetched, which for Cognito is the issuer's own: one source can
    serve many pools (the dashboard shares one, so the API matrix never refetches what the tokens
    step fetched). Keys are public, so sharing them across sessions shares nothing private.

    An unknown `kid` (for instance after a key rotation) triggers at most one refetch per
    `refetch_interval` per URL, so a stream of tokens with made-up kids can't turn the verifier
    into a request amplifier. Redirects are not followed: the fetched URL is exactly the vetted one.
    The body is read up to `MAX_JWKS_BYTES` and no further.
    """

    def __init__(
        self,
        url: str | None = None,
        *,
        session: requests.Session | None = None,
        timeout: float = DEFAULT_TIMEOUT_SECONDS,
        refetch_interval: float = DEFAULT_REFETCH_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.url = _configured_url(url)
        self._session = session if session is not None else requests.Session()
        self._timeout = timeout
        self._refetch_interval = refetch_interval
        self._clock = clock
        self._cache: dict[str, _CachedKeys] = {}
        self._url_locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()  # guards the two dicts, never held while fetching

    def url_for(self, issuer: str | None, url: str | None = None) -> str:
        """`url` (configured by the caller), else this source's URL, else the one derived from a
        Cognito `issuer`."""
        configured = _configured_url(url) or self.url
        if configured is not None:
            return configured
        if issuer is None:
            raise JwksError.coded("untrusted_url", "jwks_error.no_url")
        return jwks_url_for_issuer(issuer)

    def keys_for(self, kid: str | None = None, issuer: str | None = None, *, url: str | None = None) -> KeySet:
        """Cached keys for the URL, fetched on first use and when `kid` is unknown (rate-limited).

        Pass the *expected* issuer when one is configured; a token's own `iss` is only a hint,
        and `jwks_url_for_issuer` vets it before it becomes a URL. `url` is a JWKS URL the caller
        configured (a Target's `jwks_url`), never one taken from a token.
        """
        fetch_url = self.url_for(issuer, url)
        with self._lock_for(fetch_url):
            cached = self._cache.get(fetch_url)
            if cached is None or self._should_refetch(cached, kid):
                cached = self._fetch_into_cache(fetch_url, None)
            return cached.keys

    def refresh(self, issuer: str | None = None, *, url: str | None = None,
                observe: Observer | None = None) -> KeySet:
        """Fetch now, whatever the cache holds, and cache the result: for a step that shows the
        learner the GET. `observe` sees the response and the body as read (capped)."""
        fetch_url = self.url_for(issuer, url)
        with self._lock_for(fetch_url):
            return self._fetch_into_cache(fetch_url, observe).keys

    def _lock_for(self, url: str) -> threading.Lock:
        # One lock per URL: a slow JWKS host delays only the callers that need its keys.
        with self._lock:
            return self._url_locks.setdefault(url, threading.Lock())

    def _should_refetch(self, cached: _CachedKeys, kid: str | None) -> bool:
        if kid is None or kid in cached.keys:
            return False
        return self._clock() - cached.fetched_at >= self._refetch_interval

    def _fetch_into_cache(self, url: str, observe: Observer | None) -> _CachedKeys:
        previous = self._cache.get(url)
        try:
            cached = _CachedKeys(self._fetch(url, observe), self._clock())
        except JwksError:
            if previous is not None:  # keep the old keys, but don't retry before the interval
                self._store(url, _CachedKeys(previous.keys, self._clock()))
            raise
        self._store(url, cached)
        return cached

    def _store(self, url: str, cached: _CachedKeys) -> None:
        with self._lock:
            if len(self._cache) >= MAX_CACHED_URLS and url not in self._cache:
                oldest = next(iter(self._cache))  # dicts keep insertion order
                del self._cache[oldest]
                self._url_locks.pop(oldest, None)
            self._cache[url] = cached

    def _fetch(self, url: str, observe: Observer | None) -> KeySet:
        """One GET of a vetted JWKS URL. Raises `JwksError` with a specific code."""
        response = self._get(url)
        with response:
            body = _read_capped(url, response)
        if observe is not None:
            observe(response, body)
        if response.status_code != 200:
            raise _status_error(url, response)
        if len(body) > MAX_JWKS_BYTES:
            raise JwksError.coded("invalid_jwks", "jwks_error.response_too_large", url=url,
                                  limit=f"{MAX_JWKS_BYTES:,}")
        return KeySet.from_jwks(_parse_json(body, url))

    def _get(self, url: str) -> requests.Response:
        try:
            return self._session.get(
                url, timeout=self._timeout, allow_redirects=False, stream=True,
                headers={"Accept": "application/json"},
            )
        except requests.Timeout:
            raise JwksError.coded("unreachable", "jwks_error.timeout", url=url,
                                  seconds=f"{self._timeout:g}") from None
        except requests.RequestException as error:
            raise JwksError.coded("unreachable", "jwks_error.unreachable", url=url,
                                  error=type(error).__name__) from None


def _configured_url(url: str | None) -> str | None:
    if url is not None and not url.startswith(("https://", "http://")):
        raise JwksError.coded("invalid_url", "jwks_error.invalid_url", url=repr(url))
    return url


def _read_capped(url: str, response: requests.Response) -> bytes:
    """The body, but never more than one byte past the cap: a huge answer is not downloaded."""
    body = bytearray()
    try:
        for chunk in response.iter_content(chunk_size=16 * 1024):
            body += chunk
            if len(body) > MAX_JWKS_BYTES:
                break
    except requests.RequestException as error:
        raise JwksError.coded("unreachable", "jwks_error.broke_off", url=url, error=type(error).__name__) from None
    return bytes(body[: MAX_JWKS_BYTES + 1])


_SHARED_SOURCE = JwksSource()


def shared_source() -> JwksSource:
    """The dashboard's one key cache, shared by its sessions: it holds public keys only, by the
    URL they came from, so no session can see or change another's keys through it."""
    return _SHARED_SOURCE


def _status_error(url: str, response: requests.Response) -> JwksError:
    if response.is_redirect:
        return JwksError.coded("http_error", "jwks_error.redirect", url=url, status=response.status_code,
                               location=repr(response.headers.get("Location", "?")))
    return JwksError.coded("http_error", "jwks_error.http_status", url=url, status=response.status_code)
