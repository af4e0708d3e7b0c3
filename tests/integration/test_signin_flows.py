"""The sign-in flows (flows/signin.py) against the sandbox: what crosses the wire, what comes out,
what the learner is told, and that no password is ever captured."""

from __future__ import annotations

import dataclasses
import json
import time
from typing import Any, Iterator

import jwt
import pytest

from flows import i18n, signin
from flows.steps import StepResult
from flows.target import AppClient, Target, target_from_topology
from sandbox.topology import release, seed
from tests.sandbox.helpers import admin_client


@pytest.fixture()
def fresh_target(sandbox_server) -> Iterator[Target]:
    seeded = seed(sandbox_server)
    yield target_from_topology(seeded)
    release(sandbox_server, seeded)


@pytest.fixture(scope="module")
def frank_secret(topology) -> str:
    return next(u["totp_secret"] for u in topology["users"] if u["username"] == "frank")


def _password(target: Target, username: str) -> str:
    return next(u.password for u in target.users if u.username == username)


def _wire(result: StepResult) -> str:
    """Everything captured, unmasked: what a learner could reveal."""
    return json.dumps([exchange.to_json() for exchange in result.exchanges])


def _labels(result: StepResult) -> list[str]:
    return [exchange.label for exchange in result.exchanges]


def _note_keys(result: StepResult) -> set[str]:
    return {note.key for note in result.notes}


def _claims(token: str) -> dict[str, Any]:
    return jwt.decode(token, options={"verify_signature": False})


def test_srp_sign_in_is_two_exchanges_without_the_password(target):
    password = _password(target, "alice")
    result = signin.sign_in_with_srp(target, "alice", password)
    assert result.ok and _labels(result) == ["InitiateAuth", "RespondToAuthChallenge"]
    assert password not in _wire(result) and "PASSWORD_CLAIM_SIGNATURE" in _wire(result)
    assert _claims(result.outputs["id_token"])["cognito:username"] == "alice"
    assert {"note.signin.srp_never_sends_password", "note.signin.srp_user_id", "note.signin.native_scope"} <= _note_keys(result)


def test_srp_wrong_password_is_an_explained_failure(target):
    result = signin.sign_in_with_srp(target, "alice", "not-her-password")
    assert result.failure.code == "NotAuthorizedException" and result.failure.meaning()
    assert _labels(result) == ["InitiateAuth", "RespondToAuthChallenge"]
    assert "not-her-password" not in _wire(result)


