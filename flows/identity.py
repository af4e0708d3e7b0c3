"""Leg 3: the identity-pool credential exchange: the enhanced flow, the basic (classic) flow
through STS, and which role the credentials belong to, and why (aws-facts.md §4)."""

from __future__ import annotations

from typing import Any, Mapping
from urllib.parse import quote

import requests
from botocore.exceptions import BotoCoreError, ClientError

from flows.aws import account_credentials, client, failure_from, sandbox_helper_headers
from flows.capture import Recorder
from flows.jwt_decode import TokenFormatError, decode_token
from flows.roles import RoleExplanation, explain_role
from flows.sigv4 import credentials_of, signed_client
from flows.steps import AwsFailure, Note, StepResult
from flows.target import Target

BASIC_FLOW_SESSION = "cognito-lab-basic-flow"  # RoleSessionName: the app names its STS session
_TIMEOUT = (3, 10)

# Identity-pool error messages (aws-facts.md §4.1) and the message key that explains each.
MEANINGS = {
    "Invalid login token. Missing a required claim: aud": "meaning.identity.missing_aud",
    "Invalid login token. Issuer doesn't match providerName": "meaning.identity.issuer_mismatch",
    "Token is not from a supported provider of this identity pool.": "meaning.identity.unsupported_provider",
    "Unauthenticated access is not supported for this identity pool.": "meaning.identity.guest_disabled",
    "Basic (classic) flow is not enabled, please use enhanced flow.": "meaning.identity.classic_disabled",
    "The ambiguous role mapping rules denied this request": "meaning.identity.role_denied",
    "Invalid identity pool configuration. Check assigned IAM roles for this pool.": "meaning.identity.role_untrusted",
}
# STS error codes (aws-facts.md §4.5) and what each means here.
CODE_MEANINGS = {
    "AccessDenied": "meaning.sts.access_denied",
    "InvalidIdentityToken": "meaning.sts.invalid_token",
    "ExpiredTokenException": "meaning.sts.expired_token",
    "ValidationError": "meaning.sts.validation",
    "InvalidClientTokenId": "meaning.sts.invalid_client_token",
    "ExpiredToken": "meaning.sts.expired_credentials",
    "SignatureDoesNotMatch": "meaning.sts.signature",
}


def _explained(failure: AwsFailure) -> AwsFailure:
    meaning = MEANINGS.get(failure.message, "") or CODE_MEANINGS.get(failure.code, "")
    if failure.message.startswith("Invalid login token. Token expired"):
        meaning = "meaning.identity.expired"
    return AwsFailure(failure.code, failure.message, failure.status, meaning)


def logins_map(target: Target, id_token: str) -> dict[str, str]:
    """Key: the user pool as provider name, with no https://. Value: the ID token (§4.1)."""
    return {target.login_provider: id_token}


def _notes() -> list[Note]:
    return [
        Note("note.identity.logins_map", "identity-pools.md#the-logins-map"),
        Note("note.identity.enhanced_flow", "identity-pools.md#the-enhanced-flow"),
    ]


def _credentials(response: dict[str, Any]) -> dict[str, Any]:
    credentials = response["Credentials"]
    return {"identity_id": response["IdentityId"], "access_key_id": credentials["AccessKeyId"],
            "SecretKey": credentials["SecretKey"], "SessionToken": credentials["SessionToken"],
            "expiration": credentials["Expiration"].isoformat()}


def get_credentials(target: Target, id_token: str | None, with_role: bool = False) -> StepResult:
    """GetId + GetCredentialsForIdentity. With no token, as a guest (unauthenticated).
    `with_role` adds STS GetCallerIdentity: which role the credentials belong to."""
    recorder = Recorder()
    result = StepResult("identity_pool", recorder.exchanges, notes=_notes())
    identity = client(target, "cognito-identity", recorder)
    logins = logins_map(target, id_token) if id_token else {}
    try:
        identity_id = identity.get_id(IdentityPoolId=target.identity_pool_id, Logins=logins)["IdentityId"]
        response = identity.get_credentials_for_identity(IdentityId=identity_id, Logins=logins)
    except (ClientError, BotoCoreError) as error:
        result.failure = _explained(failure_from(error))
        return result
    result.outputs = _credentials(response)
    if with_role:
        _add_caller(target, result, recorder)
    return result


