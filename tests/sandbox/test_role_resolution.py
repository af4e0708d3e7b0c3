"""Which role the identity pool gives, and why (aws-facts.md §4.4): the rules unit by unit, then
end to end through boto3 for the seeded users and app clients, with the sandbox-only trace."""

from __future__ import annotations

import pytest
import requests
from botocore.exceptions import ClientError

from sandbox.errors import AwsError, RoleMappingDenied
from sandbox.role_resolution import resolve_authenticated_role
from tests.sandbox.helpers import signed_helper, unsigned_client
from tests.sandbox.identity_helpers import enhanced_credentials, provider, sign_in_with, sts_with

ROLES = {"authenticated": "arn:aws:iam::123456789012:role/Default"}
ADMINS, READERS, OTHER = (f"arn:aws:iam::123456789012:role/{n}" for n in ("Admins", "Readers", "Other"))
GROUPED = {"cognito:groups": ["admins", "readers"], "cognito:roles": [ADMINS, READERS],
           "cognito:preferred_role": ADMINS, "custom:department": "engineering"}


def _token(ambiguous: str = "AuthenticatedRole") -> dict:
    return {"Type": "Token", "AmbiguousRoleResolution": ambiguous}


def _rules(*rules: tuple[str, str, str, str], ambiguous: str = "AuthenticatedRole") -> dict:
    return {"Type": "Rules", "AmbiguousRoleResolution": ambiguous, "RulesConfiguration": {"Rules": [
        {"Claim": claim, "MatchType": match, "Value": value, "RoleARN": role} for claim, match, value, role in rules]}}


# --- Token: "choose role from token" ---------------------------------------------------------------
def test_no_mapping_gives_the_default_authenticated_role():
    # aws-facts.md §4.4: no mapping → the default authenticated role.
    assert resolve_authenticated_role(ROLES, None, GROUPED).role_arn == ROLES["authenticated"]


def test_token_custom_role_arn_in_cognito_roles_is_chosen():
    # aws-facts.md §4.4 Token step 1: CustomRoleArn, if it is in cognito:roles.
    assert resolve_authenticated_role(ROLES, _token(), GROUPED, READERS).role_arn == READERS


def test_token_custom_role_arn_not_in_cognito_roles_is_refused():
    # aws-facts.md §4.4 Token step 1: set but not in cognito:roles → denied.
    with pytest.raises(AwsError) as refused:
        resolve_authenticated_role(ROLES, _token(), GROUPED, OTHER)
    assert refused.value.type == "NotAuthorizedException"


def test_token_preferred_role_without_custom_role_arn():
    # aws-facts.md §4.4 Token step 2: cognito:preferred_role.
    assert resolve_authenticated_role(ROLES, _token(), GROUPED).role_arn == ADMINS


def test_token_ambiguous_gives_the_authenticated_role():
    # aws-facts.md §4.4 Token step 3: roles but no preferred role → AmbiguousRoleResolution.
    tie = {"cognito:roles": [ADMINS, READERS]}
    decision = resolve_authenticated_role(ROLES, _token("AuthenticatedRole"), tie)
    assert decision.role_arn == ROLES["authenticated"] and "AmbiguousRoleResolution" in decision.trace[-1]


def test_token_ambiguous_deny_refuses():
    # aws-facts.md §4.1/§4.4: "The ambiguous role mapping rules denied this request".
    with pytest.raises(RoleMappingDenied) as refused:
        resolve_authenticated_role(ROLES, _token("Deny"), {"cognito:roles": [ADMINS, READERS]})
    assert refused.value.message == "The ambiguous role mapping rules denied this request"


# --- Rules ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("match", "value"), [("Equals", "engineering"), ("Contains", "gineer"),
                                              ("StartsWith", "eng"), ("NotEqual", "sales")])
def test_each_match_type(match, value):
    # aws-facts.md §4.4: MatchType Equals | Contains | StartsWith | NotEqual.
    mapping = _rules(("custom:department", match, value, READERS))
    assert resolve_authenticated_role(ROLES, mapping, GROUPED).role_arn == READERS


@pytest.mark.parametrize(("match", "value"), [("Equals", "engine"), ("Contains", "sales"),
                                              ("StartsWith", "gineer"), ("NotEqual", "engineering")])
def test_each_match_type_can_fail(match, value):
    mapping = _rules(("custom:department", match, value, READERS))
    assert resolve_authenticated_role(ROLES, mapping, GROUPED).role_arn == ROLES["authenticated"]


def test_rules_are_evaluated_in_order_first_match_wins():
    # aws-facts.md §4.4: "evaluated in order; the first match wins".
    mapping = _rules(("cognito:groups", "Contains", "nobody", OTHER),
                     ("cognito:groups", "Contains", "readers", READERS),
                     ("cognito:groups", "Contains", "admins", ADMINS))
    decision = resolve_authenticated_role(ROLES, mapping, GROUPED)
    assert decision.role_arn == READERS
    assert [line.split(":")[0] for line in decision.trace[1:]] == ["rule 1", "rule 2"]


def test_not_equal_on_a_missing_claim_is_not_evaluated():
    # aws-facts.md §4.4: "A NotEqual rule on a missing claim is not evaluated".
    mapping = _rules(("custom:team", "NotEqual", "blue", OTHER), ("custom:department", "Equals", "engineering", READERS))
    decision = resolve_authenticated_role(ROLES, mapping, GROUPED)
    assert decision.role_arn == READERS and "not evaluated" in decision.trace[1]


