"""Choice-based sign-in (USER_AUTH) and passkeys, through boto3 against a software authenticator.

AWS pages followed (cited per test):
- [InitiateAuth] https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_InitiateAuth.html
  (USER_AUTH: USERNAME, PREFERRED_CHALLENGE; AvailableChallenges without a preference)
- [Respond] https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RespondToAuthChallenge.html
  (SELECT_CHALLENGE ANSWER, EMAIL_OTP_CODE, WEB_AUTHN CREDENTIAL = AuthenticationResponseJSON)
- [StartReg] https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_StartWebAuthnRegistration.html
- [CompleteReg] https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CompleteWebAuthnRegistration.html
  (errors: WebAuthnChallengeNotFoundException, WebAuthnOriginNotAllowedException, WebAuthnRelyingPartyMismatchException)
- [List]/[Delete] API_ListWebAuthnCredentials.html, API_DeleteWebAuthnCredential.html
- [AMR] https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-step-up-authentication.html
  (amr example values "pwd", "otp")
- [Session] aws-facts.md §1.5: a challenge session lasts 3 minutes (AuthSessionValidity default)
- WebAuthn Level 3 §7.2 (origin, rpIdHash, UP flag, signature) and §6.1.1 (a sign count that does
  not grow means a cloned authenticator)
"""

from __future__ import annotations

import json
from typing import Any, Callable, Iterator

import pytest
from botocore.exceptions import ClientError

from sandbox.topology import release, seed
from sandbox.user_pool_state import USER_POOLS
from tests.sandbox.helpers import admin_client, claims, sign_in, signed_helper, unsigned_client
from tests.sandbox.software_authenticator import SoftwareAuthenticator


@pytest.fixture(scope="module")
def pool(sandbox_server) -> Iterator[dict[str, Any]]:
    seeded = seed(sandbox_server)
    yield seeded
    release(sandbox_server, seeded)


def _idp(topology: dict[str, Any]) -> Any:
    return unsigned_client(topology, "cognito-idp")


def _error(call: Callable[[], Any]) -> tuple[str, str]:
    with pytest.raises(ClientError) as caught:
        call()
    return caught.value.response["Error"]["Code"], caught.value.response["Error"]["Message"]


def _start(topology: dict[str, Any], username: str, preferred: str | None = None, **more: str) -> dict[str, Any]:
    parameters = {"USERNAME": username, **more, **({"PREFERRED_CHALLENGE": preferred} if preferred else {})}
    return _idp(topology).initiate_auth(ClientId=topology["clients"]["public"]["client_id"],
                                        AuthFlow="USER_AUTH", AuthParameters=parameters)


def _respond(topology: dict[str, Any], name: str, session: str, **responses: str) -> dict[str, Any]:
    return _idp(topology).respond_to_auth_challenge(ClientId=topology["clients"]["public"]["client_id"],
                                                    ChallengeName=name, Session=session, ChallengeResponses=responses)


def _register(topology: dict[str, Any], username: str, authenticator: SoftwareAuthenticator) -> dict[str, Any]:
    access_token = sign_in(topology, username)["AccessToken"]
    options = _idp(topology).start_web_authn_registration(AccessToken=access_token)["CredentialCreationOptions"]
    _idp(topology).complete_web_authn_registration(AccessToken=access_token, Credential=authenticator.create(options))
    return options


def _passkey_sign_in(topology: dict[str, Any], username: str,
                     authenticator: SoftwareAuthenticator) -> dict[str, Any]:
    started = _start(topology, username, "WEB_AUTHN")
    options = json.loads(started["ChallengeParameters"]["CREDENTIAL_REQUEST_OPTIONS"])
    return _respond(topology, "WEB_AUTHN", started["Session"], USERNAME=username,
                    CREDENTIAL=json.dumps(authenticator.get(options)))


def test_without_a_preference_the_user_picks_from_available_challenges(pool) -> None:
    # [InitiateAuth]: no PREFERRED_CHALLENGE → AvailableChallenges; a user with no passkey has no WEB_AUTHN.
    answer = _start(pool, "carol")
    assert answer["ChallengeName"] == "SELECT_CHALLENGE"
    assert answer["AvailableChallenges"] == ["PASSWORD", "PASSWORD_SRP", "EMAIL_OTP"]
    tokens = _respond(pool, "SELECT_CHALLENGE", answer["Session"], USERNAME="carol", ANSWER="PASSWORD",
                      PASSWORD="Carol-passw0rd!")["AuthenticationResult"]
    assert claims(tokens["IdToken"])["amr"] == ["pwd"]  # [AMR]


