"""Native user-pool flows behave as on Cognito (aws-facts.md §1.5, §2): a real SRP proof,
NEW_PASSWORD_REQUIRED, TOTP MFA, sign-up codes, refresh, GlobalSignOut and RevokeToken.

boto3 (and pycognito's AWSSRP for the client side of SRP) talk to the sandbox over real HTTP.
Tests that change a user's state seed a topology of their own.
"""

from __future__ import annotations

import base64
import json
import re
import time
from datetime import datetime, timezone
from typing import Any, Callable, Iterator

import pytest
from botocore.exceptions import ClientError
from pycognito.aws_srp import AWSSRP

from sandbox import srp, totp
from sandbox.topology import release, seed
from sandbox.user_pool_api import expected_secret_hash
from tests.sandbox.helpers import admin_client, claims, signed_helper, unsigned_client

INCORRECT = ("NotAuthorizedException", "Incorrect username or password.")
HEX = re.compile(r"[0-9a-f]+")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")


@pytest.fixture()
def fresh_topology(sandbox_server) -> Iterator[dict[str, Any]]:
    seeded = seed(sandbox_server)
    yield seeded
    release(sandbox_server, seeded)


def _error(call: Callable[[], Any]) -> tuple[str, str]:
    with pytest.raises(ClientError) as caught:
        call()
    return caught.value.response["Error"]["Code"], caught.value.response["Error"]["Message"]


def _public(topology: dict[str, Any]) -> str:
    return topology["clients"]["public"]["client_id"]


def _password_of(topology: dict[str, Any], username: str) -> str:
    return next(u["password"] for u in topology["users"] if u["username"] == username)


def _srp_client(topology, username, password, client_id=None, client_secret=None) -> AWSSRP:
    return AWSSRP(username, password, topology["user_pool_id"], client_id or _public(topology),
                  client=unsigned_client(topology, "cognito-idp"), client_secret=client_secret)


def _srp_sign_in(topology, username, password=None, client_id=None, client_secret=None) -> dict[str, Any]:
    """Both SRP exchanges, whatever the second one answers (tokens or the next challenge)."""
    client = _srp_client(topology, username, password or _password_of(topology, username), client_id, client_secret)
    parameters = client.get_auth_params()
    idp = client.client
    challenge = idp.initiate_auth(ClientId=client.client_id, AuthFlow="USER_SRP_AUTH", AuthParameters=parameters)
    return idp.respond_to_auth_challenge(ClientId=client.client_id, ChallengeName="PASSWORD_VERIFIER",
                                         ChallengeResponses=client.process_challenge(challenge["ChallengeParameters"], parameters))


