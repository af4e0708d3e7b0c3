"""One decision model per gate: what API Gateway's authorizers and the identity pool decide about
what a caller presents, and why (aws-facts.md §4.1, §4.4, §5.1–5.3, §6).

Each gate is a pure function `(presentation, gate configuration, now) -> Decision`: the predicted
status, a typed reason code, and the checks it ran in order with the fact each one read. Every
explanation the lab shows (the matrix, "would it pass?", break-it, `flows predict`, the export)
is the catalogue message of a reason code (`decision.reason.<code>`), never words of its own.

Written apart from the sandbox's authorizers on purpose (DESIGN.md): the integration test
tests/integration/test_decisions_vs_sandbox.py holds the two against each other for every case.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any, Literal, Mapping, get_args

from flows import i18n
from flows.jwt_verify import Verification
from flows.roles import RoleExplanation, explain_role

GateName = Literal["none", "rest_cognito", "rest_cognito_scoped", "http_jwt", "http_jwt_scoped", "aws_iam",
                   "identity_pool"]
ReasonCode = Literal[
    "public",
    # what every token gate checks first
    "no_token", "not_a_token", "malformed", "bad_signature", "wrong_issuer", "expired",
    # REST Cognito authorizer
    "rest_needs_id_token", "rest_needs_access_token", "rest_scope_missing", "rest_id_token_ok", "rest_scope_ok",
    # HTTP API JWT authorizer
    "http_audience", "http_scope_missing", "http_ok",
    # AWS_IAM
    "iam_unsigned", "iam_token_not_sigv4", "iam_wrong_scope", "iam_bad_signature", "iam_allowed", "iam_not_allowed",
    "iam_policy_unknown",
    # the identity pool: its token check, then its role choice
    "identity_guest_refused", "identity_needs_id_token", "identity_client",
    "role_guest", "role_default", "role_rule", "role_token_preferred", "role_token_custom",
    "role_ambiguous_authenticated", "role_denied", "role_custom_refused", "basic_role", "basic_role_untrusted",
]
REASONS: tuple[ReasonCode, ...] = get_args(ReasonCode)
CheckName = Literal["authorization", "format", "signature", "issuer", "expiry", "token_type", "scope",
                    "audience", "sigv4", "policy", "guest_access", "app_client", "role", "trust"]
FactName = Literal["authorization", "token_use", "client", "issuer", "expiry", "signature", "scope",
                   "secret", "role", "groups"]
FACTS: tuple[FactName, ...] = get_args(FactName)
PresentationKind = Literal["token", "sigv4", "nothing"]
Flow = Literal["enhanced", "basic"]
NONE_SHOWN = "—"
# The doc section that explains each gate (docs/<lang>/...).
DOCS: dict[str, str] = {
    "none": "", "rest_cognito": "api-gateway.md#without-scopes-id-token-only",
    "rest_cognito_scoped": "api-gateway.md#with-scopes-access-token-with-a-matching-scope",
    "http_jwt": "api-gateway.md#the-aud-or-client_id-rule", "http_jwt_scoped": "api-gateway.md#the-aud-or-client_id-rule",
    "aws_iam": "api-gateway.md#the-403-messages", "identity_pool": "identity-pools.md#role-resolution",
}


# --- what the caller presents --------------------------------------------------------------------
@dataclass(frozen=True)
class Presentation:
    """What reaches the gate: a JWT (its claims, and whether its signature checks out against the
    pool's keys), SigV4-signed credentials, or nothing."""

    kind: PresentationKind
    claims: Mapping[str, Any] = field(default_factory=dict)
    well_formed: bool = True
    signature_valid: bool = False
    bearer_prefix: bool = True
    secret_valid: bool = True  # SigV4: signed with the access key's real secret
    signed_for: str = ""  # SigV4: the credential scope's "region/service" ("": the gate's own)
    role_arn: str | None = None  # SigV4: the role the credentials belong to


NOTHING = Presentation("nothing")


def of_verification(verification: Verification | None, bearer_prefix: bool = True) -> Presentation:
    """A token as the lab's verifier saw it (None: not checked, so its signature counts as unknown)."""
    if verification is None:
        return Presentation("token", well_formed=False)
    well_formed = verification.check("structure").passed is not False
    return Presentation("token", dict(verification.claims) if well_formed else {}, well_formed,
                        verification.check("signature").passed is True, bearer_prefix)


def of_credentials(credentials: Mapping[str, Any] | None, secret_valid: bool = True) -> Presentation:
    role = (credentials or {}).get("role_arn")
    return Presentation("sigv4", secret_valid=secret_valid, role_arn=str(role) if role else None)


def _expiry_text(exp: Any) -> str:
    if not isinstance(exp, (int, float)) or isinstance(exp, bool):
        return str(exp) if exp is not None else NONE_SHOWN
    return datetime.datetime.fromtimestamp(exp, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def facts_of(presentation: Presentation) -> dict[FactName, str]:
    """Every fact a gate may read from the presentation, as text (what "what changed" compares)."""
    claims = presentation.claims
    authorization = {"nothing": "none", "sigv4": "AWS4-HMAC-SHA256 (SigV4)",
                     "token": "Bearer <token>" if presentation.bearer_prefix else "<token>"}[presentation.kind]
    facts: dict[FactName, str] = {"authorization": authorization}
    if presentation.kind == "token":
        facts.update({
            "token_use": str(claims.get("token_use", NONE_SHOWN)) if presentation.well_formed else "not a JWT",
            "client": str(claims.get("aud") or claims.get("client_id") or NONE_SHOWN),
            "issuer": str(claims.get("iss", NONE_SHOWN)),
            "expiry": _expiry_text(claims.get("exp")),
            "signature": "valid" if presentation.signature_valid else "invalid",
            "scope": str(claims.get("scope", claims.get("scp", NONE_SHOWN))),
            "groups": ",".join(map(str, claims.get("cognito:groups") or [])) or NONE_SHOWN,
        })
    if presentation.kind == "sigv4":
        facts.update({"scope": presentation.signed_for or NONE_SHOWN,
                      "secret": "right" if presentation.secret_valid else "wrong",
                      "role": presentation.role_arn or NONE_SHOWN})
    return facts


# --- the decision --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Step:
    """One check a gate ran, in order: what it read and whether it passed."""

    check: CheckName
    passed: bool
    fact: str  # a FactName, or a configuration value's name (route_scopes, audience, ...)
    value: str


@dataclass(frozen=True)
class Decision:
    gate: GateName
    status: int | None  # None: the model can't tell (an IAM policy it was not given)
    reason: ReasonCode
    outcome: str  # as the wire would show it: "401 Unauthorized", "NotAuthorizedException", ...
    steps: tuple[Step, ...] = ()
    config: Mapping[str, str] = field(default_factory=dict)  # the gate configuration it used
    role_arn: str | None = None  # identity pool: the role chosen

    @property
    def passes(self) -> bool:
        return self.status == 200

    @property
    def check(self) -> CheckName | None:
        """The check that decided: the first that failed, else None (every check passed)."""
        return next((step.check for step in self.steps if not step.passed), None)

    @property
    def facts(self) -> dict[str, str]:
        return {step.fact: step.value for step in self.steps}

    @property
    def message_key(self) -> str:
        return f"decision.reason.{self.reason}"

    @property
    def gate_key(self) -> str:
        return f"decision.gate.{self.gate}"

    @property
    def params(self) -> dict[str, str]:
        return {**{name: NONE_SHOWN for name in (*FACTS, "route_scopes", "audience", "pool_clients")},
                **self.config, **self.facts, "role_arn": self.role_arn or NONE_SHOWN}

    def explain(self, lang: str = "en") -> str:
        return i18n.text(self.message_key, lang, **self.params)

    def to_json(self, lang: str = "en") -> dict[str, Any]:
        return {"gate": self.gate, "status": self.status, "reason": self.reason, "outcome": self.outcome,
                "explanation": self.explain(lang), "role_arn": self.role_arn,
                "steps": [{"check": s.check, "passed": s.passed, "fact": s.fact, "value": s.value} for s in self.steps]}


class _Trail:
    """The checks a gate runs, recorded as it runs them."""

    def __init__(self, gate: GateName, config: Mapping[str, str]) -> None:
        self.gate, self.config = gate, dict(config)
        self.steps: list[Step] = []

    def passed(self, check: CheckName, ok: bool, fact: str, value: str) -> bool:
        self.steps.append(Step(check, ok, fact, value))
        return ok

    def decide(self, status: int | None, reason: ReasonCode, outcome: str, role_arn: str | None = None) -> Decision:
        return Decision(self.gate, status, reason, outcome, tuple(self.steps), self.config, role_arn)


# --- the token gates (REST Cognito authorizer, HTTP API JWT authorizer) ----------------------------
@dataclass(frozen=True)
class TokenGate:
    """A route's token authorizer: COGNITO_USER_POOLS (REST) or JWT (HTTP API)."""

    kind: Literal["COGNITO_USER_POOLS", "JWT"]
    issuer: str
    scopes: tuple[str, ...] = ()
    audience: tuple[str, ...] = ()  # JWT only


UNAUTHORIZED, EXPIRED_MESSAGE = "401 Unauthorized", '401 "The incoming token has expired"'


def _expired(claims: Mapping[str, Any], now: float) -> bool:
    exp = claims.get("exp")
    return not isinstance(exp, (int, float)) or isinstance(exp, bool) or exp <= now


def _token_basics(trail: _Trail, presentation: Presentation, issuer: str, now: float,
                  expired_outcome: str) -> Decision | None:
    """What every token authorizer checks first (§5.1, §5.2): a token is there, is a JWT signed by
    the pool's keys, names the pool as issuer and has not expired. None: all passed."""
    facts = facts_of(presentation)
    if not trail.passed("authorization", presentation.kind != "nothing", "authorization", facts["authorization"]):
        return trail.decide(401, "no_token", UNAUTHORIZED)
    is_jwt = presentation.kind == "token" and presentation.well_formed
    if not trail.passed("format", is_jwt, "authorization", facts["authorization"]):
        return trail.decide(401, "malformed" if presentation.kind == "token" else "not_a_token", UNAUTHORIZED)
    if not trail.passed("signature", presentation.signature_valid, "signature", facts["signature"]):
        return trail.decide(401, "bad_signature", UNAUTHORIZED)
    if not trail.passed("issuer", presentation.claims.get("iss") == issuer, "issuer", facts["issuer"]):
        return trail.decide(401, "wrong_issuer", UNAUTHORIZED)
    if not trail.passed("expiry", not _expired(presentation.claims, now), "expiry", facts["expiry"]):
        return trail.decide(401, "expired", expired_outcome)
    return None


def _token_scopes(claims: Mapping[str, Any]) -> set[str]:
    return set(str(claims.get("scope", claims.get("scp", ""))).split())


def rest_cognito(presentation: Presentation, gate: TokenGate, now: float) -> Decision:
    """REST API, COGNITO_USER_POOLS authorizer (§5.1, §6): without method scopes only an ID token
    passes; with scopes only an access token carrying one of them. It never checks the app client."""
    name: GateName = "rest_cognito_scoped" if gate.scopes else "rest_cognito"
    trail = _Trail(name, {"route_scopes": " ".join(gate.scopes) or NONE_SHOWN})
    refused = _token_basics(trail, presentation, gate.issuer, now, EXPIRED_MESSAGE)
    if refused:
        return refused
    claims, facts = presentation.claims, facts_of(presentation)
    if not gate.scopes:
        if not trail.passed("token_type", claims.get("token_use") == "id", "token_use", facts["token_use"]):
            return trail.decide(401, "rest_needs_id_token", UNAUTHORIZED)
        return trail.decide(200, "rest_id_token_ok", "200")
    if not trail.passed("token_type", claims.get("token_use") == "access", "token_use", facts["token_use"]):
        return trail.decide(401, "rest_needs_access_token", UNAUTHORIZED)
    if not trail.passed("scope", bool(_token_scopes(claims) & set(gate.scopes)), "scope", facts["scope"]):
        return trail.decide(401, "rest_scope_missing", UNAUTHORIZED)
    return trail.decide(200, "rest_scope_ok", "200")


def http_jwt(presentation: Presentation, gate: TokenGate, now: float) -> Decision:
    """HTTP API, JWT authorizer (§5.2): aud (or client_id when there is no aud) must be in the
    Audience; with route scopes, the token's scope must hold one of them (403 if not)."""
    name: GateName = "http_jwt_scoped" if gate.scopes else "http_jwt"
    trail = _Trail(name, {"route_scopes": " ".join(gate.scopes) or NONE_SHOWN,
                          "audience": ", ".join(gate.audience) or NONE_SHOWN})
    refused = _token_basics(trail, presentation, gate.issuer, now, UNAUTHORIZED)
    if refused:
        return refused
    claims = presentation.claims
    named = claims["aud"] if "aud" in claims else claims.get("client_id")  # aud wins when both exist
    if not trail.passed("audience", named in gate.audience, "client", str(named or NONE_SHOWN)):
        return trail.decide(401, "http_audience", UNAUTHORIZED)
    scopes_ok = not gate.scopes or bool(_token_scopes(claims) & set(gate.scopes))
    if gate.scopes and not trail.passed("scope", scopes_ok, "scope", facts_of(presentation)["scope"]):
        # The status for a scope mismatch is UNCONFIRMED (aws-facts.md §5.2): 403 insufficient_scope is likely.
        return trail.decide(403, "http_scope_missing", "403 Forbidden (unconfirmed)")
    return trail.decide(200, "http_ok", "200")


def public_route() -> Decision:
    return Decision("none", 200, "public", "200")


# --- AWS_IAM --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class IamGate:
    """An AWS_IAM method. `may_invoke`: which roles' policies allow execute-api:Invoke on it (None:
    not known, as on AWS where the lab does not read IAM policies)."""

    may_invoke: Mapping[str, bool] | None = None
    scope: str = ""  # "region/execute-api": the credential scope the method accepts ("": not checked)


def aws_iam(presentation: Presentation, gate: IamGate) -> Decision:
    """AWS_IAM (§5.3): a SigV4 signature made with the credentials' real secret, then the role's
    policies must allow execute-api:Invoke. A token in Authorization is not a signature."""
    facts = facts_of(presentation)
    trail = _Trail("aws_iam", {"role": facts.get("role", NONE_SHOWN)})  # whose policies decide
    if not trail.passed("authorization", presentation.kind != "nothing", "authorization", facts["authorization"]):
        return trail.decide(403, "iam_unsigned", "403 Missing Authentication Token")
    if not trail.passed("format", presentation.kind == "sigv4", "authorization", facts["authorization"]):
        return trail.decide(403, "iam_token_not_sigv4", "403 IncompleteSignatureException")
    if presentation.signed_for and gate.scope and presentation.signed_for != gate.scope:
        trail.passed("sigv4", False, "scope", facts["scope"])
        return trail.decide(403, "iam_wrong_scope", "403 InvalidSignatureException")
    if not trail.passed("sigv4", presentation.secret_valid, "secret", facts["secret"]):
        return trail.decide(403, "iam_bad_signature", "403 InvalidSignatureException")
    allowed = (gate.may_invoke or {}).get(presentation.role_arn or "") if gate.may_invoke is not None else None
    if allowed is None:
        return trail.decide(None, "iam_policy_unknown", "?")
    if not trail.passed("policy", allowed, "role", facts["role"]):
        return trail.decide(403, "iam_not_allowed", "403 AccessDeniedException")
    return trail.decide(200, "iam_allowed", "200")


# --- the identity pool ------------------------------------------------------------------------------
@dataclass(frozen=True)
class IdentityPoolGate:
    """An identity pool and the flow used: `pool_roles` is GetIdentityPoolRoles' answer; in the
    basic flow the app names `basic_role`, and STS refuses a role in `untrusted_roles`."""

    issuer: str
    login_provider: str
    client_ids: tuple[str, ...]
    pool_roles: Mapping[str, Any]
    flow: Flow = "enhanced"
    allow_unauthenticated: bool = True
    basic_role: str | None = None
    untrusted_roles: frozenset[str] = frozenset()
    custom_role_arn: str | None = None


def _identity_token(trail: _Trail, presentation: Presentation, gate: IdentityPoolGate, now: float) -> Decision | None:
    """The Logins token check of GetId (§4.1): a pool-signed, unexpired ID token of one of the
    pool's app clients."""
    refused = _token_basics(trail, presentation, gate.issuer, now, "NotAuthorizedException")
    if refused:
        return Decision(refused.gate, 400, refused.reason, "NotAuthorizedException", refused.steps, refused.config)
    claims = presentation.claims
    if not trail.passed("token_type", "aud" in claims, "token_use", facts_of(presentation)["token_use"]):
        return trail.decide(400, "identity_needs_id_token", "NotAuthorizedException")
    if not trail.passed("app_client", claims["aud"] in gate.client_ids, "client", str(claims["aud"])):
        return trail.decide(400, "identity_client", "NotAuthorizedException")
    return None


_ROLE_REASONS: dict[str, ReasonCode] = {
    "role.guest": "role_guest", "role.no_mapping": "role_default", "role.rule.matched": "role_rule",
    "role.token.preferred": "role_token_preferred", "role.token.custom_chosen": "role_token_custom",
    "role.token.custom_refused": "role_custom_refused", "role.ambiguous.deny": "role_denied",
    "role.ambiguous.authenticated": "role_ambiguous_authenticated",
}


def _role_choice(trail: _Trail, explanation: RoleExplanation, groups: str) -> Decision:
    """The role the mappings chose from the token's claims (cognito:groups is what they read here)."""
    reason = _ROLE_REASONS[explanation.reasons[-1].key]
    trail.passed("role", not explanation.refused, "groups", groups)
    if explanation.refused:  # aws-facts.md §4.4: a Deny, or a CustomRoleArn not in cognito:roles
        return trail.decide(400, reason, "NotAuthorizedException")
    return trail.decide(200, reason, "credentials", explanation.role_arn)


def _basic_role(trail: _Trail, gate: IdentityPoolGate, guest: bool) -> Decision:
    """The basic flow: the app names the role, and STS asks the role's trust policy (§4.2, §4.5)."""
    roles = gate.pool_roles.get("Roles") or {}
    role = gate.basic_role or roles.get("unauthenticated" if guest else "authenticated")
    if not trail.passed("trust", bool(role) and role not in gate.untrusted_roles, "role", role or NONE_SHOWN):
        return trail.decide(403, "basic_role_untrusted", "AccessDenied")
    return trail.decide(200, "basic_role", "credentials", role)


def identity_pool(presentation: Presentation, gate: IdentityPoolGate, now: float) -> Decision:
    """GetId + GetCredentialsForIdentity (enhanced) or GetId + GetOpenIdToken + STS (basic): the
    token check, then the role the pool (enhanced) or the app (basic) chooses (§4.1–4.5)."""
    trail = _Trail("identity_pool", {"pool_clients": ", ".join(gate.client_ids), "flow": gate.flow})
    guest = presentation.kind == "nothing"
    if guest and not trail.passed("guest_access", gate.allow_unauthenticated, "authorization", "none"):
        return trail.decide(400, "identity_guest_refused", "NotAuthorizedException")
    if not guest:
        refused = _identity_token(trail, presentation, gate, now)
        if refused:
            return refused
    if gate.flow == "basic":
        return _basic_role(trail, gate, guest)
    claims = None if guest else presentation.claims
    explanation = explain_role(claims, gate.pool_roles, gate.login_provider, gate.custom_role_arn)
    return _role_choice(trail, explanation, facts_of(presentation).get("groups", NONE_SHOWN))


# --- break it: the difference of two decisions ---------------------------------------------------------
@dataclass(frozen=True)
class FactChange:
    fact: FactName
    before: str
    after: str


@dataclass(frozen=True)
class Difference:
    """A mutation explained: the decision before and after, every fact that changed, and the
    check that refused the mutated presentation (None: the decision did not change)."""

    before: Decision
    after: Decision
    changed: tuple[FactChange, ...]

    @property
    def changed_text(self) -> str:
        """What changed, as wire text (fact names as the gates read them, values as sent)."""
        return "; ".join(f"{c.fact}: {c.before} → {c.after}" for c in self.changed) or NONE_SHOWN

    @property
    def broken_check(self) -> CheckName | None:
        return self.after.check if self.after.reason != self.before.reason else None

    def message(self, lang: str = "en") -> str:
        if self.broken_check is None:
            return i18n.text("decision.break.unchanged", lang, reason=self.after.explain(lang))
        return i18n.text("decision.break.changed", lang, before=self.before.outcome, after=self.after.outcome,
                         check=i18n.text(f"decision.check.{self.broken_check}", lang),
                         facts=", ".join(i18n.text(f"decision.fact.{c.fact}", lang) for c in self.changed) or NONE_SHOWN,
                         reason=self.after.explain(lang))


def changed_facts(before: Presentation, after: Presentation) -> tuple[FactChange, ...]:
    old, new = facts_of(before), facts_of(after)
    return tuple(FactChange(name, old.get(name, NONE_SHOWN), new.get(name, NONE_SHOWN))
                 for name in FACTS if old.get(name, NONE_SHOWN) != new.get(name, NONE_SHOWN))


def difference(before: Decision, after: Decision, presented: Presentation, mutated: Presentation) -> Difference:
    return Difference(before, after, changed_facts(presented, mutated))
