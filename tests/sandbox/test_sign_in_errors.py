"""Sign-in failures answer Cognito's own exceptions and messages (aws-facts.md §2)."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from sandbox.user_pool_api import expected_secret_hash
from tests.sandbox.helpers import unsigned_client


def _initiate(topology, username, password, client="public", **extra):
    parameters = {"USERNAME": username, "PASSWORD": password, **extra}
    return unsigned_client(topology, "cognito-idp").initiate_auth(
        ClientId=topology["clients"][client]["client_id"], AuthFlow="USER_PASSWORD_AUTH", AuthParameters=parameters)


def _error(call) -> tuple[str, str, int]:
    with pytest.raises(ClientError) as caught:
        call()
    response = caught.value.response
    return response["Error"]["Code"], response["Error"]["Message"], response["ResponseMetadata"]["HTTPStatusCode"]


def test_wrong_password_is_not_authorized(topology):
    # aws-facts.md §2.6, §0: HTTP 400 NotAuthorizedException "Incorrect username or password."
    assert _error(lambda: _initiate(topology, "alice", "wrong")) == (
        "NotAuthorizedException", "Incorrect username or password.", 400)


def test_unknown_user_looks_like_a_wrong_password_when_existence_errors_are_prevented(topology):
    # aws-facts.md §2.6: PreventUserExistenceErrors=ENABLED hides which users exist.
    assert _error(lambda: _initiate(topology, "nobody", "wrong"))[:2] == (
        "NotAuthorizedException", "Incorrect username or password.")


def test_unconfirmed_user_is_reported_even_with_a_wrong_password(topology):
    # aws-facts.md §2.6: UserNotConfirmedException "even when the password is wrong".
    assert _error(lambda: _initiate(topology, "dave", "wrong"))[:2] == (
        "UserNotConfirmedException", "User is not confirmed.")


def test_flow_not_enabled_on_the_client(topology):
    # aws-facts.md §2.1: the machine client enables no native flow (text UNCONFIRMED on an AWS page).
    assert _error(lambda: _initiate(topology, "alice", "x", client="machine"))[:2] == (
        "InvalidParameterException", "USER_PASSWORD_AUTH flow not enabled for this client")


def test_temporary_password_user_gets_new_password_required(topology):
    # aws-facts.md §2.3: NEW_PASSWORD_REQUIRED for users created with a temporary password.
    response = _initiate(topology, "erin", "Erin-temp0rary!")
    assert response["ChallengeName"] == "NEW_PASSWORD_REQUIRED" and response["Session"]


def test_confidential_client_needs_secret_hash(topology):
    # aws-facts.md §2.4: "Unable to verify secret hash for client <id>".
    client_id = topology["clients"]["confidential"]["client_id"]
    assert _error(lambda: _initiate(topology, "bob", "Bob-passw0rd!", client="confidential"))[:2] == (
        "NotAuthorizedException", f"Unable to verify secret hash for client {client_id}")


def test_confidential_client_rejects_a_wrong_secret_hash(topology):
    # aws-facts.md §2.4: "SecretHash does not match for the client: <id>".
    client_id = topology["clients"]["confidential"]["client_id"]
    wrong = expected_secret_hash("not-the-secret", "bob", client_id)
    assert _error(lambda: _initiate(topology, "bob", "Bob-passw0rd!", client="confidential", SECRET_HASH=wrong))[:2] == (
        "NotAuthorizedException", f"SecretHash does not match for the client: {client_id}")


def test_confidential_client_accepts_the_right_secret_hash(topology):
    client = topology["clients"]["confidential"]
    right = expected_secret_hash(client["client_secret"], "bob", client["client_id"])
    assert "AuthenticationResult" in _initiate(topology, "bob", "Bob-passw0rd!", client="confidential", SECRET_HASH=right)


def test_error_shape_on_the_wire(topology):
    # aws-facts.md §0: 400, x-amzn-ErrorType header, {"__type", "message"} body.
    import requests

    response = requests.post(topology["endpoint"] + "/", timeout=5, headers={
        "X-Amz-Target": "AWSCognitoIdentityProviderService.InitiateAuth",
        "Content-Type": "application/x-amz-json-1.1"},
        json={"ClientId": topology["clients"]["public"]["client_id"], "AuthFlow": "USER_PASSWORD_AUTH",
              "AuthParameters": {"USERNAME": "dave", "PASSWORD": "x"}})
    assert response.status_code == 400
    assert response.headers["x-amzn-ErrorType"].startswith("UserNotConfirmedException")
    assert response.json() == {"__type": "UserNotConfirmedException", "message": "User is not confirmed."}
