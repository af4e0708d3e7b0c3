"""What moved from the dashboard into flows: parsing a challenge, the sign-in page's facts, the
pasted role configuration (checked, so a wrong paste is a message and not a crash), the cell that
comes back finished, and the fidelity notes a kept result carries."""

from __future__ import annotations

import json

import pytest

from flows import api_matrix, fidelity
from flows.capture import Exchange, HttpRequest, HttpResponse
from flows.role_config import PoolRolesError, identity_id_of, parse_pool_roles
from flows.roles import explain_role
from flows.sign_in_facts import challenge_of, secret_hash_facts, srp_facts
from flows.steps import AwsFailure, StepResult
from flows.target import ApiRoute, AppClient, Target
from tests.unit.jwt_fixtures import CLIENT_ID, REGION, USER_POOL_ID

TARGET = Target("sandbox", REGION, USER_POOL_ID, "us-east-1:pool",
                {"public": AppClient("public", CLIENT_ID), "confidential": AppClient("confidential", "conf", "s3cret")},
                {"rest": "http://127.0.0.1:9/rest"}, (ApiRoute("rest", "GET", "/public", "NONE"),))
RULE = {"Claim": "cognito:groups", "MatchType": "Contains", "Value": "admins", "RoleARN": "arn:aws:iam::1:role/admin"}
POOL_ROLES = {"Roles": {"authenticated": "arn:aws:iam::1:role/auth"},
              "RoleMappings": {"p:c": {"Type": "Rules", "AmbiguousRoleResolution": "AuthenticatedRole",
                                       "RulesConfiguration": {"Rules": [RULE]}}}}


def _exchange(label: str, body: dict, response: dict | None = None) -> Exchange:
    answer = HttpResponse(200, (), json.dumps(response or {}))
    return Exchange(label, HttpRequest("POST", "http://x/", (), json.dumps(body)), answer, 1.0)


def test_a_challenge_names_the_user_by_user_id_for_srp_and_lists_required_attributes():
    # aws-facts.md §2.3: the answer names the user by USER_ID_FOR_SRP, the internal username.
    result = StepResult("sign_in", outputs={"challenge": "NEW_PASSWORD_REQUIRED", "session": "S",
                                            "challenge_parameters": {"USER_ID_FOR_SRP": "uuid-erin",
                                                                     "requiredAttributes": '["userAttributes.name"]'}})
    challenge = challenge_of(result, "public", "erin")
    assert (challenge.username, challenge.typed, challenge.required, challenge.session) == ("uuid-erin", "erin", ("name",), "S")
    assert challenge_of(StepResult("sign_in", outputs={"id_token": "x"}), "public", "erin") is None


def test_srp_facts_show_that_no_password_field_is_sent():
    result = StepResult("sign_in", [_exchange("InitiateAuth", {"AuthParameters": {"USERNAME": "a", "SRP_A": "1"}}),
                                    _exchange("RespondToAuthChallenge", {"ChallengeResponses": {"PASSWORD_CLAIM_SIGNATURE": "s"}})])
    sent = [{fact.column: fact.value for fact in row}["signin_page.col.password_sent"] for row in srp_facts(result)]
    assert sent == ["signin_page.no", "signin_page.no"]


def test_the_client_secret_in_the_secret_hash_facts_is_marked_secret():
    rows = secret_hash_facts(TARGET, "confidential", "alice")
    secret_cells = [row[1] for row in rows if row[1].secret]
    assert [cell.value for cell in secret_cells] == ["s3cret"]
    assert secret_hash_facts(TARGET, "public", "alice") == ()  # no secret, no SECRET_HASH


@pytest.mark.parametrize("text, key", [
    ("not json", "identity_page.role.paste_invalid"),
    ("[]", "identity_page.role.paste_shape"),
    ('{"RoleMappings": {"p:c": {"Type": "Rules", "RulesConfiguration": {"Rules": [{"Claim": "x"}]}}}}',
     "polish.roles.rules"),
    ('{"RoleMappings": {"p:c": {"Type": "Sometimes"}}}', "polish.roles.mapping_type"),
    ('{"RoleMappings": {"p:c": {"Type": "Token", "AmbiguousRoleResolution": "Maybe"}}}', "polish.roles.ambiguous"),
    ('{"Roles": {"authenticated": 1}}', "polish.roles.not_an_arn"),
    ('{"Roles": ["arn:aws:iam::1:role/auth"]}', "polish.roles.not_object"),
])
def test_a_wrongly_shaped_paste_is_a_message(text, key):
    with pytest.raises(PoolRolesError) as refused:
        parse_pool_roles(text)
    assert refused.value.key == key


def test_a_well_shaped_paste_is_what_explain_role_reads():
    parsed = parse_pool_roles(json.dumps({**POOL_ROLES, "IdentityPoolId": "ignored"}))
    assert parsed == POOL_ROLES
    explained = explain_role({"aud": "c", "cognito:groups": ["admins"]}, parsed, "p")
    assert explained.role_arn == RULE["RoleARN"]


def test_the_identity_id_survives_a_later_refusal():
    refused = StepResult("identity_pool", [_exchange("GetId", {}, {"IdentityId": "us-east-1:abc"})],
                         failure=AwsFailure("NotAuthorizedException", "no"))
    assert identity_id_of(refused) == "us-east-1:abc"


def test_a_called_cell_comes_back_with_its_reasoning(monkeypatch):
    route = TARGET.routes[0]
    sent = StepResult("api_call", [_exchange("GET /public", {})], outputs={"status": 200, "body": {"requestContext": {}}})
    monkeypatch.setattr(api_matrix, "send", lambda target, route, presented: sent)
    cell = api_matrix.call_cell(TARGET, route, api_matrix.Presented("nothing"), None)
    assert [step.key for step in cell.reasons] == ["decision.reason.public", "api_page.step.verdict"]
    assert cell.backend is None  # the public route's event carries no authorizer


def test_fidelity_notes_only_on_the_sandbox_and_kept_apart_from_the_export():
    import dataclasses

    result = fidelity.annotate(StepResult("sign_in"), TARGET)
    assert [note.key for note in result.fidelity_notes] == ["fidelity.ids_format"]
    assert result.to_json()["notes"] == []
    assert fidelity.annotate(StepResult("sign_in"), dataclasses.replace(TARGET, kind="aws")).fidelity_notes == []


def test_the_explanation_agrees_only_with_what_both_sides_decided():
    from flows.role_config import agreement
    from flows.roles import RoleExplanation

    chose_auth = RoleExplanation("arn:aws:iam::1:role/auth", ())
    assert agreement(chose_auth, StepResult("identity_pool", outputs={"role_arn": "arn:aws:iam::1:role/auth"})) is True
    assert agreement(chose_auth, StepResult("identity_pool", outputs={"role_arn": "arn:aws:iam::1:role/other"})) is False
    refused = StepResult("identity_pool", failure=AwsFailure("NotAuthorizedException", "no"))
    assert agreement(RoleExplanation(None, ()), refused) is True
    assert agreement(chose_auth, refused) is None  # refused for another reason: proves nothing
