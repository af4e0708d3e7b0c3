"""API Gateway's AWS_IAM authorization (aws-facts.md §5.3).

The caller signs with SigV4 for the service `execute-api` (`sandbox.sigv4` checks it against the
credentials the sandbox issued); then the identity policies of the role those credentials belong
to must allow `execute-api:Invoke` on the method's ARN (`sandbox.iam`). Every refusal is a 403
with `x-amzn-ErrorType` and `{"message": …}`; an allowed call passes the caller's identity to the
backend in `requestContext.identity`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable

from werkzeug.wrappers import Request

from sandbox import sigv4
from sandbox.authorizers import Decision
from sandbox.credentials import IssuedCredentials
from sandbox.iam import INVOKE, IamRoles, assumed_role_arn, evaluate, role_id_of
from sandbox.role_sessions import RoleSessionStore

SIGNATURE_MISMATCH = ("The request signature we calculated does not match the signature you provided. "
                      "Check your AWS Secret Access Key and signing method.")
# aws-facts.md §5.3, 403 variants: failure kind → (x-amzn-ErrorType, message).
_SIGV4_FAILURES: dict[str, tuple[str, str]] = {
    "missing": ("MissingAuthenticationTokenException", "Missing Authentication Token"),
    # The KC table gives AccessDeniedException; UNCONFIRMED (other reports show UnrecognizedClientException).
    "invalid_token": ("AccessDeniedException", "The security token included in the request is invalid."),
    # UNCONFIRMED: the EXPIRED_TOKEN gateway response exists; this text is STS's.
    "expired_token": ("ExpiredTokenException", "The security token included in the request is expired"),
    "signature": ("InvalidSignatureException", ""),  # the full text, with what AWS computed
    "signature_expired": ("InvalidSignatureException", ""),
    "wrong_service": ("InvalidSignatureException", ""),
    "incomplete": ("IncompleteSignatureException", ""),  # UNCONFIRMED type; texts from public reports
}


@dataclass
class IamDecision(Decision):
    """A Decision that also carries the caller, for `requestContext.identity`."""

    identity: dict[str, Any] = field(default_factory=dict)


@dataclass
class IamAuthorizer:
    credentials: RoleSessionStore
    iam: IamRoles
    authentication_provider: Callable[[str], str | None]  # identity id → cognitoAuthenticationProvider
    clock: Callable[[], float] = field(default=time.time)
    region: str | None = None  # the APIs' region: a signature scoped to another is refused

    def decide(self, request: Request, resource_arn: str) -> IamDecision:
        decision = IamDecision(allowed=True)
        try:
            caller = sigv4.verify(request, self.credentials, self.clock(), service="execute-api", region=self.region)
        except sigv4.SigV4Failure as failure:
            error_type, message = _SIGV4_FAILURES[failure.kind]
            return _deny(decision, error_type, message or failure.detail, f"SigV4 check failed: {failure.kind}.")
        decision.reasons.append(f"SigV4 signature verified for access key {caller.access_key_id}.")
        return self._permit(decision, caller, resource_arn)

    def _permit(self, decision: IamDecision, caller: IssuedCredentials, resource_arn: str) -> IamDecision:
        user_arn = assumed_role_arn(caller.role_arn, self.credentials.session_name(caller.access_key_id))
        role = self.iam.find(caller.role_arn)
        verdict = evaluate(role.identity_policies if role else (), INVOKE, resource_arn)
        refused = f"User: {user_arn} is not authorized to perform: {INVOKE} on resource: {masked_account(resource_arn)}"
        if verdict.outcome == "explicit_deny":
            # aws-facts.md §5.3, explicit deny (the text may now add "in an identity-based policy": UNCONFIRMED).
            return _deny(decision, "AccessDeniedException", f"{refused} with an explicit deny",
                         f"{verdict.statement} of {caller.role_arn} denies {INVOKE} on {resource_arn}.")
        if not verdict.allowed:
            return _deny(decision, "AccessDeniedException",
                         f"{refused} because no identity-based policy allows the {INVOKE} action.",
                         f"No policy of {caller.role_arn} allows {INVOKE} on {resource_arn}.")
        decision.reasons.append(f"{verdict.statement} of {caller.role_arn} allows {INVOKE} on {resource_arn}.")
        decision.identity = self._identity(caller, user_arn)
        return decision

    def _identity(self, caller: IssuedCredentials, user_arn: str) -> dict[str, Any]:
        # `caller`/`user` as "<role id>:<session name>" is how assumed roles usually appear (UNCONFIRMED).
        principal = f"{role_id_of(caller.role_arn)}:{user_arn.rsplit('/', 1)[-1]}"
        return {
            "cognitoIdentityPoolId": caller.identity_pool_id, "cognitoIdentityId": caller.identity_id,
            "cognitoAuthenticationType": caller.authentication_type,
            "cognitoAuthenticationProvider": self._provider(caller),
            "accountId": caller.role_arn.split(":")[4], "caller": principal, "user": principal,
            "userArn": user_arn, "accessKey": caller.access_key_id,
        }

    def _provider(self, caller: IssuedCredentials) -> str | None:
        if caller.authentication_type != "authenticated":
            return None
        return self.authentication_provider(caller.identity_id) or ",".join(caller.login_providers) or None


def masked_account(arn: str) -> str:
    """The ARN with its account id cut to the last four digits, as AWS prints a resource in a
    refusal: `arn:aws:execute-api:us-west-2:********2543:…` (github.com/ASFHyP3/hyp3/issues/2283)."""
    parts = arn.split(":", 5)
    if len(parts) == 6 and len(parts[4]) > 4:
        parts[4] = "*" * (len(parts[4]) - 4) + parts[4][-4:]
    return ":".join(parts)


def _deny(decision: IamDecision, error_type: str, message: str, reason: str) -> IamDecision:
    # An IAM refusal ("is not authorized to perform") is `{"Message": …}` with a capital M;
    # SigV4 failures keep `{"message": …}` (same public reports as masked_account, aws4#110).
    key = "Message" if error_type == "AccessDeniedException" and " is not authorized " in message else "message"
    decision.deny(403, {key: message}, reason, **{"x-amzn-ErrorType": error_type})
    return decision
