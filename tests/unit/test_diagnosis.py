"""Debugging a token from somewhere else, with no internet (issue 14): decode first, diagnose
what is knowable without keys, say what would settle the rest. The headline for a token of
another pool is the wrong issuer, never the missing key or the unreachable JWKS. Covers the
flows function (`flows.paste.diagnose`), `flows verify` and `flows audit` (the dashboard is in
tests/pages/test_tokens_diagnosis.py). Nothing leaves loopback."""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, get_args

import pytest

from flows import i18n
from flows.jwks import JwksError
from flows.jwt_verify import Expectations, VerifyErrorCode, verify_token
from flows.paste import diagnose
from flows.cli import default_language
from tests.unit.jwt_fixtures import (
    ACCESS_KID,
    CLIENT_ID,
    ISSUER,
    USER_POOL_ID,
    access_claims,
    cognito_keys,
    loopback_server,
    sign,
)

REPO = Path(__file__).resolve().parents[2]
FOREIGN_POOL = "eu-west-1_Foreign9"
FOREIGN_ISSUER = f"https://cognito-idp.eu-west-1.amazonaws.com/{FOREIGN_POOL}"
# A REST route with a Cognito authorizer and no scopes: it wants this pool's ID token (§5.1).
REST_ROUTE = Expectations(issuer=ISSUER, client_ids=(CLIENT_ID,), token_use="id")


def foreign_access_token(now: float, **claims: Any) -> str:
    """An access token of another pool, for another client, expired 12 minutes ago, signed by a
    key this pool's JWKS doesn't have."""
    payload = access_claims(iss=FOREIGN_ISSUER, client_id="client-z", exp=int(now) - 720,
                            iat=int(now) - 4320, **claims)
    return sign(payload, "foreign-kid", "attacker")


def test_offline_diagnosis_of_a_foreign_token() -> None:
    now = 1_700_000_000.0
    verification = verify_token(foreign_access_token(now), None, REST_ROUTE, now)
    problem = JwksError("unreachable", f"cannot reach {FOREIGN_ISSUER}/.well-known/jwks.json (ConnectionError)")
    diagnosis = diagnose(verification, REST_ROUTE, now, problem)
    assert diagnosis.headline.code == "wrong_issuer"
    assert [f.code for f in diagnosis.findings] == ["wrong_issuer", "expired", "wrong_token_use", "wrong_client"]
    assert diagnosis.lines() == [
        f"Issued by user pool {FOREIGN_POOL}, but this API trusts {USER_POOL_ID} ('{ISSUER}').",
        "Expired 12 minutes ago (at 2023-11-14T22:01:20Z).",
        "This is an access token, and here the ID token is needed.",
        "Issued for app client 'client-z' (client_id), which is not among the expected clients "
        f"{CLIENT_ID}.",
        f"To check the signature: paste the JWKS of user pool {FOREIGN_POOL} "
        f"({FOREIGN_ISSUER}/.well-known/jwks.json), or allow fetching it.",
        f"The keys could not be had: cannot reach {FOREIGN_ISSUER}/.well-known/jwks.json (ConnectionError)",
    ]
    assert diagnosis.signature == "unchecked" and verification.claims["username"] == "janedoe"


def test_with_this_pools_keys_the_headline_is_still_the_issuer_not_the_missing_key() -> None:
    now = 1_700_000_000.0
    verification = verify_token(foreign_access_token(now), cognito_keys(), REST_ROUTE, now)
    assert verification.error.code == "wrong_issuer"  # the audit's reason, too
    diagnosis = diagnose(verification, REST_ROUTE, now)
    assert "key_not_found" not in [f.code for f in diagnosis.findings]
    assert [f.code for f in diagnosis.settle] == ["paste_jwks", "key_not_found"]


def test_every_sentence_exists_in_english_and_japanese() -> None:
    now = 1_700_000_000.0
    verification = verify_token(foreign_access_token(now), None, REST_ROUTE, now)
    diagnosis = diagnose(verification, REST_ROUTE, now, JwksError("unreachable", "cannot reach x"))
    for lang in ("en", "ja"):
        document = json.dumps(diagnosis.to_dict(lang), ensure_ascii=False)
        assert "⟦" not in document
    assert "別のユーザープール" not in diagnosis.headline.text("en")
    assert f"ユーザープール {FOREIGN_POOL} が発行したトークンですが" in diagnosis.headline.text("ja")
    assert diagnosis.to_dict("ja")["headline"]["code"] == diagnosis.to_dict("en")["headline"]["code"]


