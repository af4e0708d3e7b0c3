"""The export says what the session did, in the chosen language, and holds no secret."""

from __future__ import annotations

import json

from flows import api, export, identity, signin
from flows.tokens import inspect_tokens


def _walk(target):
    alice = next(u for u in target.users if u.username == "alice")
    sign_in = signin.sign_in_with_password(target, "alice", alice.password)
    tokens = {"id": sign_in.outputs["id_token"], "access": sign_in.outputs["access_token"]}
    route = next(r for r in target.routes if r.api == "rest" and r.path == "/profile")
    return alice, [sign_in, inspect_tokens(target, tokens), identity.get_credentials(target, tokens["id"]),
                   api.call_route(target, route, None)]


def test_json_export_round_trips_the_session(target):
    alice, results = _walk(target)
    exported = export.export_json(results)
    assert [s["step"] for s in exported["steps"]] == ["sign_in", "tokens", "identity_pool", "api_call"]
    assert [s["ok"] for s in exported["steps"]] == [True, True, True, False]
    assert exported["steps"][3]["failure"]["message"] == "Unauthorized"
    assert exported["steps"][1]["outputs"]["id"]["claims"]["cognito:username"] == "alice"
    assert [e["label"] for e in exported["steps"][2]["exchanges"]] == ["GetId", "GetCredentialsForIdentity"]


def test_exports_hold_no_secret_and_no_signature(target):
    alice, results = _walk(target)
    credentials = results[2].outputs
    secrets = [alice.password, credentials["SecretKey"], credentials["SessionToken"],
               results[0].outputs["refresh_token"], results[0].outputs["id_token"].split(".")[2]]
    for text in (json.dumps(export.export_json(results)), export.export_markdown(results)):
        assert not [s for s in secrets if s in text]
        assert "<signature elided>" in text
    revealed = json.dumps(export.export_json(results, reveal_secrets=True, include_signatures=True))
    assert credentials["SecretKey"] in revealed and results[0].outputs["id_token"] in revealed
    assert alice.password not in revealed  # never kept, so never exportable


def test_markdown_is_in_the_chosen_language_and_keeps_wire_text_inert(target):
    _, results = _walk(target)
    japanese = export.export_markdown(results, lang="ja")
    assert "# Cognito Lab ウォークスルー" in japanese and "## 3. ID プール" in japanese
    assert "GetCredentialsForIdentity" in japanese
