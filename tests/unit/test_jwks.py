"""flows.jwks: reading key sets, flagging bad keys, and fetching keys only from trusted URLs."""

from __future__ import annotations

import json
import pickle
import threading
import time
from typing import Any

import pytest
import requests
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from requests.adapters import BaseAdapter

from flows.jwks import (
    JwksError,
    JwksSource,
    KeySet,
    cognito_issuer,
    jwks_url_for_issuer,
    read_jwks_file,
)
from flows.jwt_decode import decode_token
from flows.jwt_verify import verify_token
from tests.unit.jwt_fixtures import (
    ACCESS_KID,
    ID_KID,
    ISSUER,
    NOW,
    REGION,
    USER_POOL_ID,
    Reply,
    cognito_jwks,
    ec_jwk,
    expect_id,
    id_claims,
    id_token,
    loopback_server,
    rsa_jwk,
    sign,
)


def jwks_error(call: Any, *args: Any) -> JwksError:
    with pytest.raises(JwksError) as caught:
        call(*args)
    return caught.value


# --- KeySet ---------------------------------------------------------------------------------


def test_cognito_jwks_gives_two_usable_rsa_keys() -> None:
    # A user pool publishes two RSA keys, one per token type (aws-facts.md §1.1)
    keys = KeySet.from_jwks(cognito_jwks())
    assert keys.kids == (ID_KID, ACCESS_KID)
    assert keys.problems == ()
    for kid in keys.kids:
        entry = keys.lookup(kid)
        assert entry is not None and entry.problem is None
        assert isinstance(entry.jwk.key, RSAPublicKey)  # parsed once, here
    assert len(keys) == 2 and ID_KID in keys


def test_duplicate_kids_are_flagged_not_silently_resolved() -> None:
    jwks = {"keys": [rsa_jwk("k1", "id"), rsa_jwk("k1", "attacker"), rsa_jwk("k2", "access")]}
    keys = KeySet.from_jwks(jwks)
    entry = keys.lookup("k1")
    assert entry is not None and entry.jwk is None
    assert "lists this kid 2 times" in entry.problem
    assert keys.problems == ("key 'k1': the JWKS lists this kid 2 times, so which key signed "
                             "the token is ambiguous",)
    assert keys.lookup("k2").jwk is not None  # the other key stays usable


@pytest.mark.parametrize("jwk, fragment", [
    (ec_jwk("k"), "kty is 'EC'; Cognito signs with RSA keys only"),
    ({"kid": "k", "kty": "oct", "k": "c2VjcmV0"}, "kty is 'oct'"),
    ({**rsa_jwk("k"), "alg": "RS512"}, "key is for alg 'RS512'"),
    ({**rsa_jwk("k"), "use": "enc"}, "key use is 'enc'"),
    ({**rsa_jwk("k"), "d": "AQAB"}, "PRIVATE part"),
    ({"kid": "k", "kty": "RSA", "e": "AQAB"}, "needs 'n' and 'e'"),
    ({"kid": "k", "kty": "RSA", "e": "AQAB", "n": 12345}, "needs 'n' and 'e'"),
    ({**rsa_jwk("k"), "e": "AA"}, "not a usable RSA public key"),
    (rsa_jwk("k", "small", bits=1024), "RSA key is 1024 bits; at least 2048 needed"),
])
def test_unusable_keys_are_flagged_with_the_reason(jwk: dict[str, Any], fragment: str) -> None:
    keys = KeySet.from_jwks({"keys": [jwk, rsa_jwk("good")]})
    entry = keys.lookup("k")
    assert entry is not None and entry.jwk is None
    assert fragment in entry.problem
    assert any(fragment in problem for problem in keys.problems)
    assert keys.lookup("good").jwk is not None


def test_entries_without_kid_are_listed_as_problems() -> None:
    keys = KeySet.from_jwks({"keys": ["junk", {"kty": "RSA"}, rsa_jwk("good")]})
    assert keys.kids == ("good",)
    assert keys.problems[0] == "keys[0] is not a JSON object: ignored"
    assert keys.problems[1].startswith("keys[1] has no kid")


def test_empty_key_list_is_a_problem_not_a_crash() -> None:
    keys = KeySet.from_jwks({"keys": []})
    assert len(keys) == 0 and "empty" in keys.problems[0]


