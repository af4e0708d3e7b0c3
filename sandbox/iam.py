"""IAM roles as data: the trust policy STS checks and the identity policies API Gateway checks.

- Trust (aws-facts.md §4.5): `Principal.Federated` cognito-identity.amazonaws.com, action
  sts:AssumeRoleWithWebIdentity, `StringEquals cognito-identity.amazonaws.com:aud` = the
  identity pool id, `ForAnyValue:StringLike cognito-identity.amazonaws.com:amr` =
  authenticated | unauthenticated.
- Permission (aws-facts.md §5.3): execute-api:Invoke on
  `arn:aws:execute-api:{region}:{account}:{api-id}/{stage}/{METHOD}/{path}`, wildcards allowed.

The policy evaluation is hand-written and small on purpose: explicit Deny beats Allow, Allow
beats the implicit deny, `*` and `?` wildcards in actions and resources, and the condition
operators a Cognito trust policy uses. moto has an IAM policy engine, but it is wired to moto's
own IAM users and request authentication, not to the credentials this sandbox mints, so it
cannot judge these calls.
"""

from __future__ import annotations

import base64
import hashlib
import re
import threading
from dataclasses import dataclass, field
from typing import Any, Iterable, Literal

Policy = dict[str, Any]  # an IAM policy document, as JSON
ConditionContext = dict[str, list[str]]  # condition key → the request's values for it
Outcome = Literal["allow", "explicit_deny", "implicit_deny"]

COGNITO_IDENTITY = "cognito-identity.amazonaws.com"
ASSUME_WEB_IDENTITY = "sts:AssumeRoleWithWebIdentity"
INVOKE = "execute-api:Invoke"
DEFAULT_MAX_SESSION = 3600  # IAM's default MaxSessionDuration: one hour


@dataclass(frozen=True)
class Evaluation:
    outcome: Outcome
    statement: str = ""  # the Sid (or position) of the statement that decided

    @property
    def allowed(self) -> bool:
        return self.outcome == "allow"


@dataclass(frozen=True)
class Role:
    arn: str
    trust_policy: Policy
    identity_policies: tuple[Policy, ...] = ()
    max_session_duration: int = DEFAULT_MAX_SESSION

    @property
    def name(self) -> str:
        return self.arn.rsplit("/", 1)[-1]

    @property
    def account_id(self) -> str:
        return self.arn.split(":")[4]

    @property
    def role_id(self) -> str:
        return role_id_of(self.arn)


def role_id_of(role_arn: str) -> str:
    """A stable `AROA…` id (21 characters, like IAM's role ids), derived from the ARN."""
    digest = base64.b32encode(hashlib.sha256(role_arn.encode()).digest()).decode()
    return "AROA" + digest[:17]


# --- matching ---------------------------------------------------------------------------------
def _wildcard(pattern: str, ignore_case: bool) -> re.Pattern[str]:
    # IAM knows only `*` and `?`; fnmatch would also read `[...]` as a character class.
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile(regex, re.IGNORECASE | re.DOTALL if ignore_case else re.DOTALL)


def matches(pattern: str, value: str, ignore_case: bool = False) -> bool:
    return _wildcard(pattern, ignore_case).fullmatch(value) is not None


def _listed(value: str | list[str] | None) -> list[str]:
    return [] if value is None else [value] if isinstance(value, str) else list(value)


def _covers(statement: Policy, key: str, value: str, ignore_case: bool) -> bool:
    """Action/Resource (or their Not… forms) cover the value; an absent pair covers all."""
    if key in statement:
        return any(matches(p, value, ignore_case) for p in _listed(statement[key]))
    if f"Not{key}" in statement:
        return not any(matches(p, value, ignore_case) for p in _listed(statement[f"Not{key}"]))
    return True


def _principal_matches(statement: Policy, federated: str | None) -> bool:
    if federated is None or "Principal" not in statement:
        return True
    return federated in _listed(statement["Principal"].get("Federated"))


# --- conditions -------------------------------------------------------------------------------
def _value_matches(operator: str, expected: list[str], actual: str) -> bool:
    if operator in ("StringEquals", "StringNotEquals"):
        hit = actual in expected
    elif operator in ("StringLike", "StringNotLike"):
        hit = any(matches(p, actual) for p in expected)
    else:
        raise ValueError(f"condition operator {operator} is not supported by the sandbox")
    return not hit if "Not" in operator else hit


