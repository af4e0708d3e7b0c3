"""The basic (classic) flow and STS, as AWS plays them (aws-facts.md §4.2, §4.3, §4.5).

GetOpenIdToken issues the identity pool's own OpenID token; STS AssumeRoleWithWebIdentity checks
it and the role's trust policy; GetCallerIdentity says whose credentials a signed call carries.
"""

from __future__ import annotations

import datetime
import time
from xml.etree import ElementTree

import jwt
import pytest
import requests
from botocore.exceptions import ClientError

from sandbox.iam import Role, cognito_trust_policy
from tests.sandbox.helpers import admin_client, sign_in, unsigned_client
from tests.sandbox.identity_helpers import enhanced_credentials, open_id_token, provider, sts_with

STS_XML = "{https://sts.amazonaws.com/doc/2011-06-15/}"


@pytest.fixture(scope="module")
def alice(topology):
    return sign_in(topology, "alice")


@pytest.fixture(scope="module")
def sts(topology):
    return unsigned_client(topology, "sts")


def _assume(sts, role_arn, token, **extra):
    return sts.assume_role_with_web_identity(RoleArn=role_arn, RoleSessionName="lab-session",
                                             WebIdentityToken=token, **extra)


def _error(call) -> tuple[str, str, int]:
    with pytest.raises(ClientError) as caught:
        call()
    response = caught.value.response
    return response["Error"]["Code"], response["Error"]["Message"], response["ResponseMetadata"]["HTTPStatusCode"]


def _raw_assume(topology, **params) -> requests.Response:
    # Raw query-protocol POST: botocore would refuse out-of-bounds values before sending them.
    form = {"Action": "AssumeRoleWithWebIdentity", "Version": "2011-06-15", "RoleSessionName": "lab", **params}
    return requests.post(topology["endpoint"] + "/", data=form, timeout=5)


def _xml_error(response: requests.Response) -> tuple[str, str, str]:
    error = ElementTree.fromstring(response.text).find(f"{STS_XML}Error")
    return tuple(error.find(f"{STS_XML}{name}").text for name in ("Type", "Code", "Message"))


# --- GetOpenIdToken -----------------------------------------------------------------------------
def test_open_id_token_is_the_identity_pools_own_token(topology, alice):
    # aws-facts.md §4.3: iss cognito-identity, aud = identity pool id, sub = identity id; §4.2: 10 minutes.
    response = open_id_token(topology, alice["IdToken"])
    claims = jwt.decode(response["Token"], options={"verify_signature": False})
    assert claims["iss"] == "https://cognito-identity.amazonaws.com"
    assert claims["aud"] == topology["identity_pool_id"] and claims["sub"] == response["IdentityId"]
    assert claims["exp"] - claims["iat"] == 600
    # UNCONFIRMED (aws-facts.md open item 8): the amr entries of a user-pool login and the header.
    user_sub = jwt.decode(alice["IdToken"], options={"verify_signature": False})["sub"]
    assert claims["amr"] == ["authenticated", provider(topology), f"{provider(topology)}:CognitoSignIn:{user_sub}"]
    assert jwt.get_unverified_header(response["Token"])["alg"] == "RS512"


def test_guest_open_id_token_says_unauthenticated(topology):
    # aws-facts.md §4.3: amr is "unauthenticated" for a guest.
    token = open_id_token(topology)["Token"]
    assert jwt.decode(token, options={"verify_signature": False})["amr"] == ["unauthenticated"]


def test_open_id_token_needs_the_identitys_login(topology, alice):
    # aws-facts.md §4.1: "Logins don't match…" for an authenticated identity without its login.
    identity = unsigned_client(topology, "cognito-identity")
    identity_id = identity.get_id(IdentityPoolId=topology["identity_pool_id"],
                                  Logins={provider(topology): alice["IdToken"]})["IdentityId"]
    code, message, _ = _error(lambda: identity.get_open_id_token(IdentityId=identity_id))
    assert code == "NotAuthorizedException" and message.startswith("Logins don't match.")


def test_pool_without_classic_flow_refuses_get_open_id_token(topology):
    # aws-facts.md §4.1: AllowClassicFlow false → InvalidParameterException on GetOpenIdToken.
    identity = admin_client(topology, "cognito-identity")  # creating a pool is a signed call
    pool_id = identity.create_identity_pool(IdentityPoolName="no_classic", AllowUnauthenticatedIdentities=True,
                                            AllowClassicFlow=False)["IdentityPoolId"]
    try:
        identity_id = identity.get_id(IdentityPoolId=pool_id)["IdentityId"]
        assert _error(lambda: identity.get_open_id_token(IdentityId=identity_id)) == (
            "InvalidParameterException", "Basic (classic) flow is not enabled, please use enhanced flow.", 400)
    finally:
        identity.delete_identity_pool(IdentityPoolId=pool_id)


