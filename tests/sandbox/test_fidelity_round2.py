"""Sandbox fidelity, round 2 (issue 20): what real third-party clients noticed against AWS, and
what Cognito added since 2024. Each test names its source: a section of aws-facts.md, an AWS
documentation page, or the public report of a real AWS answer."""

from __future__ import annotations

import time
import uuid
from typing import Any, Callable, Iterator

import boto3
import pytest
import requests
from botocore.exceptions import ClientError

from sandbox import totp
from tests.sandbox.helpers import admin_client, claims, sign_in, signed_helper, unsigned_client
from tests.sandbox.identity_helpers import enhanced_credentials, signed_get

PASSWORD = "Round2-passw0rd!"
SCOPE = "https://round2.example/items.read"


def _idp(topology: dict[str, Any]) -> Any:
    """Signed with the topology's own key: admin calls need it, public ones ignore it."""
    return admin_client(topology, "cognito-idp")


def _error(call: Callable[[], Any]) -> tuple[str, str]:
    with pytest.raises(ClientError) as caught:
        call()
    return caught.value.response["Error"]["Code"], caught.value.response["Error"]["Message"]


@pytest.fixture(scope="module")
def pool(topology) -> Iterator[dict[str, Any]]:
    """A pool of this module's own: app clients with and without rotation, an M2M client, and
    a user in two groups that tie on precedence with different roles."""
    idp = _idp(topology)
    pool_id = idp.create_user_pool(PoolName=f"round2-{uuid.uuid4().hex[:6]}")["UserPool"]["Id"]
    idp.create_resource_server(UserPoolId=pool_id, Identifier="https://round2.example", Name="round2",
                               Scopes=[{"ScopeName": "items.read", "ScopeDescription": "read"}])
    flows = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
    plain = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="plain", ExplicitAuthFlows=flows)
    rotating = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="rotating", ExplicitAuthFlows=flows,
                                           RefreshTokenRotation={"Feature": "ENABLED", "RetryGracePeriodSeconds": 10})
    machine = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="machine", GenerateSecret=True,
                                          ExplicitAuthFlows=["ALLOW_CLIENT_TOKEN_AUTH"], AllowedOAuthScopes=[SCOPE])
    for group in ("red", "blue"):
        idp.create_group(UserPoolId=pool_id, GroupName=group, Precedence=5,
                         RoleArn=f"arn:aws:iam::123456789012:role/{group}")
    idp.admin_create_user(UserPoolId=pool_id, Username="tess", MessageAction="SUPPRESS")
    idp.admin_set_user_password(UserPoolId=pool_id, Username="tess", Password=PASSWORD, Permanent=True)
    for group in ("red", "blue"):
        idp.admin_add_user_to_group(UserPoolId=pool_id, Username="tess", GroupName=group)
    yield {"id": pool_id, "plain": plain["UserPoolClient"], "rotating": rotating["UserPoolClient"],
           "machine": machine["UserPoolClient"]}
    idp.delete_user_pool(UserPoolId=pool_id)


def _sign_in(topology, client: dict[str, Any]) -> dict[str, Any]:
    return unsigned_client(topology, "cognito-idp").initiate_auth(
        ClientId=client["ClientId"], AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "tess", "PASSWORD": PASSWORD})["AuthenticationResult"]


# --- 1. x-amzn-RequestId -----------------------------------------------------------------------------
def test_every_json_answer_carries_a_request_id(topology):
    # Issue 20, item 1: AWS puts x-amzn-RequestId on every JSON-protocol response (aws-facts.md §0
    # shows it on a real error: github.com/amzn/selling-partner-api-models/issues/113 has the header
    # on an execute-api one); boto3 reads it into ResponseMetadata.RequestId.
    idp = unsigned_client(topology, "cognito-idp")
    answered_here = idp.initiate_auth(ClientId=topology["clients"]["public"]["client_id"], AuthFlow="USER_PASSWORD_AUTH",
                                      AuthParameters={"USERNAME": "bob", "PASSWORD": "Bob-passw0rd!"})
    identity = unsigned_client(topology, "cognito-identity").get_id(
        IdentityPoolId=topology["identity_pool_id"])
    for answer in (answered_here, identity):
        assert uuid.UUID(answer["ResponseMetadata"]["RequestId"])
    with pytest.raises(ClientError) as refused:
        idp.initiate_auth(ClientId=topology["clients"]["public"]["client_id"], AuthFlow="USER_PASSWORD_AUTH",
                          AuthParameters={"USERNAME": "bob", "PASSWORD": "wrong-Passw0rd!"})
    assert uuid.UUID(refused.value.response["ResponseMetadata"]["RequestId"])