def test_every_catalogue_key_the_verifier_and_diagnosis_use_is_in_both_languages() -> None:
    used: set[str] = set()
    for module in ("flows/jwt_verify.py", "flows/paste.py", "flows/audit.py", "flows/cli.py"):
        tree = ast.parse((REPO / module).read_text(encoding="utf-8"))
        used |= {node.value for node in ast.walk(tree) if isinstance(node, ast.Constant)
                 and isinstance(node.value, str)
                 and re.fullmatch(r"(verify|diagnosis|audit|cli|paste)\.[a-z_.]+", node.value)}
    # Keys built at run time (f"audit.reason.{code}") are listed in full here.
    codes = [*get_args(VerifyErrorCode), "valid"]
    used |= {f"audit.reason.{code}" for code in codes} | {f"diagnosis.code.{code}" for code in codes}
    used |= {f"diagnosis.fact.type.{kind}" for kind in ("id", "access", "unknown")}
    used |= {f"diagnosis.wrong_token_use.{kind}" for kind in ("id", "access")}
    for lang in ("en", "ja"):
        catalogue = i18n.catalogue(lang)
        assert not {key for key in used if not key.endswith(".") and key not in catalogue}, lang
    en, ja = (json.loads((REPO / f"flows/locales/{lang}/diagnosis.json").read_text(encoding="utf-8"))
              for lang in ("en", "ja"))
    assert en.keys() == ja.keys() and len(used) > 60


@pytest.mark.parametrize("environ, lang", [({"LANG": "ja_JP.UTF-8"}, "ja"), ({"LANG": "C.UTF-8"}, "en"),
                                           ({"LC_ALL": "ja_JP", "LANG": "en_US"}, "ja"), ({}, "en")])
def test_cli_language_defaults_from_the_locale(environ: dict[str, str], lang: str) -> None:
    assert default_language(environ) == lang


# --- the command line, loopback only -----------------------------------------------------------


def run(*args: str, env: dict[str, str] | None = None, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "flows", *args], cwd=REPO, capture_output=True,
                          text=True, timeout=60, input=stdin, env={**os.environ, **(env or {})})


def closed_loopback_url() -> str:
    with loopback_server() as server:
        return f"{server.url}/.well-known/jwks.json"  # the server is gone: nothing answers


def test_verify_with_no_reachable_jwks_headlines_the_wrong_issuer() -> None:
    token = foreign_access_token(time.time())
    result = run("verify", token, "--jwks", closed_loopback_url(), "--user-pool-id", USER_POOL_ID,
                 "--token-use", "id", "--client-id", CLIENT_ID, "--timeout", "2", "--lang", "en")
    assert result.returncode == 1
    assert "cannot reach http://127.0.0.1" in result.stderr
    document = json.loads(result.stdout)
    assert document["error"]["code"] == "wrong_issuer"
    assert document["diagnosis"]["headline"]["code"] == "wrong_issuer"
    assert [f["code"] for f in document["diagnosis"]["findings"]] == [
        "wrong_issuer", "expired", "wrong_token_use", "wrong_client"]
    assert document["claims"]["iss"] == FOREIGN_ISSUER  # decoded first, always shown
    assert token not in result.stdout


def test_verify_offline_text_output_in_japanese_from_lang() -> None:
    result = run("verify", foreign_access_token(time.time()), "--user-pool-id", USER_POOL_ID,
                 "--offline", "--format", "text", env={"LANG": "ja_JP.UTF-8", "LC_ALL": ""})
    assert result.returncode == 1, result.stderr
    first = result.stdout.splitlines()[0]
    assert first.startswith("判定: [wrong_issuer] ユーザープール eu-west-1_Foreign9 が発行したトークンですが")
    assert "署名を確認するには" in result.stdout and '"client_id": "client-z"' in result.stdout


def test_audit_with_no_reachable_jwks_still_names_the_wrong_issuer(tmp_path: Path) -> None:
    now = time.time()
    tokens = tmp_path / "tokens.txt"
    own = sign(access_claims(exp=int(now) + 600), ACCESS_KID, "access")
    tokens.write_text(f"{foreign_access_token(now)}\n{own}\n")
    result = run("audit", str(tokens), "--jwks", closed_loopback_url(), "--issuer", ISSUER,
                 "--timeout", "2", "--json", "--lang", "ja")
    assert result.returncode == 1
    assert "署名は未確認です" in result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [row["reason"] for row in rows[:2]] == ["wrong_issuer", "keys_unavailable"]
    assert rows[0]["message"].startswith("iss は 'https://cognito-idp.eu-west-1")
    assert rows[2]["summary"] == {"wrong_issuer": 1, "keys_unavailable": 1}