def _password_sign_in(topology, username, password=None) -> dict[str, Any]:
    return unsigned_client(topology, "cognito-idp").initiate_auth(
        ClientId=_public(topology), AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": password or _password_of(topology, username)})


def _extra_client(topology, **settings: Any) -> dict[str, Any]:
    """An app client the seeded topology lacks, created as a team would (a signed admin call)."""
    admin = admin_client(topology, "cognito-idp")
    return admin.create_user_pool_client(UserPoolId=topology["user_pool_id"], ClientName="extra", **settings)["UserPoolClient"]


# --- USER_SRP_AUTH ----------------------------------------------------------------------------

def test_srp_with_the_right_password_gets_cognito_shaped_tokens(topology):
    # aws-facts.md §2.2: PASSWORD_VERIFIER answered with a valid signature → tokens (§1.2 shape).
    tokens = _srp_client(topology, "alice", "Alice-passw0rd!").authenticate_user()["AuthenticationResult"]
    id_claims = claims(tokens["IdToken"])
    assert id_claims["cognito:username"] == "alice" and id_claims["token_use"] == "id"
    assert claims(tokens["AccessToken"])["scope"] == "aws.cognito.signin.user.admin"  # §2.5
    assert tokens["TokenType"] == "Bearer" and tokens["RefreshToken"]


def test_srp_with_a_wrong_password_is_refused_at_the_proof(topology):
    # aws-facts.md §2.2, §2.6: the signature doesn't verify → "Incorrect username or password."
    assert _error(lambda: _srp_client(topology, "alice", "not-her-password").authenticate_user()) == INCORRECT


def test_srp_challenge_parameters_follow_cognito(topology):
    # aws-facts.md §2.2: SRP_B and SALT in hex, SECRET_BLOCK in base64, USER_ID_FOR_SRP = the
    # internal username (the username itself in a pool without UsernameAttributes), no Session.
    client = _srp_client(topology, "alice", "x")
    answer = client.client.initiate_auth(ClientId=client.client_id, AuthFlow="USER_SRP_AUTH",
                                         AuthParameters=client.get_auth_params())
    parameters = answer["ChallengeParameters"]
    assert answer["ChallengeName"] == "PASSWORD_VERIFIER" and "Session" not in answer
    assert HEX.fullmatch(parameters["SRP_B"]) and HEX.fullmatch(parameters["SALT"])
    assert base64.b64decode(parameters["SECRET_BLOCK"], validate=True)
    assert parameters["USER_ID_FOR_SRP"] == parameters["USERNAME"] == "alice"


def test_srp_salt_is_kept_per_user(topology):
    # The verifier (and its salt) is made once per password, as a real pool stores it.
    salts = {_srp_client(topology, "bob", "x").client.initiate_auth(
        ClientId=_public(topology), AuthFlow="USER_SRP_AUTH",
        AuthParameters={"USERNAME": "bob", "SRP_A": "abc123"})["ChallengeParameters"]["SALT"] for _ in range(2)}
    assert len(salts) == 1


def test_srp_unknown_user_gets_a_simulated_challenge_then_the_generic_error(topology):
    # aws-facts.md §2.2: with PreventUserExistenceErrors=ENABLED the SRP step is simulated (same
    # salt, a UUID user id, for the same username) and the error comes at RespondToAuthChallenge.
    idp = unsigned_client(topology, "cognito-idp")
    first, second = (idp.initiate_auth(ClientId=_public(topology), AuthFlow="USER_SRP_AUTH", AuthParameters={
        "USERNAME": "nobody", "SRP_A": "abc123"})["ChallengeParameters"] for _ in range(2))
    assert first["SALT"] == second["SALT"] and first["USER_ID_FOR_SRP"] == second["USER_ID_FOR_SRP"]
    assert UUID.fullmatch(first["USER_ID_FOR_SRP"])
    assert _error(lambda: _srp_client(topology, "nobody", "whatever").authenticate_user()) == INCORRECT


def test_srp_unknown_user_with_legacy_errors_is_user_not_found(topology):
    # aws-facts.md §2.6: PreventUserExistenceErrors=LEGACY (the API default) → UserNotFoundException.
    legacy = _extra_client(topology, ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])
    assert _error(lambda: _srp_client(topology, "nobody", "x", legacy["ClientId"]).authenticate_user()) == (
        "UserNotFoundException", "User does not exist.")


def test_srp_unconfirmed_user_is_told_so(topology):
    # aws-facts.md §2.6: UserNotConfirmedException (the sandbox answers it at InitiateAuth).
    assert _error(lambda: _srp_client(topology, "dave", "x").authenticate_user()) == (
        "UserNotConfirmedException", "User is not confirmed.")


def test_srp_with_a_client_secret_needs_secret_hash_on_both_calls(topology):
    # aws-facts.md §2.4: SECRET_HASH on InitiateAuth and on the challenge answer (§2.3).
    confidential = _extra_client(topology, GenerateSecret=True, PreventUserExistenceErrors="ENABLED",
                                 ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])
    client_id, secret = confidential["ClientId"], confidential["ClientSecret"]
    tokens = _srp_client(topology, "bob", "Bob-passw0rd!", client_id, secret).authenticate_user()
    assert claims(tokens["AuthenticationResult"]["IdToken"])["aud"] == client_id
    assert _error(lambda: _srp_client(topology, "bob", "Bob-passw0rd!", client_id).authenticate_user()) == (
        "NotAuthorizedException", f"Unable to verify secret hash for client {client_id}")
    assert _error(lambda: _srp_client(topology, "bob", "Bob-passw0rd!", client_id, "wrong-secret").authenticate_user()) == (
        "NotAuthorizedException", f"SecretHash does not match for the client: {client_id}")