@pytest.mark.parametrize("document, fragment", [
    ([rsa_jwk("k")], "a JWKS is a JSON object, got list"),
    ({"key": []}, '"keys" list'),
    ({"keys": {"k": rsa_jwk("k")}}, '"keys" list'),
    ("text", "got str"),
])
def test_documents_that_are_not_a_jwks(document: object, fragment: str) -> None:
    error = jwks_error(KeySet.from_jwks, document)
    assert error.code == "invalid_jwks" and fragment in error.message


def test_from_json_rejects_non_json() -> None:
    assert jwks_error(KeySet.from_json, "<html>").code == "not_json"
    assert KeySet.from_json('{"keys": []}').kids == ()


@pytest.mark.parametrize("kid", ["../../etc/passwd", "..%2f..%2f", "/", "", None, 7, ["a"]])
def test_lookup_treats_kid_as_an_opaque_name(kid: object) -> None:
    keys = KeySet.from_jwks(cognito_jwks())
    assert keys.lookup(kid) is None  # type: ignore[arg-type]
    assert kid not in keys


def test_key_set_survives_pickling_for_worker_processes() -> None:
    keys = pickle.loads(pickle.dumps(KeySet.from_jwks(cognito_jwks())))
    assert keys.kids == (ID_KID, ACCESS_KID)
    assert verify_token(id_token(), keys, expect_id(), now=NOW).valid


def test_read_jwks_file(tmp_path: Any) -> None:
    path = tmp_path / "jwks.json"
    path.write_text(json.dumps({"keys": [rsa_jwk(ID_KID)]}))
    assert read_jwks_file(path).kids == (ID_KID,)
    assert jwks_error(read_jwks_file, tmp_path / "missing.json").code == "unreadable_file"
    (tmp_path / "bad.json").write_bytes(b"\xff\xfe garbage")
    assert jwks_error(read_jwks_file, tmp_path / "bad.json").code == "not_json"
    (tmp_path / "big.json").write_text(" " * 300_000)
    assert jwks_error(read_jwks_file, tmp_path / "big.json").code == "invalid_jwks"


# --- which URLs may be fetched ----------------------------------------------------------------


def test_issuer_and_jwks_url_follow_the_cognito_format() -> None:
    # iss and jwks.json URL formats: aws-facts.md §1.1
    assert cognito_issuer(REGION, USER_POOL_ID) == ISSUER
    assert jwks_url_for_issuer(ISSUER) == f"{ISSUER}/.well-known/jwks.json"


@pytest.mark.parametrize("issuer", [
    "http://cognito-idp.us-east-1.amazonaws.com/us-east-1_abc",           # not https
    "https://cognito-idp.us-east-1.amazonaws.com.evil.example/us-east-1_abc",
    "https://cognito-idp.us-east-1.amazonaws.com@evil.example/us-east-1_abc",
    "https://evil.example/cognito-idp.us-east-1.amazonaws.com/us-east-1_abc",
    "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_abc/../../x",
    "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_abc?x=1",
    "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_abc#x",
    "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_abc\n",         # '$' would allow this
    "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_abc/",
    "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_ab\u0441",       # Cyrillic 'с'
    "https://cognito-idp.us-east-1.amazonaws.com/us\u2010east-1_abc",       # Unicode hyphen
    "https://cognito-idp.US-EAST-1.amazonaws.com/us-east-1_abc",
    "https://cognito-idp.us-east-1.amazonaws.com:8443/us-east-1_abc",
    "https://cognito-idp.us-east-1.amazonaws.com/",
    "", "   ",
])
def test_no_jwks_url_is_derived_from_a_non_cognito_issuer(issuer: str) -> None:
    error = jwks_error(jwks_url_for_issuer, issuer)
    assert error.code == "untrusted_url"


@pytest.mark.parametrize("url", ["ftp://example.com/jwks.json", "/etc/passwd", "jwks.json", "file:///x"])
def test_configured_url_must_be_http(url: str) -> None:
    assert jwks_error(JwksSource, url).code == "invalid_url"


class RecordingAdapter(BaseAdapter):
    """A transport for a real requests.Session that answers without any network."""

    def __init__(self, body: bytes) -> None:
        super().__init__()
        self.body = body
        self.calls: list[tuple[str, Any]] = []

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        self.calls.append((request.url, kwargs.get("timeout")))
        response = requests.Response()
        response.status_code, response._content, response.url = 200, self.body, request.url
        response._content_consumed = True  # the body is all here: nothing left to stream
        response.request = request
        return response

    def close(self) -> None:
        pass


