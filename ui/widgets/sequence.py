"""Sequence diagrams of the sign-in flows, drawn by Streamlit's built-in `st.mermaid_chart`
(Mermaid has real sequence diagrams: lifelines, numbered arrows, dashed answers).

Each flow is a list of messages between participants, grouped into the page's numbered steps
("stages"). The stage the learner is at sits in a coloured box (red when it failed), so the
picture says where the request and response shown below belong.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from ui.i18n import t

_NOW, _FAILED = "rgba(21, 101, 192, 0.14)", "rgba(198, 40, 40, 0.14)"


@dataclass(frozen=True)
class Message:
    stage: int  # the page's step that sends it
    sender: str
    receiver: str
    text: str = ""  # API names and parameters: the same in every language
    key: str = ""  # or words, from the catalogue
    answer: bool = False  # drawn dashed, as a response

    def label(self) -> str:
        return t(self.key) if self.key else self.text


def call(stage: int, sender: str, receiver: str, text: str = "", key: str = "") -> Message:
    return Message(stage, sender, receiver, text, key)


def answer(stage: int, sender: str, receiver: str, text: str = "", key: str = "") -> Message:
    return Message(stage, sender, receiver, text, key, answer=True)


@dataclass(frozen=True)
class Sequence:
    participants: tuple[str, ...]  # left to right; names are `signin_page.actor.<id>`
    messages: tuple[Message, ...]


_TOKENS = "signin_page.seq.tokens"
_PASSWORD_AUTH = "InitiateAuth\nUSER_PASSWORD_AUTH: USERNAME, PASSWORD"
_NATIVE = ("app", "pool")

SEQUENCES: dict[str, Sequence] = {
    "password": Sequence(_NATIVE, (call(1, "app", "pool", _PASSWORD_AUTH), answer(1, "pool", "app", key=_TOKENS))),
    "confidential": Sequence(_NATIVE, (call(1, "app", "pool", _PASSWORD_AUTH + ", SECRET_HASH"),
                                       answer(1, "pool", "app", key=_TOKENS))),
    "srp": Sequence(_NATIVE, (
        call(1, "app", "pool", "InitiateAuth\nUSER_SRP_AUTH: USERNAME, SRP_A"),
        answer(1, "pool", "app", "PASSWORD_VERIFIER\nSRP_B, SALT, SECRET_BLOCK, USER_ID_FOR_SRP"),
        call(1, "app", "pool", "RespondToAuthChallenge\nPASSWORD_CLAIM_SIGNATURE, TIMESTAMP"),
        answer(1, "pool", "app", key=_TOKENS))),
    "new_password": Sequence(("user",) + _NATIVE, (
        call(1, "app", "pool", _PASSWORD_AUTH), answer(1, "pool", "app", "NEW_PASSWORD_REQUIRED\nSession"),
        call(2, "user", "app", key="signin_page.seq.new_password"),
        call(2, "app", "pool", "RespondToAuthChallenge\nNEW_PASSWORD, USERNAME, Session"),
        answer(2, "pool", "app", key=_TOKENS))),
    "totp": Sequence(("authenticator",) + _NATIVE, (
        call(1, "app", "pool", _PASSWORD_AUTH), answer(1, "pool", "app", "SOFTWARE_TOKEN_MFA\nSession"),
        call(2, "authenticator", "app", key="signin_page.seq.totp_code"),
        call(2, "app", "pool", "RespondToAuthChallenge\nSOFTWARE_TOKEN_MFA_CODE, USERNAME, Session"),
        answer(2, "pool", "app", key=_TOKENS))),
    "refresh": Sequence(_NATIVE, (call(1, "app", "pool", "InitiateAuth\nREFRESH_TOKEN_AUTH: REFRESH_TOKEN"),
                                  answer(1, "pool", "app", key="signin_page.seq.refreshed"))),
    "sign_up": Sequence(_NATIVE + ("mailbox",), (
        call(1, "app", "pool", "SignUp\nUsername, Password, email"),
        call(1, "pool", "mailbox", key="signin_page.seq.code_sent"),
        answer(1, "pool", "app", "UserConfirmed: false\nCodeDeliveryDetails"),
        call(2, "mailbox", "app", key="signin_page.seq.code_read"),
        call(3, "app", "pool", "ConfirmSignUp\nConfirmationCode"), answer(3, "pool", "app", "200 (CONFIRMED)"),
        call(4, "app", "pool", _PASSWORD_AUTH), answer(4, "pool", "app", key=_TOKENS))),
    "revocation": Sequence(_NATIVE, (
        call(1, "app", "pool", "GetUser\nAccessToken"), answer(1, "pool", "app", "Username, UserAttributes"),
        call(2, "app", "pool", key="signin_page.seq.sign_out_or_revoke"),
        answer(2, "pool", "app", "200 {}"),
        call(3, "app", "pool", key="signin_page.seq.get_user_again"),
        answer(3, "pool", "app", "NotAuthorizedException\nAccess Token has been revoked"))),
    "oauth_code": Sequence(("browser", "app", "hosted", "token"), (
        call(1, "app", "browser", "302 → /oauth2/authorize\ncode_challenge (S256), state, nonce"),
        call(1, "browser", "hosted", "GET /oauth2/authorize"), answer(1, "hosted", "browser", "302 → /login"),
        call(1, "browser", "hosted", "GET /login"), answer(1, "hosted", "browser", key="signin_page.seq.sign_in_form"),
        call(2, "browser", "hosted", "POST /login\nusername, password"),
        answer(2, "hosted", "browser", "302 → redirect_uri?code=…&state=…"),
        call(3, "browser", "app", "GET /sign_in?code=…&state=…"),
        call(4, "app", "token", "POST /oauth2/token\ncode, code_verifier, redirect_uri"),
        answer(4, "token", "app", key=_TOKENS))),
    "client_credentials": Sequence(("machine", "token"), (
        call(1, "machine", "token", "POST /oauth2/token\ngrant_type=client_credentials, scope\nAuthorization: Basic …"),
        answer(1, "token", "machine", key="signin_page.seq.access_only"))),
}


def _mermaid_text(text: str) -> str:
    """Mermaid reads `#…;` as a character code and `;` as a line end: write both as codes."""
    return text.replace("#", "#35;").replace(";", "#59;").replace("\n", "<br/>")


def _arrow(message: Message) -> str:
    arrow = "-->>" if message.answer else "->>"
    return f"    {message.sender}{arrow}{message.receiver}: {_mermaid_text(message.label())}"


def _stage_lines(sequence: Sequence, stage: int, current: int, failed: bool) -> list[str]:
    arrows = [_arrow(m) for m in sequence.messages if m.stage == stage]
    if stage != current:
        return arrows
    first, last = sequence.participants[0], sequence.participants[-1]
    here = _mermaid_text(t("signin_page.diagram.here", step=stage))
    return [f"    rect {_FAILED if failed else _NOW}", f"    Note over {first},{last}: {here}", *arrows, "    end"]


def sequence_mermaid(sequence: Sequence, current: int, failed: bool = False) -> str:
    """Mermaid source: numbered arrows, the current stage boxed and labelled."""
    lines = ["sequenceDiagram", "    autonumber"]
    lines += [f"    participant {p} as {_mermaid_text(t(f'signin_page.actor.{p}'))}" for p in sequence.participants]
    for stage in sorted({m.stage for m in sequence.messages}):
        lines += _stage_lines(sequence, stage, current, failed)
    return "\n".join(lines)


def render_sequence(flow: str, current: int, failed: bool = False) -> None:
    """The flow's diagram with the learner's stage highlighted."""
    sequence = SEQUENCES[flow]
    last = max(message.stage for message in sequence.messages)  # a challenge may go past the picture
    st.mermaid_chart(sequence_mermaid(sequence, min(current, last), failed), alt=t("signin_page.diagram.alt"))
