"""An identity pool's role configuration as the learner pastes it (the output of
`aws cognito-identity get-identity-pool-roles`, aws-facts.md §4.4), checked for the shape that
`flows.roles.explain_role` reads, so a wrong paste is a message and never a crash; and the
identity id a run got, also when a later call failed."""

from __future__ import annotations

import json
from typing import Any, Mapping

from flows.errors import FlowsError
from flows.roles import RoleExplanation
from flows.steps import StepResult

MATCH_TYPES = frozenset({"Equals", "Contains", "StartsWith", "NotEqual"})
MAPPING_TYPES = frozenset({"Token", "Rules"})
RULE_FIELDS = ("Claim", "MatchType", "Value", "RoleARN")


class PoolRolesError(FlowsError, ValueError):
    """A pasted configuration the lab can't read: `key` is the message, `reason` the detail."""

    def __init__(self, key: str, reason: str = "") -> None:
        super().__init__(reason or key)
        self.key, self.reason = key, reason


def _is_rule(rule: Any) -> bool:
    return (isinstance(rule, dict) and all(isinstance(rule.get(name), str) for name in RULE_FIELDS)
            and rule["MatchType"] in MATCH_TYPES)


def _is_mapping(mapping: Any) -> bool:
    if not isinstance(mapping, dict) or mapping.get("Type") not in MAPPING_TYPES:
        return False
    rules = (mapping.get("RulesConfiguration") or {}).get("Rules", []) if mapping["Type"] == "Rules" else []
    return isinstance(rules, list) and all(_is_rule(rule) for rule in rules)


def _checked(pasted: Mapping[str, Any]) -> dict[str, Any]:
    roles, mappings = pasted.get("Roles") or {}, pasted.get("RoleMappings") or {}
    if not isinstance(roles, dict) or not all(isinstance(arn, str) for arn in roles.values()):
        raise PoolRolesError("identity_page.role.paste_shape")
    if not isinstance(mappings, dict) or not all(_is_mapping(mapping) for mapping in mappings.values()):
        raise PoolRolesError("identity_page.role.paste_shape")
    return {"Roles": roles, "RoleMappings": mappings}


def parse_pool_roles(text: str) -> dict[str, Any]:
    """`{"Roles": …, "RoleMappings": …}` from pasted JSON; PoolRolesError if it isn't that."""
    try:
        pasted = json.loads(text)
    except json.JSONDecodeError as error:
        raise PoolRolesError("identity_page.role.paste_invalid", error.msg) from None
    if not isinstance(pasted, dict):
        raise PoolRolesError("identity_page.role.paste_shape")
    return _checked(pasted)


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