def test_keys_for_a_cognito_issuer_come_from_its_jwks_url_through_the_given_session() -> None:
    adapter = RecordingAdapter(json.dumps(cognito_jwks()).encode())
    session = requests.Session()
    session.mount("https://", adapter)
    source = JwksSource(session=session, timeout=3.0)
    keys = source.keys_for(ID_KID, ISSUER)
    assert keys.kids == (ID_KID, ACCESS_KID)
    assert adapter.calls == [(f"{ISSUER}/.well-known/jwks.json", 3.0)]


def test_keys_are_cached_per_issuer() -> None:
    adapter = RecordingAdapter(json.dumps(cognito_jwks()).encode())
    session = requests.Session()
    session.mount("https://", adapter)
    source = JwksSource(session=session)
    other_pool = cognito_issuer("eu-west-1", "eu-west-1_Other123")
    for _ in range(3):
        source.keys_for(ID_KID, ISSUER)
        source.keys_for(ID_KID, other_pool)
    assert [url for url, _ in adapter.calls] == [
        f"{ISSUER}/.well-known/jwks.json", f"{other_pool}/.well-known/jwks.json"]


def test_urls_inside_a_token_are_never_fetched() -> None:
    with loopback_server() as trap, loopback_server() as configured:
        trap.serve_json(cognito_jwks())  # it would even hold the right keys
        configured.serve_json({"keys": [rsa_jwk("other-kid")]})
        token = sign(id_claims(iss=f"{trap.url}/us-east-1_Evil1"), kid=f"{trap.url}/kid",
                     headers={"jku": f"{trap.url}/jku.json", "x5u": f"{trap.url}/x5u.pem"})
        decoded = decode_token(token)
        kid, iss = decoded.header["kid"], decoded.claims["iss"]

        assert jwks_error(JwksSource().keys_for, kid, iss).code == "untrusted_url"
        keys = JwksSource(f"{configured.url}/jwks.json").keys_for(kid, iss)
        verification = verify_token(token, keys, expect_id(issuer=None), now=NOW)
        assert verification.error.code == "key_not_found"
        assert trap.requests == []
        assert configured.requests == ["/jwks.json"]


def test_source_refuses_a_non_cognito_issuer_without_any_request() -> None:
    with loopback_server() as trap:
        source = JwksSource()
        for issuer in (trap.url, f"{trap.url}/us-east-1_abc", f"{trap.url}/.well-known/jwks.json"):
            assert jwks_error(source.keys_for, ID_KID, issuer).code == "untrusted_url"
        assert trap.requests == []


def test_a_configured_url_wins_over_any_issuer() -> None:
    with loopback_server() as server, loopback_server() as trap:
        server.serve_json(cognito_jwks())
        source = JwksSource(f"{server.url}/pool/jwks.json")
        assert source.keys_for(ID_KID, trap.url).kids == (ID_KID, ACCESS_KID)
        assert server.requests == ["/pool/jwks.json"] and trap.requests == []


# --- caching and refetching ------------------------------------------------------------------


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_keys_are_cached_and_an_unknown_kid_refetches_at_most_once_per_interval() -> None:
    clock = FakeClock()
    with loopback_server() as server:
        server.serve_json(cognito_jwks())
        source = JwksSource(f"{server.url}/jwks.json", refetch_interval=60, clock=clock)
        for _ in range(5):
            source.keys_for(ID_KID)
        assert len(server.requests) == 1  # known kid: served from the cache

        clock.now += 61
        for kid in ("unknown-1", "unknown-2", "../../x", "unknown-1"):
            assert kid not in source.keys_for(kid)
        assert len(server.requests) == 2  # one refetch for a burst of unknown kids

        clock.now += 30
        source.keys_for("unknown-3")
        assert len(server.requests) == 2  # still inside the interval
        clock.now += 31
        source.keys_for("unknown-3")
        assert len(server.requests) == 3


def test_a_rotated_key_is_picked_up_by_the_refetch() -> None:
    clock = FakeClock()
    with loopback_server() as server:
        server.serve_json({"keys": [rsa_jwk("old")]})
        source = JwksSource(server.url, refetch_interval=60, clock=clock)
        assert source.keys_for("old").kids == ("old",)
        server.serve_json({"keys": [rsa_jwk("old"), rsa_jwk("new", "access")]})
        clock.now += 60
        assert "new" in source.keys_for("new")


def test_refetch_interval_is_configurable() -> None:
    clock = FakeClock()
    with loopback_server() as server:
        server.serve_json(cognito_jwks())
        source = JwksSource(server.url, refetch_interval=5, clock=clock)
        source.keys_for("nope")
        clock.now += 5
        source.keys_for("nope")
        assert len(server.requests) == 2