# --- which role: STS GetCallerIdentity ------------------------------------------------------------
def role_arn_of(assumed_role_arn: str) -> str:
    """`arn:aws:sts::<acct>:assumed-role/<name>/<session>` → `arn:aws:iam::<acct>:role/<name>`.
    (An assumed-role ARN drops the role's path, so a role under a path comes back without it.)"""
    account_id = assumed_role_arn.split(":")[4]
    role_name = assumed_role_arn.split(":", 5)[5].split("/")[1]
    return f"arn:aws:iam::{account_id}:role/{role_name}"


def _caller_outputs(response: Mapping[str, Any]) -> dict[str, Any]:
    arn = response["Arn"]
    return {"caller_arn": arn, "user_id": response["UserId"], "account": response["Account"],
            "role_arn": role_arn_of(arn) if ":assumed-role/" in arn else None,
            "session_name": arn.rsplit("/", 1)[-1] if ":assumed-role/" in arn else None}


def _ask_caller(target: Target, credentials: Mapping[str, Any],
                recorder: Recorder) -> tuple[dict[str, Any], AwsFailure | None]:
    try:
        response = signed_client(target, "sts", recorder, credentials_of(credentials)).get_caller_identity()
    except (ClientError, BotoCoreError) as error:
        return {}, _explained(failure_from(error))
    return _caller_outputs(response), None


def _add_caller(target: Target, result: StepResult, recorder: Recorder) -> None:
    caller, result.failure = _ask_caller(target, result.outputs, recorder)
    result.outputs.update(caller)
    result.notes.append(Note("note.identity.whoami", "identity-pools.md#role-resolution"))


def whoami(target: Target, credentials: Mapping[str, Any]) -> StepResult:
    """STS GetCallerIdentity, SigV4-signed with the credentials: their role, as AWS itself says it.
    `credentials` are a step's outputs (`access_key_id`, `SecretKey`, `SessionToken`)."""
    recorder = Recorder()
    result = StepResult("whoami", recorder.exchanges,
                        notes=[Note("note.identity.whoami", "identity-pools.md#role-resolution")])
    result.outputs, result.failure = _ask_caller(target, credentials, recorder)
    return result


# --- the basic (classic) flow ---------------------------------------------------------------------
def _basic_notes(target: Target) -> list[Note]:
    notes = [Note("note.identity.basic_flow", "identity-pools.md#the-basic-flow"),
             Note("note.identity.open_id_token", "identity-pools.md#the-basic-flow"),
             Note("note.identity.trust_policy", "identity-pools.md#trust-policies")]
    if target.kind == "sandbox":
        notes.append(Note("note.identity.open_id_token_guess", "identity-pools.md#the-basic-flow", fidelity=True))
    return notes


def _open_id_token(response: Mapping[str, Any]) -> dict[str, Any]:
    token = response["Token"]
    try:
        decoded = decode_token(token)
    except TokenFormatError:
        return {"open_id_token": token}
    return {"open_id_token": token, "open_id_token_header": decoded.header, "open_id_token_claims": decoded.claims}


def _assumed(response: Mapping[str, Any], role_arn: str) -> dict[str, Any]:
    credentials = response["Credentials"]
    return {"role_arn": role_arn, "assumed_role_arn": response["AssumedRoleUser"]["Arn"],
            "access_key_id": credentials["AccessKeyId"], "SecretKey": credentials["SecretAccessKey"],
            "SessionToken": credentials["SessionToken"], "expiration": credentials["Expiration"].isoformat(),
            "subject": response.get("SubjectFromWebIdentityToken"), "provider": response.get("Provider"),
            "audience": response.get("Audience")}


def _exchange_basic(target: Target, recorder: Recorder, logins: dict[str, str], role_arn: str,
                    outputs: dict[str, Any]) -> None:
    """The three calls; what each returned lands in `outputs` as it comes, so a refusal by STS
    still leaves the OpenID token to decode (its aud and amr are what the trust policy checks)."""
    identity = client(target, "cognito-identity", recorder)
    outputs["identity_id"] = identity.get_id(IdentityPoolId=target.identity_pool_id, Logins=logins)["IdentityId"]
    outputs.update(_open_id_token(identity.get_open_id_token(IdentityId=outputs["identity_id"], Logins=logins)))
    assumed = client(target, "sts", recorder).assume_role_with_web_identity(  # unsigned, as on AWS
        RoleArn=role_arn, RoleSessionName=BASIC_FLOW_SESSION, WebIdentityToken=outputs["open_id_token"])
    outputs.update(_assumed(assumed, role_arn))


