"""Which IAM role an identity pool gives a user (aws-facts.md §4.4).

Role-based access control as the Cognito guide describes it: default roles, "choose role from
token" (CustomRoleArn, cognito:preferred_role, cognito:roles) and rules evaluated in order,
with AmbiguousRoleResolution deciding when nothing matches. Every decision is traced so the
dashboard can say why a role was chosen.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sandbox.errors import NotAuthorizedException, RoleMappingDenied


@dataclass(frozen=True)
class RoleDecision:
    role_arn: str
    trace: tuple[str, ...]


def _claim_text(value: Any) -> str:
    """A claim as rules compare it: JSON booleans as true/false (as the token spells them)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return ",".join(value) if isinstance(value, list) else str(value)


def _rule_matches(rule: dict[str, str], claims: dict[str, Any]) -> bool | None:
    """True/False, or None when the rule is not evaluated (NotEqual on a missing claim)."""
    if rule["Claim"] not in claims:
        return None if rule["MatchType"] == "NotEqual" else False
    value, expected = claims[rule["Claim"]], rule["Value"]
    text = _claim_text(value)
    return {
        "Equals": text == expected,
        "Contains": expected in (value if isinstance(value, list) else text),
        "StartsWith": text.startswith(expected),
        "NotEqual": text != expected,
    }[rule["MatchType"]]


def _ambiguous(mapping: dict[str, Any], default_role: str, trace: list[str]) -> RoleDecision:
    if mapping.get("AmbiguousRoleResolution") == "Deny":
        trace.append("Nothing decided the role and AmbiguousRoleResolution is Deny: refused.")
        raise RoleMappingDenied()
    trace.append(f"Nothing decided the role: AmbiguousRoleResolution gives the authenticated role {default_role}.")
    return RoleDecision(default_role, tuple(trace))


def _from_rules(mapping: dict[str, Any], claims: dict[str, Any], default_role: str,
                trace: list[str]) -> RoleDecision:
    rules = (mapping.get("RulesConfiguration") or {}).get("Rules", [])
    for number, rule in enumerate(rules, start=1):
        outcome = _rule_matches(rule, claims)
        described = f"rule {number}: {rule['Claim']} {rule['MatchType']} {rule['Value']!r}"
        if outcome:
            trace.append(f"{described} matched: role {rule['RoleARN']}.")
            return RoleDecision(rule["RoleARN"], tuple(trace))
        trace.append(f"{described} " + ("not evaluated (claim missing)." if outcome is None else "did not match."))
    return _ambiguous(mapping, default_role, trace)


def _from_token(mapping: dict[str, Any], claims: dict[str, Any], custom_role_arn: str | None,
                default_role: str, trace: list[str]) -> RoleDecision:
    roles = claims.get("cognito:roles") or []
    if custom_role_arn:
        if custom_role_arn in roles:
            trace.append(f"CustomRoleArn {custom_role_arn} is in cognito:roles: chosen.")
            return RoleDecision(custom_role_arn, tuple(trace))
        trace.append(f"CustomRoleArn {custom_role_arn} is not in cognito:roles: refused.")
        raise NotAuthorizedException("Invalid CustomRoleArn for this identity.")
    if claims.get("cognito:preferred_role"):
        trace.append(f"The token's cognito:preferred_role {claims['cognito:preferred_role']} is chosen.")
        return RoleDecision(claims["cognito:preferred_role"], tuple(trace))
    trace.append("The token has no cognito:preferred_role.")
    return _ambiguous(mapping, default_role, trace)


def resolve_authenticated_role(roles: dict[str, str], mapping: dict[str, Any] | None,
                               claims: dict[str, Any], custom_role_arn: str | None = None) -> RoleDecision:
    default_role = roles.get("authenticated", "")
    if not mapping:
        return RoleDecision(default_role, (f"No role mapping for this provider: the pool's authenticated role {default_role}.",))
    trace = [f"Role mapping of type {mapping['Type']} applies."]
    if mapping["Type"] == "Token":
        return _from_token(mapping, claims, custom_role_arn, default_role, trace)
    return _from_rules(mapping, claims, default_role, trace)
