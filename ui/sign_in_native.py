"""The sign-in page's native-API flows (InitiateAuth and friends, aws-facts.md §2).

Every button runs one `flows.signin` call in its on_click callback, so the result is ready
when the page draws (and AppTest, which re-runs only the page, sees it). Passwords are read
from their widget and popped at once: they never stay in the session.
"""

from __future__ import annotations

import json
import secrets
import time
from typing import Any

import streamlit as st

from flows import signin
from flows.capture import Exchange
from flows.jwt_decode import utc_iso
from flows.redact import mask
from flows.steps import Note, StepResult
from flows.target import DemoUser, Target
from ui import state
from ui.i18n import t
from ui.sign_in_run import Hop, claims, last_hop, origin, record, render_hops, restart, run, scope_lesson

# The challenge flows start on the seeded user who shows the challenge.
SUGGESTED_USER = {"new_password": "erin", "totp": "frank"}
_FIXED_CLIENT = {"confidential": "confidential", "new_password": "public", "totp": "public"}
_CHALLENGE_DIAGRAM = {"NEW_PASSWORD_REQUIRED": "new_password", "SOFTWARE_TOKEN_MFA": "totp"}
_SCOPE_LESSON = "signin_page.lesson.native_scope"
USER_KEY, PASSWORD_PREFIX = "sign_in_user", "password"


# --- inputs shared with the hosted sign-in form ---------------------------------------------
def user_inputs(target: Target, user_key: str, password_prefix: str) -> str:
    """A seeded user (or a typed username when the target has none) and their password field."""
    users = {user.username: user for user in target.users}
    if users:
        username = st.selectbox(t("sign_in.user"), list(users), key=user_key,
                                format_func=lambda name: f"{name} — {users[name].note}")
        # Demo passwords are pre-filled (masked) so a click signs in; the field is per user.
        st.text_input(t("sign_in.password"), value=users[username].password, type="password",
                      key=f"{password_prefix}-{username}")
        return username
    st.caption(t("sign_in.no_seeded_users"))
    username = st.text_input(t("sign_in.username"), key=user_key)
    st.text_input(t("sign_in.password"), type="password", key=f"{password_prefix}-{username}")
    return username


def take_password(user_key: str, password_prefix: str) -> tuple[str, str]:
    """The chosen username and the typed password; the password widget is cleared (never kept)."""
    username = str(st.session_state.get(user_key) or "").strip()
    return username, st.session_state.pop(f"{password_prefix}-{username}", "")


def suggest_user(flow: str) -> None:
    """Picking a challenge flow picks the seeded user who shows it (erin, frank); leaving one
    goes back to the first seeded user, so the next flow doesn't start on a challenge."""
    seeded = [user.username for user in state.target().users]
    suggested = SUGGESTED_USER.get(flow)
    if suggested in seeded:
        st.session_state[USER_KEY] = suggested
    elif seeded and st.session_state.get(USER_KEY) in SUGGESTED_USER.values():
        st.session_state[USER_KEY] = seeded[0]


def _client_for(flow: str) -> str:
    return _FIXED_CLIENT.get(flow) or st.session_state.get("sign_in_client") or "public"


def _client_input(target: Target, flow: str) -> None:
    fixed = _FIXED_CLIENT.get(flow)
    if fixed:
        st.caption(t("signin_page.client_fixed", client=fixed, note=target.clients[fixed].note))
        return
    names = [name for name in ("public", "confidential") if name in target.clients]
    st.selectbox(t("sign_in.client"), names, key="sign_in_client",
                 format_func=lambda name: f"{name} — {target.clients[name].note}")


# --- what the page adds to the flows' own notes ----------------------------------------------
def _fields_sent(exchange: Exchange) -> list[str]:
    try:
        body = json.loads(exchange.request.body or "{}")
    except json.JSONDecodeError:
        return []
    return sorted(body.get("AuthParameters") or body.get("ChallengeResponses") or {})


def _srp_row(exchange: Exchange) -> dict[str, str]:
    fields = _fields_sent(exchange)
    return {"signin_page.col.request": exchange.label, "signin_page.col.fields": ", ".join(fields),
            "signin_page.col.password_sent": t("signin_page.yes") if "PASSWORD" in fields else t("signin_page.no")}


def _srp_facts(result: StepResult) -> tuple[dict[str, str], ...]:
    """Each SRP request's parameter names: the proof that no PASSWORD field ever leaves."""
    return tuple(_srp_row(exchange) for exchange in result.exchanges)


