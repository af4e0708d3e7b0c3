"""Shared test material for the token tests: real RSA keys, Cognito-shaped claims, signed tokens,
hand-forged tokens, and a loopback HTTP server that counts what it is asked for.

Plain functions rather than conftest fixtures, so these modules don't depend on (or clash with)
the project's conftest. Keys are generated once per process: RSA key generation is slow.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

from flows.jwks import KeySet
from flows.jwt_verify import Expectations

REGION = "us-east-1"
USER_POOL_ID = "us-east-1_d0Y5gS66r"  # real-looking format, aws-facts.md §0
ISSUER = f"https://cognito-idp.{REGION}.amazonaws.com/{USER_POOL_ID}"  # aws-facts.md §1.1
CLIENT_ID = "4feegfdtp0dbt9atu56vruuv37"  # 26 lowercase alphanumerics, aws-facts.md §0
OTHER_CLIENT_ID = "57cbishk4j24pabc1234567890"
# Cognito kids are 44 characters of standard base64, with '+', '/' and '=' (aws-facts.md §1.1).
ID_KID = "x+ZbzJiIcxF6ml5D65RAp2JPNCDN+afSqisPgH14svo="
ACCESS_KID = "a/7RhDgNUOq9K0kN4tnm3mfGUaGFuOdFcR0f2LF9B0c="
NOW = 1_700_000_000.0  # a fixed clock: tests never depend on the machine's time
SUB = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"


def rsa_key(name: str = "id", bits: int = 2048) -> rsa.RSAPrivateKey:
    return _rsa_key(name, bits)  # one cache key per (name, bits), however the call is spelled


@functools.lru_cache(maxsize=None)
def _rsa_key(name: str, bits: int) -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


@functools.lru_cache(maxsize=None)
def ec_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def public_pem(name: str = "id") -> bytes:
    return rsa_key(name).public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def rsa_jwk(kid: str, name: str = "id", bits: int = 2048) -> dict[str, Any]:
    """A public JWK shaped like Cognito's: kid, alg, kty, e, n, use (aws-facts.md §1.1)."""
    jwk = RSAAlgorithm.to_jwk(rsa_key(name, bits).public_key(), as_dict=True)
    return {"kid": kid, "alg": "RS256", "kty": "RSA", "e": jwk["e"], "n": jwk["n"], "use": "sig"}


def ec_jwk(kid: str) -> dict[str, Any]:
    return {**ECAlgorithm.to_jwk(ec_key().public_key(), as_dict=True), "kid": kid, "use": "sig"}


def cognito_jwks() -> dict[str, Any]:
    """Two keys, one per token type, as a user pool publishes (aws-facts.md §1.1)."""
    return {"keys": [rsa_jwk(ID_KID, "id"), rsa_jwk(ACCESS_KID, "access")]}


@functools.lru_cache(maxsize=None)
def cognito_keys() -> KeySet:
    return KeySet.from_jwks(cognito_jwks())


def id_claims(**overrides: Any) -> dict[str, Any]:
    """ID token payload after the AWS sample (aws-facts.md §1.2), valid for an hour at NOW."""
    claims = {
        "sub": SUB, "aud": CLIENT_ID, "email_verified": True, "token_use": "id",
        "auth_time": int(NOW) - 60, "iss": ISSUER, "cognito:username": "janedoe",
        "cognito:groups": ["admins", "readers"], "exp": int(NOW) + 3600,
        "iat": int(NOW) - 60, "email": "janedoe@example.com", "jti": SUB, "origin_jti": SUB,
    }
    return _apply(claims, overrides)


def access_claims(**overrides: Any) -> dict[str, Any]:
    """Access token payload after the AWS sample (aws-facts.md §1.3): client_id, no aud."""
    claims = {
        "sub": SUB, "cognito:groups": ["admins"], "token_use": "access",
        "scope": "aws.cognito.signin.user.admin openid orders/read", "auth_time": int(NOW) - 60,
        "iss": ISSUER, "exp": int(NOW) + 3600, "iat": int(NOW) - 60, "origin_jti": SUB,
        "jti": SUB, "client_id": CLIENT_ID, "username": "janedoe", "version": 2,
    }
    return _apply(claims, overrides)


