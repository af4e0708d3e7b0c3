"""What the sign-in page shows beside each hop, worked out from the hop's result: the challenge the
pool asked (and what answering it needs), and small tables of facts — the fields each SRP request
sent, what SECRET_HASH is computed from, the PKCE values, the redirect back, auth_time across a
refresh, the machine token's claims (aws-facts.md §2–3).

Plain data: a `Fact` names its column and value by message key or as wire text, so any page can
show it in the learner's language, and a secret is marked so it is masked where it is shown.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from flows import oauth, signin
from flows.capture import Exchange
from flows.jwt_decode import TokenFormatError, decode_token, utc_iso
from flows.steps import Note, StepResult
from flows.target import Target

DOC_NATIVE_SCOPE = "sign-in.md#why-native-sign-in-tokens-carry-no-custom-scopes"


@dataclass(frozen=True)
class Fact:
    """One cell of a facts table."""

    column: str  # message key of the column's heading
    value: str
    translate: bool = False  # the value is a message key, not wire text
    secret: bool = False  # masked unless the learner reveals secrets


Row = tuple[Fact, ...]


@dataclass(frozen=True)
class Challenge:
    """A challenge the pool asked (RespondToAuthChallenge answers it), parsed from InitiateAuth."""

    name: str  # NEW_PASSWORD_REQUIRED, SOFTWARE_TOKEN_MFA, …
    session: str | None
    client: str  # the app client that signed in
    typed: str  # the username as the learner typed it
    username: str  # as the answer must name the user: USER_ID_FOR_SRP (aws-facts.md §2.3)
    required: tuple[str, ...] = ()  # attributes NEW_PASSWORD_REQUIRED asks for


def challenge_of(result: StepResult, client: str, typed: str) -> Challenge | None:
    """The challenge in a successful InitiateAuth/RespondToAuthChallenge answer; None once tokens came."""
    name = result.outputs.get("challenge") if result.ok else None
    if not name:
        return None
    parameters = result.outputs.get("challenge_parameters") or {}
    required = json.loads(parameters.get("requiredAttributes") or "[]")
    username = result.outputs.get("challenge_username") or parameters.get("USER_ID_FOR_SRP") or typed
    return Challenge(name, result.outputs.get("session"), client, typed, username,
                     tuple(attribute.removeprefix("userAttributes.") for attribute in required))


def claims_of(token: str | None) -> dict[str, Any]:
    """A token's claims, for showing them; verifying is the tokens page's job."""
    try:
        return decode_token(token).claims if token else {}
    except TokenFormatError:
        return {}


def scope_lesson(result: StepResult, key: str) -> tuple[Note, ...]:
    """What the access token's `scope` says, as a page-level lesson."""
    scope = claims_of(result.outputs.get("access_token")).get("scope") if result.ok else None
    return (Note(key, DOC_NATIVE_SCOPE, {"scope": scope}),) if scope else ()


# --- native sign-in ------------------------------------------------------------------------------
def fields_sent(exchange: Exchange) -> list[str]:
    """The parameter names of an InitiateAuth or RespondToAuthChallenge request, as sent."""
    try:
        body = json.loads(exchange.request.body or "{}")
    except json.JSONDecodeError:
        return []
    return sorted(body.get("AuthParameters") or body.get("ChallengeResponses") or {})


def _srp_row(exchange: Exchange) -> Row:
    fields = fields_sent(exchange)
    return (Fact("signin_page.col.request", exchange.label), Fact("signin_page.col.fields", ", ".join(fields)),
            Fact("signin_page.col.password_sent", "signin_page.yes" if "PASSWORD" in fields else "signin_page.no",
                 translate=True))


def srp_facts(result: StepResult) -> tuple[Row, ...]:
    """Each SRP request's parameter names: the proof that no PASSWORD field ever leaves."""
    return tuple(_srp_row(exchange) for exchange in result.exchanges)