def _proof_with_timestamp(topology, timestamp: str) -> tuple[Any, dict[str, str]]:
    """A correct signature over a timestamp of our choosing (pycognito always writes "now")."""
    client = _srp_client(topology, "carol", "Carol-passw0rd!")
    parameters = client.get_auth_params()
    challenge = client.client.initiate_auth(ClientId=client.client_id, AuthFlow="USER_SRP_AUTH", AuthParameters=parameters)
    original = AWSSRP.get_cognito_formatted_timestamp
    AWSSRP.get_cognito_formatted_timestamp = staticmethod(lambda _: timestamp)
    try:
        return client, client.process_challenge(challenge["ChallengeParameters"], parameters)
    finally:
        AWSSRP.get_cognito_formatted_timestamp = staticmethod(original)


def test_srp_timestamp_must_be_in_cognitos_format(topology):
    # aws-facts.md §2.2: "ddd MMM D HH:mm:ss UTC YYYY"; an ISO timestamp fails even when signed.
    client, proof = _proof_with_timestamp(topology, datetime.now(timezone.utc).isoformat())
    assert _error(lambda: client.client.respond_to_auth_challenge(
        ClientId=client.client_id, ChallengeName="PASSWORD_VERIFIER", ChallengeResponses=proof)) == INCORRECT


def test_timestamp_format_has_an_unpadded_day():
    # aws-facts.md §2.2: "Tue Sep 3 07:05:09 UTC 2024", not "Sep 03".
    assert srp.parse_timestamp("Tue Sep 3 07:05:09 UTC 2024") == datetime(2024, 9, 3, 7, 5, 9, tzinfo=timezone.utc)
    assert srp.parse_timestamp("Tue Sep 03 07:05:09 UTC 2024") is None
    assert srp.parse_timestamp("Wed Sep 3 07:05:09 UTC 2024") is None  # the wrong weekday


def test_srp_secret_block_answers_one_proof_only(topology):
    # The SECRET_BLOCK binds one challenge: a replayed proof is refused.
    client, proof = _proof_with_timestamp(topology, srp.format_timestamp(datetime.now(timezone.utc)))
    respond = lambda: client.client.respond_to_auth_challenge(  # noqa: E731
        ClientId=client.client_id, ChallengeName="PASSWORD_VERIFIER", ChallengeResponses=proof)
    assert "AuthenticationResult" in respond()
    assert _error(respond)[0] == "NotAuthorizedException"


def test_srp_challenge_expires_after_three_minutes(topology, sandbox_server, monkeypatch):
    # aws-facts.md §1.5: the auth-flow session lasts 3 minutes by default.
    client = _srp_client(topology, "carol", "Carol-passw0rd!")
    parameters = client.get_auth_params()
    challenge = client.client.initiate_auth(ClientId=client.client_id, AuthFlow="USER_SRP_AUTH", AuthParameters=parameters)
    proof = client.process_challenge(challenge["ChallengeParameters"], parameters)
    monkeypatch.setattr(sandbox_server.app.user_pools, "clock", lambda: time.time() + 181)
    assert _error(lambda: client.client.respond_to_auth_challenge(
        ClientId=client.client_id, ChallengeName="PASSWORD_VERIFIER", ChallengeResponses=proof)) == (
        "NotAuthorizedException", "Invalid session for the user, session is expired.")


# --- NEW_PASSWORD_REQUIRED ---------------------------------------------------------------------

def test_new_password_required_parameters_are_json_strings(topology):
    # aws-facts.md §2.3: userAttributes and requiredAttributes are JSON-encoded strings.
    answer = _password_sign_in(topology, "erin")
    parameters = answer["ChallengeParameters"]
    assert answer["ChallengeName"] == "NEW_PASSWORD_REQUIRED" and answer["Session"]
    assert parameters["USER_ID_FOR_SRP"] == "erin"
    assert json.loads(parameters["requiredAttributes"]) == []
    assert json.loads(parameters["userAttributes"])["email"] == "erin@example.com"
    assert "sub" not in json.loads(parameters["userAttributes"])


def test_srp_leads_to_new_password_required_too(topology):
    # aws-facts.md §2.3: after the SRP proof, a temporary password still needs replacing.
    answer = _srp_sign_in(topology, "erin")
    assert answer["ChallengeName"] == "NEW_PASSWORD_REQUIRED" and answer["Session"]