def _secret_hash_facts(target: Target, client_name: str, username: str) -> tuple[dict[str, str], ...]:
    """What SECRET_HASH is computed from, value by value (aws-facts.md §2.4)."""
    app_client = target.client(client_name)
    if not app_client.client_secret:
        return ()
    secret = app_client.client_secret if state.reveal_secrets() else mask(app_client.client_secret)
    rows = [("username", username), ("client_id", app_client.client_id), ("client_secret", secret),
            ("message", username + app_client.client_id),
            ("result", signin.secret_hash(username, app_client.client_id, app_client.client_secret))]
    return tuple({"signin_page.col.input": t(f"signin_page.secret_hash.{name}"), "signin_page.col.value": value}
                 for name, value in rows)


def _sign_in_facts(flow: str, target: Target, client_name: str, username: str,
                   result: StepResult) -> tuple[dict[str, str], ...]:
    return _srp_facts(result) if flow == "srp" else _secret_hash_facts(target, client_name, username)


def _sign_in_lessons(target: Target, client_name: str, result: StepResult) -> tuple[Note, ...]:
    secret = (Note("signin_page.lesson.secret_hash", "sign-in.md#secret_hash"),) \
        if target.client(client_name).client_secret else ()
    return secret + scope_lesson(result, _SCOPE_LESSON)


# --- step 1: InitiateAuth ------------------------------------------------------------------
def _remember_challenge(flow: str, result: StepResult, client_name: str, username: str) -> None:
    """What answering the challenge needs; forgotten once tokens come back."""
    memo = run(flow).memo
    challenge = result.outputs.get("challenge")
    if not challenge:
        memo.pop("challenge", None)
        return
    parameters = result.outputs.get("challenge_parameters") or {}
    required = json.loads(parameters.get("requiredAttributes") or "[]")
    memo["challenge"] = {
        "name": challenge, "session": result.outputs.get("session"), "client": client_name, "typed": username,
        # The answer names the user by USER_ID_FOR_SRP, the internal username (aws-facts.md §2.3).
        "username": result.outputs.get("challenge_username") or parameters.get("USER_ID_FOR_SRP") or username,
        "required": [name.removeprefix("userAttributes.") for name in required]}


def _sign_in(flow: str) -> None:
    target = state.target()
    username, password = take_password(USER_KEY, PASSWORD_PREFIX)
    if not username or not password:  # clicked before the chosen user's password field was drawn
        return
    client_name = _client_for(flow)
    restart(flow)
    sign_in = signin.sign_in_with_srp if flow == "srp" else signin.sign_in_with_password
    result = sign_in(target, username, password, client_name)
    if result.ok:
        _remember_challenge(flow, result, client_name, username)
    hop = Hop(1, f"signin_page.hop.{flow}", result, _sign_in_facts(flow, target, client_name, username, result),
              _sign_in_lessons(target, client_name, result))
    record(flow, hop, main=True, origin=(client_name, username))


def diagram_for(flow: str) -> str:
    """The password flows switch to the challenge's diagram once the pool asks one."""
    challenge = run(flow).memo.get("challenge", {}).get("name") if flow in ("password", "confidential") else None
    return _CHALLENGE_DIAGRAM.get(challenge or "", flow)


def render_password_flow(flow: str) -> None:
    target = state.target()
    user_inputs(target, USER_KEY, PASSWORD_PREFIX)
    _client_input(target, flow)
    st.button(t("sign_in.button"), type="primary", on_click=_sign_in, args=(flow,))
    render_hops(flow, 1)
    challenge = run(flow).memo.get("challenge")
    if challenge:
        _render_challenge(flow, challenge)
    render_hops(flow, 2)


# --- step 2: the challenge -------------------------------------------------------------------
def _render_challenge(flow: str, challenge: dict[str, Any]) -> None:
    st.markdown(f"##### {t('signin_page.step', step=2)} · {t('signin_page.challenge.heading', challenge=challenge['name'])}")
    if challenge["name"] == "NEW_PASSWORD_REQUIRED":
        _new_password_form(flow, challenge)
    elif challenge["name"] == "SOFTWARE_TOKEN_MFA":
        _totp_form(flow, challenge)
    else:
        st.info(t("signin_page.challenge.unsupported", challenge=challenge["name"]))


def _new_password_form(flow: str, challenge: dict[str, Any]) -> None:
    for name in challenge["required"]:
        st.text_input(name, key=f"required-{name}")
    st.text_input(t("signin_page.new_password.label"), type="password", key="new_password",
                  help=t("signin_page.new_password.help"))
    st.button(t("signin_page.new_password.button"), type="primary", on_click=_answer_new_password, args=(flow,))


def _demo_user(target: Target, username: str) -> DemoUser | None:
    return next((user for user in target.users if user.username == username), None)


