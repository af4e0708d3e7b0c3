"""No URL written in a token is ever fetched (flows/jwks.py, flows/paste.py).

A listener on loopback counts every connection. Tokens signed with our own key name it as
their issuer, their `jku`, `x5u` and `kid`; it answers any request with that key's JWKS, so
a verifier that fetched from it would even call the forgery valid. The tokens go through every
way the lab takes tokens in: the dashboard (paste, with and without a JWKS; audit upload; every
page with them in the query string), `python -m flows` and the flows functions. The listener
must see nothing at all.
"""

from __future__ import annotations

import contextlib
import json
import re
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import urlencode

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from playwright.sync_api import Page, expect

from flows.audit import PARALLEL_THRESHOLD, audit_tokens
from flows.jwks import JwksSource, KeySet
from flows.jwt_verify import Expectations, verify_token
from flows.paste import KeySources, inspect_pasted
from flows.target import Target
from tests.conftest import ROOT
from tests.security import driver

KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


class CountingListener(ThreadingHTTPServer):
    """Counts connections (a TLS hello is one too) and HTTP requests; answers with KEY's JWKS."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Answer)
        self.connections = 0
        self.requests: list[str] = []
        self.jwks = b""

    def verify_request(self, request: Any, client_address: Any) -> bool:
        self.connections += 1
        return True

    def url(self, path: str, scheme: str = "http") -> str:
        return f"{scheme}://127.0.0.1:{self.server_address[1]}{path}"


class _Answer(BaseHTTPRequestHandler):
    server: CountingListener

    def __getattr__(self, name: str) -> Any:
        if name.startswith("do_"):  # every HTTP method
            return self._answer
        raise AttributeError(name)

    def _answer(self) -> None:
        self.server.requests.append(f"{self.command} {self.path}")
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(self.server.jwks)))
        self.end_headers()
        self.wfile.write(self.server.jwks)

    def log_message(self, *args: Any) -> None:
        pass


@contextlib.contextmanager
def _listening() -> Iterator[CountingListener]:
    server = CountingListener()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def listener() -> Iterator[CountingListener]:
    with _listening() as server:
        yield server


def _jwks(kid: str) -> str:
    jwk = {**jwt.algorithms.RSAAlgorithm.to_jwk(KEY.public_key(), as_dict=True), "kid": kid, "alg": "RS256", "use": "sig"}
    return json.dumps({"keys": [jwk]})


def _token(listener: CountingListener, iss: str, scheme: str = "http") -> str:
    urls = {"jku": listener.url("/jwks.json", scheme), "x5u": listener.url("/cert.pem", scheme)}
    now = int(time.time())
    claims = {"iss": iss, "sub": "u1", "token_use": "access", "client_id": "c1", "scope": "openid",
              "iat": now, "exp": now + 600, **urls}
    return jwt.encode(claims, KEY, algorithm="RS256", headers={"kid": listener.url("/kid", scheme), **urls})


def _issuers(listener: CountingListener, target_issuer: str) -> list[str]:
    port = listener.server_address[1]
    return [
        listener.url("/x"), listener.url("/x", "https"),
        f"https://cognito-idp.us-east-1.amazonaws.com@127.0.0.1:{port}/us-east-1_Abc123",  # userinfo trick
        f"http://127.0.0.1:{port}/us-east-1_Abc123",
        target_issuer,  # the target's own issuer: keys come from the target, never from jku/x5u
    ]


def _tokens(listener: CountingListener, target_issuer: str) -> list[str]:
    return [_token(listener, iss, scheme) for iss in _issuers(listener, target_issuer) for scheme in ("http", "https")]


def _token_files(directory: Path, tokens: list[str]) -> dict[str, Path]:
    files = {
        "lines.txt": "\n".join(tokens + [f"Authorization: Bearer {t}" for t in tokens]) + "\n",
        "tokens.csv": "user,token\n" + "".join(f"u{i},{t}\n" for i, t in enumerate(tokens)),
        "tokens.jsonl": "".join(json.dumps({"requestId": i, "token": t}) + "\n" for i, t in enumerate(tokens)),
    }
    for name, text in files.items():
        (directory / name).write_text(text, encoding="utf-8")
    return {name: directory / name for name in files}


def _assert_untouched(listener: CountingListener) -> None:
    time.sleep(0.5)  # anything asynchronous would have connected by now
    assert (listener.connections, listener.requests) == (0, [])


def test_the_listener_notices_a_fetch():
    """The probe works: a JWKS URL configured on purpose is fetched, counted, and its key usable."""
    with _listening() as probe:
        probe.jwks = _jwks("k1").encode()
        keys = JwksSource(probe.url("/jwks.json")).keys_for()
        assert keys.kids == ("k1",) and (probe.connections, probe.requests) == (1, ["GET /jwks.json"])


# --- the dashboard ----------------------------------------------------------------------------


def _paste_and_verify(page: Page, token: str, jwks: str) -> None:
    page.get_by_label('Token (with or without "Bearer ")').fill(token)
    page.get_by_label(re.compile(r"^JWKS \(optional")).fill(jwks)
    page.get_by_role("button", name="Decode and verify").click()
    driver.idle(page)
    outcome = page.get_by_text(re.compile(r"^(Keys: |No keys to verify with|Rejected: |Valid: )"))
    expect(outcome.first).to_be_visible()
    if jwks:
        expect(page.get_by_text("Keys: the JWKS you pasted.")).to_be_visible()


def _upload(page: Page, path: Path) -> None:
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(path))
    expect(page.get_by_role("button", name="Download CSV")).to_be_visible(timeout=driver.SLOW)
    driver.idle(page)


@pytest.mark.browser
def test_the_dashboard_fetches_no_url_from_a_token(page: Page, dashboard_url: str, listener: CountingListener,
                                                    tmp_path: Path):
    driver.open_dashboard(page, dashboard_url)
    region, user_pool_id, _ = driver.target_ids(page)
    tokens = _tokens(listener, f"https://cognito-idp.{region}.amazonaws.com/{user_pool_id}")
    listener.jwks = _jwks(listener.url("/kid")).encode()
    driver.go(page, "tokens", "ID token vs access token")

    page.get_by_role("tab", name="Paste a token").click()
    for token in tokens:
        _paste_and_verify(page, token, "")
        _paste_and_verify(page, "Bearer " + token, _jwks(jwt.get_unverified_header(token)["kid"]))
    page.get_by_role("tab", name="Audit many tokens").click()
    for path in _token_files(tmp_path, tokens).values():
        _upload(page, path)
    _assert_untouched(listener)

    # /sign_in also reads an OAuth callback (?code=…&state=…): a state it never issued redeems nothing.
    query = urlencode({"token": tokens[0], "id_token": tokens[1], "iss": listener.url("/x"),
                       "jku": listener.url("/jwks.json"), "doc": listener.url("/doc"), "code": tokens[2],
                       "state": listener.url("/state"), "redirect_uri": listener.url("/callback")})
    for path, heading in (("", "Cognito Lab"), ("sign_in", "Sign in"), ("tokens", "ID token vs access token"),
                          ("identity_pool", "Identity pool"), ("api_gateway", "API Gateway"),
                          ("reference", "Reference")):
        page.goto(f"{dashboard_url}/{path}?{query}")
        expect(page.get_by_role("heading", name=heading, exact=True).first).to_be_visible(timeout=driver.SLOW)
        driver.idle(page)
        assert page.locator("[data-testid='stException']").count() == 0
    _assert_untouched(listener)


# --- python -m flows --------------------------------------------------------------------------


def _flows(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([sys.executable, "-m", "flows", *args], cwd=ROOT, input=stdin,
                          capture_output=True, text=True, timeout=120)
    assert "Traceback" not in done.stderr, done.stderr
    return done


def test_python_m_flows_fetches_no_url_from_a_token(listener: CountingListener, tmp_path: Path):
    tokens = _tokens(listener, "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Abc123")
    files = _token_files(tmp_path, tokens)
    jwks_file = tmp_path / "jwks.json"
    jwks_file.write_text(_jwks(listener.url("/kid")), encoding="utf-8")
    big = tmp_path / "big.txt"
    big.write_text("\n".join(tokens[i % len(tokens)] for i in range(PARALLEL_THRESHOLD + 10)) + "\n")

    for token in tokens:
        assert _flows("decode", token).returncode == 0
        # No keys can be had (offline, or an iss that is not trusted): diagnosed, never valid.
        assert _flows("verify", token).returncode == 1
        assert _flows("verify", "-", "--jwks", str(jwks_file), stdin=token).returncode in (0, 1)
    for path in files.values():
        assert _flows("audit", str(path), "--jwks", str(jwks_file), "--json").returncode in (0, 1)
        assert _flows("audit", str(path), "--issuer", listener.url("/x")).returncode == 2
    assert _flows("audit", str(big), "--jwks", str(jwks_file), "--workers", "2").returncode in (0, 1)
    _assert_untouched(listener)


# --- the flows functions ------------------------------------------------------------------------


def test_the_flows_functions_fetch_no_url_from_a_token(listener: CountingListener, target: Target):
    tokens = _tokens(listener, target.issuer)
    expect_target = Expectations(issuer=target.issuer)
    sources = KeySources.for_target(target)
    attacker_keys = KeySet.from_json(_jwks(listener.url("/kid")))
    for token in tokens:
        report = inspect_pasted(token, target, "", expect_target, sources)
        assert report.verification is None or not report.verification.valid  # KEY is not the pool's
        inspect_pasted(token, target, _jwks(listener.url("/kid")), expect_target, sources)
        verify_token(token, attacker_keys, expect_target)
        assert verify_token(token, sources.target.keys_for(), Expectations()).valid is False
    lines = [tokens[i % len(tokens)] for i in range(PARALLEL_THRESHOLD + 10)]
    for workers in (1, 2):
        rows = audit_tokens(lines, attacker_keys, expect_target, workers=workers)
        assert len(rows) == len(lines)
    _assert_untouched(listener)