def _condition_holds(qualified: str, key: str, expected: list[str], context: ConditionContext) -> bool:
    qualifier, _, operator = qualified.rpartition(":")
    values = context.get(key)
    if qualifier == "ForAllValues":
        return all(_value_matches(operator, expected, v) for v in values or [])
    if not values:
        # A key missing from the request matches no value, so only negated operators hold.
        return "Not" in operator and qualifier != "ForAnyValue"
    return any(_value_matches(operator, expected, v) for v in values)


def _conditions_hold(statement: Policy, context: ConditionContext) -> bool:
    return all(_condition_holds(operator, key, _listed(expected), context)
               for operator, block in (statement.get("Condition") or {}).items()
               for key, expected in block.items())


# --- evaluation -------------------------------------------------------------------------------
def _applies(statement: Policy, action: str, resource: str, context: ConditionContext,
             federated: str | None) -> bool:
    return (_covers(statement, "Action", action, ignore_case=True)
            and _covers(statement, "Resource", resource, ignore_case=False)
            and _principal_matches(statement, federated)
            and _conditions_hold(statement, context))


def _statements(policies: Iterable[Policy]) -> Iterable[tuple[str, Policy]]:
    for p, policy in enumerate(policies, start=1):
        statements = policy.get("Statement", [])
        for s, statement in enumerate([statements] if isinstance(statements, dict) else statements, start=1):
            yield statement.get("Sid") or f"policy {p} statement {s}", statement


def evaluate(policies: Iterable[Policy], action: str, resource: str = "*",
             context: ConditionContext | None = None, federated: str | None = None) -> Evaluation:
    """Explicit Deny > Allow > implicit deny, over every statement of every policy."""
    allowed_by = ""
    for name, statement in _statements(policies):
        if not _applies(statement, action, resource, context or {}, federated):
            continue
        if statement.get("Effect") == "Deny":
            return Evaluation("explicit_deny", name)
        allowed_by = allowed_by or name
    return Evaluation("allow", allowed_by) if allowed_by else Evaluation("implicit_deny")


def web_identity_context(identity_pool_id: str, identity_id: str, amr: list[str]) -> ConditionContext:
    """The condition keys STS sets from an identity pool's OpenID token (aws-facts.md §4.3, §4.5).
    An unknown identity id leaves `sub` out, so a policy that names one cannot match."""
    context = {f"{COGNITO_IDENTITY}:aud": [identity_pool_id], f"{COGNITO_IDENTITY}:amr": list(amr)}
    if identity_id:
        context[f"{COGNITO_IDENTITY}:sub"] = [identity_id]
    return context


def trusts_web_identity(role: Role, context: ConditionContext) -> Evaluation:
    return evaluate([role.trust_policy], ASSUME_WEB_IDENTITY, context=context, federated=COGNITO_IDENTITY)


# --- ARNs and policy documents ---------------------------------------------------------------
def execute_api_arn(region: str, account_id: str, api_id: str, stage: str, method: str, path: str) -> str:
    return f"arn:aws:execute-api:{region}:{account_id}:{api_id}/{stage}/{method}/{path.lstrip('/')}"


def assumed_role_arn(role_arn: str, session_name: str) -> str:
    account_id, role_name = role_arn.split(":")[4], role_arn.rsplit("/", 1)[-1]
    return f"arn:aws:sts::{account_id}:assumed-role/{role_name}/{session_name}"


def cognito_trust_policy(identity_pool_id: str, amr: str, tag_session: bool = True) -> Policy:
    """The trust policy of aws-facts.md §4.5 (sts:TagSession too, for principal tags §4.6)."""
    actions = [ASSUME_WEB_IDENTITY, "sts:TagSession"] if tag_session else ASSUME_WEB_IDENTITY
    return {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Federated": COGNITO_IDENTITY}, "Action": actions,
        "Condition": {"StringEquals": {f"{COGNITO_IDENTITY}:aud": identity_pool_id},
                      "ForAnyValue:StringLike": {f"{COGNITO_IDENTITY}:amr": amr}}}]}


def invoke_policy(resources: list[str], effect: str = "Allow") -> Policy:
    return {"Version": "2012-10-17",
            "Statement": [{"Effect": effect, "Action": INVOKE, "Resource": resources}]}


# --- the roles of the sandbox's account -------------------------------------------------------
@dataclass
class IamRoles:
    _roles: dict[str, Role] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def put(self, role: Role) -> None:
        with self._lock:
            self._roles[role.arn] = role

    def remove(self, role_arn: str) -> None:
        with self._lock:
            self._roles.pop(role_arn, None)

    def find(self, role_arn: str) -> Role | None:
        with self._lock:
            return self._roles.get(role_arn)