def test_the_app_client_must_allow_user_auth(pool) -> None:
    # [InitiateAuth] + the client's ExplicitAuthFlows: the rotating client lacks ALLOW_USER_AUTH.
    code, message = _error(lambda: _idp(pool).initiate_auth(
        ClientId=pool["clients"]["rotating"]["client_id"], AuthFlow="USER_AUTH", AuthParameters={"USERNAME": "carol"}))
    assert (code, message) == ("InvalidParameterException", "USER_AUTH flow not enabled for this client")


def _email_code(topology: dict[str, Any], username: str) -> str:
    outbox = signed_helper(topology, "GET", f"/_sandbox/messages/{topology['user_pool_id']}").json()
    sent = [m for m in outbox["Messages"] if m["username"] == username]
    assert sent[-1]["purpose"] == "SignIn" and sent[-1]["delivery_medium"] == "EMAIL"
    return str(sent[-1]["code"])


def test_email_otp_goes_to_the_outbox_and_a_wrong_code_may_be_typed_again(pool) -> None:
    # [Respond] EMAIL_OTP with EMAIL_OTP_CODE; a wrong code is CodeMismatchException.
    started = _start(pool, "bob", "EMAIL_OTP")
    assert started["ChallengeName"] == "EMAIL_OTP"
    assert started["ChallengeParameters"]["CODE_DELIVERY_DELIVERY_MEDIUM"] == "EMAIL"
    code = _email_code(pool, "bob")
    wrong = "0" * 8 if code != "0" * 8 else "1" * 8
    assert _error(lambda: _respond(pool, "EMAIL_OTP", started["Session"], USERNAME="bob", EMAIL_OTP_CODE=wrong))[0] \
        == "CodeMismatchException"
    tokens = _respond(pool, "EMAIL_OTP", started["Session"], USERNAME="bob", EMAIL_OTP_CODE=code)["AuthenticationResult"]
    assert claims(tokens["AccessToken"])["amr"] == ["otp"]  # [AMR]
    # The code is good once: its session is gone.
    assert _error(lambda: _respond(pool, "EMAIL_OTP", started["Session"], USERNAME="bob", EMAIL_OTP_CODE=code))[0] \
        == "NotAuthorizedException"


def test_an_email_code_expires_with_its_session(pool) -> None:
    # [Session]: after 3 minutes the session, and the code with it, is refused.
    started = _start(pool, "bob", "EMAIL_OTP")
    code = _email_code(pool, "bob")
    clock = USER_POOLS.clock
    USER_POOLS.clock = lambda: clock() + 181
    try:
        assert _error(lambda: _respond(pool, "EMAIL_OTP", started["Session"], USERNAME="bob", EMAIL_OTP_CODE=code)) \
            == ("NotAuthorizedException", "Invalid session for the user, session is expired.")
    finally:
        USER_POOLS.clock = clock


def test_a_passkey_registers_lists_and_signs_in(pool) -> None:
    # [StartReg] options for the pool's relying party; [CompleteReg]; [List]; [Respond] WEB_AUTHN.
    authenticator = SoftwareAuthenticator()
    options = _register(pool, "alice", authenticator)
    assert options["rp"]["id"] == "localhost" and options["attestation"] == "none"
    access_token = sign_in(pool, "alice")["AccessToken"]
    listed = _idp(pool).list_web_authn_credentials(AccessToken=access_token)["Credentials"]
    assert [c["CredentialId"] for c in listed] == [authenticator.create(options)["id"]]
    assert listed[0]["RelyingPartyId"] == "localhost"
    assert "WEB_AUTHN" in _start(pool, "alice")["AvailableChallenges"]
    tokens = _passkey_sign_in(pool, "alice", authenticator)["AuthenticationResult"]
    assert claims(tokens["IdToken"])["cognito:username"] == "alice"
    assert claims(tokens["IdToken"])["amr"] == ["webauthn"]  # the sandbox's guess (fidelity note)


def test_a_passkey_from_another_origin_is_refused(pool) -> None:
    # [CompleteReg] WebAuthnOriginNotAllowedException; WebAuthn §7.2 step 9 (origin) at sign-in.
    access_token = sign_in(pool, "carol")["AccessToken"]
    options = _idp(pool).start_web_authn_registration(AccessToken=access_token)["CredentialCreationOptions"]
    phisher = SoftwareAuthenticator(origin="https://evil.example")
    assert _error(lambda: _idp(pool).complete_web_authn_registration(
        AccessToken=access_token, Credential=phisher.create(options)))[0] == "WebAuthnOriginNotAllowedException"
    honest = SoftwareAuthenticator()
    _register(pool, "carol", honest)
    honest.origin = "https://evil.example"
    assert _error(lambda: _passkey_sign_in(pool, "carol", honest))[0] == "NotAuthorizedException"