def test_new_password_completes_the_sign_in(fresh_topology):
    # aws-facts.md §2.3: {"USERNAME", "NEW_PASSWORD"} with the Session → tokens; the new password is the password.
    session = _password_sign_in(fresh_topology, "erin")["Session"]
    idp = unsigned_client(fresh_topology, "cognito-idp")
    answer = idp.respond_to_auth_challenge(ClientId=_public(fresh_topology), ChallengeName="NEW_PASSWORD_REQUIRED",
                                           Session=session, ChallengeResponses={"USERNAME": "erin", "NEW_PASSWORD": "Erin-new-passw0rd!"})
    assert claims(answer["AuthenticationResult"]["IdToken"])["cognito:username"] == "erin"
    assert "AuthenticationResult" in _srp_sign_in(fresh_topology, "erin", "Erin-new-passw0rd!")
    assert _error(lambda: _srp_sign_in(fresh_topology, "erin")) == INCORRECT


def test_new_password_must_meet_the_policy(fresh_topology):
    session = _password_sign_in(fresh_topology, "erin")["Session"]
    code, _ = _error(lambda: unsigned_client(fresh_topology, "cognito-idp").respond_to_auth_challenge(
        ClientId=_public(fresh_topology), ChallengeName="NEW_PASSWORD_REQUIRED", Session=session,
        ChallengeResponses={"USERNAME": "erin", "NEW_PASSWORD": "short"}))
    assert code == "InvalidPasswordException"


# --- SOFTWARE_TOKEN_MFA ------------------------------------------------------------------------

def _frank_secret(topology) -> str:
    return next(u["totp_secret"] for u in topology["users"] if u["username"] == "frank")


def _answer_totp(topology, session: str, code: str) -> dict[str, Any]:
    return unsigned_client(topology, "cognito-idp").respond_to_auth_challenge(
        ClientId=_public(topology), ChallengeName="SOFTWARE_TOKEN_MFA", Session=session,
        ChallengeResponses={"USERNAME": "frank", "SOFTWARE_TOKEN_MFA_CODE": code})


def test_totp_user_gets_the_software_token_challenge_after_either_flow(topology):
    # aws-facts.md §2.3: a user with an authenticator app answers SOFTWARE_TOKEN_MFA after the password.
    for answer in (_password_sign_in(topology, "frank"), _srp_sign_in(topology, "frank")):
        assert answer["ChallengeName"] == "SOFTWARE_TOKEN_MFA" and answer["Session"]


def test_totp_right_code_gets_tokens(topology):
    # aws-facts.md §2.3: SOFTWARE_TOKEN_MFA_CODE = the current RFC 6238 code of the user's secret.
    session = _password_sign_in(topology, "frank")["Session"]
    answer = _answer_totp(topology, session, totp.code_at(_frank_secret(topology), time.time()))
    assert claims(answer["AuthenticationResult"]["IdToken"])["cognito:username"] == "frank"


def test_totp_wrong_code_is_a_code_mismatch_and_the_session_stays(topology):
    # aws-facts.md §2.3 (RespondToAuthChallenge adds CodeMismatchException).
    session = _password_sign_in(topology, "frank")["Session"]
    # The next step's code (accepted for drift): this step's was spent by the test above, and a
    # code is good once (test_fidelity_round2.py).
    right = totp.code_at(_frank_secret(topology), time.time() + totp.STEP_SECONDS)
    wrong = f"{(int(right) + 500000) % 1000000:06d}"
    assert _error(lambda: _answer_totp(topology, session, wrong)) == (
        "CodeMismatchException", "Invalid code received for user")
    assert "AuthenticationResult" in _answer_totp(topology, session, right)


def test_each_user_gets_their_own_authenticator_secret(topology):
    # moto hands everyone one secret; Cognito makes one per user, enabled by a right first code.
    access_token = _password_sign_in(topology, "carol")["AuthenticationResult"]["AccessToken"]
    idp = unsigned_client(topology, "cognito-idp")
    secret = idp.associate_software_token(AccessToken=access_token)["SecretCode"]
    assert secret != _frank_secret(topology) and re.fullmatch(r"[A-Z2-7]{32}", secret)
    code, _ = _error(lambda: idp.verify_software_token(AccessToken=access_token, UserCode="000000"
                                                       if totp.code_at(secret, time.time()) != "000000" else "111111"))
    assert code == "CodeMismatchException"
    assert idp.verify_software_token(AccessToken=access_token, UserCode=totp.code_at(secret, time.time()))["Status"] == "SUCCESS"


