"""The dashboard's key set comes through the same hardened `JwksSource` as the command line's:
redirects are not followed, the body is read up to a cap, and the keys the tokens step fetched
are the ones the API matrix uses, without fetching them again (issue 13, item 5)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from flows import api_matrix, tokens
from flows.jwks import MAX_JWKS_BYTES
from flows.target import AppClient, Target
from tests.unit.jwt_fixtures import (
    CLIENT_ID, REGION, USER_POOL_ID, LoopbackServer, Reply, access_token, cognito_jwks, id_token,
    loopback_server,
)


def _target(jwks_url: str) -> Target:
    return Target("aws", REGION, USER_POOL_ID, "", {"public": AppClient("public", CLIENT_ID)}, {},
                  jwks_url=jwks_url)


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with loopback_server() as server:  # a fresh port: a URL no other test has cached
        yield server


def _inspect(target: Target):  # noqa: ANN202 (a StepResult)
    return tokens.inspect_tokens(target, {"id": id_token(), "access": access_token()})


def test_the_tokens_step_shows_the_get_and_the_matrix_reuses_its_keys(server: LoopbackServer) -> None:
    server.serve_json(cognito_jwks())
    target = _target(f"{server.url}/pool/jwks.json")
    result = _inspect(target)
    assert [(e.label, e.request.url, e.response.status) for e in result.exchanges] == [
        ("GET jwks.json", target.jwks_url, 200)]
    assert result.outputs["id"].verification.check("signature").passed
    for _ in range(3):  # one fill, a single call, a break: none of them fetches again
        assert api_matrix.load_keys(target) is not None
    assert server.requests == ["/pool/jwks.json"]


def test_the_matrix_fetches_once_when_the_tokens_step_did_not(server: LoopbackServer) -> None:
    server.serve_json(cognito_jwks())
    target = _target(f"{server.url}/jwks.json")
    assert api_matrix.load_keys(target).kids == api_matrix.load_keys(target).kids
    assert server.requests == ["/jwks.json"]


def test_a_redirect_is_shown_not_followed(server: LoopbackServer) -> None:
    with loopback_server() as trap:
        trap.serve_json(cognito_jwks())
        server.reply = Reply(status=302, headers={"Location": f"{trap.url}/evil.json"})
        result = _inspect(_target(f"{server.url}/jwks.json"))
        assert trap.requests == []
    assert result.failure.code == "JwksUnavailable" and "not followed" in result.failure.message
    assert result.exchanges[0].response.status == 302


def test_a_huge_answer_is_not_downloaded(server: LoopbackServer) -> None:
    server.reply = Reply(body=b" " * (20 * MAX_JWKS_BYTES))
    result = _inspect(_target(f"{server.url}/jwks.json"))
    assert result.failure.code == "JwksUnavailable" and "over 262,144 bytes" in result.failure.message
    assert len(result.exchanges[0].response.body) <= MAX_JWKS_BYTES + 1  # read up to the cap only


def test_unreachable_keys_mean_no_predictions_not_a_crash() -> None:
    with loopback_server() as gone:
        url = f"{gone.url}/jwks.json"
    assert api_matrix.load_keys(_target(url)) is None