# --- AssumeRoleWithWebIdentity -------------------------------------------------------------------
def test_assume_role_with_web_identity_returns_one_hour_credentials(topology, alice, sts):
    # aws-facts.md §4.2 (DurationSeconds defaults to 3600) and §4.5 (output fields).
    opened = open_id_token(topology, alice["IdToken"])
    response = _assume(sts, topology["roles"]["authenticated"], opened["Token"])
    role_name = topology["roles"]["authenticated"].rsplit("/", 1)[-1]
    assert response["SubjectFromWebIdentityToken"] == opened["IdentityId"]
    assert response["Audience"] == topology["identity_pool_id"]
    assert response["Provider"] == "https://cognito-identity.amazonaws.com"  # = iss [STS-model]; UNCONFIRMED form
    assert response["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::123456789012:assumed-role/{role_name}/lab-session"
    assert response["AssumedRoleUser"]["AssumedRoleId"].startswith("AROA")
    assert response["Credentials"]["AccessKeyId"].startswith("ASIA")
    remaining = response["Credentials"]["Expiration"] - datetime.datetime.now(datetime.timezone.utc)
    assert datetime.timedelta(minutes=59) < remaining <= datetime.timedelta(hours=1)


def test_duration_seconds_sets_the_lifetime(topology, alice, sts):
    # aws-facts.md §4.2: DurationSeconds from 900.
    response = _assume(sts, topology["roles"]["authenticated"], open_id_token(topology, alice["IdToken"])["Token"],
                       DurationSeconds=900)
    remaining = response["Credentials"]["Expiration"] - datetime.datetime.now(datetime.timezone.utc)
    assert datetime.timedelta(minutes=14) < remaining <= datetime.timedelta(minutes=15)


@pytest.mark.parametrize(("duration", "bound"), [("899", "greater than or equal to 900"),
                                                 ("43201", "less than or equal to 43200")])
def test_duration_seconds_out_of_bounds_is_a_validation_error(topology, alice, duration, bound):
    # [STS-model] roleDurationSecondsType: 900–43200.
    token = open_id_token(topology, alice["IdToken"])["Token"]
    response = _raw_assume(topology, RoleArn=topology["roles"]["authenticated"], WebIdentityToken=token,
                           DurationSeconds=duration)
    kind, code, message = _xml_error(response)
    assert (response.status_code, kind, code) == (400, "Sender", "ValidationError") and message.endswith(bound)


def test_duration_above_the_roles_maximum_session_is_refused(topology, alice, sts):
    # aws-facts.md §4.2: "up to the role's max session" (IAM's default: one hour).
    token = open_id_token(topology, alice["IdToken"])["Token"]
    assert _error(lambda: _assume(sts, topology["roles"]["authenticated"], token, DurationSeconds=7200)) == (
        "ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.", 400)


def test_a_role_with_a_twelve_hour_maximum_allows_43200(sandbox_server, topology, alice, sts):
    # aws-facts.md §4.2: the role's max session is 1–12 h.
    role_arn = topology["roles"]["authenticated"] + "-LongSessions"
    sandbox_server.app.iam.put(Role(role_arn, cognito_trust_policy(topology["identity_pool_id"], "authenticated"),
                                    max_session_duration=43200))
    try:
        response = _assume(sts, role_arn, open_id_token(topology, alice["IdToken"])["Token"], DurationSeconds=43200)
        remaining = response["Credentials"]["Expiration"] - datetime.datetime.now(datetime.timezone.utc)
        assert datetime.timedelta(hours=11, minutes=59) < remaining <= datetime.timedelta(hours=12)
    finally:
        sandbox_server.app.iam.remove(role_arn)


def test_guest_token_cannot_assume_the_authenticated_role(topology, sts):
    # aws-facts.md §4.5: the trust policy's amr condition; refused with AccessDenied (HTTP 403).
    token = open_id_token(topology)["Token"]
    assert _error(lambda: _assume(sts, topology["roles"]["authenticated"], token)) == (
        "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity", 403)
    assert _assume(sts, topology["roles"]["unauthenticated"], token)["Credentials"]["AccessKeyId"]


def test_role_trusting_another_pool_is_refused(topology, alice, sts):
    # aws-facts.md §4.5: the aud condition names another identity pool.
    token = open_id_token(topology, alice["IdToken"])["Token"]
    assert _error(lambda: _assume(sts, topology["roles"]["mistrusted"], token)) == (
        "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity", 403)


def test_unknown_role_is_refused_the_same_way(topology, alice, sts):
    token = open_id_token(topology, alice["IdToken"])["Token"]
    code, _, status = _error(lambda: _assume(sts, topology["roles"]["authenticated"] + "-Missing", token))
    assert (code, status) == ("AccessDenied", 403)


def test_access_denied_is_an_sts_xml_error(topology, alice):
    # aws-facts.md §4.5; STS's query-protocol error shape <ErrorResponse><Error><Type>…
    token = open_id_token(topology, alice["IdToken"])["Token"]
    response = _raw_assume(topology, RoleArn=topology["roles"]["mistrusted"], WebIdentityToken=token)
    assert response.status_code == 403 and response.headers["Content-Type"].startswith("text/xml")
    assert _xml_error(response) == ("Sender", "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity")


def test_tampered_or_foreign_token_is_an_invalid_identity_token(topology, alice, sts):
    # aws-facts.md §4.5: InvalidIdentityToken; a user-pool ID token is not the pool's OpenID token.
    token = open_id_token(topology, alice["IdToken"])["Token"]
    header, payload, signature = token.split(".")
    tampered = ".".join((header, payload, ("A" if signature[0] != "A" else "B") + signature[1:]))
    for bad in (tampered, alice["IdToken"], "not-a-jwt"):
        code, _, status = _error(lambda: _assume(sts, topology["roles"]["authenticated"], bad))
        assert (code, status) == ("InvalidIdentityToken", 400)


def test_expired_open_id_token(sandbox_server, topology, alice, sts, monkeypatch):
    # aws-facts.md §4.2: valid 10 minutes; STS answers ExpiredTokenException (text as seen from real STS).
    token = open_id_token(topology, alice["IdToken"])["Token"]
    monkeypatch.setattr(sandbox_server.app.sts, "clock", lambda: time.time() + 601)
    code, message, status = _error(lambda: _assume(sts, topology["roles"]["authenticated"], token))
    assert (code, status) == ("ExpiredTokenException", 400)
    assert message.startswith("Token expired: current date/time ") and " must be before the expiration date/time " in message


# --- GetCallerIdentity ----------------------------------------------------------------------------
def test_get_caller_identity_names_the_assumed_role(topology, alice, sts):
    # The enhanced flow's session is CognitoIdentityCredentials; the basic flow's is RoleSessionName.
    enhanced = enhanced_credentials(topology, alice["IdToken"])["Credentials"]
    admins = topology["roles"]["admins"].rsplit("/", 1)[-1]
    caller = sts_with(topology, enhanced).get_caller_identity()
    assert caller["Arn"] == f"arn:aws:sts::123456789012:assumed-role/{admins}/CognitoIdentityCredentials"
    assert caller["Account"] == "123456789012" and caller["UserId"].endswith(":CognitoIdentityCredentials")
    basic = _assume(sts, topology["roles"]["admins"], open_id_token(topology, alice["IdToken"])["Token"])
    assert sts_with(topology, basic["Credentials"]).get_caller_identity()["Arn"] == basic["AssumedRoleUser"]["Arn"]


def test_get_caller_identity_checks_the_signature(sandbox_server, topology, alice, sts, monkeypatch):
    credentials = enhanced_credentials(topology, alice["IdToken"])["Credentials"]
    assert _error(lambda: sts.get_caller_identity())[::2] == ("MissingAuthenticationToken", 403)
    unknown = {**credentials, "AccessKeyId": "ASIAUNKNOWNKEY000000"}
    assert _error(lambda: sts_with(topology, unknown).get_caller_identity()) == (
        "InvalidClientTokenId", "The security token included in the request is invalid.", 403)
    wrong_secret = {**credentials, "SecretKey": "x" * 40}
    assert _error(lambda: sts_with(topology, wrong_secret).get_caller_identity())[::2] == ("SignatureDoesNotMatch", 403)
    monkeypatch.setattr(sandbox_server.app.sts, "clock", lambda: time.time() + 3601)
    assert _error(lambda: sts_with(topology, credentials).get_caller_identity()) == (
        "ExpiredToken", "The security token included in the request is expired", 403)


# --- the enhanced flow meets the trust policy too -------------------------------------------------
def test_enhanced_flow_with_a_role_that_does_not_trust_the_pool(topology, alice):
    # aws-facts.md §4.1: "Invalid identity pool configuration. Check assigned IAM roles for this pool."
    identity = admin_client(topology, "cognito-identity")  # creating a pool is a signed call
    pool_id = identity.create_identity_pool(
        IdentityPoolName="borrowed_roles", AllowUnauthenticatedIdentities=False,
        CognitoIdentityProviders=[{"ProviderName": provider(topology), "ServerSideTokenCheck": False,
                                   "ClientId": topology["clients"]["public"]["client_id"]}])["IdentityPoolId"]
    try:
        # The topology's authenticated role trusts the topology's pool only.
        identity.set_identity_pool_roles(IdentityPoolId=pool_id, Roles={"authenticated": topology["roles"]["authenticated"]})
        logins = {provider(topology): alice["IdToken"]}
        identity_id = identity.get_id(IdentityPoolId=pool_id, Logins=logins)["IdentityId"]
        assert _error(lambda: identity.get_credentials_for_identity(IdentityId=identity_id, Logins=logins)) == (
            "InvalidIdentityPoolConfigurationException",
            "Invalid identity pool configuration. Check assigned IAM roles for this pool.", 400)
    finally:
        identity.delete_identity_pool(IdentityPoolId=pool_id)


def test_a_pool_created_without_the_flag_allows_the_basic_flow(topology):
    # aws-facts.md §4.1: "a pool created without the flag allowed it" (aws-cli#7652).
    identity = admin_client(topology, "cognito-identity")
    pool_id = identity.create_identity_pool(IdentityPoolName="no_flag", AllowUnauthenticatedIdentities=True)["IdentityPoolId"]
    assert identity.describe_identity_pool(IdentityPoolId=pool_id)["AllowClassicFlow"] is True
    identity.delete_identity_pool(IdentityPoolId=pool_id)
