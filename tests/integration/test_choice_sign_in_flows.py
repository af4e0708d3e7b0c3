"""flows.choice_sign_in against the sandbox: USER_AUTH with an email code and with a passkey
(a software authenticator plays the browser), and the CLI walkthrough's --sign-in email-otp."""

from __future__ import annotations

import argparse
import json
from typing import Any, Iterator

import jwt
import pytest

from flows import choice_sign_in, fidelity, signin
from flows.cli_walkthrough import add_walkthrough_arguments, run_walkthrough_command
from flows.target import Target, target_from_topology
from sandbox.topology import release, seed
from tests.sandbox.software_authenticator import SoftwareAuthenticator


@pytest.fixture()
def fresh_target(sandbox_server) -> Iterator[Target]:
    seeded = seed(sandbox_server)
    yield target_from_topology(seeded)
    release(sandbox_server, seeded)


def _claims(token: str) -> dict[str, Any]:
    return dict(jwt.decode(token, options={"verify_signature": False}))


def test_select_challenge_lists_what_the_user_can_take(fresh_target: Target) -> None:
    result = choice_sign_in.start(fresh_target, "carol")
    assert result.ok and result.outputs["challenge"] == "SELECT_CHALLENGE"
    assert result.outputs["available_challenges"] == ["PASSWORD", "PASSWORD_SRP", "EMAIL_OTP"]
    assert [e.label for e in result.exchanges] == ["InitiateAuth"]


def test_email_otp_signs_in_with_the_code_from_the_outbox(fresh_target: Target) -> None:
    steps = choice_sign_in.sign_in_with_email_otp(fresh_target, "bob")
    assert [s.step for s in steps] == ["choice_start", "sent_codes", "choice_respond"]
    assert steps[-1].ok and _claims(steps[-1].outputs["id_token"])["amr"] == ["otp"]
    assert len(steps[1].outputs["code"]) == 8


def test_a_wrong_code_is_an_explained_failure(fresh_target: Target) -> None:
    started = choice_sign_in.start(fresh_target, "bob", "EMAIL_OTP")
    wrong = choice_sign_in.respond(fresh_target, "EMAIL_OTP", started.outputs["session"],
                                   {"USERNAME": "bob", "EMAIL_OTP_CODE": "not-a-code"})
    assert wrong.failure is not None and wrong.failure.code == "CodeMismatchException"
    assert wrong.failure.meaning_key == "meaning.CodeMismatchException"


def test_a_passkey_registers_and_signs_in_and_the_lab_explains_what_was_signed(fresh_target: Target) -> None:
    access_token = signin.sign_in_with_password(fresh_target, "alice", "Alice-passw0rd!").outputs["access_token"]
    options = choice_sign_in.start_passkey_registration(fresh_target, access_token).outputs["creation_options"]
    authenticator = SoftwareAuthenticator()
    assert choice_sign_in.complete_passkey_registration(fresh_target, access_token, authenticator.create(options)).ok
    assert len(choice_sign_in.list_passkeys(fresh_target, access_token).outputs["credentials"]) == 1
    started = choice_sign_in.start(fresh_target, "alice", "WEB_AUTHN")
    request = json.loads(started.outputs["challenge_parameters"]["CREDENTIAL_REQUEST_OPTIONS"])
    credential = authenticator.get(request)
    signed = choice_sign_in.respond(fresh_target, "WEB_AUTHN", started.outputs["session"],
                                    {"USERNAME": "alice", "CREDENTIAL": json.dumps(credential)})
    assert signed.ok and signed.outputs["access_token"]
    client_data = choice_sign_in.explain_client_data(credential["response"]["clientDataJSON"])
    assert client_data["origin"] == "http://localhost:8501" and client_data["type"] == "webauthn.get"
    explained = choice_sign_in.explain_authenticator_data(credential["response"]["authenticatorData"], "localhost")
    assert explained["rp_id_hash_matches"] and explained["flags"]["UP"] and explained["sign_count"] == 1
    assert not choice_sign_in.explain_authenticator_data(credential["response"]["authenticatorData"],
                                                         "evil.example")["rp_id_hash_matches"]


def test_the_cli_walkthrough_signs_in_with_an_email_code(capsys) -> None:
    parser = argparse.ArgumentParser()
    add_walkthrough_arguments(parser)
    assert run_walkthrough_command(parser.parse_args(["--sign-in", "email-otp", "--json"])) == 0
    report = json.loads(capsys.readouterr().out)
    labels = [e["label"] for e in report["legs"][0]["step"]["exchanges"]]
    assert labels == ["InitiateAuth", "SandboxMessages", "RespondToAuthChallenge"]
    assert report["ok"]


def test_the_sandbox_says_where_it_guesses(fresh_target: Target) -> None:
    keys = {note.key for note in fidelity.notes_for(choice_sign_in.start(fresh_target, "carol"))}
    assert {"fidelity.choice.codes", "fidelity.choice.amr"} <= keys
