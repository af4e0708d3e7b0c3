"""Which IAM role an identity pool gives a user, predicted from the ID token's claims and the
pool's role configuration (the output of GetIdentityPoolRoles), with the reasons (aws-facts.md §4.4).

A pure function, so it explains a decision made on AWS too, where the pool never says why.
Written apart from the sandbox's own role resolution on purpose (DESIGN.md): if either misreads
the rules, the tests that compare the two disagree instead of agreeing on the same mistake.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, Mapping

from flows.steps import Note

RuleOutcome = Literal["matched", "no_match", "missing", "skipped"]


@dataclass(frozen=True)
class RoleExplanation:
    role_arn: str | None  # None: the pool refuses to give credentials
    reasons: tuple[Note, ...]
    mapping_key: str | None = None

    @property
    def refused(self) -> bool:
        return self.role_arn is None


def claim_text(value: Any) -> str:
    """A claim as rules compare it: lists comma-joined, booleans as in JSON (UNCONFIRMED for AWS)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return ",".join(str(v) for v in value) if isinstance(value, list) else str(value)


def rule_outcome(rule: Mapping[str, str], claims: Mapping[str, Any]) -> RuleOutcome:
    """A rule against the claims; a NotEqual rule on a claim the token lacks is skipped."""
    if rule["Claim"] not in claims:
        return "skipped" if rule["MatchType"] == "NotEqual" else "missing"
    value, expected = claims[rule["Claim"]], rule["Value"]
    text = claim_text(value)
    hit = {"Equals": text == expected, "NotEqual": text != expected, "StartsWith": text.startswith(expected),
           # Contains on a list claim (cognito:groups) asks for one of its members.
           "Contains": expected in value if isinstance(value, list) else expected in text}[rule["MatchType"]]
    return "matched" if hit else "no_match"


def _ambiguous(mapping: Mapping[str, Any], default_role: str, reasons: list[Note], key: str) -> RoleExplanation:
    if mapping.get("AmbiguousRoleResolution") == "Deny":
        reasons.append(Note("role.ambiguous.deny", "identity-pools.md#ambiguousroleresolution"))
        return RoleExplanation(None, tuple(reasons), key)
    reasons.append(Note("role.ambiguous.authenticated", "identity-pools.md#ambiguousroleresolution",
                        {"role": default_role}))
    return RoleExplanation(default_role, tuple(reasons), key)


def _by_rules(mapping: Mapping[str, Any], claims: Mapping[str, Any], default_role: str,
              reasons: list[Note], key: str) -> RoleExplanation:
    rules = (mapping.get("RulesConfiguration") or {}).get("Rules", [])
    for number, rule in enumerate(rules, start=1):
        outcome = rule_outcome(rule, claims)
        actual = claim_text(claims[rule["Claim"]]) if rule["Claim"] in claims else ""
        reasons.append(Note(f"role.rule.{outcome}", "identity-pools.md#rules",
                            {"number": number, "claim": rule["Claim"], "match": rule["MatchType"],
                             "value": rule["Value"], "actual": actual, "role": rule["RoleARN"]}))
        if outcome == "matched":
            return RoleExplanation(rule["RoleARN"], tuple(reasons), key)
    return _ambiguous(mapping, default_role, reasons, key)


def _by_token(mapping: Mapping[str, Any], claims: Mapping[str, Any], custom_role_arn: str | None,
              default_role: str, reasons: list[Note], key: str) -> RoleExplanation:
    token_roles = list(claims.get("cognito:roles") or [])
    if custom_role_arn:
        chosen = custom_role_arn in token_roles
        reasons.append(Note("role.token.custom_chosen" if chosen else "role.token.custom_refused",
                            "identity-pools.md#choose-role-from-token", {"role": custom_role_arn}))
        return RoleExplanation(custom_role_arn if chosen else None, tuple(reasons), key)
    if claims.get("cognito:preferred_role"):
        reasons.append(Note("role.token.preferred", "identity-pools.md#choose-role-from-token",
                            {"role": claims["cognito:preferred_role"]}))
        return RoleExplanation(claims["cognito:preferred_role"], tuple(reasons), key)
    reasons.append(Note("role.token.no_preferred", "identity-pools.md#choose-role-from-token",
                        {"roles": ", ".join(token_roles) or "-"}))
    return _ambiguous(mapping, default_role, reasons, key)


def _guest(role: str | None) -> RoleExplanation:
    return RoleExplanation(role, (Note("role.guest", "identity-pools.md#default-roles", {"role": role}),))


def explain_role(claims: Mapping[str, Any] | None, pool_roles: Mapping[str, Any], login_provider: str,
                 custom_role_arn: str | None = None) -> RoleExplanation:
    """The role the pool should choose for these ID-token claims (None or {} for a guest)."""
    roles = pool_roles.get("Roles") or {}
    if not claims:
        return _guest(roles.get("unauthenticated"))
    key = f"{login_provider}:{claims.get('aud')}"  # mappings are keyed provider:app client id
    mapping = (pool_roles.get("RoleMappings") or {}).get(key)
    default_role = roles.get("authenticated", "")
    if not mapping:
        return RoleExplanation(default_role or None, (Note("role.no_mapping", "identity-pools.md#default-roles",
                                                           {"mapping": key, "role": default_role}),), key)
    reasons = [Note("role.mapping", "identity-pools.md#role-resolution",
                    {"mapping": key, "kind": mapping["Type"], "ambiguous": mapping.get("AmbiguousRoleResolution", "")})]
    if mapping["Type"] == "Token":
        return _by_token(mapping, claims, custom_role_arn, default_role, reasons, key)
    return _by_rules(mapping, claims, default_role, reasons, key)
