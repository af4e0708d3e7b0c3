"""The shared sandbox's account boundary: signed operations need a topology's own key, and see and
change only that topology's pools (`sandbox.accounts` says why).

Errors follow Cognito's common errors
(https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/CommonErrors.html):
no signature → MissingAuthenticationTokenException; a key the sandbox never issued →
UnrecognizedClientException ("The security token included in the request is invalid.", the text
aws-facts.md §5.3 quotes for an unknown key); a wrong signature → InvalidSignatureException
(§5.3's text). A pool that belongs to another topology → AccessDeniedException in IAM's
"User: … is not authorized to perform: … on resource: …" wording (§5.3); the exact text for
Cognito is UNCONFIRMED.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from werkzeug.wrappers import Request

from sandbox.accounts import Accounts, needs_signature
from sandbox.errors import (AccessDeniedException, AwsError, IncompleteSignatureException,
                            InvalidSignatureException, MissingAuthenticationTokenException,
                            UnrecognizedClientException)
from sandbox.sigv4 import SigV4Failure, verify

ACCOUNT_ID = "123456789012"  # the one account id the sandbox's ARNs carry (sandbox.topology)
_INVALID_TOKEN = "The security token included in the request is invalid."
_BAD_SIGNATURE = ("The request signature we calculated does not match the signature you provided. "
                  "Check your AWS Secret Access Key and signing method.")
SERVICES = {"AWSCognitoIdentityProviderService": "cognito-idp", "AWSCognitoIdentityService": "cognito-identity"}


def _as_aws_error(failure: SigV4Failure) -> AwsError:
    if failure.kind == "missing":
        return MissingAuthenticationTokenException("Missing Authentication Token")
    if failure.kind == "incomplete":
        return IncompleteSignatureException(failure.detail)
    if failure.kind in ("invalid_token", "expired_token"):
        return UnrecognizedClientException(_INVALID_TOKEN)
    return InvalidSignatureException(failure.detail or _BAD_SIGNATURE)


@dataclass
class AccessGate:
    accounts: Accounts
    region: str
    clock: Callable[[], float]

    def caller(self, request: Request, service: str) -> str:
        """The access key id of the topology that signed this request; an AwsError otherwise."""
        try:
            return verify(request, self.accounts, self.clock(), service, self.region).access_key_id
        except SigV4Failure as failure:
            raise _as_aws_error(failure) from None

    def signed_caller(self, request: Request, prefix: str, operation: str) -> str | None:
        """The caller of an operation AWS accepts only signed; None for the unsigned ones."""
        service = SERVICES[prefix]
        return self.caller(request, service) if needs_signature(service, operation) else None

    def check_user_pool(self, caller: str, operation: str, user_pool_id: str, exists: bool) -> None:
        # A pool that does not exist is left to the service's own ResourceNotFoundException.
        if exists and not self.accounts.owns_user_pool(caller, user_pool_id):
            raise self._denied(caller, f"cognito-idp:{operation}", f"userpool/{user_pool_id}", "cognito-idp")

    def check_identity_pool(self, caller: str, operation: str, identity_pool_id: str, exists: bool) -> None:
        if exists and not self.accounts.owns_identity_pool(caller, identity_pool_id):
            raise self._denied(caller, f"cognito-identity:{operation}", f"identitypool/{identity_pool_id}",
                               "cognito-identity")

    def _denied(self, caller: str, action: str, resource: str, service: str) -> AccessDeniedException:
        return AccessDeniedException(
            f"User: arn:aws:iam::{ACCOUNT_ID}:user/{caller} is not authorized to perform: {action} "
            f"on resource: arn:aws:{service}:{self.region}:{ACCOUNT_ID}:{resource}")

    def own_identity_pools(self, caller: str, listed: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [pool for pool in listed if self.accounts.owns_identity_pool(caller, str(pool.get("IdentityPoolId", "")))]