def test_srp_with_a_client_secret_sends_secret_hash_not_the_secret(target, topology):
    admin = admin_client(topology, "cognito-idp")
    created = admin.create_user_pool_client(UserPoolId=topology["user_pool_id"], ClientName="srp-with-secret",
                                            GenerateSecret=True, ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH"])["UserPoolClient"]
    with_secret = dataclasses.replace(target, clients={**target.clients, "srp_secret": AppClient(
        "srp_secret", created["ClientId"], created["ClientSecret"])})
    result = signin.sign_in_with_srp(with_secret, "bob", _password(target, "bob"), "srp_secret")
    assert result.ok and "note.signin.secret_hash" in _note_keys(result)
    assert all('"SECRET_HASH"' in exchange.request.body for exchange in result.exchanges)
    assert created["ClientSecret"] not in _wire(result)


def test_srp_for_a_temporary_password_stops_at_new_password_required(target):
    result = signin.sign_in_with_srp(target, "erin", _password(target, "erin"))
    assert result.ok and result.outputs["challenge"] == "NEW_PASSWORD_REQUIRED"
    assert result.outputs["challenge_username"] == "erin" and result.outputs["session"]
    assert "note.signin.new_password_required" in _note_keys(result)


def test_new_password_completes_the_sign_in_and_is_never_captured(fresh_target):
    started = signin.sign_in_with_password(fresh_target, "erin", _password(fresh_target, "erin"))
    result = signin.respond_new_password(fresh_target, "public", "erin", started.outputs["session"],
                                         "Erin-new-passw0rd!")
    assert result.ok and result.outputs["id_token"]
    assert _labels(result) == ["RespondToAuthChallenge"] and "Erin-new-passw0rd!" not in _wire(result)
    assert signin.sign_in_with_srp(fresh_target, "erin", "Erin-new-passw0rd!").ok


def test_totp_challenge_and_the_authenticator_code(target, frank_secret):
    started = signin.sign_in_with_srp(target, "frank", _password(target, "frank"))
    assert started.outputs["challenge"] == "SOFTWARE_TOKEN_MFA"
    assert "note.signin.software_token_mfa" in _note_keys(started)
    result = signin.respond_totp(target, "public", "frank", started.outputs["session"],
                                 signin.authenticator_code(frank_secret))
    assert result.ok and _claims(result.outputs["access_token"])["username"] == "frank"


def test_wrong_totp_code_is_explained(target, frank_secret):
    started = signin.sign_in_with_password(target, "frank", _password(target, "frank"))
    right = signin.authenticator_code(frank_secret)
    result = signin.respond_totp(target, "public", "frank", started.outputs["session"],
                                 f"{(int(right) + 500000) % 1000000:06d}")
    assert result.failure.code == "CodeMismatchException"
    assert result.failure.meaning_key == "meaning.CodeMismatchException"


def test_refresh_keeps_auth_time_and_says_so(target):
    signed_in = signin.sign_in_with_srp(target, "bob", _password(target, "bob"))
    time.sleep(1.1)
    result = signin.refresh(target, "public", signed_in.outputs["refresh_token"])
    assert result.ok and result.outputs["refresh_token"] is None
    assert _claims(result.outputs["id_token"])["auth_time"] == _claims(signed_in.outputs["id_token"])["auth_time"]
    assert {"note.signin.refresh_keeps_auth_time", "note.signin.refresh_no_new_refresh_token"} <= _note_keys(result)


def test_refresh_on_a_confidential_client_hashes_the_username(target):
    signed_in = signin.sign_in_with_password(target, "bob", _password(target, "bob"), "confidential")
    result = signin.refresh(target, "confidential", signed_in.outputs["refresh_token"], username_for_secret_hash="bob")
    assert result.ok and "note.signin.refresh_secret_hash_username" in _note_keys(result)
    missing = signin.refresh(target, "confidential", signed_in.outputs["refresh_token"])
    assert missing.failure.code == "NotAuthorizedException"


def test_sign_up_then_confirm_with_the_code_from_the_outbox(target):
    signed_up = signin.sign_up(target, "public", "ivan", "Ivan-passw0rd!", "ivan@example.com")
    assert signed_up.ok and signed_up.outputs["code_delivery"]["DeliveryMedium"] == "EMAIL"
    assert "Ivan-passw0rd!" not in _wire(signed_up) and "note.signin.sign_up_code_sent" in _note_keys(signed_up)
    sent = signin.read_sent_codes(target)
    assert _labels(sent) == ["SandboxMessages"] and any(note.fidelity for note in sent.notes)
    code = next(m["code"] for m in sent.outputs["messages"] if m["username"] == "ivan")
    wrong = signin.confirm_sign_up(target, "public", "ivan", "000000" if code != "000000" else "111111")
    assert wrong.failure.code == "CodeMismatchException" and wrong.failure.meaning()
    assert signin.confirm_sign_up(target, "public", "ivan", code).outputs == {"confirmed": True}
    assert signin.sign_in_with_srp(target, "ivan", "Ivan-passw0rd!").ok


def test_codes_are_not_read_from_aws(target):
    on_aws = dataclasses.replace(target, kind="aws", endpoint_url=None)
    result = signin.read_sent_codes(on_aws)
    assert result.exchanges == [] and _note_keys(result) == {"note.signin.codes_arrive_by_email"}


def test_get_user_then_global_sign_out_revokes_the_access_token(fresh_target):
    signed_in = signin.sign_in_with_srp(fresh_target, "alice", _password(fresh_target, "alice"))
    access_token = signed_in.outputs["access_token"]
    assert signin.get_user(fresh_target, access_token).outputs["attributes"]["email"] == "alice@example.com"
    assert signin.global_sign_out(fresh_target, access_token).ok
    after = signin.get_user(fresh_target, access_token)
    assert after.failure.message == "Access Token has been revoked"
    assert after.failure.meaning_key == "meaning.signin.access_token_revoked"
    refreshed = signin.refresh(fresh_target, "public", signed_in.outputs["refresh_token"])
    assert refreshed.failure.meaning_key == "meaning.signin.refresh_token_revoked"


def test_revoke_sends_the_client_secret_and_revokes_that_refresh_token(target):
    signed_in = signin.sign_in_with_password(target, "carol", _password(target, "carol"))
    result = signin.revoke(target, "public", signed_in.outputs["refresh_token"])
    assert result.ok and _labels(result) == ["RevokeToken"] and "note.signin.revoke" in _note_keys(result)
    assert signin.refresh(target, "public", signed_in.outputs["refresh_token"]).failure.message == "Refresh Token has been revoked"
    secret = target.client("confidential").client_secret
    confidential = signin.revoke(target, "confidential", "not-a-token")
    assert confidential.ok and secret not in json.dumps([e.masked().to_json() for e in confidential.exchanges])


def test_every_note_and_meaning_of_these_flows_is_in_both_languages(target):
    results = [signin.sign_in_with_srp(target, "alice", _password(target, "alice")),
               signin.sign_in_with_srp(target, "alice", "wrong"), signin.read_sent_codes(target)]
    keys = {n.key for r in results for n in r.notes} | {r.failure.meaning_key for r in results if r.failure}
    assert all(i18n.has(key) and i18n.text(key, "ja") != i18n.missing_marker(key) for key in keys)
