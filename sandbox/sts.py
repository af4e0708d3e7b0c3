"""AWS STS as the sandbox plays it, over the query protocol (`sandbox.query_wire`).

- AssumeRoleWithWebIdentity (aws-facts.md §4.2, §4.5): unsigned on AWS too. Takes the OpenID
  token of an identity pool (`sandbox.openid_token`), checks its signature and `exp`, then the
  role's trust policy (aud, amr); mints credentials that last DurationSeconds (default 3600, from
  900 up to the role's MaxSessionDuration, never above 43200).
- GetCallerIdentity: SigV4-signed with credentials the sandbox issued; answers which assumed role
  they belong to, which is how a client learns its role on AWS.
Model (the rules) first; `handle` is the HTTP layer.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from werkzeug.wrappers import Request, Response

from sandbox import sigv4
from sandbox.credentials import IssuedCredentials
from sandbox.iam import IamRoles, assumed_role_arn, role_id_of, trusts_web_identity, web_identity_context
from sandbox.openid_token import ExpiredOpenIdToken, InvalidOpenIdToken, OpenIdTokens
from sandbox.query_wire import QueryError, StsErrorCode, form_params, xml_response
from sandbox.role_sessions import RoleSessionStore, SessionRequest

MIN_DURATION, DEFAULT_DURATION, MAX_DURATION = 900, 3600, 43200  # [STS-model] roleDurationSecondsType
_SESSION_NAME = re.compile(r"[\w+=,.@-]{2,64}")
TOO_LONG = "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."
NOT_AUTHORIZED = "Not authorized to perform sts:AssumeRoleWithWebIdentity"  # aws-facts.md §4.5
# UNCONFIRMED: the STS model's description of InvalidIdentityTokenException, used as its message.
INVALID_TOKEN = ("The web identity token that was passed could not be validated by Amazon Web Services. "
                 "Get a new identity token from the identity provider and then retry the request.")
# GetCallerIdentity's answers to a bad signature (UNCONFIRMED beyond InvalidClientTokenId and
# ExpiredToken, whose texts appear in many public CLI transcripts).
_CALLER_FAILURES: dict[str, tuple[StsErrorCode, str, int]] = {
    "missing": ("MissingAuthenticationToken", "Request is missing Authentication Token", 403),
    "incomplete": ("IncompleteSignature", "", 400),
    "invalid_token": ("InvalidClientTokenId", "The security token included in the request is invalid.", 403),
    "expired_token": ("ExpiredToken", "The security token included in the request is expired", 403),
    "wrong_service": ("SignatureDoesNotMatch", "", 403),
    "signature_expired": ("SignatureDoesNotMatch", "", 403),
    "signature": ("SignatureDoesNotMatch", "The request signature we calculated does not match the signature you "
                  "provided. Check your AWS Secret Access Key and signing method. Consult the service "
                  "documentation for details.", 403),
}


def _invalid(value: object, member: str, constraint: str) -> QueryError:
    shown = "null" if value is None else f"'{value}'"
    return QueryError("ValidationError", f"1 validation error detected: Value {shown} at '{member}' "
                                         f"failed to satisfy constraint: {constraint}")


def _duration(params: dict[str, str]) -> int:
    text = params.get("DurationSeconds", str(DEFAULT_DURATION))
    if not text.isdigit():
        raise _invalid(text, "durationSeconds", "Member must be an integer")
    if int(text) < MIN_DURATION:
        raise _invalid(text, "durationSeconds", f"Member must have value greater than or equal to {MIN_DURATION}")
    if int(text) > MAX_DURATION:
        raise _invalid(text, "durationSeconds", f"Member must have value less than or equal to {MAX_DURATION}")
    return int(text)


def _required(params: dict[str, str]) -> tuple[str, str, str]:
    for name in ("RoleArn", "RoleSessionName", "WebIdentityToken"):
        if name not in params:
            raise _invalid(None, name[0].lower() + name[1:], "Member must not be null")
    if not _SESSION_NAME.fullmatch(params["RoleSessionName"]):
        raise _invalid(params["RoleSessionName"], "roleSessionName",
                       r"Member must satisfy regular expression pattern: [\w+=,.@-]*")
    return params["RoleArn"], params["RoleSessionName"], params["WebIdentityToken"]


def _iso(epoch: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


@dataclass
class StsService:
    credentials: RoleSessionStore
    iam: IamRoles
    open_id_tokens: OpenIdTokens
    clock: Callable[[], float] = field(default=time.time)

    # --- AssumeRoleWithWebIdentity ------------------------------------------------------------
    def _token_claims(self, token: str) -> dict[str, Any]:
        try:
            return self.open_id_tokens.verify(token, self.clock())
        except ExpiredOpenIdToken as expired:
            # The text real STS answers (public reports, e.g. aws/aws-sdk-java-v2#5709).
            message = (f"Token expired: current date/time {expired.now} "
                       f"must be before the expiration date/time {expired.expires}")
            raise QueryError("ExpiredTokenException", message) from expired
        except InvalidOpenIdToken as invalid:
            raise QueryError("InvalidIdentityToken", INVALID_TOKEN) from invalid

    def assume_role_with_web_identity(self, params: dict[str, str]) -> dict[str, Any]:
        role_arn, session_name, token = _required(params)
        duration = _duration(params)
        claims = self._token_claims(token)
        role = self.iam.find(role_arn)
        context = web_identity_context(claims["aud"], claims["sub"], list(claims.get("amr", [])))
        if role is None or not trusts_web_identity(role, context).allowed:
            # The same answer for a role that does not exist and one whose trust refuses the token.
            raise QueryError("AccessDenied", NOT_AUTHORIZED, 403)
        if duration > role.max_session_duration:
            raise QueryError("ValidationError", TOO_LONG)  # UNCONFIRMED text, as AWS CLI users quote it
        issued = self.credentials.mint_session(_session_request(role_arn, session_name, duration, claims), self.clock())
        return {
            "Credentials": {"AccessKeyId": issued.access_key_id, "SecretAccessKey": issued.secret_key,
                            "SessionToken": issued.session_token, "Expiration": _iso(issued.expiration)},
            "SubjectFromWebIdentityToken": claims["sub"],
            "AssumedRoleUser": {"AssumedRoleId": f"{role.role_id}:{session_name}",
                                "Arn": assumed_role_arn(role_arn, session_name)},
            "Provider": claims["iss"],  # "the value of the iss field" [STS-model]
            "Audience": claims["aud"],
        }

    # --- GetCallerIdentity --------------------------------------------------------------------------
    def caller(self, request: Request) -> IssuedCredentials:
        try:
            return sigv4.verify(request, self.credentials, self.clock(), service="sts")
        except sigv4.SigV4Failure as failure:
            code, message, status = _CALLER_FAILURES[failure.kind]
            raise QueryError(code, message or failure.detail, status) from failure

    def get_caller_identity(self, credentials: IssuedCredentials) -> dict[str, Any]:
        session_name = self.credentials.session_name(credentials.access_key_id)
        return {"Arn": assumed_role_arn(credentials.role_arn, session_name),
                "UserId": f"{role_id_of(credentials.role_arn)}:{session_name}",
                "Account": credentials.role_arn.split(":")[4]}

    # --- HTTP ------------------------------------------------------------------------------------------
    def handle(self, request: Request) -> Response:
        params = form_params(request)
        action = params.get("Action", "")
        try:
            if action == "AssumeRoleWithWebIdentity":
                return xml_response(action, self.assume_role_with_web_identity(params))
            if action == "GetCallerIdentity":
                return xml_response(action, self.get_caller_identity(self.caller(request)))
            raise QueryError("InvalidAction", f"Could not find operation {action} for version 2011-06-15")
        except QueryError as error:
            return error.to_response()


def _session_request(role_arn: str, session_name: str, duration: int, claims: dict[str, Any]) -> SessionRequest:
    amr = list(claims.get("amr", []))
    authenticated = "authenticated" in amr
    return SessionRequest(role_arn, session_name, duration, identity_id=claims["sub"], identity_pool_id=claims["aud"],
                          authentication_type="authenticated" if authenticated else "unauthenticated",
                          login_providers=tuple(amr[1:]) if authenticated else ())