# --- 2. discovery ---------------------------------------------------------------------------------------
def test_discovery_lists_the_four_oidc_scopes_and_no_pkce_methods(topology):
    # Issue 20, item 2: real documents (2018, 2022, 2025) list scopes_supported
    # ["openid","email","phone","profile"] and leave code_challenge_methods_supported out, so
    # openid-client's supportsPKCE() is false on AWS. aws-facts.md §1.1 (content UNCONFIRMED there).
    document = requests.get(f"{topology['endpoint']}/{topology['user_pool_id']}/.well-known/openid-configuration",
                            timeout=5).json()
    assert document["scopes_supported"] == ["openid", "email", "phone", "profile"]
    assert "code_challenge_methods_supported" not in document


# --- 3. API Gateway's IAM answers -----------------------------------------------------------------------
def _iam_url(topology) -> str:
    return topology["apis"]["rest"] + "/iam"


def test_iam_refusal_masks_the_account_and_says_message_with_a_capital_m(topology):
    # A real refusal: {"Message":"User: anonymous is not authorized to perform: execute-api:Invoke on
    # resource: arn:aws:execute-api:us-west-2:********2543:…"} (github.com/ASFHyP3/hyp3/issues/2283);
    # aws-facts.md §5.3 for the sentence itself.
    credentials = enhanced_credentials(topology, sign_in(topology, "bob")["IdToken"])
    response = signed_get(_iam_url(topology), topology["region"], credentials["Credentials"])
    assert response.status_code == 403 and set(response.json()) == {"Message"}
    message = response.json()["Message"]
    assert ":assumed-role/" in message and "on resource: arn:aws:execute-api:us-east-1:********9012:" in message
    assert "123456789012:" not in message.split("on resource:")[1]


def test_wrong_signature_quotes_the_canonical_request_and_string_to_sign(topology):
    # AWS's full text (github.com/mhart/aws4/issues/110, an execute-api answer; aws-facts.md §5.3):
    # "… Consult the service documentation for details.\n\nThe Canonical String for this request
    # should have been\n'…'\n\nThe String-to-Sign should have been\n'…'\n".
    credentials = enhanced_credentials(topology, sign_in(topology, "alice")["IdToken"])["Credentials"]
    response = signed_get(_iam_url(topology), topology["region"], credentials, secret="x" * 40)
    message = response.json()["message"]
    head, _, rest = message.partition("\n\nThe Canonical String for this request should have been\n'")
    assert head.endswith("Check your AWS Secret Access Key and signing method. Consult the service documentation "
                         "for details.")
    canonical, _, string_to_sign = rest.partition("'\n\nThe String-to-Sign should have been\n'")
    assert canonical.startswith("GET\n/") and "\nhost:" in canonical and "x-amz-date:" in canonical
    assert string_to_sign.startswith("AWS4-HMAC-SHA256\n") and "/execute-api/aws4_request\n" in string_to_sign
    assert string_to_sign.endswith("'\n")


# --- 4. userInfo without openid -------------------------------------------------------------------------
def test_user_info_says_the_token_lacks_the_openid_scope(topology):
    # Issue 20, item 4: AWS answers "Access token does not contain openid scope"; aws-facts.md §2.5
    # and §3.3 (a native access token has no openid scope, so userInfo refuses it).
    native = sign_in(topology, "alice")["AccessToken"]
    response = requests.get(f"{topology['domain']}/oauth2/userInfo", timeout=5,
                            headers={"Authorization": f"Bearer {native}"})
    assert response.status_code == 401
    assert response.json() == {"error": "invalid_token", "error_description": "Access token does not contain openid scope"}