def secret_hash_facts(target: Target, client_name: str, username: str) -> tuple[Row, ...]:
    """What SECRET_HASH is computed from, value by value (aws-facts.md §2.4)."""
    app_client = target.client(client_name)
    if not app_client.client_secret:
        return ()
    rows = [("username", username, False), ("client_id", app_client.client_id, False),
            ("client_secret", app_client.client_secret, True), ("message", username + app_client.client_id, False),
            ("result", signin.secret_hash(username, app_client.client_id, app_client.client_secret), False)]
    return tuple((Fact("signin_page.col.input", f"signin_page.secret_hash.{name}", translate=True),
                  Fact("signin_page.col.value", value, secret=secret)) for name, value, secret in rows)


def sign_in_lessons(target: Target, client_name: str, result: StepResult, scope_key: str) -> tuple[Note, ...]:
    secret = (Note("signin_page.lesson.secret_hash", "sign-in.md#secret_hash"),) \
        if target.client(client_name).client_secret else ()
    return secret + scope_lesson(result, scope_key)


def _claim_row(name: str, before: dict[str, Any], after: dict[str, Any]) -> Row:
    same = before.get(name) == after.get(name)
    return (Fact("signin_page.col.claim", name), Fact("signin_page.col.before", utc_iso(before.get(name)) or "—"),
            Fact("signin_page.col.after", utc_iso(after.get(name)) or "—"),
            Fact("signin_page.col.compare", "signin_page.same" if same else "signin_page.changed", translate=True))


def auth_time_facts(before_id_token: str | None, result: StepResult) -> tuple[Row, ...]:
    """auth_time against iat and exp, old ID token and new: only auth_time stays."""
    if not result.ok:
        return ()
    before, after = claims_of(before_id_token), claims_of(result.outputs.get("id_token"))
    return tuple(_claim_row(name, before, after) for name in ("auth_time", "iat", "exp"))


def sent_code_facts(messages: list[dict[str, Any]]) -> tuple[Row, ...]:
    return tuple((Fact("signin_page.col.username", message.get("username", "")),
                  Fact("signin_page.col.destination", message.get("destination", "")),
                  Fact("signin_page.col.code", message.get("code", ""))) for message in messages)


# --- OAuth 2.0 on the user pool domain ---------------------------------------------------------------
def _row(field_name: str, value: str, why_key: str = "") -> Row:
    return (Fact("signin_page.col.field", field_name), Fact("signin_page.col.value", value),
            Fact("signin_page.col.why", why_key, translate=bool(why_key)))


def pkce_facts(pkce: oauth.Pkce) -> tuple[Row, ...]:
    return (_row("code_verifier", pkce.verifier, "signin_page.pkce.verifier"),
            _row("code_challenge", pkce.challenge, "signin_page.pkce.challenge"),
            _row("code_challenge_method", pkce.method, "signin_page.pkce.method"),
            _row("state", pkce.state, "signin_page.pkce.state"),
            _row("nonce", pkce.nonce, "signin_page.pkce.nonce"))


def callback_facts(result: StepResult, sent_state: str) -> tuple[Row, ...]:
    outputs = result.outputs
    return (_row("redirect", outputs.get("location") or ""),
            _row("code", outputs.get("code") or "—", "signin_page.callback.code"),
            _row("state (sent)", sent_state), _row("state (back)", outputs.get("state") or "—", "signin_page.callback.state"))


def machine_token_facts(result: StepResult) -> tuple[Row, ...]:
    if not result.ok:
        return ()
    token = claims_of(result.outputs.get("access_token"))
    rows = [_row(name, str(token.get(name, "—"))) for name in ("scope", "client_id", "sub", "token_use")]
    return (*rows, *(_present_or_absent(name, result.outputs.get(name)) for name in ("id_token", "refresh_token")))


def _present_or_absent(name: str, value: str | None) -> Row:
    if value:
        return _row(name, value)
    return (Fact("signin_page.col.field", name), Fact("signin_page.col.value", "signin_page.absent", translate=True),
            Fact("signin_page.col.why", ""))


def custom_scopes(target: Target) -> tuple[str, ...]:
    """The API's custom scopes (the routes name them): what only the OAuth endpoints grant."""
    return tuple(sorted({scope for route in target.routes for scope in route.scopes}))
