"""The identity pool checks the Logins token as Cognito does (aws-facts.md §4.1, §4.2)."""

from __future__ import annotations

import datetime

import pytest
from botocore.exceptions import ClientError

from tests.sandbox.helpers import expired, resign, sign_in, unsigned_client


@pytest.fixture(scope="module")
def identity(topology):
    return unsigned_client(topology, "cognito-identity")


@pytest.fixture(scope="module")
def alice(topology):
    return sign_in(topology, "alice")


def _provider(topology) -> str:
    return f"cognito-idp.{topology['region']}.amazonaws.com/{topology['user_pool_id']}"


def _get_id_error(identity, topology, logins) -> tuple[str, str]:
    with pytest.raises(ClientError) as caught:
        identity.get_id(IdentityPoolId=topology["identity_pool_id"], Logins=logins)
    return caught.value.response["Error"]["Code"], caught.value.response["Error"]["Message"]


def test_id_token_gets_one_hour_credentials(identity, topology, alice):
    # aws-facts.md §4.2: enhanced flow, credentials valid one hour.
    logins = {_provider(topology): alice["IdToken"]}
    identity_id = identity.get_id(IdentityPoolId=topology["identity_pool_id"], Logins=logins)["IdentityId"]
    response = identity.get_credentials_for_identity(IdentityId=identity_id, Logins=logins)
    credentials = response["Credentials"]
    assert identity_id.startswith("us-east-1:") and response["IdentityId"] == identity_id
    assert credentials["AccessKeyId"].startswith("ASIA") and credentials["SecretKey"] and credentials["SessionToken"]
    remaining = credentials["Expiration"] - datetime.datetime.now(datetime.timezone.utc)
    assert datetime.timedelta(minutes=59) < remaining <= datetime.timedelta(hours=1)


def test_same_user_same_identity_id(identity, topology, alice):
    logins = {_provider(topology): alice["IdToken"]}
    again = sign_in(topology, "alice")
    first = identity.get_id(IdentityPoolId=topology["identity_pool_id"], Logins=logins)["IdentityId"]
    second = identity.get_id(IdentityPoolId=topology["identity_pool_id"],
                             Logins={_provider(topology): again["IdToken"]})["IdentityId"]
    bob = identity.get_id(IdentityPoolId=topology["identity_pool_id"],
                          Logins={_provider(topology): sign_in(topology, "bob")["IdToken"]})["IdentityId"]
    assert first == second != bob


def test_access_token_is_refused_for_missing_aud(identity, topology, alice):
    # aws-facts.md §4.1: "Invalid login token. Missing a required claim: aud".
    assert _get_id_error(identity, topology, {_provider(topology): alice["AccessToken"]}) == (
        "NotAuthorizedException", "Invalid login token. Missing a required claim: aud")


def test_logins_key_with_https_does_not_match_the_issuer(identity, topology, alice):
    # aws-facts.md §4.1: the key has no scheme; "Issuer doesn't match providerName".
    assert _get_id_error(identity, topology, {"https://" + _provider(topology): alice["IdToken"]}) == (
        "NotAuthorizedException", "Invalid login token. Issuer doesn't match providerName")


def test_tampered_token_fails_signature(identity, topology, alice):
    # aws-facts.md §4.1: "Invalid login token. Couldn't verify signed token."
    header, payload, signature = alice["IdToken"].split(".")
    forged = ".".join((header, payload, signature[:-6] + ("AAAAAA" if signature[-6:] != "AAAAAA" else "BBBBBB")))
    assert _get_id_error(identity, topology, {_provider(topology): forged}) == (
        "NotAuthorizedException", "Invalid login token. Couldn't verify signed token.")


def test_expired_token_is_refused(identity, topology, alice):
    # aws-facts.md §4.1: "Invalid login token. Token expired: <now> >= <exp>".
    code, message = _get_id_error(identity, topology, {_provider(topology): expired(topology, alice["IdToken"])})
    assert code == "NotAuthorizedException" and message.startswith("Invalid login token. Token expired: ")


def test_token_of_an_unconfigured_app_client_is_refused(identity, topology, alice):
    # aws-facts.md §4.1: aud not among the pool's ClientIds.
    other_client = resign(topology, alice["IdToken"], aud=topology["clients"]["machine"]["client_id"])
    assert _get_id_error(identity, topology, {_provider(topology): other_client}) == (
        "NotAuthorizedException", "Token is not from a supported provider of this identity pool.")


def test_garbage_is_not_a_cognito_token(identity, topology):
    assert _get_id_error(identity, topology, {_provider(topology): "not-a-jwt"}) == (
        "NotAuthorizedException", "Invalid login token. Not a Cognito token.")


def test_guest_gets_credentials_when_the_pool_allows_it(identity, topology):
    identity_id = identity.get_id(IdentityPoolId=topology["identity_pool_id"])["IdentityId"]
    response = identity.get_credentials_for_identity(IdentityId=identity_id)
    assert response["Credentials"]["AccessKeyId"].startswith("ASIA")


def test_authenticated_identity_needs_its_login(identity, topology, alice):
    # aws-facts.md §4.1: "Logins don't match. Please include at least one valid login …".
    identity_id = identity.get_id(IdentityPoolId=topology["identity_pool_id"],
                                  Logins={_provider(topology): alice["IdToken"]})["IdentityId"]
    with pytest.raises(ClientError) as caught:
        identity.get_credentials_for_identity(IdentityId=identity_id)
    assert caught.value.response["Error"]["Message"].startswith("Logins don't match.")