# --- 5. TOTP codes are single use -----------------------------------------------------------------------
def test_a_totp_code_is_good_once(topology, sandbox_server, monkeypatch):
    # Issue 20, item 5: the same code twice within its 30-second step → ExpiredCodeException "Your
    # software token has already been used once." (RFC 6238 §5.2: a verifier must not accept a code
    # twice). aws-facts.md §2.6 lists ExpiredCodeException for RespondToAuthChallenge.
    now = time.time() + 600  # a step nobody has used yet in this module
    monkeypatch.setattr(sandbox_server.app.user_pools, "clock", lambda: now)
    secret = next(u["totp_secret"] for u in topology["users"] if u["username"] == "frank")
    frank = next(u for u in topology["users"] if u["username"] == "frank")
    idp = unsigned_client(topology, "cognito-idp")
    client_id = topology["clients"]["public"]["client_id"]
    code = totp.code_at(secret, now)

    def answer() -> dict[str, Any]:
        session = idp.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                                    AuthParameters={"USERNAME": "frank", "PASSWORD": frank["password"]})["Session"]
        return idp.respond_to_auth_challenge(ClientId=client_id, ChallengeName="SOFTWARE_TOKEN_MFA", Session=session,
                                             ChallengeResponses={"USERNAME": "frank", "SOFTWARE_TOKEN_MFA_CODE": code})

    assert "AuthenticationResult" in answer()
    assert _error(answer) == ("ExpiredCodeException", "Your software token has already been used once.")
    code = totp.code_at(secret, now + totp.STEP_SECONDS)  # the next step's code is new: accepted
    assert "AuthenticationResult" in answer()


# --- 6. sign-up codes expire ----------------------------------------------------------------------------
def test_a_sign_up_code_expires_after_24_hours(topology, sandbox_server, monkeypatch):
    # "The code is valid for 24 hours" [CG:signing-up-users-in-your-app.md] (aws-facts.md cites the
    # guide: https://docs.aws.amazon.com/cognito/latest/developerguide/signing-up-users-in-your-app.html).
    idp = unsigned_client(topology, "cognito-idp")
    client_id = topology["clients"]["public"]["client_id"]
    started = time.time()
    monkeypatch.setattr(sandbox_server.app.user_pools, "clock", lambda: started)
    for name in ("ivy", "jon"):
        idp.sign_up(ClientId=client_id, Username=name, Password=PASSWORD,
                    UserAttributes=[{"Name": "email", "Value": f"{name}@example.com"}])
    outbox = signed_helper(topology, "GET", f"/_sandbox/messages/{topology['user_pool_id']}").json()
    code = {m["username"]: m["code"] for m in outbox["Messages"]}
    monkeypatch.setattr(sandbox_server.app.user_pools, "clock", lambda: started + 24 * 3600 - 1)
    idp.confirm_sign_up(ClientId=client_id, Username="ivy", ConfirmationCode=code["ivy"])  # still in time
    monkeypatch.setattr(sandbox_server.app.user_pools, "clock", lambda: started + 24 * 3600 + 1)
    assert _error(lambda: idp.confirm_sign_up(ClientId=client_id, Username="jon", ConfirmationCode=code["jon"])) == (
        "ExpiredCodeException", "Invalid code provided, please request a code again.")


# --- 7. groups and roles in the tokens ------------------------------------------------------------------
def test_access_token_has_groups_but_no_roles(topology):
    # aws-facts.md §1.3: AWS's sample access token has cognito:groups and no role claims (the
    # current page's sample likewise: docs.aws.amazon.com/cognito/latest/developerguide/
    # amazon-cognito-user-pools-using-the-access-token.html); the ID token has them (§1.2).
    tokens = sign_in(topology, "alice")
    access, id_claims = claims(tokens["AccessToken"]), claims(tokens["IdToken"])
    assert access["cognito:groups"] == ["admins"]
    assert "cognito:roles" not in access and "cognito:preferred_role" not in access
    assert id_claims["cognito:roles"] == [topology["roles"]["admins"]]


def test_preferred_role_is_left_out_when_the_best_groups_tie(topology, pool):
    # aws-facts.md §1.2: "If several roles tie with different ARNs, the claim is not set"
    # ([CG:cognito-user-pools-user-groups.md], [CG:role-based-access-control.md]).
    id_claims = claims(_sign_in(topology, pool["plain"])["IdToken"])
    assert sorted(id_claims["cognito:roles"]) == ["arn:aws:iam::123456789012:role/blue",
                                                 "arn:aws:iam::123456789012:role/red"]
    assert "cognito:preferred_role" not in id_claims


