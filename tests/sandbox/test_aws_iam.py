"""API Gateway's AWS_IAM authorization with identity-pool credentials (aws-facts.md §5.3):
the SigV4 signature (made here by botocore's own SigV4Auth), then execute-api:Invoke on the
method's ARN, every refusal a 403 with x-amzn-ErrorType and {"message": …}."""

from __future__ import annotations

import time

import jwt
import pytest
import requests

from sandbox.credentials import CredentialStore
from sandbox.iam import (INVOKE, Role, cognito_trust_policy, evaluate, invoke_policy, trusts_web_identity,
                         web_identity_context)
from tests.sandbox.helpers import sign_in, unsigned_client
from tests.sandbox.identity_helpers import (enhanced_credentials, open_id_token, provider, sign_in_with,
                                            signed_get, signed_headers)

ACCOUNT = "123456789012"
SIGNATURE_MISMATCH = ("The request signature we calculated does not match the signature you provided. "
                      "Check your AWS Secret Access Key and signing method. Consult the service documentation "
                      "for details.\n\nThe Canonical String for this request should have been\n'")


@pytest.fixture(scope="module")
def alice(topology):
    return sign_in(topology, "alice")


@pytest.fixture(scope="module")
def alice_credentials(topology, alice):
    return enhanced_credentials(topology, alice["IdToken"])


def _url(topology) -> str:
    return topology["apis"]["rest"] + "/iam"


def _method_arn(topology, masked: bool = False) -> str:
    # In a refusal AWS masks the resource's account id to its last four digits (tests of issue 20).
    api_id = topology["apis"]["rest"].split("/execute-api/")[1].split("/")[0]
    account = "********9012" if masked else ACCOUNT
    return f"arn:aws:execute-api:{topology['region']}:{account}:{api_id}/prod/GET/iam"


def _refusal(response: requests.Response) -> tuple[int, str, str]:
    body = response.json()
    return response.status_code, response.headers.get("x-amzn-ErrorType", ""), body.get("message", body.get("Message"))


def _get(topology, credentials, **overrides) -> requests.Response:
    return signed_get(_url(topology), topology["region"], credentials["Credentials"], **overrides)


