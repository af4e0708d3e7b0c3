"""UpdateIdentityPool, which the exercises use to break and restore an identity pool.

AWS's API reference (https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_UpdateIdentityPool.html):
the call takes the whole pool (IdentityPoolName and AllowUnauthenticatedIdentities are required)
and answers the pool as updated; it is signed (not in botocore's unsigned operations). GetId
without logins on a pool that disallows guests answers NotAuthorizedException, and a token
from an app client not among CognitoIdentityProviders is refused (aws-facts.md §4.1).
"""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.sandbox.helpers import admin_client, sign_in, unsigned_client


def _update(topology, allow_guests: bool, client_names: tuple[str, ...]) -> dict:
    provider = f"cognito-idp.{topology['region']}.amazonaws.com/{topology['user_pool_id']}"
    admin = admin_client(topology, "cognito-identity")
    name = admin.describe_identity_pool(IdentityPoolId=topology["identity_pool_id"])["IdentityPoolName"]
    return admin.update_identity_pool(
        IdentityPoolId=topology["identity_pool_id"], IdentityPoolName=name, AllowUnauthenticatedIdentities=allow_guests,
        CognitoIdentityProviders=[{"ProviderName": provider, "ClientId": topology["clients"][n]["client_id"],
                                   "ServerSideTokenCheck": False} for n in client_names])


def _get_id(topology, logins: dict[str, str]) -> dict:
    return unsigned_client(topology, "cognito-identity").get_id(IdentityPoolId=topology["identity_pool_id"],
                                                                 Logins=logins)


def test_guests_refused_then_allowed_again(topology):
    answered = _update(topology, False, ("public", "confidential"))
    assert answered["AllowUnauthenticatedIdentities"] is False
    with pytest.raises(ClientError) as refused:
        _get_id(topology, {})
    assert refused.value.response["Error"]["Code"] == "NotAuthorizedException"
    _update(topology, True, ("public", "confidential"))
    assert _get_id(topology, {})["IdentityId"]


def test_an_unlisted_app_client_is_refused(topology):
    provider = f"cognito-idp.{topology['region']}.amazonaws.com/{topology['user_pool_id']}"
    id_token = sign_in(topology, "carol")["IdToken"]
    _update(topology, True, ("confidential",))
    try:
        with pytest.raises(ClientError) as refused:
            _get_id(topology, {provider: id_token})
        assert refused.value.response["Error"]["Code"] == "NotAuthorizedException"
    finally:
        _update(topology, True, ("public", "confidential"))
    assert _get_id(topology, {provider: id_token})["IdentityId"]


def test_unsigned_update_is_refused(topology):
    with pytest.raises(ClientError) as refused:
        unsigned_client(topology, "cognito-identity").update_identity_pool(
            IdentityPoolId=topology["identity_pool_id"], IdentityPoolName="x", AllowUnauthenticatedIdentities=True)
    assert refused.value.response["Error"]["Code"] == "MissingAuthenticationTokenException"
