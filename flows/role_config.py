"""An identity pool's role configuration as the learner pastes it (the output of
`aws cognito-identity get-identity-pool-roles`, aws-facts.md §4.4), checked for the shape that
`flows.roles.explain_role` reads and for the pool it belongs to, so a wrong paste is a message
(in the learner's language) and never a crash; and the
identity id a run got, also when a later call failed."""

from __future__ import annotations

import json
from typing import Any, Mapping

from flows import i18n
from flows.errors import FlowsError
from flows.roles import RoleExplanation
from flows.steps import StepResult

MATCH_TYPES = frozenset({"Equals", "Contains", "StartsWith", "NotEqual"})
MAPPING_TYPES = frozenset({"Token", "Rules"})
AMBIGUOUS_RESOLUTIONS = frozenset({"AuthenticatedRole", "Deny"})
RULE_FIELDS = ("Claim", "MatchType", "Value", "RoleARN")


class PoolRolesError(FlowsError, ValueError):
    """A pasted configuration the lab can't read: `key` and `params` are the message in the
    catalogues (`message` is its English, for logs)."""

    def __init__(self, key: str, **params: str) -> None:
        super().__init__(i18n.text(key, "en", **params))
        self.key, self.params = key, params


def _is_rule(rule: Any) -> bool:
    return (isinstance(rule, dict) and all(isinstance(rule.get(name), str) for name in RULE_FIELDS)
            and rule["MatchType"] in MATCH_TYPES)


def _as_object(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise PoolRolesError("polish.roles.not_object", where=where)
    return value


def _check_roles(roles: Any) -> None:
    for name, arn in _as_object(roles, "Roles").items():
        if not isinstance(arn, str) or not arn.startswith("arn:"):
            raise PoolRolesError("polish.roles.not_an_arn", name=str(name))


def _check_mapping(provider: str, mapping: Any) -> None:
    mapping = _as_object(mapping, f"RoleMappings[{provider}]")
    if mapping.get("Type") not in MAPPING_TYPES:
        raise PoolRolesError("polish.roles.mapping_type", provider=provider)
    if mapping.get("AmbiguousRoleResolution", "AuthenticatedRole") not in AMBIGUOUS_RESOLUTIONS:
        raise PoolRolesError("polish.roles.ambiguous", provider=provider)
    if mapping["Type"] == "Rules":
        rules = _as_object(mapping.get("RulesConfiguration"), f"RoleMappings[{provider}].RulesConfiguration").get("Rules")
        if not isinstance(rules, list) or not all(_is_rule(rule) for rule in rules):
            raise PoolRolesError("polish.roles.rules", provider=provider, fields=", ".join(RULE_FIELDS))


def parse_pool_roles(text: str, identity_pool_id: str | None = None) -> dict[str, Any]:
    """`{"Roles": …, "RoleMappings": …}` from the pasted output of `aws cognito-identity
    get-identity-pool-roles`; PoolRolesError if it isn't that. With identity_pool_id, the output
    of another pool is refused: its roles would explain nothing here."""
    try:
        pasted = json.loads(text)
    except json.JSONDecodeError as error:
        raise PoolRolesError("identity_page.role.paste_invalid",
                             reason=f"{error.msg} ({error.lineno}:{error.colno})") from None
    if not isinstance(pasted, dict) or not ({"Roles", "RoleMappings"} & pasted.keys()):
        raise PoolRolesError("identity_page.role.paste_shape")
    pasted_pool = pasted.get("IdentityPoolId")
    if identity_pool_id and pasted_pool and pasted_pool != identity_pool_id:
        raise PoolRolesError("polish.roles.other_pool", pasted=str(pasted_pool), expected=identity_pool_id)
    roles, mappings = pasted.get("Roles") or {}, pasted.get("RoleMappings") or {}
    _check_roles(roles)
    for provider, mapping in _as_object(mappings, "RoleMappings").items():
        _check_mapping(str(provider), mapping)
    return {"Roles": roles, "RoleMappings": mappings}


def identity_id_of(result: StepResult) -> str | None:
    """The identity id, also when a later call failed: GetId's answer is on the wire."""
    if result.outputs.get("identity_id"):
        return result.outputs["identity_id"]
    for exchange in result.exchanges:
        if exchange.label == "GetId" and exchange.response is not None and exchange.response.status == 200:
            try:
                return json.loads(exchange.response.body).get("IdentityId")
            except (json.JSONDecodeError, AttributeError):
                return None
    return None


def agreement(explanation: RoleExplanation, result: StepResult) -> bool | None:
    """Whether the lab's explanation and the pool decided alike; None when they can't be compared
    (a refusal for another reason than the role proves nothing)."""
    if result.ok:
        return result.outputs.get("role_arn") == explanation.role_arn
    return True if explanation.refused else None