def test_totp_follows_rfc_6238():
    # RFC 6238 appendix B (SHA-1 seed "12345678901234567890"), last 6 of the 8 digits.
    secret = base64.b32encode(b"12345678901234567890").decode()
    assert [totp.code_at(secret, t) for t in (59, 1111111109, 20000000000)] == ["287082", "081804", "353130"]
    assert totp.matches(secret, "287082", 59 + 30) and not totp.matches(secret, "287082", 59 + 90)


# --- SignUp → ConfirmSignUp --------------------------------------------------------------------

def _outbox(topology) -> list[dict[str, Any]]:
    response = signed_helper(topology, "GET", f"/_sandbox/messages/{topology['user_pool_id']}")
    assert response.status_code == 200
    return response.json()["Messages"]


def test_sign_up_says_where_the_code_went_and_the_sandbox_outbox_shows_it(topology):
    # aws-facts.md §2.6 family: CodeDeliveryDetails is masked and carries no code; the outbox is sandbox-only.
    idp = unsigned_client(topology, "cognito-idp")
    answer = idp.sign_up(ClientId=_public(topology), Username="gina", Password="Gina-passw0rd!",
                         UserAttributes=[{"Name": "email", "Value": "gina@example.com"}])
    assert answer["UserConfirmed"] is False and UUID.fullmatch(answer["UserSub"])
    assert answer["CodeDeliveryDetails"] == {"Destination": "g***@e***", "DeliveryMedium": "EMAIL", "AttributeName": "email"}
    [message] = [m for m in _outbox(topology) if m["username"] == "gina"]
    assert re.fullmatch(r"\d{6}", message["code"]) and message["destination"] == "g***@e***"


def test_confirm_sign_up_refuses_a_wrong_code_and_accepts_the_sent_one(topology):
    # RespondToAuthChallenge/ConfirmSignUp error list: CodeMismatchException (aws-facts.md §2.6).
    idp = unsigned_client(topology, "cognito-idp")
    idp.sign_up(ClientId=_public(topology), Username="hana", Password="Hana-passw0rd!",
                UserAttributes=[{"Name": "email", "Value": "hana@example.com"}])
    code = next(m["code"] for m in _outbox(topology) if m["username"] == "hana")
    wrong = "000000" if code != "000000" else "111111"
    confirm = lambda given: idp.confirm_sign_up(ClientId=_public(topology), Username="hana", ConfirmationCode=given)  # noqa: E731
    assert _error(lambda: confirm(wrong))[0] == "CodeMismatchException"
    assert _error(lambda: _password_sign_in(topology, "hana", "Hana-passw0rd!"))[0] == "UserNotConfirmedException"
    confirm(code)
    assert "AuthenticationResult" in _password_sign_in(topology, "hana", "Hana-passw0rd!")
    assert _error(lambda: confirm(code))[0] == "NotAuthorizedException"  # already CONFIRMED


def test_sign_up_of_an_existing_username(topology):
    assert _error(lambda: unsigned_client(topology, "cognito-idp").sign_up(
        ClientId=_public(topology), Username="alice", Password="Alice-passw0rd!")) == (
        "UsernameExistsException", "User already exists")


def test_outbox_of_an_unknown_pool_is_not_found(topology):
    assert signed_helper(topology, "GET", "/_sandbox/messages/us-east-1_nope").status_code == 404


# --- refresh, GlobalSignOut, RevokeToken ------------------------------------------------------