def _totp_form(flow: str, challenge: dict[str, Any]) -> None:
    user = _demo_user(state.target(), challenge["typed"])
    if user is not None and user.totp_secret:
        # The lab holds the demo user's authenticator secret, so it can show what the phone shows.
        st.markdown(t("signin_page.totp.shows", user=user.username))
        st.code(signin.authenticator_code(user.totp_secret), language="text")
        st.caption(t("signin_page.totp.how", seconds=30 - int(time.time()) % 30))
    st.text_input(t("signin_page.totp.label"), key="totp_code", max_chars=6)
    st.button(t("signin_page.totp.button"), type="primary", on_click=_answer_totp, args=(flow,))


def _after_answer(flow: str, challenge: dict[str, Any], result: StepResult, title_key: str) -> None:
    if result.ok:  # a failed answer keeps the challenge, so the learner can try again
        _remember_challenge(flow, result, challenge["client"], challenge["typed"])
    record(flow, Hop(2, title_key, result, lessons=scope_lesson(result, _SCOPE_LESSON)),
           origin=(challenge["client"], challenge["typed"]))


def _answer_new_password(flow: str) -> None:
    challenge = run(flow).memo.get("challenge")
    new_password = st.session_state.pop("new_password", "")  # never kept
    if not challenge:
        return
    attributes = {name: st.session_state.get(f"required-{name}", "") for name in challenge["required"]}
    result = signin.respond_new_password(state.target(), challenge["client"], challenge["username"],
                                         challenge["session"], new_password, attributes)
    _after_answer(flow, challenge, result, "signin_page.hop.new_password_answer")


def _answer_totp(flow: str) -> None:
    challenge = run(flow).memo.get("challenge")
    code = str(st.session_state.pop("totp_code", "")).strip()
    if not challenge:
        return
    result = signin.respond_totp(state.target(), challenge["client"], challenge["username"], challenge["session"], code)
    _after_answer(flow, challenge, result, "signin_page.hop.totp_answer")


# --- REFRESH_TOKEN_AUTH ------------------------------------------------------------------------
def _claim_row(name: str, before: dict[str, Any], after: dict[str, Any]) -> dict[str, str]:
    same = before.get(name) == after.get(name)
    return {"signin_page.col.claim": name, "signin_page.col.before": utc_iso(before.get(name)) or "—",
            "signin_page.col.after": utc_iso(after.get(name)) or "—",
            "signin_page.col.compare": t("signin_page.same") if same else t("signin_page.changed")}


def _auth_time_facts(before_id_token: str | None, result: StepResult) -> tuple[dict[str, str], ...]:
    """auth_time against iat and exp, old ID token and new: only auth_time stays."""
    if not result.ok:
        return ()
    before, after = claims(before_id_token), claims(result.outputs.get("id_token"))
    return tuple(_claim_row(name, before, after) for name in ("auth_time", "iat", "exp"))


def _refresh() -> None:
    who, before = origin(), state.tokens()
    if not before.get("refresh_token"):
        return
    result = signin.refresh(state.target(), who["client"], before["refresh_token"], who["username"] or None)
    restart("refresh")
    record("refresh", Hop(1, "signin_page.hop.refresh", result, _auth_time_facts(before.get("id_token"), result),
                          scope_lesson(result, _SCOPE_LESSON)), origin=(who["client"], who["username"]))


def render_refresh() -> None:
    if not state.tokens().get("refresh_token"):
        st.info(t("signin_page.refresh.sign_in_first"))
        return
    who = origin()
    st.caption(t("signin_page.tokens_of", username=who["username"] or "—", client=who["client"]))
    st.button(t("signin_page.refresh.button"), type="primary", on_click=_refresh)
    render_hops("refresh", 1)


# --- SignUp → the code → ConfirmSignUp → sign in -------------------------------------------
def _sign_up() -> None:
    username = str(st.session_state.get("sign_up_username", "")).strip()
    password = st.session_state.pop("sign_up_password", "")  # never kept
    email = str(st.session_state.get("sign_up_email", "")).strip()
    walk = restart("sign_up")
    result = signin.sign_up(state.target(), "public", username, password, email)
    if result.ok:
        walk.memo["username"] = username
    record("sign_up", Hop(1, "signin_page.hop.sign_up", result))


def _read_code() -> None:
    username = run("sign_up").memo.get("username", "")
    result = signin.read_sent_codes(state.target())
    mine = [message for message in result.outputs.get("messages", []) if message.get("username") == username]
    if mine:  # pre-fill the field as a learner would paste it from the email
        st.session_state["sign_up_code"] = mine[-1].get("code", "")
    facts = tuple({"signin_page.col.username": m.get("username", ""), "signin_page.col.destination": m.get("destination", ""),
                   "signin_page.col.code": m.get("code", "")} for m in mine)
    record("sign_up", Hop(2, "signin_page.hop.read_code", result, facts))