# --- refresh token rotation -----------------------------------------------------------------------------
def test_without_rotation_get_tokens_from_refresh_token_returns_no_refresh_token(topology, pool):
    # API_RefreshTokenRotationType: "When disabled, token refresh issues only ID and access tokens",
    # by GetTokensFromRefreshToken or REFRESH_TOKEN_AUTH (aws-facts.md §1.5).
    refresh_token = _sign_in(topology, pool["plain"])["RefreshToken"]
    idp = unsigned_client(topology, "cognito-idp")
    result = idp.get_tokens_from_refresh_token(ClientId=pool["plain"]["ClientId"], RefreshToken=refresh_token)
    assert {"AccessToken", "IdToken"} <= result["AuthenticationResult"].keys()
    assert "RefreshToken" not in result["AuthenticationResult"]
    assert "AuthenticationResult" in idp.initiate_auth(ClientId=pool["plain"]["ClientId"], AuthFlow="REFRESH_TOKEN_AUTH",
                                                       AuthParameters={"REFRESH_TOKEN": refresh_token})


def test_with_rotation_the_old_refresh_token_stops_after_the_grace_period(topology, pool, sandbox_server, monkeypatch):
    # API_RefreshTokenRotationType (aws-facts.md §1.5): enabled → new ID, access and refresh
    # tokens; the old one "can remain valid … up to 60 seconds" (RetryGracePeriodSeconds, 10 here),
    # then RefreshTokenReuseException ([IDP-model]: "a refresh token that has been invalidated by
    # refresh-token rotation"); rotation "must be completed with GetTokensFromRefreshToken".
    signed_in = _sign_in(topology, pool["rotating"])
    client_id, old = pool["rotating"]["ClientId"], signed_in["RefreshToken"]
    idp = unsigned_client(topology, "cognito-idp")
    assert _error(lambda: idp.initiate_auth(ClientId=client_id, AuthFlow="REFRESH_TOKEN_AUTH",
                                            AuthParameters={"REFRESH_TOKEN": old}))[0] == "InvalidParameterException"
    now = time.time()
    monkeypatch.setattr(sandbox_server.app.user_pools, "clock", lambda: now)
    first = idp.get_tokens_from_refresh_token(ClientId=client_id, RefreshToken=old)["AuthenticationResult"]
    new = first["RefreshToken"]
    assert new != old and claims(first["IdToken"])["auth_time"] == claims(signed_in["IdToken"])["auth_time"]
    monkeypatch.setattr(sandbox_server.app.user_pools, "clock", lambda: now + 9)
    assert idp.get_tokens_from_refresh_token(ClientId=client_id, RefreshToken=old)["AuthenticationResult"]  # a retry
    monkeypatch.setattr(sandbox_server.app.user_pools, "clock", lambda: now + 10)
    assert _error(lambda: idp.get_tokens_from_refresh_token(ClientId=client_id, RefreshToken=old))[0] == (
        "RefreshTokenReuseException")
    assert idp.get_tokens_from_refresh_token(ClientId=client_id, RefreshToken=new)["AuthenticationResult"]["RefreshToken"]


def test_token_endpoint_refresh_grant_rotates_too(topology, pool, sandbox_server, monkeypatch):
    # aws-facts.md §3.2: the refresh_token grant returns a new refresh token only with rotation
    # (§1.5); with a grace period of 10 s the old one is refused (invalid_grant) after it.
    old = _sign_in(topology, pool["rotating"])["RefreshToken"]
    token_url = f"{topology['endpoint']}/oauth2-domain/{pool['id']}/oauth2/token"
    form = {"grant_type": "refresh_token", "client_id": pool["rotating"]["ClientId"], "refresh_token": old}
    now = time.time()
    monkeypatch.setattr(sandbox_server.app.user_pools, "clock", lambda: now)
    answer = requests.post(token_url, data=form, timeout=5)
    assert answer.status_code == 200 and answer.json()["refresh_token"] not in (None, old)
    monkeypatch.setattr(sandbox_server.app.user_pools, "clock", lambda: now + 11)
    refused = requests.post(token_url, data=form, timeout=5)
    assert refused.status_code == 400 and refused.json() == {"error": "invalid_grant"}
    plain = {**form, "client_id": pool["plain"]["ClientId"], "refresh_token": _sign_in(topology, pool["plain"])["RefreshToken"]}
    assert "refresh_token" not in requests.post(token_url, data=plain, timeout=5).json()