def _refresh(topology, refresh_token: str, client_id: str | None = None, **extra: str) -> dict[str, Any]:
    return unsigned_client(topology, "cognito-idp").initiate_auth(
        ClientId=client_id or _public(topology), AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": refresh_token, **extra})["AuthenticationResult"]


def test_refresh_after_srp_keeps_auth_time(topology):
    # aws-facts.md §1.5: "auth_time represents the time when the original authentication occurred".
    signed_in = _srp_sign_in(topology, "bob")["AuthenticationResult"]
    time.sleep(1.1)
    refreshed = _refresh(topology, signed_in["RefreshToken"])
    before, after = claims(signed_in["IdToken"]), claims(refreshed["IdToken"])
    assert after["auth_time"] == before["auth_time"] and after["iat"] > before["iat"]
    assert "RefreshToken" not in refreshed  # no rotation: the same refresh token stays in use


def test_unknown_refresh_token_is_invalid(topology):
    # aws-facts.md §2.6: "Invalid Refresh Token." (moto called it "revoked").
    assert _error(lambda: _refresh(topology, "not-a-refresh-token")) == ("NotAuthorizedException", "Invalid Refresh Token.")


def test_refresh_with_a_client_secret_hashes_the_token_owner(topology):
    # aws-facts.md §2.4: SECRET_HASH on every flow, over the username the refresh token belongs to.
    client = topology["clients"]["confidential"]
    signed_in = unsigned_client(topology, "cognito-idp").initiate_auth(
        ClientId=client["client_id"], AuthFlow="USER_PASSWORD_AUTH", AuthParameters={
            "USERNAME": "bob", "PASSWORD": "Bob-passw0rd!",
            "SECRET_HASH": expected_secret_hash(client["client_secret"], "bob", client["client_id"])})["AuthenticationResult"]
    assert _error(lambda: _refresh(topology, signed_in["RefreshToken"], client["client_id"])) == (
        "NotAuthorizedException", f"Unable to verify secret hash for client {client['client_id']}")
    right = expected_secret_hash(client["client_secret"], "bob", client["client_id"])
    assert _refresh(topology, signed_in["RefreshToken"], client["client_id"], SECRET_HASH=right)["IdToken"]


def test_global_sign_out_revokes_refresh_and_access_tokens(fresh_topology):
    # aws-facts.md §1.5, §2.6: the refresh token "can't be used any more", and GetUser answers
    # "Access Token has been revoked".
    signed_in = _password_sign_in(fresh_topology, "alice")["AuthenticationResult"]
    idp = unsigned_client(fresh_topology, "cognito-idp")
    idp.global_sign_out(AccessToken=signed_in["AccessToken"])
    assert _error(lambda: idp.get_user(AccessToken=signed_in["AccessToken"])) == (
        "NotAuthorizedException", "Access Token has been revoked")
    assert _error(lambda: _refresh(fresh_topology, signed_in["RefreshToken"])) == (
        "NotAuthorizedException", "Refresh Token has been revoked")
    fresh = _password_sign_in(fresh_topology, "alice")["AuthenticationResult"]  # signing in again works
    assert idp.get_user(AccessToken=fresh["AccessToken"])["Username"] == "alice"


def test_revoke_token_revokes_that_sign_in_only(topology):
    # aws-facts.md §1.5: "Revoking a refresh token revokes all tokens issued from it".
    revoked, other = (_password_sign_in(topology, "carol")["AuthenticationResult"] for _ in range(2))
    idp = unsigned_client(topology, "cognito-idp")
    assert idp.revoke_token(ClientId=_public(topology), Token=revoked["RefreshToken"])["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert _error(lambda: idp.get_user(AccessToken=revoked["AccessToken"])) == (
        "NotAuthorizedException", "Access Token has been revoked")
    assert _error(lambda: _refresh(topology, revoked["RefreshToken"])) == (
        "NotAuthorizedException", "Refresh Token has been revoked")
    assert idp.get_user(AccessToken=other["AccessToken"])["Username"] == "carol"
    assert _refresh(topology, other["RefreshToken"])["AccessToken"]
    idp.revoke_token(ClientId=_public(topology), Token=revoked["RefreshToken"])  # again: still no error (§3.4)


def test_revoke_token_wants_a_refresh_token(topology):
    signed_in = _password_sign_in(topology, "carol")["AuthenticationResult"]
    assert _error(lambda: unsigned_client(topology, "cognito-idp").revoke_token(
        ClientId=_public(topology), Token=signed_in["AccessToken"]))[0] == "UnsupportedTokenTypeException"


def test_revoke_token_of_a_confidential_client_needs_its_secret(topology):
    client = topology["clients"]["confidential"]
    code, message = _error(lambda: unsigned_client(topology, "cognito-idp").revoke_token(
        ClientId=client["client_id"], Token="anything"))
    assert code == "NotAuthorizedException" and client["client_id"] in message
