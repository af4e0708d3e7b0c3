"""The CloudFormation template builds on AWS what the sandbox seeds locally, and lints clean."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cfnlint.decode import decode_str

from tests.conftest import ROOT
from tests.sandbox.helpers import admin_client

TEMPLATE = ROOT / "infra" / "cognito-lab.yaml"
CLIENT_RESOURCES = {"public": "PublicClient", "confidential": "ConfidentialClient", "machine": "MachineClient"}
COMPARED_LIST_SETTINGS = ("ExplicitAuthFlows", "AllowedOAuthFlows", "AllowedOAuthScopes", "ReadAttributes",
                          "WriteAttributes", "CallbackURLs", "LogoutURLs")


@pytest.fixture(scope="module")
def resources() -> dict[str, Any]:
    template, problems = decode_str(TEMPLATE.read_text())
    assert not problems
    return template["Resources"]


@pytest.fixture(scope="module")
def defaults() -> dict[str, Any]:
    """Each parameter's default: what a deploy without overrides builds."""
    template, _ = decode_str(TEMPLATE.read_text())
    return {name: parameter.get("Default") for name, parameter in template["Parameters"].items()}


def _resolved(values: list[Any], defaults: dict[str, Any]) -> list[Any]:
    return [defaults[v["Ref"]] if isinstance(v, dict) and "Ref" in v else v for v in values]


def _of_type(resources: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [r["Properties"] for r in resources.values() if r["Type"] == kind]


def _template_routes(resources: dict[str, Any]) -> set[tuple[str, str, str, str, tuple[str, ...]]]:
    paths = {name: r["Properties"]["PathPart"] for name, r in resources.items() if r["Type"] == "AWS::ApiGateway::Resource"}
    rest = {("rest", m["HttpMethod"], "/" + paths[m["ResourceId"]["Ref"]], m["AuthorizationType"],
             tuple(m.get("AuthorizationScopes", []))) for m in _of_type(resources, "AWS::ApiGateway::Method")}
    http = {("http", *r["RouteKey"].split(" "), r["AuthorizationType"], tuple(r.get("AuthorizationScopes", [])))
            for r in _of_type(resources, "AWS::ApiGatewayV2::Route")}
    return rest | http


def test_cfn_lint_passes():
    cfn_lint = Path(sys.executable).parent / "cfn-lint"
    done = subprocess.run([str(cfn_lint), str(TEMPLATE)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_same_routes_and_scopes(resources, topology):
    sandbox_routes = {(r["api"], r["method"], r["path"], r["auth"], tuple(r["scopes"])) for r in topology["routes"]}
    assert _template_routes(resources) == sandbox_routes


def test_same_resource_server_scopes(resources, topology):
    [server] = _of_type(resources, "AWS::Cognito::UserPoolResourceServer")
    template_scopes = {f"{server['Identifier']}/{s['ScopeName']}" for s in server["Scopes"]}
    assert [template_scopes] == [set(rs["scopes"]) for rs in topology["resource_servers"]]


def test_same_groups_and_precedence(resources, topology):
    idp = admin_client(topology, "cognito-idp")
    sandbox_groups = {(g["GroupName"], g["Precedence"]) for g in idp.list_groups(UserPoolId=topology["user_pool_id"])["Groups"]}
    assert {(g["GroupName"], g["Precedence"]) for g in _of_type(resources, "AWS::Cognito::UserPoolGroup")} == sandbox_groups


@pytest.mark.parametrize("client_name", sorted(CLIENT_RESOURCES))
def test_same_app_client_settings(resources, defaults, topology, client_name):
    # The sandbox's clients read back with DescribeUserPoolClient, as on AWS.
    idp = admin_client(topology, "cognito-idp")
    described = idp.describe_user_pool_client(UserPoolId=topology["user_pool_id"],
                                              ClientId=topology["clients"][client_name]["client_id"])["UserPoolClient"]
    template = resources[CLIENT_RESOURCES[client_name]]["Properties"]
    assert bool(template.get("GenerateSecret")) == ("ClientSecret" in described)
    assert template.get("PreventUserExistenceErrors") == described.get("PreventUserExistenceErrors")
    for setting in COMPARED_LIST_SETTINGS:
        assert sorted(_resolved(template.get(setting, []), defaults)) == sorted(described.get(setting, [])), setting


def test_same_mfa_configuration(resources, topology):
    idp = admin_client(topology, "cognito-idp")
    sandbox = idp.get_user_pool_mfa_config(UserPoolId=topology["user_pool_id"])
    [pool] = _of_type(resources, "AWS::Cognito::UserPool")
    assert pool["MfaConfiguration"] == sandbox["MfaConfiguration"]
    assert ("SOFTWARE_TOKEN_MFA" in pool["EnabledMfas"]) == sandbox["SoftwareTokenMfaConfiguration"]["Enabled"]


def _simplified_rules(mapping: dict[str, Any]) -> list[tuple[str, str, str]]:
    rules = mapping.get("RulesConfiguration", {}).get("Rules", [])
    return [(r["Claim"], r["MatchType"], r["Value"]) for r in rules]


def test_same_role_mappings(resources, topology):
    identity = admin_client(topology, "cognito-identity")
    sandbox = identity.get_identity_pool_roles(IdentityPoolId=topology["identity_pool_id"])["RoleMappings"]
    by_client = {key.rsplit(":", 1)[1]: value for key, value in sandbox.items()}
    [attachment] = _of_type(resources, "AWS::Cognito::IdentityPoolRoleAttachment")
    for name, mapping in attachment["RoleMappings"].items():
        local = by_client[topology["clients"][name]["client_id"]]
        assert (mapping["Type"], mapping["AmbiguousRoleResolution"]) == (local["Type"], local["AmbiguousRoleResolution"])
        assert _simplified_rules(mapping) == _simplified_rules(local)
    assert len(attachment["RoleMappings"]) == len(sandbox)
