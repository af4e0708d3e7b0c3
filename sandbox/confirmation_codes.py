"""Sign-up confirmation codes: what the user pool "sends" on SignUp and checks on ConfirmSignUp.

On AWS the code goes to the user by email or SMS, and the SignUp answer only says where
(`CodeDeliveryDetails`: a masked Destination, DeliveryMedium, AttributeName). moto sends
nothing and confirms with any code. The sandbox makes a 6-digit code per sign-up, refuses
any other (CodeMismatchException), and keeps every message in a per-pool outbox instead of
sending it. The outbox is read through `GET /_sandbox/messages/<user pool id>`, an endpoint
that exists **only in the sandbox** (AWS has nothing like it): it stands in for the learner's
mailbox so the dashboard can show the code.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import asdict
from typing import Any

from sandbox.errors import ExpiredConfirmationCode, WrongConfirmationCode
from sandbox.moto_adapter import MotoUser, MotoUserPool
from sandbox.user_pool_state import USER_POOLS, SentMessage

# "The code is valid for 24 hours" ([CG:signing-up-users-in-your-app.md], as aws-facts.md cites the guide:
# https://docs.aws.amazon.com/cognito/latest/developerguide/signing-up-users-in-your-app.html).
CODE_LIFETIME_SECONDS = 24 * 60 * 60
MESSAGES_PATH = "/_sandbox/messages/"  # sandbox-only (no AWS counterpart): the outbox, per pool


def _outbox(pool: MotoUserPool) -> list[SentMessage]:
    return USER_POOLS.of(pool.id).outbox


def _codes(pool: MotoUserPool) -> dict[str, str]:
    return USER_POOLS.of(pool.id).confirmation_codes


def sign_up_delivery(pool: MotoUserPool, user: MotoUser) -> dict[str, str] | None:
    """Where the sign-up code goes: the attribute the pool verifies automatically. moto answers
    with the account-recovery channel instead (a made-up phone number for an email-only user)."""
    auto_verified = pool.extended_config.get("AutoVerifiedAttributes") or []
    values = user.attribute_lookup
    # UNCONFIRMED: which one AWS picks when both are auto-verified; phone first here.
    if "phone_number" in auto_verified and values.get("phone_number"):
        return {"Destination": "+*******" + values["phone_number"][-4:], "DeliveryMedium": "SMS",
                "AttributeName": "phone_number"}
    if "email" in auto_verified and "@" in values.get("email", ""):
        return {"Destination": _masked_email(values["email"]), "DeliveryMedium": "EMAIL", "AttributeName": "email"}
    return None


def _masked_email(email: str) -> str:
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain[:1]}***"  # as in real answers: "j***@e***"


def send_sign_up_code(pool: MotoUserPool, username: str, delivery: dict[str, str]) -> SentMessage:
    """Make the user's confirmation code and put the message in the outbox."""
    code = f"{secrets.randbelow(10 ** 6):06d}"
    _codes(pool)[username] = code
    USER_POOLS.of(pool.id).confirmation_codes_sent_at[username] = USER_POOLS.clock()
    message = SentMessage(username, "SignUp", code, delivery.get("Destination", ""),
                          delivery.get("DeliveryMedium", ""), delivery.get("AttributeName", ""), int(USER_POOLS.clock()))
    _outbox(pool).append(message)
    return message


def use_sign_up_code(pool: MotoUserPool, username: str, code: str) -> None:
    """Accept the code the user was sent, once and within 24 hours; refuse any other."""
    expected = _codes(pool).get(username)
    if expected is None or not hmac.compare_digest(expected.encode(), str(code).encode()):
        raise WrongConfirmationCode()
    sent_at = USER_POOLS.of(pool.id).confirmation_codes_sent_at.get(username, USER_POOLS.clock())
    if USER_POOLS.clock() - sent_at > CODE_LIFETIME_SECONDS:
        raise ExpiredConfirmationCode()
    del _codes(pool)[username]


def sent_messages(pool: MotoUserPool) -> list[dict[str, Any]]:
    """The outbox, oldest first (sandbox-only)."""
    return [asdict(message) for message in _outbox(pool)]