def _confirm() -> None:
    walk = run("sign_up")
    code = str(st.session_state.get("sign_up_code", "")).strip()
    result = signin.confirm_sign_up(state.target(), "public", walk.memo.get("username", ""), code)
    walk.memo["confirmed"] = result.ok or walk.memo.get("confirmed", False)
    record("sign_up", Hop(3, "signin_page.hop.confirm", result))


def _sign_in_new_user() -> None:
    username = run("sign_up").memo.get("username", "")
    password = st.session_state.pop("sign_up_sign_in_password", "")  # never kept
    result = signin.sign_in_with_password(state.target(), username, password, "public")
    record("sign_up", Hop(4, "signin_page.hop.password", result, lessons=scope_lesson(result, _SCOPE_LESSON)),
           main=True, origin=("public", username))


def _render_sign_up_form() -> None:
    st.session_state.setdefault("sign_up_username", f"learner-{secrets.token_hex(3)}")
    st.session_state.setdefault("sign_up_email", "learner@example.com")
    st.text_input(t("sign_in.username"), key="sign_up_username")
    st.text_input(t("signin_page.sign_up.email"), key="sign_up_email")
    st.text_input(t("sign_in.password"), type="password", key="sign_up_password", help=t("signin_page.sign_up.password_help"))
    st.button(t("signin_page.sign_up.button"), type="primary", on_click=_sign_up)


def _render_after_sign_up(memo: dict[str, Any]) -> None:
    st.button(t("signin_page.sign_up.read_code"), on_click=_read_code)
    render_hops("sign_up", 2)
    st.text_input(t("signin_page.sign_up.code"), key="sign_up_code", max_chars=6)
    st.button(t("signin_page.sign_up.confirm"), type="primary", on_click=_confirm)
    render_hops("sign_up", 3)
    if memo.get("confirmed"):
        st.text_input(t("sign_in.password"), type="password", key="sign_up_sign_in_password")
        st.button(t("signin_page.sign_up.sign_in", username=memo["username"]), type="primary", on_click=_sign_in_new_user)
        render_hops("sign_up", 4)


def render_sign_up() -> None:
    _render_sign_up_form()
    render_hops("sign_up", 1)
    memo = run("sign_up").memo
    if memo.get("username"):  # signed up: the code, the confirmation, the first sign-in
        _render_after_sign_up(memo)


# --- GetUser, GlobalSignOut / RevokeToken, GetUser refused -------------------------------------
def _get_user(stage: int) -> None:
    result = signin.get_user(state.target(), state.tokens().get("access_token", ""))
    title = "signin_page.hop.get_user" if stage == 1 else "signin_page.hop.get_user_again"
    lessons = (Note("signin_page.lesson.revoked_still_verifies", "sign-in.md#refresh_token_auth-and-auth_time"),) \
        if stage == 3 and not result.ok else ()
    if stage == 1:
        restart("revocation")
    record("revocation", Hop(stage, title, result, lessons=lessons))


def _global_sign_out() -> None:
    result = signin.global_sign_out(state.target(), state.tokens().get("access_token", ""))
    record("revocation", Hop(2, "signin_page.hop.global_sign_out", result))


def _revoke() -> None:
    result = signin.revoke(state.target(), origin()["client"], state.tokens().get("refresh_token", ""))
    record("revocation", Hop(2, "signin_page.hop.revoke", result))


def render_revocation() -> None:
    tokens = state.tokens()
    if not tokens.get("access_token"):
        st.info(t("signin_page.revocation.sign_in_first"))
        return
    who = origin()
    st.caption(t("signin_page.tokens_of", username=who["username"] or "—", client=who["client"]))
    st.button(t("signin_page.revocation.get_user"), type="primary", on_click=_get_user, args=(1,))
    render_hops("revocation", 1)
    if last_hop("revocation", 1) is None:
        return
    sign_out, revoke = st.columns(2)
    sign_out.button(t("signin_page.revocation.global_sign_out"), on_click=_global_sign_out)
    revoke.button(t("signin_page.revocation.revoke"), on_click=_revoke, disabled=not tokens.get("refresh_token"))
    render_hops("revocation", 2)
    stage_two = last_hop("revocation", 2)
    if stage_two is not None and stage_two.result.ok:
        st.button(t("signin_page.revocation.get_user_again"), type="primary", on_click=_get_user, args=(3,))
        render_hops("revocation", 3)
