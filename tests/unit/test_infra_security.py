"""infra/cognito-lab.yaml is safe to deploy in a real account, deploys the first time, and its
Outputs give `--stack` every id the lab's Target reads (issue 15)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from cfnlint.decode import decode_str

from flows.oauth import LAB_REDIRECT_URI
from flows.target_sources import SETTINGS, STACK_OUTPUTS, target_from_settings
from tests.conftest import ROOT

TEMPLATE = ROOT / "infra" / "cognito-lab.yaml"
GROUP_ROLES = ("AdminsRole", "ReadersRole")


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    decoded, problems = decode_str(TEMPLATE.read_text())
    assert not problems
    return decoded


def _properties(template: dict[str, Any], name: str) -> dict[str, Any]:
    return template["Resources"][name]["Properties"]


def _with_defaults(template: dict[str, Any], value: Any) -> Any:
    """Evaluate Fn::If as CloudFormation would when every parameter keeps its default."""
    if isinstance(value, dict) and "Fn::If" in value:
        condition, if_true, if_false = value["Fn::If"]
        return _with_defaults(template, if_true if _condition(template, condition) else if_false)
    return value


def _condition(template: dict[str, Any], name: str) -> bool:
    left, right = template["Conditions"][name]["Fn::Equals"]
    return str(template["Parameters"][left["Ref"]]["Default"]) == right


def test_the_classic_flow_is_off_by_default(template):
    # With it on, any signed-in user reaches AdminsRole through GetOpenIdToken + AssumeRoleWithWebIdentity.
    assert _with_defaults(template, _properties(template, "IdentityPool")["AllowClassicFlow"]) is False


def test_self_sign_up_is_off_by_default(template):
    config = _properties(template, "UserPool")["AdminCreateUserConfig"]
    assert _with_defaults(template, config["AllowAdminCreateUserOnly"]) is True


def test_the_echo_function_may_be_invoked_only_by_the_labs_two_apis(template):
    permissions = [r["Properties"] for r in template["Resources"].values() if r["Type"] == "AWS::Lambda::Permission"]
    source_arns = sorted(p["SourceArn"]["Fn::Sub"] for p in permissions)
    assert source_arns == ["arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:${HttpApi}/*",
                           "arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:${RestApi}/*"]


def _trust(template: dict[str, Any], role: str) -> dict[str, Any]:
    document, variables = _properties(template, role)["AssumeRolePolicyDocument"]["Fn::Sub"]
    assert variables == {"Pool": {"Ref": "IdentityPool"}}
    return json.loads(document)


@pytest.mark.parametrize("role", GROUP_ROLES + ("AuthenticatedRole", "UnauthenticatedRole"))
def test_identity_pool_roles_trust_only_this_pools_identities(template, role):
    for statement in _trust(template, role)["Statement"]:
        assert statement["Principal"] == {"Federated": "cognito-identity.amazonaws.com"}
        assert statement["Condition"]["StringEquals"] == {"cognito-identity.amazonaws.com:aud": "${Pool}"}
        assert "cognito-identity.amazonaws.com:amr" in statement["Condition"]["ForAnyValue:StringLike"]


def test_no_role_trusts_everyone(template):
    roles = [r["Properties"] for r in template["Resources"].values() if r["Type"] == "AWS::IAM::Role"]
    documents = [json.dumps(role["AssumeRolePolicyDocument"]) for role in roles]
    assert not [d for d in documents if re.search(r'"(Principal|AWS)": "\*"', d)]


def test_users_cannot_rewrite_their_department(template):
    for client in ("PublicClient", "ConfidentialClient"):
        written = _properties(template, client)["WriteAttributes"]
        assert written and "custom:department" not in written


def test_the_machine_client_signs_no_user_in(template):
    assert _properties(template, "MachineClient")["ExplicitAuthFlows"] == ["ALLOW_REFRESH_TOKEN_AUTH"]


def test_both_stages_are_throttled(template):
    [rest_settings] = _properties(template, "RestStage")["MethodSettings"]
    assert (rest_settings["ResourcePath"], rest_settings["HttpMethod"]) == ("/*", "*")
    assert rest_settings["ThrottlingRateLimit"] > 0 and rest_settings["ThrottlingBurstLimit"] > 0
    assert _properties(template, "HttpStage")["DefaultRouteSettings"]["ThrottlingRateLimit"] > 0


@pytest.mark.parametrize("prefix, accepted", [
    ("lab-alice-2026", True), ("a", True), ("cognito-lab-alice", False), ("my-aws-lab", False),
    ("amazonlab", False), ("Lab-Alice", False), ("-lab", False), ("lab-", False), ("x" * 64, False),
])
def test_the_domain_prefix_refuses_what_cognito_refuses(template, prefix, accepted):
    parameter = template["Parameters"]["DomainPrefix"]
    assert bool(re.fullmatch(parameter["AllowedPattern"], prefix)) is accepted
    assert "cognito" in parameter["ConstraintDescription"]


def test_the_hosted_pages_are_the_ones_the_lab_reads(template):
    assert _properties(template, "UserPoolDomain")["ManagedLoginVersion"] == 1
    assert _properties(template, "UserPool")["IssuerConfiguration"] == {"Type": "ORIGINAL"}
    public = _properties(template, "PublicClient")
    assert public["CallbackURLs"] == [{"Ref": "CallbackUrl"}] and public["LogoutURLs"] == [{"Ref": "LogoutUrl"}]
    assert template["Parameters"]["CallbackUrl"]["Default"] == LAB_REDIRECT_URI  # the redirect the lab sends


def test_the_outputs_are_exactly_what_stack_loads(template):
    assert set(template["Outputs"]) == set(STACK_OUTPUTS)


def test_the_outputs_cover_every_setting_the_target_reads():
    # Client secrets come from DescribeUserPoolClient, the endpoint overrides only from a stand-in.
    not_outputs = {"confidential_client_secret", "machine_client_secret", "endpoint_url", "jwks_url"}
    assert set(SETTINGS) - not_outputs == set(STACK_OUTPUTS.values())
    target = target_from_settings({setting: f"value-of-{setting}" for setting in STACK_OUTPUTS.values()})
    assert set(target.clients) == {"public", "confidential", "machine"}
    assert set(target.roles) == {"authenticated", "unauthenticated", "admins", "readers", "mistrusted"}
    assert target.domain and set(target.apis) == {"rest", "http"}
