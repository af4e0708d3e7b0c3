"""On AWS, GetIdentityPoolRoles is signed (aws-facts.md §0, [ID-model]): the lab reads the role
configuration with the learner's credentials or from the pasted CLI output, and explains the
same role either way (issue 15)."""

from __future__ import annotations

import json

import pytest
from botocore.credentials import Credentials

from flows.identity import describe_pool_roles
from flows.i18n import text as catalogue_text
from flows.pool_roles import describe_pool_roles_signed
from flows.role_config import PoolRolesError, parse_pool_roles
from flows.roles import explain_role
from tests.sandbox.helpers import admin_client
from flows.aws import account_credentials

LEARNER = Credentials("AKIDLEARNER0000EXAMPLE", "learner-secret-key")


def _cli_output(topology) -> str:
    """What `aws cognito-identity get-identity-pool-roles` prints: the response without its metadata."""
    identity = admin_client(topology, "cognito-identity")
    response = identity.get_identity_pool_roles(IdentityPoolId=topology["identity_pool_id"])
    response.pop("ResponseMetadata")
    return json.dumps(response, indent=4)


def _claims(topology, groups: list[str]) -> dict[str, object]:
    return {"aud": topology["clients"]["confidential"]["client_id"], "cognito:groups": groups}


def test_the_pasted_output_explains_what_the_lookup_explains(target, topology):
    looked_up = describe_pool_roles(target).outputs["pool_roles"]
    pasted = parse_pool_roles(_cli_output(topology), topology["identity_pool_id"])
    assert pasted == looked_up
    for groups in (["readers"], ["admins"], []):
        claims = _claims(topology, groups)
        assert explain_role(claims, pasted, target.login_provider) == explain_role(claims, looked_up, target.login_provider)


def test_the_signed_call_carries_the_learners_signature(target):
    result = describe_pool_roles_signed(target, account_credentials(target))
    assert result.ok and result.outputs["pool_roles"]["Roles"]["authenticated"] == target.roles["authenticated"]
    [call] = result.exchanges
    authorization = dict(call.request.headers)["Authorization"]
    assert authorization.startswith(f"AWS4-HMAC-SHA256 Credential={target.account.access_key_id}/")


def test_a_key_the_sandbox_never_issued_is_refused(target):
    # Cognito's CommonErrors page; the text is the one aws-facts.md §5.3 quotes for an unknown key.
    result = describe_pool_roles_signed(target, LEARNER)
    assert result.failure.code == "UnrecognizedClientException"
    assert result.failure.message == "The security token included in the request is invalid."


@pytest.mark.parametrize("text, key, complaint", [
    ("{not json", "identity_page.role.paste_invalid", "not valid JSON"),
    ("[]", "identity_page.role.paste_shape", "Roles and RoleMappings"),
    ('{"Roles": {"authenticated": "not-an-arn"}}', "polish.roles.not_an_arn", "role ARN"),
    ('{"RoleMappings": {"p:c": {"Type": "Groups"}}}', "polish.roles.mapping_type", "Token or Rules"),
    ('{"RoleMappings": {"p:c": {"Type": "Rules", "RulesConfiguration": {"Rules": [{"Claim": "x"}]}}}}',
     "polish.roles.rules", "RoleARN"),
    ('{"IdentityPoolId": "us-east-1:other", "Roles": {}}', "polish.roles.other_pool", "not of this target's"),
])
def test_a_pasted_text_of_the_wrong_shape_says_what_is_wrong(text, key, complaint):
    with pytest.raises(PoolRolesError, match=complaint) as refused:
        parse_pool_roles(text, "us-east-1:this")
    assert refused.value.key == key
    assert catalogue_text(key, "ja", **refused.value.params) != catalogue_text(key, "en", **refused.value.params)