# --- allowed -------------------------------------------------------------------------------------------
def test_allowed_call_passes_the_caller_identity(topology, alice, alice_credentials):
    # aws-facts.md §5.3: requestContext.identity holds the Cognito identity and the assumed role.
    response = _get(topology, alice_credentials)
    assert response.status_code == 200
    identity = response.json()["requestContext"]["identity"]
    user_sub = jwt.decode(alice["IdToken"], options={"verify_signature": False})["sub"]
    admins = topology["roles"]["admins"].rsplit("/", 1)[-1]
    assert identity["cognitoIdentityId"] == alice_credentials["IdentityId"]
    assert identity["cognitoIdentityPoolId"] == topology["identity_pool_id"]
    assert identity["cognitoAuthenticationType"] == "authenticated"
    assert identity["cognitoAuthenticationProvider"] == (
        f"{provider(topology)},{provider(topology)}:CognitoSignIn:{user_sub}")
    assert identity["userArn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/{admins}/CognitoIdentityCredentials"
    assert identity["accessKey"] == alice_credentials["Credentials"]["AccessKeyId"]
    assert identity["accountId"] == ACCOUNT and identity["caller"].endswith(":CognitoIdentityCredentials")


def test_the_default_authenticated_role_may_invoke_too(topology):
    # carol has no group: the authenticated role, whose policy allows GET /iam.
    credentials = enhanced_credentials(topology, sign_in(topology, "carol")["IdToken"])
    assert _get(topology, credentials).status_code == 200


def test_routes_without_aws_iam_pass_no_caller(topology):
    # aws-facts.md §5.3: the Cognito identity fields are null unless AWS_IAM identified the caller.
    identity = requests.get(topology["apis"]["rest"] + "/public", timeout=5).json()["requestContext"]["identity"]
    assert identity["cognitoIdentityId"] is None and identity["userArn"] is None and identity["sourceIp"]


# --- refused by policy ------------------------------------------------------------------------------------
@pytest.mark.parametrize("username", ["bob", None])
def test_role_without_invoke_permission_is_access_denied(topology, username):
    # aws-facts.md §5.3: "… because no identity-based policy allows the execute-api:Invoke action."
    # bob gets the readers role, a guest the unauthenticated role: neither may invoke GET /iam.
    id_token = sign_in(topology, username)["IdToken"] if username else None
    credentials = enhanced_credentials(topology, id_token)
    role = topology["roles"]["readers" if username else "unauthenticated"].rsplit("/", 1)[-1]
    assert _refusal(_get(topology, credentials)) == (
        403, "AccessDeniedException",
        f"User: arn:aws:sts::{ACCOUNT}:assumed-role/{role}/CognitoIdentityCredentials is not authorized to perform: "
        f"execute-api:Invoke on resource: {_method_arn(topology, masked=True)} because no identity-based policy allows the "
        "execute-api:Invoke action.")


def test_explicit_deny_wins_over_allow(sandbox_server, topology):
    # aws-facts.md §5.3: "… with an explicit deny".
    role_arn = topology["roles"]["authenticated"] + "-Denied"
    sandbox_server.app.iam.put(Role(role_arn, cognito_trust_policy(topology["identity_pool_id"], "authenticated"),
                                    (invoke_policy(["*"]), invoke_policy(["*/GET/iam"], effect="Deny"))))
    store: CredentialStore = sandbox_server.app.credentials
    minted = store.mint(role_arn, "us-east-1:0000", topology["identity_pool_id"], "authenticated")
    try:
        credentials = {"Credentials": {"AccessKeyId": minted.access_key_id, "SecretKey": minted.secret_key,
                                       "SessionToken": minted.session_token}}
        status, error_type, message = _refusal(_get(topology, credentials))
        assert (status, error_type) == (403, "AccessDeniedException")
        assert message.endswith(f"execute-api:Invoke on resource: {_method_arn(topology, masked=True)} with an explicit deny")
    finally:
        sandbox_server.app.iam.remove(role_arn)


def test_basic_flow_credentials_carry_their_session_name(topology, alice):
    # aws-facts.md §4.2 + §5.3: STS credentials sign the call; userArn ends with the RoleSessionName.
    token = open_id_token(topology, alice["IdToken"])["Token"]
    assumed = unsigned_client(topology, "sts").assume_role_with_web_identity(
        RoleArn=topology["roles"]["authenticated"], RoleSessionName="basic-flow", WebIdentityToken=token)
    response = _get(topology, assumed)
    assert response.status_code == 200
    assert response.json()["requestContext"]["identity"]["userArn"] == assumed["AssumedRoleUser"]["Arn"]


# --- refused by the signature -----------------------------------------------------------------------------
def test_unsigned_request_is_missing_authentication_token(topology):
    # aws-facts.md §5.3: unsigned request to an IAM method.
    assert _refusal(requests.get(_url(topology), timeout=5)) == (
        403, "MissingAuthenticationTokenException", "Missing Authentication Token")


def test_unknown_access_key_is_an_invalid_security_token(topology, alice_credentials):
    # aws-facts.md §5.3: unknown access key → "The security token included in the request is invalid."
    response = _get(topology, alice_credentials, access_key="ASIAUNKNOWNKEY000000")
    assert _refusal(response) == (403, "AccessDeniedException", "The security token included in the request is invalid.")


@pytest.mark.parametrize("token", ["not-the-session-token", None])
def test_wrong_or_missing_session_token_is_an_invalid_security_token(topology, alice_credentials, token):
    # Temporary credentials are valid only with their own session token (aws-facts.md §5.3, invalid token).
    response = _get(topology, alice_credentials, token=token)
    assert _refusal(response)[::2] == (403, "The security token included in the request is invalid.")


def test_wrong_secret_is_an_invalid_signature(topology, alice_credentials):
    # aws-facts.md §5.3: wrong secret / bad canonical request.
    status, error_type, message = _refusal(_get(topology, alice_credentials, secret="x" * 40))
    assert (status, error_type) == (403, "InvalidSignatureException") and message.startswith(SIGNATURE_MISMATCH)


def test_request_changed_after_signing_is_an_invalid_signature(topology, alice_credentials):
    credentials = alice_credentials["Credentials"]
    headers = signed_headers("GET", _url(topology), topology["region"], credentials["AccessKeyId"],
                             credentials["SecretKey"], credentials["SessionToken"])
    response = requests.get(_url(topology) + "?tampered=1", headers=headers, timeout=5)
    status, error_type, message = _refusal(response)
    assert (status, error_type) == (403, "InvalidSignatureException") and message.startswith(SIGNATURE_MISMATCH)


def test_credentials_scoped_to_another_service_are_refused(topology, alice_credentials):
    # aws-facts.md §5.3: clients sign with service name execute-api (text UNCONFIRMED).
    status, error_type, message = _refusal(_get(topology, alice_credentials, service="sts"))
    assert (status, error_type) == (403, "InvalidSignatureException") and "'execute-api'" in message


def test_credentials_scoped_to_another_region_are_refused(topology, alice_credentials):
    # API Gateway's answer to a SigV4 scope naming another region, as developers quote it:
    # {"message":"Credential should be scoped to a valid region, not 'us-east-1'. "}
    # (github.com/joona/aws-es-curl/issues/15, github.com/Kong/insomnia/issues/830).
    credentials = alice_credentials["Credentials"]
    url, other_region = _url(topology), "eu-west-1"
    headers = signed_headers("GET", url, other_region, credentials["AccessKeyId"], credentials["SecretKey"],
                             credentials["SessionToken"])
    status, error_type, message = _refusal(requests.get(url, headers=headers, timeout=5))
    assert (status, error_type) == (403, "InvalidSignatureException")
    assert message.startswith(f"Credential should be scoped to a valid region, not '{other_region}'. ")


def test_expired_credentials(sandbox_server, topology, alice_credentials, monkeypatch):
    # aws-facts.md §5.3 EXPIRED_TOKEN (403); the message text is UNCONFIRMED (STS's wording).
    monkeypatch.setattr(sandbox_server.app.apis.iam_authorizer, "clock", lambda: time.time() + 3601)
    assert _refusal(_get(topology, alice_credentials)) == (
        403, "ExpiredTokenException", "The security token included in the request is expired")


def test_signature_older_than_five_minutes(sandbox_server, topology, alice_credentials, monkeypatch):
    # aws-facts.md §5.3: InvalidSignatureException "Signature expired…" (only the prefix is confirmed).
    monkeypatch.setattr(sandbox_server.app.apis.iam_authorizer, "clock", lambda: time.time() + 301)
    status, error_type, message = _refusal(_get(topology, alice_credentials))
    assert (status, error_type) == (403, "InvalidSignatureException") and message.startswith("Signature expired: ")


def test_a_jwt_in_authorization_is_an_incomplete_signature(topology, alice):
    # An ID token sent to an AWS_IAM method (texts from public reports; UNCONFIRMED on an AWS page).
    response = requests.get(_url(topology), headers={"Authorization": alice["IdToken"]}, timeout=5)
    status, error_type, message = _refusal(response)
    assert (status, error_type) == (403, "IncompleteSignatureException")
    assert message.startswith("Authorization header requires 'Credential' parameter.")
    assert message.endswith(f"Authorization={alice['IdToken']}")
    bearer = requests.get(_url(topology), headers={"Authorization": "Bearer abc"}, timeout=5)
    assert _refusal(bearer)[2] == "'abc' not a valid key=value pair (missing equal-sign) in Authorization header: 'Bearer abc'."


def test_confidential_client_users_sign_the_same_way(topology):
    # bob through the confidential client's Rules mapping gets the readers role: still refused.
    credentials = enhanced_credentials(topology, sign_in_with(topology, "bob", "confidential")["IdToken"])
    assert _refusal(_get(topology, credentials))[1] == "AccessDeniedException"


# --- the policy evaluator (sandbox.iam) -------------------------------------------------------------------
def test_policy_evaluation_order_and_wildcards():
    # aws-facts.md §5.3: explicit deny > allow > implicit deny; `*` and `?` wildcards; actions case-insensitive.
    arn = "arn:aws:execute-api:us-east-1:123456789012:abc/prod/GET/iam"
    allow_all, deny_iam = invoke_policy(["arn:aws:execute-api:*:*:abc/*"]), invoke_policy(["*/GET/ia?"], effect="Deny")
    assert evaluate([allow_all], "execute-api:invoke", arn).allowed
    assert evaluate([allow_all, deny_iam], INVOKE, arn).outcome == "explicit_deny"
    assert evaluate([invoke_policy(["*/POST/*"])], INVOKE, arn).outcome == "implicit_deny"
    assert not evaluate([invoke_policy(["*/GET/[i]am"])], INVOKE, arn).allowed  # no character classes in IAM


def test_trust_conditions_for_cognito_identity():
    # aws-facts.md §4.5: aud (StringEquals) and amr (ForAnyValue:StringLike), Federated principal.
    role = Role("arn:aws:iam::1:role/R", cognito_trust_policy("us-east-1:pool", "authenticated"))
    signed_in = web_identity_context("us-east-1:pool", "us-east-1:id", ["authenticated", "cognito-idp…"])
    assert trusts_web_identity(role, signed_in).allowed
    assert not trusts_web_identity(role, web_identity_context("us-east-1:other", "us-east-1:id", ["authenticated"])).allowed
    assert not trusts_web_identity(role, web_identity_context("us-east-1:pool", "us-east-1:id", ["unauthenticated"])).allowed
    only_bob = {**role.trust_policy["Statement"][0], "Condition": {"StringEquals": {
        "cognito-identity.amazonaws.com:sub": "us-east-1:bob"}}}
    assert evaluate([{"Statement": [only_bob]}], "sts:AssumeRoleWithWebIdentity", context=signed_in).outcome == "implicit_deny"
