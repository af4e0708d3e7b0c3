"""Tokens as Cognito makes them (aws-facts.md §1), fetched and checked over real HTTP."""

from __future__ import annotations

import re

import jwt
import pytest
import requests

from tests.sandbox.helpers import claims, sign_in, unsigned_client


@pytest.fixture(scope="module")
def alice(topology):
    return sign_in(topology, "alice")


def test_id_and_access_tokens_are_signed_with_two_different_keys_both_in_the_jwks(topology, alice):
    # aws-facts.md §1.1: "different keys are used to sign ID tokens and access tokens".
    jwks = requests.get(topology["jwks_url"], timeout=5).json()
    id_kid = jwt.get_unverified_header(alice["IdToken"])["kid"]
    access_kid = jwt.get_unverified_header(alice["AccessToken"])["kid"]
    assert id_kid != access_kid
    assert {key["kid"] for key in jwks["keys"]} == {id_kid, access_kid}
    assert all(key["kty"] == "RSA" and key["alg"] == "RS256" and key["e"] == "AQAB" and key["use"] == "sig"
               for key in jwks["keys"])


def test_header_has_kid_and_alg_only_and_kid_looks_like_aws(alice):
    # aws-facts.md §1.1: real header {"kid": <44 chars of standard base64>, "alg": "RS256"}, no typ.
    header = jwt.get_unverified_header(alice["IdToken"])
    assert header.keys() == {"kid", "alg"} and header["alg"] == "RS256"
    assert re.fullmatch(r"[A-Za-z0-9+/]{43}=", header["kid"])


def test_tokens_verify_against_the_jwks_served_under_the_issuer_path(topology, alice):
    jwks = jwt.PyJWKSet.from_dict(requests.get(topology["jwks_url"], timeout=5).json())
    for token in (alice["IdToken"], alice["AccessToken"]):
        key = jwks[jwt.get_unverified_header(token)["kid"]]
        jwt.decode(token, key, algorithms=["RS256"], options={"verify_aud": False}, issuer=topology["issuer"])


def test_id_token_claims_follow_cognito(topology, alice):
    # aws-facts.md §1.2: aud = client id, token_use id, email_verified a boolean, groups and roles.
    id_claims = claims(alice["IdToken"])
    assert id_claims["aud"] == topology["clients"]["public"]["client_id"]
    assert id_claims["token_use"] == "id" and id_claims["cognito:username"] == "alice"
    assert id_claims["iss"] == topology["issuer"] == f"https://cognito-idp.us-east-1.amazonaws.com/{topology['user_pool_id']}"
    assert id_claims["email_verified"] is True and id_claims["custom:department"] == "engineering"
    assert id_claims["cognito:groups"] == ["admins"]
    assert id_claims["cognito:roles"] == [topology["roles"]["admins"]]
    assert id_claims["cognito:preferred_role"] == topology["roles"]["admins"]
    assert {"event_id", "origin_jti", "jti", "auth_time", "iat", "exp"} <= id_claims.keys()


def test_access_token_claims_follow_cognito(topology, alice):
    # aws-facts.md §1.3 and §2.5: client_id instead of aud, version 2, native scope only.
    access = claims(alice["AccessToken"])
    assert "aud" not in access
    assert access["client_id"] == topology["clients"]["public"]["client_id"]
    assert access["token_use"] == "access" and access["version"] == 2 and access["username"] == "alice"
    assert access["scope"] == "aws.cognito.signin.user.admin"
    assert access["origin_jti"] == claims(alice["IdToken"])["origin_jti"]
    assert access["exp"] - access["iat"] == 3600  # default lifetime: one hour (§1.5)


def test_refresh_keeps_the_original_auth_time(topology, alice):
    # aws-facts.md §1.5: "auth_time represents the time when the original authentication occurred".
    refreshed = unsigned_client(topology, "cognito-idp").initiate_auth(
        ClientId=topology["clients"]["public"]["client_id"], AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": alice["RefreshToken"]})["AuthenticationResult"]
    assert claims(refreshed["IdToken"])["auth_time"] == claims(alice["IdToken"])["auth_time"]
    assert claims(refreshed["IdToken"])["jti"] != claims(alice["IdToken"])["jti"]


def test_refresh_token_is_opaque(alice):
    # Real refresh tokens are encrypted JWEs (five segments) that clients cannot read.
    assert alice["RefreshToken"].count(".") == 4
    with pytest.raises(jwt.DecodeError):
        jwt.decode(alice["RefreshToken"], options={"verify_signature": False})


def test_get_user_accepts_the_sandbox_access_token(topology, alice):
    user = unsigned_client(topology, "cognito-idp").get_user(AccessToken=alice["AccessToken"])
    assert user["Username"] == "alice"
