"""GetOpenIdToken, the identity pool's half of the basic (classic) flow (aws-facts.md §4.2, §4.3),
on top of `sandbox.identity_pool`; plus two things the enhanced flow does on AWS that the base
service leaves out:

- Cognito assumes the chosen role through STS, so a role whose trust policy does not accept the
  pool fails with InvalidIdentityPoolConfigurationException (aws-facts.md §4.1);
- every role decision is recorded for the sandbox-only diagnostic of `sandbox.role_decisions`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sandbox.apigateway import ACCOUNT_ID
from sandbox.errors import AwsError, InvalidIdentityPoolConfigurationException, InvalidParameterException
from sandbox.iam import IamRoles, trusts_web_identity, web_identity_context
from sandbox.identity_pool import CheckedLogin, IdentityPool, IdentityPoolService
from sandbox.openid_token import OpenIdTokens, user_pool_amr
from sandbox.role_decisions import RoleDecisionLog, refusal_trace
from sandbox.role_resolution import RoleDecision

CLASSIC_FLOW_DISABLED = "Basic (classic) flow is not enabled, please use enhanced flow."
UNTRUSTED_ROLE = "Invalid identity pool configuration. Check assigned IAM roles for this pool."


def amr_of(login: CheckedLogin | None) -> list[str]:
    return ["unauthenticated"] if login is None else user_pool_amr(login.provider_name, login.claims["sub"])


def _mapping_key(login: CheckedLogin | None) -> str | None:
    return f"{login.provider_name}:{login.client_id}" if login else None


@dataclass
class BasicFlowIdentityPoolService(IdentityPoolService):
    iam: IamRoles | None = None
    decisions: RoleDecisionLog = field(default_factory=RoleDecisionLog)
    open_id_tokens: OpenIdTokens = field(init=False)

    def __post_init__(self) -> None:
        self.open_id_tokens = OpenIdTokens(self.region, ACCOUNT_ID)

    def op_GetOpenIdToken(self, body: dict[str, Any]) -> dict[str, Any]:
        identity_id = body["IdentityId"]
        pool = self._identity_pool_of(identity_id)
        if not pool.allow_classic_flow:
            # aws-facts.md §4.1: GetOpenIdToken on a pool with AllowClassicFlow false.
            raise InvalidParameterException(CLASSIC_FLOW_DISABLED)
        login = self._login_for_identity(pool, identity_id, body.get("Logins") or {})
        token = self.open_id_tokens.issue(identity_id, pool.identity_pool_id, amr_of(login), self.clock())
        return {"IdentityId": identity_id, "Token": token}

    def op_DeleteIdentityPool(self, body: dict[str, Any]) -> dict[str, Any]:
        self.decisions.forget_pool(body["IdentityPoolId"])
        return super().op_DeleteIdentityPool(body)

    # --- role decisions: trust checked, every outcome recorded ------------------------------
    def resolve_role(self, pool: IdentityPool, login: CheckedLogin | None, custom_role_arn: str | None) -> RoleDecision:
        try:
            decision = super().resolve_role(pool, login, custom_role_arn)
        except AwsError as refusal:
            mapping = pool.role_mappings.get(_mapping_key(login) or "") or {}
            claims = login.claims if login else {}
            self._refused(pool, login, refusal.message, refusal_trace(pool.roles, mapping, claims, custom_role_arn, refusal))
            raise
        if decision.role_arn and not self._trusted(pool, login, decision.role_arn):
            untrusted = (f"The trust policy of {decision.role_arn} does not accept this identity pool's token, "
                         "so STS refuses to assume it.")
            self._refused(pool, login, UNTRUSTED_ROLE, decision.trace + (untrusted,))
            raise InvalidIdentityPoolConfigurationException(UNTRUSTED_ROLE)
        self.decisions.decided(pool.identity_pool_id, _mapping_key(login), login.subject if login else "", decision,
                               self.clock())
        return decision

    def _refused(self, pool: IdentityPool, login: CheckedLogin | None, message: str, trace: tuple[str, ...]) -> None:
        self.decisions.refused(pool.identity_pool_id, _mapping_key(login), login.subject if login else "", message, trace,
                               self.clock())

    def _trusted(self, pool: IdentityPool, login: CheckedLogin | None, role_arn: str) -> bool:
        role = self.iam.find(role_arn) if self.iam else None
        if role is None:
            return True  # a role the sandbox's IAM does not hold (built by hand in a test) is not checked
        identity_id = next((i for i, s in pool.identities.items() if login and s == login.subject), "")
        context = web_identity_context(pool.identity_pool_id, identity_id, amr_of(login))
        return trusts_web_identity(role, context).allowed

    # --- lookups for the other services --------------------------------------------------------
    def authentication_provider(self, identity_id: str) -> str | None:
        """API Gateway's cognitoAuthenticationProvider for this identity (aws-facts.md §5.3)."""
        try:
            subject = self._identity_pool_of(identity_id).identities.get(identity_id, "")
        except AwsError:
            return None
        provider, _, user_sub = subject.rpartition(":")
        return f"{provider},{provider}:CognitoSignIn:{user_sub}" if subject else None

    def last_role_decision(self, identity_id: str) -> dict[str, Any] | None:
        pool = self._identity_pool_of(identity_id)
        recorded = self.decisions.last(pool.identity_pool_id, pool.identities.get(identity_id, ""))
        return recorded.to_json(identity_id) if recorded else None