def test_no_rule_matches_then_ambiguous_resolution_applies():
    # aws-facts.md §4.4: "If nothing matches, AmbiguousRoleResolution applies".
    mapping = _rules(("custom:department", "Equals", "sales", OTHER))
    assert resolve_authenticated_role(ROLES, mapping, GROUPED).role_arn == ROLES["authenticated"]
    with pytest.raises(AwsError):
        resolve_authenticated_role(ROLES, {**mapping, "AmbiguousRoleResolution": "Deny"}, GROUPED)


# --- end to end: different users, different clients, different roles ------------------------------
def _role_of(topology, username: str, client_name: str, **extra) -> str:
    id_token = sign_in_with(topology, username, client_name)["IdToken"]
    credentials = enhanced_credentials(topology, id_token, **extra)["Credentials"]
    # On AWS too, GetCallerIdentity is how a client learns which role its credentials belong to.
    return sts_with(topology, credentials).get_caller_identity()["Arn"].split("/")[1]


def _name(topology, role: str) -> str:
    return topology["roles"][role].rsplit("/", 1)[-1]


@pytest.mark.parametrize(("username", "role"), [("alice", "admins"), ("bob", "readers"), ("carol", "authenticated")])
def test_public_client_token_mapping_per_user(topology, username, role):
    # aws-facts.md §4.4: Token mapping: the group's preferred role, else AuthenticatedRole.
    assert _role_of(topology, username, "public") == _name(topology, role)


@pytest.mark.parametrize(("username", "role"), [("alice", "admins"), ("bob", "readers")])
def test_confidential_client_rules_mapping_per_user(topology, username, role):
    # aws-facts.md §4.4: Rules mapping, cognito:groups Contains …, first match wins.
    assert _role_of(topology, username, "confidential") == _name(topology, role)


def test_confidential_client_refuses_a_user_no_rule_matches(topology):
    # aws-facts.md §4.4: no rule matches and AmbiguousRoleResolution is Deny.
    id_token = sign_in_with(topology, "carol", "confidential")["IdToken"]
    with pytest.raises(ClientError) as refused:
        enhanced_credentials(topology, id_token)
    assert refused.value.response["Error"]["Message"] == "The ambiguous role mapping rules denied this request"


def test_custom_role_arn_through_the_token_mapping(topology):
    # aws-facts.md §4.4 Token step 1, end to end: alice's cognito:roles holds only the admins role.
    assert _role_of(topology, "alice", "public", CustomRoleArn=topology["roles"]["admins"]) == _name(topology, "admins")
    with pytest.raises(ClientError):
        _role_of(topology, "alice", "public", CustomRoleArn=topology["roles"]["readers"])


# --- the sandbox-only trace ---------------------------------------------------------------------------
def _trace(topology, identity_id: str) -> requests.Response:
    return signed_helper(topology, "GET", f"/_sandbox/role-decisions/{identity_id}", "cognito-identity")


def test_trace_explains_a_rules_decision(topology):
    id_token = sign_in_with(topology, "bob", "confidential")["IdToken"]
    identity_id = enhanced_credentials(topology, id_token)["IdentityId"]
    body = _trace(topology, identity_id).json()
    assert body["RoleArn"] == topology["roles"]["readers"] and body["Refused"] is None
    assert body["RoleMappingKey"].endswith(":" + topology["clients"]["confidential"]["client_id"])
    assert body["Trace"][0] == "Role mapping of type Rules applies." and "matched" in body["Trace"][1]
    assert "Sandbox-only" in body["Fidelity"]


def test_trace_explains_a_refusal_rule_by_rule(topology):
    id_token = sign_in_with(topology, "carol", "confidential")["IdToken"]
    with pytest.raises(ClientError):
        enhanced_credentials(topology, id_token)
    identity_id = unsigned_client(topology, "cognito-identity").get_id(
        IdentityPoolId=topology["identity_pool_id"], Logins={provider(topology): id_token})["IdentityId"]
    body = _trace(topology, identity_id).json()
    assert body["RoleArn"] is None and body["Refused"] == "The ambiguous role mapping rules denied this request"
    assert [line.split(":")[0] for line in body["Trace"][1:3]] == ["rule 1", "rule 2"]
    assert body["Trace"][-1].endswith("AmbiguousRoleResolution is Deny: refused.")


def test_trace_of_an_unknown_identity_is_404(topology):
    assert _trace(topology, "us-east-1:00000000-0000-0000-0000-000000000000").status_code == 404


def test_boolean_claims_compare_as_json_spells_them():
    # email_verified is a JSON boolean in the ID token (aws-facts.md §1.2); a rule's Value is text.
    from sandbox.role_resolution import resolve_authenticated_role

    mapping = {"Type": "Rules", "AmbiguousRoleResolution": "AuthenticatedRole", "RulesConfiguration": {"Rules": [
        {"Claim": "email_verified", "MatchType": "Equals", "Value": "true", "RoleARN": "arn:aws:iam::1:role/verified"}]}}
    decision = resolve_authenticated_role({"authenticated": "arn:aws:iam::1:role/default"}, mapping, {"email_verified": True})
    assert decision.role_arn == "arn:aws:iam::1:role/verified"
