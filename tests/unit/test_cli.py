"""`python -m flows`: run as a user would (a subprocess), checking output and exit status."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from flows import cli
from tests.unit.jwt_fixtures import (
    ACCESS_KID,
    CLIENT_ID,
    ISSUER,
    OTHER_CLIENT_ID,
    REGION,
    USER_POOL_ID,
    access_claims,
    access_token,
    cognito_jwks,
    forge,
    id_claims,
    id_token,
    loopback_server,
    sign,
)

REPO = Path(__file__).resolve().parents[2]
HOUR = 3600


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "flows", *args], cwd=REPO, input=stdin,
        capture_output=True, text=True, timeout=60,
    )


def fresh_id_token(**overrides: Any) -> str:
    """The CLI runs on the real clock, so these tokens are made valid around now."""
    return sign(id_claims(**{**_times_around_now(), **overrides}))


def fresh_access_token(**overrides: Any) -> str:
    return sign(access_claims(**{**_times_around_now(), **overrides}), ACCESS_KID, "access")


def _times_around_now() -> dict[str, int]:
    now = int(time.time())
    return {"exp": now + HOUR, "iat": now - 60, "auth_time": now - 60}


@pytest.fixture()
def jwks_file(tmp_path: Path) -> str:
    path = tmp_path / "jwks.json"
    path.write_text(json.dumps(cognito_jwks()))
    return str(path)


# --- decode ---------------------------------------------------------------------------------


def test_decode_prints_header_and_claims() -> None:
    result = run("decode", id_token())
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["header"]["alg"] == "RS256"
    assert document["claims"] == id_claims()
    assert document["token_type"] == "id"
    assert document["times_utc"]["exp"] == "2023-11-14T23:13:20Z"


def test_decode_reads_stdin_with_a_bearer_prefix() -> None:
    result = run("decode", "-", stdin=f"Authorization: Bearer {access_token()}\n")
    assert result.returncode == 0
    assert json.loads(result.stdout)["claims"]["client_id"] == CLIENT_ID


@pytest.mark.parametrize("text, code", [("not-a-token", "wrong_segment_count"),
                                        ("e30.W10.", "not_json_object")])
def test_decode_malformed_exits_1(text: str, code: str) -> None:
    result = run("decode", text)
    assert result.returncode == 1
    assert json.loads(result.stdout)["error"]["code"] == code


# --- verify ---------------------------------------------------------------------------------


def test_verify_valid_id_token(jwks_file: str) -> None:
    token = fresh_id_token()
    result = run("verify", token, "--jwks", jwks_file, "--user-pool-id", USER_POOL_ID,
                 "--client-id", OTHER_CLIENT_ID, "--client-id", CLIENT_ID, "--token-use", "id",
                 "--group", "admins")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    # Decoded first, claims always shown (issue 14), with the diagnosis beside the checklist.
    assert set(document) == {"valid", "error", "checks", "token_type", "header", "claims", "diagnosis"}
    assert document["valid"] is True and document["error"] is None
    assert document["diagnosis"]["headline"]["code"] == "valid"
    assert [check["name"] for check in document["checks"]][:5] == [
        "structure", "iss", "key_lookup", "key_and_algorithm", "signature"]
    assert token not in result.stdout + result.stderr  # a bearer token is never echoed


def test_verify_invalid_token_exits_1_with_the_error(jwks_file: str) -> None:
    result = run("verify", id_token(), "--jwks", jwks_file)  # expired in 2023
    assert result.returncode == 1
    document = json.loads(result.stdout)
    assert document["valid"] is False
    assert document["error"]["code"] == "expired"
    assert document["error"]["message"].startswith("expired at 2023-11-14T23:13:20Z")


def test_verify_access_token_where_an_id_token_is_expected(jwks_file: str) -> None:
    # REST authorizer without scopes wants the ID token (aws-facts.md §5.1, §6)
    result = run("verify", fresh_access_token(), "--jwks", jwks_file, "--token-use", "id")
    assert result.returncode == 1
    assert json.loads(result.stdout)["error"]["code"] == "wrong_token_use"


def test_verify_scopes_and_grace(jwks_file: str) -> None:
    token = fresh_access_token()
    ok = run("verify", token, "--jwks", jwks_file, "--scope", "orders/write", "--scope", "openid",
             "--token-use", "access", "--issuer", ISSUER, "--grace-seconds", "30")
    assert ok.returncode == 0, ok.stdout
    missing = run("verify", token, "--jwks", jwks_file, "--scope", "orders/write")
    assert json.loads(missing.stdout)["error"]["code"] == "missing_scope"


def test_user_pool_id_derives_the_issuer_and_region(jwks_file: str) -> None:
    token = fresh_id_token()
    result = run("verify", token, "--jwks", jwks_file, "--user-pool-id", "eu-west-1_Other123")
    assert json.loads(result.stdout)["error"]["code"] == "wrong_issuer"
    assert "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Other123" in result.stdout
    pool_in_region = run("verify", token, "--jwks", jwks_file, "--user-pool-id", USER_POOL_ID,
                         "--region", REGION)
    assert pool_in_region.returncode == 0


def test_verify_malformed_token_exits_1_even_without_keys() -> None:
    result = run("verify", "garbage")
    assert result.returncode == 1
    assert json.loads(result.stdout)["error"]["code"] == "malformed"


def test_verify_against_a_jwks_url() -> None:
    with loopback_server() as server:
        server.serve_json(cognito_jwks())
        result = run("verify", fresh_id_token(), "--jwks", f"{server.url}/jwks.json")
        assert result.returncode == 0, result.stderr
        assert server.requests == ["/jwks.json"]


def test_no_url_from_the_token_is_ever_fetched() -> None:
    with loopback_server() as trap:
        trap.serve_json(cognito_jwks())  # would even verify, if it were asked
        headers = {"jku": f"{trap.url}/jku.json", "x5u": f"{trap.url}/x5u.pem",
                   "kid": f"{trap.url}/kid"}
        token = sign(id_claims(iss=f"{trap.url}/us-east-1_Evil1"), headers=headers)
        derived = run("verify", token)  # no --jwks: only a Cognito-shaped iss could be used
        assert derived.returncode == 1  # not fatal: the token is still diagnosed, unverified
        assert "will not fetch keys for issuer" in derived.stderr
        diagnosed = json.loads(derived.stdout)
        assert diagnosed["error"]["code"] == "expired"  # the fixture's 2023 token, judged unverified
        assert diagnosed["diagnosis"]["signature"] == "unchecked"
        with_pool = run("verify", token, "--jwks", f"{trap.url}/configured.json")
        assert trap.requests == ["/configured.json"]  # only the URL the user gave
        assert json.loads(with_pool.stdout)["error"]["code"] == "key_not_found"


@pytest.mark.parametrize("args, message", [
    ([], "required: COMMAND"),
    (["verify"], "required: token"),
    (["verify", "x.y.z", "--jwks", "/no/such/jwks.json"], "cannot read JWKS file"),
    (["verify", "x.y.z", "--grace-seconds", "-5", "--jwks", "j"], "must be 0 or more"),
    (["verify", "x.y.z", "--token-use", "refresh"], "invalid choice"),
    (["verify", "x.y.z", "--user-pool-id", "p", "--issuer", "i"], "not allowed with"),
    (["verify", "x.y.z", "--user-pool-id", "not a pool"], "is not a user pool id"),
    (["verify", "x.y.z", "--region", "eu-west-1"], "--region only applies"),
    (["verify", "x.y.z", "--jwks", "ftp://example.com/jwks"], "cannot read JWKS file"),
    (["audit", "/no/such/file", "--issuer", ISSUER], "cannot read"),
    (["audit", "-"], "audit needs --jwks"),
])
def test_usage_errors_exit_2_with_a_message(args: list[str], message: str) -> None:
    result = run(*args)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_unreachable_jwks_url_still_decodes_and_diagnoses() -> None:
    # Issue 14: "cannot reach …/jwks.json" used to be all a learner got. Now the claims are
    # shown, every claim is judged, and the signature is reported as unchecked.
    with loopback_server() as server:
        url = server.url
    result = run("verify", fresh_id_token(), "--jwks", url, "--timeout", "2")
    assert result.returncode == 1 and "cannot reach" in result.stderr
    document = json.loads(result.stdout)
    assert document["claims"]["cognito:username"] == "janedoe"
    assert document["diagnosis"]["headline"]["code"] == "keys_unavailable"
    assert document["diagnosis"]["signature"] == "unchecked"


def test_bad_jwks_content_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "jwks.json"
    path.write_text("<html>")
    result = run("verify", fresh_id_token(), "--jwks", str(path))
    assert result.returncode == 2 and "is not JSON" in result.stderr


def test_jwks_problems_are_warned_about(tmp_path: Path) -> None:
    path = tmp_path / "jwks.json"
    jwks = cognito_jwks()
    jwks["keys"].append(dict(jwks["keys"][0]))
    path.write_text(json.dumps(jwks))
    result = run("verify", fresh_id_token(), "--jwks", str(path))
    assert result.returncode == 1
    assert "warning: JWKS: key 'x+Zb" in result.stderr
    assert json.loads(result.stdout)["error"]["code"] == "invalid_key"


# --- audit ----------------------------------------------------------------------------------


def test_audit_table_and_summary(tmp_path: Path, jwks_file: str) -> None:
    tokens = tmp_path / "tokens.txt"
    tokens.write_text("\n".join([fresh_id_token(), f"Bearer {fresh_id_token()}",
                                 id_token(), "garbage", fresh_id_token(aud="x")]) + "\n")
    result = run("audit", str(tokens), "--jwks", jwks_file, "--user-pool-id", USER_POOL_ID,
                 "--client-id", CLIENT_ID)
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["line", "verdict", "reason", "token_type", "user", "client", "expires"]
    assert lines[-1] == "5 token(s): valid 2, expired 1, malformed 1, wrong_client 1"
    assert fresh_id_token().split(".")[0] not in result.stdout  # no token text in the report


def test_audit_json_lines_from_stdin(jwks_file: str) -> None:
    records = [{"token": fresh_id_token()}, {"token": fresh_access_token()}, {"other": 1}]
    stdin = "\n".join(json.dumps(record) for record in records)
    result = run("audit", "-", "--jwks", jwks_file, "--json", stdin=stdin)
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["reason"] for line in lines[:3]] == ["valid", "valid", "malformed"]
    assert lines[3] == {"summary": {"valid": 2, "malformed": 1}, "tokens": 3}
    assert result.returncode == 1


def test_audit_all_valid_exits_0(tmp_path: Path, jwks_file: str) -> None:
    path = tmp_path / "tokens.csv"
    path.write_text(f"user,token\nalice,{fresh_id_token()}\n")
    result = run("audit", str(path), "--jwks", jwks_file, "--json")
    assert result.returncode == 0
    assert json.loads(result.stdout.splitlines()[-1])["summary"] == {"valid": 1}


def test_audit_csv_without_token_column_exits_2(tmp_path: Path, jwks_file: str) -> None:
    path = tmp_path / "tokens.csv"
    path.write_text("user,when\nalice,now\n")
    result = run("audit", str(path), "--jwks", jwks_file)
    assert result.returncode == 2 and "no token field" in result.stderr


# --- extending the CLI (in-process) -----------------------------------------------------------


def test_new_subcommands_plug_into_the_registry(capsys: pytest.CaptureFixture[str]) -> None:
    def add_arguments(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("name")

    def run_hello(args: argparse.Namespace) -> int:
        print(f"hello {args.name}")
        return 7

    commands = (*cli.COMMANDS, cli.Command("hello", "say hello", add_arguments, run_hello))
    assert cli.main(["hello", "lab"], commands=commands) == 7
    assert capsys.readouterr().out == "hello lab\n"
    assert cli.main(["decode", forge({"alg": "none"}, {"a": 1})], commands=commands) == 0
    assert cli.main(["--help"]) == 0
    assert cli.main(["nope"]) == 2