def _apply(claims: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """Keyword overrides; a value of DROP removes the claim. `cognito_groups` spells the
    `cognito:groups` claim, which is not a Python identifier."""
    for name, value in overrides.items():
        name = name.replace("cognito_", "cognito:")
        if value is DROP:
            claims.pop(name, None)
        else:
            claims[name] = value
    return claims


DROP = object()


def sign(claims: dict[str, Any], kid: str | None = ID_KID, key_name: str = "id",
         headers: dict[str, Any] | None = None) -> str:
    """An RS256 token signed with pyjwt; no `typ`, like Cognito's header (aws-facts.md §1.1)."""
    header = {"kid": kid} if kid is not None else {}
    return jwt.encode(claims, rsa_key(key_name), algorithm="RS256",
                      headers={**header, "typ": None, **(headers or {})}, sort_headers=False)


def id_token(**overrides: Any) -> str:
    return sign(id_claims(**overrides), ID_KID, "id")


def access_token(**overrides: Any) -> str:
    return sign(access_claims(**overrides), ACCESS_KID, "access")


def b64url(data: bytes | str) -> str:
    raw = data.encode() if isinstance(data, str) else data
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def raw_json(value: dict[str, Any]) -> str:
    return json.dumps(value, separators=(",", ":"))


def forge(header: dict[str, Any] | str, claims: dict[str, Any] | str, signature: bytes = b"") -> str:
    """Assemble a token by hand (str parts are used verbatim as JSON text)."""
    head = header if isinstance(header, str) else raw_json(header)
    body = claims if isinstance(claims, str) else raw_json(claims)
    return f"{b64url(head)}.{b64url(body)}.{b64url(signature)}"


def rs256_sign_raw(header_json: str, claims_json: str, key_name: str = "id") -> str:
    """Sign arbitrary JSON text with a real key, e.g. a payload with duplicate keys."""
    signing_input = f"{b64url(header_json)}.{b64url(claims_json)}"
    signature = RSAAlgorithm(RSAAlgorithm.SHA256).sign(signing_input.encode(), rsa_key(key_name))
    return f"{signing_input}.{b64url(signature)}"


def hs256_with_public_key(claims: dict[str, Any], kid: str = ID_KID) -> str:
    """The algorithm-confusion forgery: HMAC-SHA256 keyed with the RSA public key PEM. pyjwt
    refuses to make this token, so it is built with hmac directly."""
    signing_input = f"{b64url(raw_json({'kid': kid, 'alg': 'HS256'}))}.{b64url(raw_json(claims))}"
    mac = hmac.new(public_pem("id"), signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64url(mac)}"


def expect_id(**overrides: Any) -> Expectations:
    values: dict[str, Any] = {"issuer": ISSUER, "client_ids": (CLIENT_ID,), "token_use": "id"}
    return Expectations(**{**values, **overrides})


def expect_access(**overrides: Any) -> Expectations:
    values: dict[str, Any] = {"issuer": ISSUER, "client_ids": (CLIENT_ID,), "token_use": "access",
                              "scopes": ("orders/read",)}
    return Expectations(**{**values, **overrides})


# --- a loopback HTTP server -----------------------------------------------------------------


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "application/json"})
    delay: float = 0.0


@dataclass
class LoopbackServer:
    """Serves `reply` on 127.0.0.1 and records every request path. Used as a JWKS host, and as
    a trap that a token's URLs point to (its `requests` must stay empty)."""

    reply: Reply = field(default_factory=Reply)
    requests: list[str] = field(default_factory=list)
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def serve_json(self, value: Any) -> None:
        self.reply = Reply(body=json.dumps(value).encode())


def _handler_for(server: LoopbackServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            server.requests.append(self.path)
            reply = server.reply
            time.sleep(reply.delay)
            self.send_response(reply.status)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            try:
                self.wfile.write(reply.body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client stopped reading (a capped read): that is what it should do

        do_POST = do_GET

        def log_message(self, *args: Any) -> None:  # keep test output clean
            pass

    return Handler


@contextmanager
def loopback_server(reply: Reply | None = None) -> Iterator[LoopbackServer]:
    state = LoopbackServer(reply or Reply())
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(state))
    httpd.daemon_threads = True
    state.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
