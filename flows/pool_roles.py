"""The identity pool's role configuration on AWS, where GetIdentityPoolRoles is a signed,
administrative call (aws-facts.md §0): read it with the learner's own AWS credentials, or from
the pasted output of

    aws cognito-identity get-identity-pool-roles --identity-pool-id <IdentityPoolId>

Either gives what `flows.roles.explain_role` reads: {"Roles": …, "RoleMappings": …}.
"""

from __future__ import annotations

import json
from typing import Any, Mapping

import boto3
from botocore.credentials import Credentials
from botocore.exceptions import BotoCoreError, ClientError

from flows.aws import client, failure_from
from flows.capture import Recorder
from flows.errors import FlowsError
from flows.steps import AwsFailure, Note, StepResult
from flows.target import Target

ROLE_TYPES = frozenset({"Token", "Rules"})
AMBIGUOUS_RESOLUTIONS = frozenset({"AuthenticatedRole", "Deny"})
RULE_FIELDS = ("Claim", "MatchType", "Value", "RoleARN")


class PastedRolesError(FlowsError, ValueError):
    """The pasted text is not GetIdentityPoolRoles' output; the message says what is wrong."""


def parse_pool_roles(text: str, identity_pool_id: str | None = None) -> dict[str, Any]:
    """The CLI's JSON output, checked for the shape explain_role reads. With identity_pool_id,
    output for another pool is refused (its roles would explain nothing here)."""
    try:
        pasted = json.loads(text)
    except json.JSONDecodeError as error:
        raise PastedRolesError(f"Not JSON: {error.msg} (line {error.lineno}, column {error.colno}).") from None
    if not isinstance(pasted, dict) or not ({"Roles", "RoleMappings"} & pasted.keys()):
        raise PastedRolesError("Expected an object with Roles and RoleMappings, as get-identity-pool-roles prints.")
    pasted_pool = pasted.get("IdentityPoolId")
    if identity_pool_id and pasted_pool and pasted_pool != identity_pool_id:
        raise PastedRolesError(f"This is the configuration of {pasted_pool}, not of {identity_pool_id}.")
    roles, mappings = pasted.get("Roles") or {}, pasted.get("RoleMappings") or {}
    _check_roles(roles)
    for provider, mapping in _as_object(mappings, "RoleMappings").items():
        _check_mapping(provider, mapping)
    return {"Roles": roles, "RoleMappings": mappings}


def _as_object(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise PastedRolesError(f"{where} must be an object.")
    return value


def _check_roles(roles: Any) -> None:
    for name, arn in _as_object(roles, "Roles").items():
        if not isinstance(arn, str) or not arn.startswith("arn:"):
            raise PastedRolesError(f"Roles.{name} must be a role ARN.")


def _check_mapping(provider: str, mapping: Any) -> None:
    mapping = _as_object(mapping, f"RoleMappings[{provider}]")
    if mapping.get("Type") not in ROLE_TYPES:
        raise PastedRolesError(f"RoleMappings[{provider}].Type must be Token or Rules.")
    if mapping.get("AmbiguousRoleResolution", "AuthenticatedRole") not in AMBIGUOUS_RESOLUTIONS:
        raise PastedRolesError(f"RoleMappings[{provider}].AmbiguousRoleResolution must be AuthenticatedRole or Deny.")
    if mapping["Type"] == "Rules":
        rules = _as_object(mapping.get("RulesConfiguration"), f"RoleMappings[{provider}].RulesConfiguration").get("Rules")
        if not isinstance(rules, list) or not all(isinstance(r, dict) and all(f in r for f in RULE_FIELDS) for r in rules):
            raise PastedRolesError(f"RoleMappings[{provider}] rules each need {', '.join(RULE_FIELDS)}.")


def learner_credentials(profile: str | None = None) -> Credentials | None:
    """The learner's own AWS credentials (boto3's chain, or a named profile); None when there are none.
    Only for a dashboard the learner runs for themselves: a shared server must not lend its own."""
    found = boto3.Session(profile_name=profile).get_credentials()
    if found is None:
        return None
    frozen = found.get_frozen_credentials()
    return Credentials(frozen.access_key, frozen.secret_key, frozen.token)


def describe_pool_roles_signed(target: Target, credentials: Credentials) -> StepResult:
    """GetIdentityPoolRoles signed with the learner's credentials (which need
    cognito-identity:GetIdentityPoolRoles on the pool)."""
    recorder = Recorder()
    result = StepResult("pool_roles", recorder.exchanges,
                        notes=[Note("note.identity.pool_roles", "identity-pools.md#role-resolution")])
    identity = client(target, "cognito-identity", recorder, credentials)
    try:
        response = identity.get_identity_pool_roles(IdentityPoolId=target.identity_pool_id)
    except (ClientError, BotoCoreError) as error:
        failure = failure_from(error)
        meaning = "meaning.EndpointUnreachable" if failure.code == "EndpointUnreachable" else "meaning.identity.roles_need_iam"
        result.failure = AwsFailure(failure.code, failure.message, failure.status, meaning)
        return result
    result.outputs = {"pool_roles": {"Roles": response.get("Roles", {}), "RoleMappings": response.get("RoleMappings", {})}}
    return result