# --- GetClientToken -------------------------------------------------------------------------------------
def test_get_client_token_issues_an_m2m_access_token(topology, pool):
    # [IDP-model GetClientToken]: a client secret and ALLOW_CLIENT_TOKEN_AUTH; no Scopes → the
    # client's scopes; ClientAuthenticationResult {AccessToken, ExpiresIn, TokenType}.
    machine = pool["machine"]
    result = _idp(topology).get_client_token(ClientId=machine["ClientId"], Secret=machine["ClientSecret"])
    answer = result["ClientAuthenticationResult"]
    assert answer["TokenType"] == "Bearer" and answer["ExpiresIn"] == 3600
    token = claims(answer["AccessToken"])
    assert token["scope"] == SCOPE and token["client_id"] == token["sub"] == machine["ClientId"]
    assert "username" not in token and token["token_use"] == "access"


def test_get_client_token_needs_the_secret_and_the_flow(topology, pool):
    # [IDP-model GetClientToken]: "configure the app client with a client secret and enable the
    # ALLOW_CLIENT_TOKEN_AUTH authentication flow", which "must be the only authentication flow".
    idp = _idp(topology)
    machine = pool["machine"]
    assert _error(lambda: idp.get_client_token(ClientId=machine["ClientId"], Secret="w" * 32))[0] == "NotAuthorizedException"
    assert _error(lambda: idp.get_client_token(ClientId=pool["plain"]["ClientId"], Secret="x" * 32))[0] == (
        "InvalidParameterException")
    assert _error(lambda: idp.create_user_pool_client(
        UserPoolId=pool["id"], ClientName="mixed", GenerateSecret=True,
        ExplicitAuthFlows=["ALLOW_CLIENT_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH"]))[0] == "InvalidParameterException"


# --- feature plans --------------------------------------------------------------------------------------
def test_a_pool_reports_its_feature_plan_essentials_by_default(topology, pool):
    # [IDP-model UserPoolType.UserPoolTier]: "Defaults to ESSENTIALS".
    idp = _idp(topology)
    assert idp.describe_user_pool(UserPoolId=pool["id"])["UserPool"]["UserPoolTier"] == "ESSENTIALS"
    lite = idp.create_user_pool(PoolName="round2-lite", UserPoolTier="LITE")["UserPool"]
    try:
        assert lite["UserPoolTier"] == "LITE"
    finally:
        idp.delete_user_pool(UserPoolId=lite["Id"])


def test_lite_refuses_an_access_token_trigger_and_essentials_refuses_threat_protection(topology):
    # [IDP-model FeatureUnavailableInTierException] on CreateUserPool/UpdateUserPool; pre token
    # generation V2_0 needs Essentials or Plus (aws-facts.md §1.6), threat protection needs Plus
    # (https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-sign-in-feature-plans.html).
    idp = _idp(topology)
    trigger = {"PreTokenGeneration": "arn:aws:lambda:us-east-1:123456789012:function:t",
               "PreTokenGenerationConfig": {"LambdaVersion": "V2_0",
                                            "LambdaArn": "arn:aws:lambda:us-east-1:123456789012:function:t"}}
    assert _error(lambda: idp.create_user_pool(PoolName="round2-lite", UserPoolTier="LITE", LambdaConfig=trigger))[0] == (
        "FeatureUnavailableInTierException")
    essentials = idp.create_user_pool(PoolName="round2-essentials", LambdaConfig=trigger)["UserPool"]
    try:
        assert _error(lambda: idp.update_user_pool(UserPoolId=essentials["Id"],
                                                   UserPoolAddOns={"AdvancedSecurityMode": "ENFORCED"}))[0] == (
            "FeatureUnavailableInTierException")
    finally:
        idp.delete_user_pool(UserPoolId=essentials["Id"])