def test_a_credential_for_another_relying_party_is_refused(pool) -> None:
    # [CompleteReg] WebAuthnRelyingPartyMismatchException: rpIdHash is not SHA-256 of the pool's RP id.
    access_token = sign_in(pool, "carol")["AccessToken"]
    options = _idp(pool).start_web_authn_registration(AccessToken=access_token)["CredentialCreationOptions"]
    credential = SoftwareAuthenticator().create(options, rp_id="evil.example")
    assert _error(lambda: _idp(pool).complete_web_authn_registration(
        AccessToken=access_token, Credential=credential))[0] == "WebAuthnRelyingPartyMismatchException"


def test_a_replayed_challenge_is_refused(pool) -> None:
    # [CompleteReg] WebAuthnChallengeNotFoundException for an answered registration challenge;
    # [Respond]: an assertion answers one WEB_AUTHN challenge (its session is then gone).
    authenticator = SoftwareAuthenticator()
    access_token = sign_in(pool, "bob")["AccessToken"]
    options = _idp(pool).start_web_authn_registration(AccessToken=access_token)["CredentialCreationOptions"]
    registration = authenticator.create(options)
    _idp(pool).complete_web_authn_registration(AccessToken=access_token, Credential=registration)
    assert _error(lambda: _idp(pool).complete_web_authn_registration(
        AccessToken=access_token, Credential=registration))[0] == "WebAuthnChallengeNotFoundException"
    started = _start(pool, "bob", "WEB_AUTHN")
    assertion = json.dumps(authenticator.get(json.loads(started["ChallengeParameters"]["CREDENTIAL_REQUEST_OPTIONS"])))
    _respond(pool, "WEB_AUTHN", started["Session"], USERNAME="bob", CREDENTIAL=assertion)
    assert _error(lambda: _respond(pool, "WEB_AUTHN", started["Session"], USERNAME="bob", CREDENTIAL=assertion))[0] \
        == "NotAuthorizedException"
    fresh = _start(pool, "bob", "WEB_AUTHN")  # the old assertion signed the old challenge
    assert _error(lambda: _respond(pool, "WEB_AUTHN", fresh["Session"], USERNAME="bob", CREDENTIAL=assertion))[0] \
        == "NotAuthorizedException"


def test_a_cloned_authenticators_sign_count_is_refused(pool, sandbox_server) -> None:
    # WebAuthn §6.1.1: a sign count not above the stored one signals a cloned authenticator.
    topology = seed(sandbox_server)
    try:
        original = SoftwareAuthenticator()
        _register(topology, "alice", original)
        clone = SoftwareAuthenticator(key=original.key, credential_id=original.credential_id,
                                      sign_count=original.sign_count)
        _passkey_sign_in(topology, "alice", original)
        _passkey_sign_in(topology, "alice", original)  # the stored count is now 2
        code, message = _error(lambda: _passkey_sign_in(topology, "alice", clone))  # the clone says 1
        assert code == "NotAuthorizedException" and "sign count" in message.lower()
    finally:
        release(sandbox_server, topology)


def test_a_deleted_passkey_no_longer_signs_in(pool, sandbox_server) -> None:
    # [Delete]: the credential goes; WEB_AUTHN is no longer available to the user.
    topology = seed(sandbox_server)
    try:
        authenticator = SoftwareAuthenticator()
        _register(topology, "bob", authenticator)
        access_token = sign_in(topology, "bob")["AccessToken"]
        credential_id = _idp(topology).list_web_authn_credentials(AccessToken=access_token)["Credentials"][0]["CredentialId"]
        _idp(topology).delete_web_authn_credential(AccessToken=access_token, CredentialId=credential_id)
        assert _idp(topology).list_web_authn_credentials(AccessToken=access_token)["Credentials"] == []
        assert "WEB_AUTHN" not in _start(topology, "bob")["AvailableChallenges"]
    finally:
        release(sandbox_server, topology)


def test_the_pool_reports_its_relying_party(pool) -> None:
    # SetUserPoolMfaConfig / GetUserPoolMfaConfig carry WebAuthnConfiguration (botocore 1.44.8 model).
    answer = admin_client(pool, "cognito-idp").get_user_pool_mfa_config(UserPoolId=pool["user_pool_id"])
    assert answer["WebAuthnConfiguration"] == {"RelyingPartyId": "localhost", "UserVerification": "preferred"}