def test_a_failed_refetch_keeps_old_keys_and_waits_for_the_interval() -> None:
    clock = FakeClock()
    with loopback_server() as server:
        server.serve_json(cognito_jwks())
        source = JwksSource(server.url, refetch_interval=60, clock=clock)
        source.keys_for(ID_KID)
        server.reply = Reply(status=503)
        clock.now += 60
        assert jwks_error(source.keys_for, "new").code == "http_error"
        assert source.keys_for("new").kids == (ID_KID, ACCESS_KID)  # no retry yet
        assert len(server.requests) == 2


# --- fetch errors ---------------------------------------------------------------------------


@pytest.mark.parametrize("reply, code, fragment", [
    (Reply(status=404, body=b"{}"), "http_error", "answered HTTP 404"),
    (Reply(status=500), "http_error", "answered HTTP 500"),
    (Reply(body=b"<html>Sign in</html>", headers={"Content-Type": "text/html"}), "not_json", "is not JSON"),
    (Reply(body=b'["not", "a", "jwks"]'), "invalid_jwks", "got list"),
    (Reply(body=b'{"keys": "nope"}'), "invalid_jwks", '"keys" list'),
    (Reply(body=b"{" * 100_000), "not_json", "is not JSON"),
    (Reply(body=b" " * 300_000), "invalid_jwks", "over 262,144 bytes"),
])
def test_garbage_answers_give_a_clear_error(reply: Reply, code: str, fragment: str) -> None:
    with loopback_server(reply) as server:
        error = jwks_error(JwksSource(server.url).keys_for)
        assert error.code == code and fragment in error.message


def test_redirects_are_not_followed() -> None:
    with loopback_server() as trap:
        redirect = Reply(status=302, headers={"Location": f"{trap.url}/jwks.json"})
        with loopback_server(redirect) as server:
            error = jwks_error(JwksSource(server.url).keys_for)
        assert error.code == "http_error" and "not followed" in error.message
        assert trap.requests == []


def test_unreachable_url() -> None:
    with loopback_server() as server:
        url = server.url
    error = jwks_error(JwksSource(url).keys_for)  # the server is gone: connection refused
    assert error.code == "unreachable" and "cannot reach" in error.message


def test_slow_server_times_out() -> None:
    with loopback_server(Reply(body=b"{}", delay=2.0)) as server:
        started = time.perf_counter()
        error = jwks_error(JwksSource(server.url, timeout=0.2).keys_for)
        assert time.perf_counter() - started < 1.5
    assert error.code == "unreachable" and "within 0.2 s" in error.message


# --- one source for many pools (the dashboard's shared cache) -------------------------------


def test_a_url_given_per_call_is_vetted_and_cached_like_the_configured_one() -> None:
    source = JwksSource()
    assert jwks_error(source.keys_for, None, None).code == "untrusted_url"
    assert jwks_error(lambda: source.keys_for(url="file:///etc/passwd")).code == "invalid_url"
    with loopback_server() as server:
        server.serve_json(cognito_jwks())
        for _ in range(3):
            source.keys_for(ID_KID, ISSUER, url=f"{server.url}/a.json")
        assert server.requests == ["/a.json"]


def test_refresh_fetches_even_when_cached_and_shows_what_crossed_the_wire() -> None:
    seen: list[tuple[int, bytes]] = []
    with loopback_server() as server:
        server.serve_json(cognito_jwks())
        source = JwksSource(f"{server.url}/jwks.json")
        source.keys_for(ID_KID)
        source.refresh(observe=lambda response, body: seen.append((response.status_code, body)))
        assert len(server.requests) == 2 and seen == [(200, server.reply.body)]
        source.keys_for(ID_KID)
        assert len(server.requests) == 2  # the refreshed keys are the cached ones


def test_a_slow_jwks_host_delays_only_its_own_callers() -> None:
    with loopback_server() as slow, loopback_server() as fast:
        slow.serve_json(cognito_jwks())
        slow.reply.delay = 2.0  # answers after 2 s
        fast.serve_json(cognito_jwks())
        source = JwksSource()
        waiting = threading.Thread(target=source.keys_for, kwargs={"url": slow.url})
        waiting.start()
        time.sleep(0.2)  # the slow fetch is under way
        started = time.monotonic()
        source.keys_for(url=fast.url)
        elapsed = time.monotonic() - started
        waiting.join()
    assert elapsed < 1.0, elapsed
