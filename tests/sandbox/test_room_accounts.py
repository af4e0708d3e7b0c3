"""Attendees share one sandbox, as AWS accounts share AWS: a signed call needs the topology's own
key and sees and changes only that topology's pools; the sandbox-only helpers answer only their
own topology; calls AWS takes unsigned stay unsigned.

Sources: which operations need a signature is botocore's model (`smithy.api#noAuth`, aws-facts.md
§0); the error types and statuses are Cognito's CommonErrors page
(https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/CommonErrors.html);
the unknown-key and bad-signature texts are aws-facts.md §5.3's.
"""

from __future__ import annotations

import json
from typing import Any, Callable, Iterator

import boto3
import pytest
import requests
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError

from sandbox.accounts import needs_signature
from sandbox.topology import release, seed
from tests.sandbox.helpers import admin_client, sign_in, signed_helper, unsigned_client


@pytest.fixture(scope="module")
def other(sandbox_server) -> Iterator[dict[str, Any]]:
    """A second attendee's topology in the same sandbox."""
    seeded = seed(sandbox_server)
    yield seeded
    release(sandbox_server, seeded)


def _error(call: Callable[[], Any]) -> tuple[str, int]:
    with pytest.raises(ClientError) as raised:
        call()
    return raised.value.response["Error"]["Code"], raised.value.response["ResponseMetadata"]["HTTPStatusCode"]


def _client_with(topology: dict[str, Any], service: str, key: str, secret: str) -> Any:
    return boto3.client(service, endpoint_url=topology["endpoint"], region_name=topology["region"],
                        aws_access_key_id=key, aws_secret_access_key=secret, config=Config(retries={"max_attempts": 1}))


def test_the_model_decides_what_needs_a_signature():
    assert not needs_signature("cognito-idp", "InitiateAuth") and not needs_signature("cognito-identity", "GetId")
    assert needs_signature("cognito-idp", "ListUserPools") and needs_signature("cognito-identity", "GetIdentityPoolRoles")


def test_an_unsigned_admin_call_is_missing_its_token(topology):
    idp = unsigned_client(topology, "cognito-idp")
    assert _error(lambda: idp.list_user_pools(MaxResults=60)) == ("MissingAuthenticationTokenException", 403)
    assert _error(lambda: idp.admin_get_user(UserPoolId=topology["user_pool_id"], Username="alice")) == (
        "MissingAuthenticationTokenException", 403)
    identity = unsigned_client(topology, "cognito-identity")
    assert _error(lambda: identity.get_identity_pool_roles(IdentityPoolId=topology["identity_pool_id"])) == (
        "MissingAuthenticationTokenException", 403)


def test_a_key_the_sandbox_never_issued_or_a_wrong_secret_is_refused(topology):
    unknown = _client_with(topology, "cognito-idp", "AKIAUNKNOWN000000000", "whatever")
    assert _error(lambda: unknown.list_user_pools(MaxResults=60)) == ("UnrecognizedClientException", 400)
    wrong_secret = _client_with(topology, "cognito-idp", topology["credentials"]["access_key_id"], "not-the-secret")
    assert _error(lambda: wrong_secret.list_user_pools(MaxResults=60)) == ("InvalidSignatureException", 400)


def test_lists_show_only_the_callers_own_pools(topology, other):
    # Other tests of this session may have made more pools with this topology's key: those are its
    # own too. What must never show is another topology's pool.
    pools = {pool["Id"] for pool in admin_client(topology, "cognito-idp").list_user_pools(MaxResults=60)["UserPools"]}
    assert topology["user_pool_id"] in pools and other["user_pool_id"] not in pools
    identity_pools = {pool["IdentityPoolId"] for pool in
                      admin_client(topology, "cognito-identity").list_identity_pools(MaxResults=60)["IdentityPools"]}
    assert topology["identity_pool_id"] in identity_pools and other["identity_pool_id"] not in identity_pools


