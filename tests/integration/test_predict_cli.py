"""`python -m flows predict` on the sandbox (from the topology line `python -m sandbox` prints) and
through the AWS code path pointed at the sandbox (as tests/sandbox/test_aws_code_path.py does),
plus break-it's explanation by difference against the sandbox (issue 14, wrong lesson 1)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from flows import api_matrix, export, oauth, signin
from flows.api_matrix import Presented
from flows.jwt_decode import decode_token
from flows.target_sources import SETTINGS
from tests.conftest import ROOT


def _id_token(target) -> str:
    alice = next(u for u in target.users if u.username == "alice")
    return signin.sign_in_with_password(target, alice.username, alice.password).outputs["id_token"]


def _predict(*arguments: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "flows", "predict", *arguments], cwd=ROOT, env=env or dict(os.environ),
                          capture_output=True, text=True, timeout=60)


def test_predict_on_the_sandbox_topology(target, topology, tmp_path):
    topology_file = tmp_path / "topology.json"
    topology_file.write_text("sandbox starting\n" + json.dumps(topology) + "\n", encoding="utf-8")
    token = _id_token(target)
    done = _predict(token, "--topology", str(topology_file), "--json")
    assert done.returncode == 1, done.stderr  # the ID token does not pass every route
    routes = {row["route"]: (row["status"], row["reason"]) for row in json.loads(done.stdout)["routes"]}
    # aws-facts.md §5.1–5.3: what the sandbox answers the same token (tests/integration/test_decisions_vs_sandbox.py).
    assert routes == {"rest GET /public": (200, "public"), "rest GET /profile": (200, "rest_id_token_ok"),
                      "rest GET /items": (401, "rest_needs_access_token"), "rest GET /iam": (403, "iam_token_not_sigv4"),
                      "http GET /profile": (200, "http_ok"), "http GET /items": (403, "http_scope_missing")}
    assert token not in done.stdout
    passing = _predict(token, "--topology", str(topology_file), "--route", "rest GET /profile")
    assert passing.returncode == 0 and "rest_id_token_ok" in passing.stdout and "ID token" in passing.stdout


def test_predict_usage_errors_exit_two(topology, tmp_path):
    assert _predict("x").returncode == 2  # no --topology
    topology_file = tmp_path / "topology.json"
    topology_file.write_text(json.dumps(topology), encoding="utf-8")
    unknown = _predict("x", "--topology", str(topology_file), "--route", "rest GET /nowhere")
    assert unknown.returncode == 2 and "unknown route" in unknown.stderr


def test_predict_through_the_aws_code_path(target, topology):
    settings = {"region": topology["region"], "user_pool_id": topology["user_pool_id"],
                "public_client_id": topology["clients"]["public"]["client_id"],
                "confidential_client_id": topology["clients"]["confidential"]["client_id"],
                "identity_pool_id": topology["identity_pool_id"], "rest_api_url": topology["apis"]["rest"],
                "http_api_url": topology["apis"]["http"], "endpoint_url": topology["endpoint"],
                "jwks_url": topology["jwks_url"]}
    env = {**os.environ, **{SETTINGS[name]: value for name, value in settings.items()}}
    done = _predict(_id_token(target), "--target", "aws", "--route", "http GET /profile", "--json", env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    [row] = json.loads(done.stdout)["routes"]
    assert (row["status"], row["reason"]) == (200, "http_ok")


def test_another_clients_token_on_rest_profile_says_the_token_type_changed(target):
    # Issue 14, wrong lesson 1: the machine client's token is an ACCESS token where the ID token is needed.
    route = api_matrix.find_route(target, "rest GET /profile")
    presented = Presented("id_token", _id_token(target))
    keys = api_matrix.load_keys(target)
    cell = api_matrix.call_cell(target, route, presented, keys)
    machine = oauth.client_credentials(target, "machine", api_matrix.route_scopes(target)).outputs["access_token"]
    broken = api_matrix.break_cell(target, cell, presented, "other_client", machine)
    assert broken.cell.status == 401 and broken.cell.agrees
    expiry_changed = decode_token(machine).claims["exp"] != decode_token(presented.token).claims["exp"]
    expected = {"token_use", "client", "scope", "groups"} | ({"expiry"} if expiry_changed else set())
    assert {change.fact for change in broken.changed} == expected  # every fact that changed, and only those
    assert broken.difference.broken_check == "token_type"
    message = broken.difference.message("en")
    assert "only an ID token" in message and "token_use access" in message and "Audience" not in message


def test_the_export_says_why_from_the_decision(target):
    route = api_matrix.find_route(target, "http GET /items")
    cell = api_matrix.call_cell(target, route, Presented("id_token", _id_token(target)), api_matrix.load_keys(target))
    assert (cell.status, cell.prediction.reason) == (403, "http_scope_missing")
    for lang in ("en", "ja"):
        exported = export.export_markdown([cell.result], lang)
        assert cell.prediction.explain(lang) in exported.replace("\\[", "[").replace("\\]", "]")