def get_credentials_basic(target: Target, id_token: str | None, role_arn: str | None = None) -> StepResult:
    """GetId → GetOpenIdToken → STS AssumeRoleWithWebIdentity. The app chooses the role: by default
    the pool's authenticated role (unauthenticated without a token), as the target knows them."""
    recorder = Recorder()
    result = StepResult("identity_pool_basic", recorder.exchanges, notes=_basic_notes(target))
    chosen_role = role_arn or target.roles.get("authenticated" if id_token else "unauthenticated")
    if not chosen_role:
        result.failure = AwsFailure.lab("NoRoleArn", "polish.fail.no_role_arn", "meaning.identity.basic_needs_role")
        return result
    try:
        logins = logins_map(target, id_token) if id_token else {}
        _exchange_basic(target, recorder, logins, chosen_role, result.outputs)
    except (ClientError, BotoCoreError) as error:
        result.failure = _explained(failure_from(error))
    return result


# --- why that role ------------------------------------------------------------------------------
def describe_pool_roles(target: Target) -> StepResult:
    """GetIdentityPoolRoles: the default roles and role mappings that `explain_role` reads. It needs
    a SigV4 signature: on the sandbox the topology's own key signs it; on AWS the lab holds no key,
    sends it unsigned and is refused (`describe_pool_roles_signed` takes the learner's)."""
    recorder = Recorder()
    result = StepResult("pool_roles", recorder.exchanges,
                        notes=[Note("note.identity.pool_roles", "identity-pools.md#role-resolution")])
    # Signed with the sandbox topology's own key when it has one (AWS too needs a signature).
    identity = client(target, "cognito-identity", recorder, account_credentials(target))
    try:
        response = identity.get_identity_pool_roles(IdentityPoolId=target.identity_pool_id)
    except (ClientError, BotoCoreError) as error:
        failure = failure_from(error)
        unreachable = failure.code == "EndpointUnreachable"
        meaning = "meaning.EndpointUnreachable" if unreachable else "meaning.identity.roles_need_iam"
        result.failure = AwsFailure(failure.code, failure.message, failure.status, meaning)
        return result
    pool_roles = {"Roles": response.get("Roles", {}), "RoleMappings": response.get("RoleMappings", {})}
    result.outputs = {"pool_roles": pool_roles}
    return result


def predict_role(target: Target, id_token: str | None, pool_roles: Mapping[str, Any],
                 custom_role_arn: str | None = None) -> RoleExplanation:
    """`explain_role` for an ID token as the lab holds it (None: a guest)."""
    claims = decode_token(id_token).claims if id_token else None
    return explain_role(claims, pool_roles, target.login_provider, custom_role_arn)


def role_decision_trace(target: Target, identity_id: str) -> StepResult:
    """SANDBOX ONLY: the sandbox's own record of why it chose a role. AWS has no such API; there,
    `explain_role` is the only explanation, so on AWS this step returns just a note."""
    recorder = Recorder()
    note = Note("note.identity.role_trace_sandbox_only", "identity-pools.md#role-resolution", fidelity=True)
    result = StepResult("role_decision", recorder.exchanges, notes=[note])
    if target.kind != "sandbox" or not target.endpoint_url:
        return result
    url = f"{target.endpoint_url.rstrip('/')}/_sandbox/role-decisions/{quote(identity_id, safe=':')}"
    label = "role decision (sandbox only)"
    try:
        response = recorder.session(label).get(url, timeout=_TIMEOUT,
                                               headers=sandbox_helper_headers(target, "GET", url, "cognito-identity"))
    except requests.RequestException as error:
        recorder.record_failure(label, "GET", url, error)
        result.failure = AwsFailure("EndpointUnreachable", str(error), None, "meaning.EndpointUnreachable")
        return result
    _read_trace(result, response)
    return result


def _read_trace(result: StepResult, response: requests.Response) -> None:
    body = response.json() if response.headers.get("Content-Type", "").startswith("application/json") else {}
    if response.status_code != 200:
        result.failure = AwsFailure("NoRoleDecision", body.get("message", response.text), response.status_code,
                                    "meaning.identity.no_role_decision")
        return
    result.outputs = {"role_arn": body["RoleArn"], "refused": body["Refused"], "trace": body["Trace"],
                      "mapping_key": body["RoleMappingKey"]}
