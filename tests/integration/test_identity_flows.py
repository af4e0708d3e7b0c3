"""Leg 3's new steps (basic flow, whoami, role explanation) and leg 4's SigV4-signed call, run
against the sandbox over real HTTP exactly as against AWS (aws-facts.md §4, §5.3)."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from flows import identity, signin
from flows.api import call_route, call_route_signed, curl_command


def _id_token(target, username: str, client_name: str = "public") -> str:
    user = next(u for u in target.users if u.username == username)
    return signin.sign_in_with_password(target, username, user.password, client_name).outputs["id_token"]


def _iam_route(target):
    return next(r for r in target.routes if r.auth == "AWS_IAM")


@pytest.fixture(scope="module")
def pool_roles(target):
    result = identity.describe_pool_roles(target)
    assert result.ok, result.failure
    return result.outputs["pool_roles"]


# --- the basic flow ------------------------------------------------------------------------------------
def test_basic_flow_three_calls_and_the_open_id_token(target):
    # aws-facts.md §4.2: GetId → GetOpenIdToken → AssumeRoleWithWebIdentity (unsigned).
    result = identity.get_credentials_basic(target, _id_token(target, "alice"))
    assert result.ok, result.failure
    assert [e.label for e in result.exchanges] == ["GetId", "GetOpenIdToken", "AssumeRoleWithWebIdentity"]
    assert "Authorization" not in dict(result.exchanges[-1].request.headers)
    claims = result.outputs["open_id_token_claims"]
    assert claims["aud"] == target.identity_pool_id and claims["sub"] == result.outputs["identity_id"]
    assert result.outputs["role_arn"] == target.roles["authenticated"]
    assert result.outputs["assumed_role_arn"].endswith("/cognito-lab-basic-flow")
    shown = json.dumps(result.to_json()["outputs"])
    assert result.outputs["SecretKey"] not in shown and result.outputs["SessionToken"] not in shown
    assert any(note.fidelity for note in result.notes)  # the OpenID token's amr/header are guesses


def test_sts_xml_response_is_masked_on_screen(target):
    result = identity.get_credentials_basic(target, _id_token(target, "alice"))
    shown = json.dumps(result.to_json())
    assert result.outputs["SecretKey"] not in shown and result.outputs["SessionToken"] not in shown


def test_basic_flow_as_a_guest_uses_the_unauthenticated_role(target):
    result = identity.get_credentials_basic(target, None)
    assert result.ok and result.outputs["open_id_token_claims"]["amr"] == ["unauthenticated"]
    assert result.outputs["role_arn"] == target.roles["unauthenticated"]


def test_sts_refusal_is_a_result_that_keeps_the_token(target):
    # aws-facts.md §4.5: AccessDenied; the OpenID token stays for the learner to decode.
    result = identity.get_credentials_basic(target, _id_token(target, "alice"), role_arn=target.roles["mistrusted"])
    assert (result.failure.code, result.failure.status) == ("AccessDenied", 403)
    assert result.failure.meaning_key == "meaning.sts.access_denied" and result.failure.meaning("ja")
    assert result.outputs["open_id_token_claims"]["aud"] == target.identity_pool_id


def test_basic_flow_without_a_known_role_says_so(target):
    result = identity.get_credentials_basic(replace(target, roles={}), None)
    assert result.failure.code == "NoRoleArn" and result.exchanges == []


# --- which role: whoami and get_credentials(with_role=True) ---------------------------------------------
def test_whoami_names_the_role_from_a_signed_get_caller_identity(target):
    credentials = identity.get_credentials(target, _id_token(target, "alice")).outputs
    result = identity.whoami(target, credentials)
    assert result.ok and result.outputs["role_arn"] == target.roles["admins"]
    assert result.outputs["session_name"] == "CognitoIdentityCredentials"
    [exchange] = result.exchanges
    headers = dict(exchange.request.headers)
    assert headers["Authorization"].startswith("AWS4-HMAC-SHA256 Credential=" + credentials["access_key_id"])
    assert credentials["SessionToken"] not in json.dumps(result.to_json())


def test_get_credentials_keeps_its_outputs_and_can_add_the_role(target):
    id_token = _id_token(target, "bob")
    plain = identity.get_credentials(target, id_token)
    with_role = identity.get_credentials(target, id_token, with_role=True)
    assert [e.label for e in plain.exchanges] == ["GetId", "GetCredentialsForIdentity"]
    assert [e.label for e in with_role.exchanges] == ["GetId", "GetCredentialsForIdentity", "GetCallerIdentity"]
    assert set(plain.outputs) < set(with_role.outputs) and with_role.outputs["role_arn"] == target.roles["readers"]


def test_whoami_with_unknown_credentials_is_explained(target):
    fake = {"access_key_id": "ASIAUNKNOWNKEY000000", "SecretKey": "x" * 40, "SessionToken": "nope"}
    result = identity.whoami(target, fake)
    assert result.failure.code == "InvalidClientTokenId" and result.failure.meaning_key == "meaning.sts.invalid_client_token"


# --- why that role: explain_role, pure, checked against what the sandbox decides ------------------------
@pytest.mark.parametrize(("username", "client_name"), [("alice", "public"), ("bob", "public"), ("carol", "public"),
                                                       ("alice", "confidential"), ("bob", "confidential")])
def test_prediction_matches_the_role_the_pool_gives(target, pool_roles, username, client_name):
    # aws-facts.md §4.4, end to end: the prediction equals GetCallerIdentity's role and the sandbox's trace.
    id_token = _id_token(target, username, client_name)
    predicted = identity.predict_role(target, id_token, pool_roles)
    result = identity.get_credentials(target, id_token, with_role=True)
    assert predicted.role_arn == result.outputs["role_arn"]
    trace = identity.role_decision_trace(target, result.outputs["identity_id"])
    assert trace.outputs["role_arn"] == predicted.role_arn and trace.notes[0].fidelity


def test_prediction_of_a_refusal_matches_the_pool(target, pool_roles):
    # carol through the confidential client: no rule matches, AmbiguousRoleResolution Deny.
    id_token = _id_token(target, "carol", "confidential")
    predicted = identity.predict_role(target, id_token, pool_roles)
    result = identity.get_credentials(target, id_token)
    assert predicted.refused and result.failure.meaning_key == "meaning.identity.role_denied"
    assert [note.key for note in predicted.reasons] == ["role.mapping", "role.rule.missing", "role.rule.missing",
                                                        "role.ambiguous.deny"]  # carol has no cognito:groups


def test_role_trace_on_aws_is_only_a_note(target):
    result = identity.role_decision_trace(replace(target, kind="aws"), "us-east-1:x")
    assert result.exchanges == [] and result.notes[0].key == "note.identity.role_trace_sandbox_only"


# --- leg 4: AWS_IAM --------------------------------------------------------------------------------------
def test_signed_call_passes_and_shows_what_was_signed(target):
    # aws-facts.md §5.3: SigV4 for execute-api; the backend sees requestContext.identity.
    credentials = identity.get_credentials(target, _id_token(target, "alice")).outputs
    result = call_route_signed(target, _iam_route(target), credentials)
    assert result.ok and result.outputs["status"] == 200
    assert result.outputs["body"]["requestContext"]["identity"]["cognitoIdentityId"] == credentials["identity_id"]
    canonical = result.outputs["canonical_request"].split("\n")
    assert canonical[0] == "GET" and canonical[1].endswith("/prod/iam") and "x-amz-security-token" in canonical[-2]
    assert result.outputs["string_to_sign"].startswith("AWS4-HMAC-SHA256\n")
    assert credentials["SessionToken"] not in result.outputs["curl"] and "X-Amz-Security-Token" in result.outputs["curl"]
    assert credentials["SessionToken"] in curl_command(result.exchanges[0], reveal_secrets=True)


def test_signed_call_refused_by_policy_is_explained(target):
    credentials = identity.get_credentials(target, _id_token(target, "bob")).outputs
    result = call_route_signed(target, _iam_route(target), credentials)
    assert (result.failure.code, result.failure.status) == ("AccessDeniedException", 403)
    assert result.failure.meaning_key == "meaning.api.iam_not_allowed"
    assert "because no identity-based policy allows" in result.failure.message


def test_basic_flow_credentials_sign_too(target):
    credentials = identity.get_credentials_basic(target, _id_token(target, "carol")).outputs
    result = call_route_signed(target, _iam_route(target), credentials)
    assert result.ok and result.outputs["body"]["requestContext"]["identity"]["userArn"] == credentials["assumed_role_arn"]


def test_a_token_sent_to_an_aws_iam_route_is_explained(target):
    result = call_route(target, _iam_route(target), _id_token(target, "alice"))
    assert result.failure.status == 403 and result.failure.meaning_key == "meaning.api.iam_incomplete_signature"
    assert result.notes[0].key == "note.api.aws_iam"


def test_curl_command_never_reveals_a_password(target):
    alice = next(u for u in target.users if u.username == "alice")
    exchange = signin.sign_in_with_password(target, "alice", alice.password).exchanges[0]
    command = curl_command(exchange, reveal_secrets=True)
    assert command.startswith("curl -X POST ") and alice.password not in command and "X-Amz-Target" in command


def test_reasons_render_in_japanese(target, pool_roles):
    for reason in identity.predict_role(target, _id_token(target, "bob", "confidential"), pool_roles).reasons:
        assert "⟦" not in reason.text("ja") and "{" not in reason.text("ja")
