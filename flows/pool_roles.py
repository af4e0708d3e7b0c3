"""The identity pool's role configuration on AWS, where GetIdentityPoolRoles is a signed,
administrative call (aws-facts.md §0): read it with the learner's own AWS credentials, or from
the pasted output of

    aws cognito-identity get-identity-pool-roles --identity-pool-id <IdentityPoolId>

Either gives what `flows.roles.explain_role` reads: {"Roles": …, "RoleMappings": …}. The pasted
text is read by `flows.role_config.parse_pool_roles`.
"""

from __future__ import annotations

import boto3
from botocore.credentials import Credentials
from botocore.exceptions import BotoCoreError, ClientError

from flows.aws import client, failure_from
from flows.capture import Recorder
from flows.steps import AwsFailure, Note, StepResult
from flows.target import Target

def learner_credentials(profile: str | None = None) -> Credentials | None:
    """The learner's own AWS credentials (boto3's chain, or a named profile); None when there are none.
    Only for a dashboard the learner runs for themselves: a shared server must not lend its own."""
    found = boto3.Session(profile_name=profile).get_credentials()
    if found is None:
        return None
    frozen = found.get_frozen_credentials()
    return Credentials(frozen.access_key, frozen.secret_key, frozen.token)


def describe_pool_roles_signed(target: Target, credentials: Credentials) -> StepResult:
    """GetIdentityPoolRoles signed with the learner's credentials (which need
    cognito-identity:GetIdentityPoolRoles on the pool)."""
    recorder = Recorder()
    result = StepResult("pool_roles", recorder.exchanges,
                        notes=[Note("note.identity.pool_roles", "identity-pools.md#role-resolution")])
    identity = client(target, "cognito-identity", recorder, credentials)
    try:
        response = identity.get_identity_pool_roles(IdentityPoolId=target.identity_pool_id)
    except (ClientError, BotoCoreError) as error:
        failure = failure_from(error)
        meaning = "meaning.EndpointUnreachable" if failure.code == "EndpointUnreachable" else "meaning.identity.roles_need_iam"
        result.failure = AwsFailure(failure.code, failure.message, failure.status, meaning)
        return result
    result.outputs = {"pool_roles": {"Roles": response.get("Roles", {}), "RoleMappings": response.get("RoleMappings", {})}}
    return result
