"""Choice-based sign-in (InitiateAuth with AuthFlow=USER_AUTH): passkeys and one-time codes.

The user names themselves; the pool answers with the challenges this user can take
(SELECT_CHALLENGE, AvailableChallenges), or goes straight to PREFERRED_CHALLENGE. Then:
EMAIL_OTP (a code by email), PASSWORD, or WEB_AUTHN (a passkey: the browser signs the pool's
challenge). Passkeys are registered, while signed in, with StartWebAuthnRegistration and
CompleteWebAuthnRegistration. AWS's pages:
https://docs.aws.amazon.com/cognito/latest/developerguide/authentication-flows-selection-sdk.html
and the API reference of each operation. Each step returns a StepResult, like `flows.signin`.

`explain_client_data` and `explain_authenticator_data` decode what a browser sent
(Web Authentication Level 3, §5.8.1 and §6.1), so the learner sees the origin, the relying-party
id hash, the flags and the sign count the pool checks.
"""

from __future__ import annotations

import base64
import hashlib
import json
import struct
from typing import Any, Callable

from flows import signin
from flows.aws import client
from flows.capture import Recorder
from flows.steps import Note, StepResult
from flows.target import Target

_DOC = "sign-in.md#when-to-choose-passkeys-otp-or-a-password"
_FLAGS = (("UP", 0x01), ("UV", 0x04), ("BE", 0x08), ("BS", 0x10), ("AT", 0x40), ("ED", 0x80))


def _outputs(response: dict[str, Any]) -> dict[str, Any]:
    outputs = signin._outputs(response)
    if response.get("AvailableChallenges") is not None:
        outputs["available_challenges"] = list(response["AvailableChallenges"])
    return outputs


Outputs = Callable[[dict[str, Any]], dict[str, Any]]


def _step(name: str, target: Target, call: Callable[[Any], dict[str, Any]], notes: list[Note],
          outputs: Outputs = _outputs) -> StepResult:
    """One user-pool call, captured; an AWS error becomes the step's explained failure."""
    recorder = Recorder()
    result = StepResult(name, recorder.exchanges, notes=notes)
    idp = client(target, "cognito-idp", recorder)
    response = signin._call(result, lambda: call(idp))
    if response is not None:
        result.outputs = outputs(response)
    return result


def start(target: Target, username: str, preferred: str | None = None, client_name: str = "public") -> StepResult:
    """InitiateAuth USER_AUTH: SELECT_CHALLENGE with AvailableChallenges, or the preferred challenge."""
    parameters = {"USERNAME": username, **({"PREFERRED_CHALLENGE": preferred} if preferred else {})}
    note = Note("note.choice.preferred" if preferred else "note.choice.select", _DOC)
    return _step("choice_start", target, lambda idp: idp.initiate_auth(
        ClientId=target.client(client_name).client_id, AuthFlow="USER_AUTH", AuthParameters=parameters), [note])


def respond(target: Target, challenge: str, session: str, responses: dict[str, str],
            client_name: str = "public") -> StepResult:
    """RespondToAuthChallenge for SELECT_CHALLENGE, EMAIL_OTP, PASSWORD or WEB_AUTHN."""
    note = Note(f"note.choice.answer.{challenge}", _DOC)
    return _step("choice_respond", target, lambda idp: idp.respond_to_auth_challenge(
        ClientId=target.client(client_name).client_id, ChallengeName=challenge, Session=session,
        ChallengeResponses=responses), [note])


def read_sign_in_code(target: Target, username: str) -> StepResult:
    """The newest sign-in code sent to the user (the sandbox's outbox; on AWS, the user's mailbox)."""
    result = signin.read_sent_codes(target)
    sent = [m for m in result.outputs.get("messages", [])
            if m.get("username") == username and m.get("purpose") == "SignIn"]
    result.outputs["code"] = str(sent[-1]["code"]) if sent else None
    return result


def sign_in_with_email_otp(target: Target, username: str, client_name: str = "public") -> list[StepResult]:
    """The whole email OTP sign-in: ask for EMAIL_OTP, read the code, answer with it."""
    started = start(target, username, "EMAIL_OTP", client_name)
    steps = [started]
    if not started.ok or started.outputs.get("challenge") != "EMAIL_OTP":
        return steps
    code = read_sign_in_code(target, username)
    steps.append(code)
    if code.outputs.get("code"):
        steps.append(respond(target, "EMAIL_OTP", str(started.outputs["session"]),
                             {"USERNAME": username, "EMAIL_OTP_CODE": str(code.outputs["code"])}, client_name))
    return steps


# --- passkeys -------------------------------------------------------------------------------------

def start_passkey_registration(target: Target, access_token: str) -> StepResult:
    """StartWebAuthnRegistration: the options to hand to navigator.credentials.create."""
    return _step("passkey_start", target, lambda idp: idp.start_web_authn_registration(AccessToken=access_token),
                 [Note("note.choice.passkey_options", _DOC)],
                 lambda response: {"creation_options": response.get("CredentialCreationOptions")})


def complete_passkey_registration(target: Target, access_token: str, credential: dict[str, Any]) -> StepResult:
    """CompleteWebAuthnRegistration with the browser's RegistrationResponseJSON."""
    return _step("passkey_complete", target, lambda idp: idp.complete_web_authn_registration(
        AccessToken=access_token, Credential=credential), [Note("note.choice.passkey_stored", _DOC)],
        lambda response: {"stored": True})


def list_passkeys(target: Target, access_token: str) -> StepResult:
    return _step("passkey_list", target, lambda idp: idp.list_web_authn_credentials(AccessToken=access_token), [],
                 lambda response: {"credentials": response.get("Credentials", [])})


def _from_b64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def explain_client_data(client_data_b64url: str) -> dict[str, Any]:
    """clientDataJSON as the browser wrote it: type, challenge, origin (§5.8.1)."""
    return dict(json.loads(_from_b64url(client_data_b64url)))


def explain_authenticator_data(authenticator_data_b64url: str, rp_id: str) -> dict[str, Any]:
    """rpIdHash (and whether it is SHA-256 of the relying-party id), the flags, the sign count (§6.1)."""
    data = _from_b64url(authenticator_data_b64url)
    flags = data[32]
    return {"rp_id_hash": data[:32].hex(), "rp_id_hash_matches": data[:32] == hashlib.sha256(rp_id.encode()).digest(),
            "flags": {name: bool(flags & bit) for name, bit in _FLAGS}, "sign_count": struct.unpack(">I", data[33:37])[0]}