def test_list_pages_hold_only_the_callers_pools_however_many_others_exist(topology, other):
    """Paged after filtering, as one AWS account sees its own pools: a page of another
    topology's pools filtered away would come back empty (and hide one's own behind it)."""
    admin_client(other, "cognito-idp").create_user_pool(PoolName="theirs-created-first")
    idp = admin_client(topology, "cognito-idp")
    mine = idp.create_user_pool(PoolName="mine-created-last")["UserPool"]["Id"]
    pages, token = [], None
    while True:
        answer = idp.list_user_pools(MaxResults=1, **({"NextToken": token} if token else {}))
        pages.append([pool["Id"] for pool in answer["UserPools"]])
        token = answer.get("NextToken")
        if not token:
            break
    assert all(len(page) == 1 for page in pages) and topology["user_pool_id"] in sum(pages, []) and mine in sum(pages, [])
    assert other["user_pool_id"] not in sum(pages, [])
    idp.delete_user_pool(UserPoolId=mine)


def test_another_topologys_pools_can_be_neither_read_nor_changed(topology, other):
    idp, identity = admin_client(topology, "cognito-idp"), admin_client(topology, "cognito-identity")
    theirs = {"UserPoolId": other["user_pool_id"]}
    assert _error(lambda: idp.admin_get_user(**theirs, Username="alice")) == ("AccessDeniedException", 403)
    assert _error(lambda: idp.describe_user_pool(**theirs)) == ("AccessDeniedException", 403)
    assert _error(lambda: idp.admin_set_user_password(**theirs, Username="alice", Password="Taken-0ver!!",
                                                      Permanent=True)) == ("AccessDeniedException", 403)
    assert _error(lambda: idp.delete_user_pool(**theirs)) == ("AccessDeniedException", 403)
    their_arn = f"arn:aws:cognito-idp:{other['region']}:123456789012:userpool/{other['user_pool_id']}"
    assert _error(lambda: idp.tag_resource(ResourceArn=their_arn, Tags={"owner": "me"})) == ("AccessDeniedException", 403)
    assert _error(lambda: identity.get_identity_pool_roles(IdentityPoolId=other["identity_pool_id"])) == (
        "AccessDeniedException", 403)
    assert _error(lambda: identity.delete_identity_pool(IdentityPoolId=other["identity_pool_id"])) == (
        "AccessDeniedException", 403)
    assert sign_in(other, "alice")["IdToken"]  # untouched: their alice still signs in with her password
    assert admin_client(other, "cognito-idp").describe_user_pool(**theirs)["UserPool"]["Id"] == other["user_pool_id"]


def test_sandbox_only_helpers_answer_only_their_own_topology(topology, other):
    outbox = f"/_sandbox/messages/{other['user_pool_id']}"
    assert signed_helper(other, "GET", outbox).status_code == 200
    assert signed_helper(topology, "GET", outbox).json()["__type"] == "AccessDeniedException"
    assert requests.get(f"{other['endpoint']}{outbox}", timeout=5).json()["__type"] == "MissingAuthenticationTokenException"
    token = json.dumps({"token": sign_in(other, "alice")["IdToken"]}).encode()
    expired_copy = f"/_sandbox/expired-copy/{other['user_pool_id']}"
    assert signed_helper(other, "POST", expired_copy, body=token).status_code == 200
    assert signed_helper(topology, "POST", expired_copy, body=token).status_code == 403


def test_calls_aws_takes_unsigned_stay_unsigned(topology):
    tokens = sign_in(topology, "alice")  # InitiateAuth, unsigned
    identity = boto3.client("cognito-identity", endpoint_url=topology["endpoint"], region_name=topology["region"],
                            config=Config(signature_version=UNSIGNED))
    logins = {f"cognito-idp.{topology['region']}.amazonaws.com/{topology['user_pool_id']}": tokens["IdToken"]}
    identity_id = identity.get_id(IdentityPoolId=topology["identity_pool_id"], Logins=logins)["IdentityId"]
    assert identity.get_credentials_for_identity(IdentityId=identity_id, Logins=logins)["Credentials"]["AccessKeyId"]


def test_the_sandbox_counts_pools_without_naming_them(sandbox_server, topology):
    before = requests.get(f"{topology['endpoint']}/_sandbox/user-pool-count", timeout=5).json()["UserPools"]
    extra = seed(sandbox_server)
    assert requests.get(f"{topology['endpoint']}/_sandbox/user-pool-count", timeout=5).json()["UserPools"] == before + 1
    release(sandbox_server, extra)
    assert requests.get(f"{topology['endpoint']}/_sandbox/user-pool-count", timeout=5).json()["UserPools"] == before
