"""Leg 1, what a click changes: the sign-in page's walk (`LabSession.sign_in`), the session's
tokens and results. No rendering here.

Every button runs one of these in its on_click callback, so the result is ready when the page
draws (and AppTest, which re-runs only the page, sees it). Passwords are read from their widget
and popped when used: they never enter `LabSession`. The one typed at sign-up stays in its own
masked field until "Confirm and sign in" uses it for the first sign-in and clears it, so the
learner never types it twice (leaving the flow drops the field, and its value, too).

The main result of whichever flow is also saved as the step "sign_in" (with its tokens), so the
tokens, identity and API pages and the export see it; the other hops keep their own step names.
"""

from __future__ import annotations

import dataclasses
import json
import secrets
from typing import Any
from urllib.parse import urlencode

import streamlit as st

from flows import choice_sign_in, fidelity, oauth, signin
from flows import sign_in_facts as facts
from flows.oauth import DEFAULT_SCOPES, DOC_AUTHORIZE, DOC_TOKEN, Pkce
from flows.steps import Note, StepResult
from flows.target import DemoUser, Target
from ui.pkce_store import pending_sign_ins
from ui.room import redirect_uri
from ui.state import Hop, LabSession, Origin, Run, session, target

# Widget keys (Streamlit's; the data they hold is read and, for passwords, cleared here).
FLOW_KEY, USER_KEY, PASSWORD_PREFIX, CLIENT_KEY = "sign_in_flow", "sign_in_user", "password", "sign_in_client"
OAUTH_USER_KEY, OAUTH_PASSWORD_PREFIX = "oauth_user", "oauth_password"
OAUTH_SCOPES_KEY, MACHINE_SCOPES_KEY = "oauth_scopes", "machine_scopes"

# The flows in the order the learner meets them; the first is the default.
FLOWS = ("password", "srp", "new_password", "totp", "refresh", "sign_up", "revocation", "confidential",
         "oauth_code", "client_credentials", "choice")
PASSWORD_FLOWS = ("password", "srp", "new_password", "totp", "confidential")
# What a flow needs from the target: an app client, and for the OAuth ones a user pool domain.
NEEDS_CLIENT = {"confidential": "confidential", "client_credentials": "machine"}
ON_THE_DOMAIN = ("oauth_code", "client_credentials")
# The challenge flows start on the seeded user who shows the challenge.
SUGGESTED_USER = {"new_password": "erin", "totp": "frank"}
FIXED_CLIENT = {"confidential": "confidential", "new_password": "public", "totp": "public"}
_CHALLENGE_DIAGRAM = {"NEW_PASSWORD_REQUIRED": "new_password", "SOFTWARE_TOKEN_MFA": "totp"}
NATIVE_SCOPE_LESSON = "signin_page.lesson.native_scope"
OAUTH_CLIENT, OAUTH_FLOW = "public", "oauth_code"  # the public client may use the code flow
_CALLBACK_PARAMETERS = ("code", "state", "error", "error_description")


# --- the walk ----------------------------------------------------------------------------------------
def offered(chosen: Target) -> list[str]:
    return [flow for flow in FLOWS if NEEDS_CLIENT.get(flow, "public") in chosen.clients
            and (chosen.domain or flow not in ON_THE_DOMAIN)]


def run(flow: str) -> Run:
    """This session's walk through `flow`; a fresh one if it was walking another flow."""
    lab = session()
    if lab.sign_in.run.flow != flow:
        lab.sign_in.run = Run(flow)
    return lab.sign_in.run


def restart(flow: str) -> Run:
    session().sign_in.run = Run(flow)
    return session().sign_in.run


def where(flow: str) -> tuple[int, bool]:
    """The stage the learner is at (the last hop's, or 1 before any) and whether it failed."""
    hops = run(flow).hops
    return (hops[-1].stage, not hops[-1].result.ok) if hops else (1, False)


def diagram_for(flow: str) -> str:
    """The password flows switch to the challenge's diagram once the pool asks one."""
    challenge = run(flow).challenge if flow in ("password", "confidential") else None
    return _CHALLENGE_DIAGRAM.get(challenge.name if challenge else "", flow)


def hops_at(flow: str, stage: int) -> list[Hop]:
    return [hop for hop in run(flow).hops if hop.stage == stage]


def origin() -> Origin:
    return session().tokens_from


def record(flow: str, hop: Hop, main: bool = False, who: Origin | None = None) -> None:
    """Add the hop to the walk and to the session's results; tokens replace the session's."""
    lab, result = session(), hop.result
    if result.ok and result.outputs.get("id_token"):
        lab.save_tokens(result.outputs, who)
        main = True
    if main:  # shown and exported as the sign-in, with the sign-in's fidelity notes
        hop = dataclasses.replace(hop, result=dataclasses.replace(result, step="sign_in"))
    run(flow).hops.append(hop)
    lab.save_result(hop.result)


# --- inputs ------------------------------------------------------------------------------------------
def take_password(user_key: str, password_prefix: str) -> tuple[str, str]:
    """The chosen username and the typed password; the password widget is cleared (never kept)."""
    username = str(st.session_state.get(user_key) or "").strip()
    return username, st.session_state.pop(f"{password_prefix}-{username}", "")


def flow_changed() -> None:
    """Picking a challenge flow picks the seeded user who shows it (erin, frank); leaving one
    goes back to the first seeded user, so the next flow doesn't start on a challenge."""
    seeded = [user.username for user in target().users]
    suggested = SUGGESTED_USER.get(st.session_state[FLOW_KEY])
    if suggested in seeded:
        st.session_state[USER_KEY] = suggested
    elif seeded and st.session_state.get(USER_KEY) in SUGGESTED_USER.values():
        st.session_state[USER_KEY] = seeded[0]


def forget_unoffered_flow() -> list[str]:
    """The flows this target offers; a chosen flow it doesn't offer is forgotten (e.g. no domain)."""
    flows = offered(target())
    if st.session_state.get(FLOW_KEY) not in flows:
        st.session_state.pop(FLOW_KEY, None)
    return flows


def client_for(flow: str) -> str:
    return FIXED_CLIENT.get(flow) or st.session_state.get(CLIENT_KEY) or "public"


def _scopes(key: str) -> tuple[str, ...]:
    return tuple(str(st.session_state.get(key, "")).split())


def default_inputs() -> None:
    """The fields' first values: the scopes the target's API asks for, a fresh sign-up name."""
    custom = facts.custom_scopes(target())
    st.session_state.setdefault(OAUTH_SCOPES_KEY, " ".join(DEFAULT_SCOPES + custom))
    st.session_state.setdefault(MACHINE_SCOPES_KEY, " ".join(custom))
    st.session_state.setdefault("sign_up_username", f"learner-{secrets.token_hex(3)}")
    st.session_state.setdefault("sign_up_email", "learner@example.com")


# --- native: InitiateAuth, then the challenge ----------------------------------------------------------
def sign_in(flow: str) -> None:
    chosen = target()
    username, password = take_password(USER_KEY, PASSWORD_PREFIX)
    if not username or not password:  # clicked before the chosen user's password field was drawn
        return
    client_name = client_for(flow)
    walk = restart(flow)
    call = signin.sign_in_with_srp if flow == "srp" else signin.sign_in_with_password
    result = call(chosen, username, password, client_name)
    walk.challenge = facts.challenge_of(result, client_name, username)
    table = facts.srp_facts(result) if flow == "srp" else facts.secret_hash_facts(chosen, client_name, username)
    hop = Hop(1, f"signin_page.hop.{flow}", result, table,
              facts.sign_in_lessons(chosen, client_name, result, NATIVE_SCOPE_LESSON))
    record(flow, hop, main=True, who=Origin(client_name, username))


def _after_answer(flow: str, result: StepResult, title_key: str) -> None:
    walk = run(flow)
    challenge = walk.challenge
    assert challenge is not None
    if result.ok:  # a failed answer keeps the challenge, so the learner can try again
        walk.challenge = facts.challenge_of(result, challenge.client, challenge.typed)
    record(flow, Hop(2, title_key, result, lessons=facts.scope_lesson(result, NATIVE_SCOPE_LESSON)),
           who=Origin(challenge.client, challenge.typed))


def answer_new_password(flow: str) -> None:
    challenge = run(flow).challenge
    new_password = st.session_state.pop("new_password", "")  # never kept
    if challenge is None:
        return
    attributes = {name: st.session_state.get(f"required-{name}", "") for name in challenge.required}
    result = signin.respond_new_password(target(), challenge.client, challenge.username, challenge.session,
                                         new_password, attributes)
    _after_answer(flow, result, "signin_page.hop.new_password_answer")


def answer_totp(flow: str) -> None:
    challenge = run(flow).challenge
    code = str(st.session_state.pop("totp_code", "")).strip()
    if challenge is None:
        return
    result = signin.respond_totp(target(), challenge.client, challenge.username, challenge.session, code)
    _after_answer(flow, result, "signin_page.hop.totp_answer")


# --- REFRESH_TOKEN_AUTH ----------------------------------------------------------------------------------
def refresh() -> None:
    lab, who = session(), origin()
    before = lab.tokens
    if not before.get("refresh_token"):
        return
    result = signin.refresh(target(), who.client, before["refresh_token"], who.username or None)
    restart("refresh")
    record("refresh", Hop(1, "signin_page.hop.refresh", result, facts.auth_time_facts(before.get("id_token"), result),
                          facts.scope_lesson(result, NATIVE_SCOPE_LESSON)), who=who)


# --- SignUp → the code → ConfirmSignUp → sign in ---------------------------------------------------------
SIGN_UP_PASSWORD_KEY, SIGN_IN_AGAIN_PASSWORD_KEY = "sign_up_password", "sign_up_sign_in_password"


def sign_up() -> None:
    username = str(st.session_state.get("sign_up_username", "")).strip()
    # The password stays in its own masked field (the widget, nowhere else) until "Confirm and
    # sign in" uses it and clears it: the learner never types it twice, and the lab never stores it.
    password = str(st.session_state.get(SIGN_UP_PASSWORD_KEY, ""))
    email = str(st.session_state.get("sign_up_email", "")).strip()
    walk = restart("sign_up")
    result = signin.sign_up(target(), "public", username, password, email)
    if result.ok:
        walk.sign_up.username = username
    record("sign_up", Hop(1, "signin_page.hop.sign_up", result))


def read_code() -> None:
    """Reads the outbox again: the new reading replaces the last one (no stacked steps)."""
    walk = run("sign_up")
    username = walk.sign_up.username
    result = signin.read_sent_codes(target())
    mine = [message for message in result.outputs.get("messages", []) if message.get("username") == username]
    if mine:  # pre-fill the field as a learner would paste it from the email
        st.session_state["sign_up_code"] = mine[-1].get("code", "")
    walk.hops = [hop for hop in walk.hops if hop.stage != 2]
    record("sign_up", Hop(2, "signin_page.hop.read_code", result, facts.sent_code_facts(mine)))


def confirm() -> None:
    """ConfirmSignUp, then at once the first sign-in with the password typed at sign-up."""
    walk = run("sign_up")
    code = str(st.session_state.get("sign_up_code", "")).strip()
    result = signin.confirm_sign_up(target(), "public", walk.sign_up.username, code)
    walk.sign_up.confirmed = result.ok or walk.sign_up.confirmed
    record("sign_up", Hop(3, "signin_page.hop.confirm", result))
    if result.ok:  # a refused code keeps the password in its field, to try another code
        _first_sign_in(walk.sign_up.username, st.session_state.pop(SIGN_UP_PASSWORD_KEY, ""))


def sign_in_new_user() -> None:
    """The fallback when the sign-up password field was emptied: the password typed again."""
    _first_sign_in(run("sign_up").sign_up.username, st.session_state.pop(SIGN_IN_AGAIN_PASSWORD_KEY, ""))


def _first_sign_in(username: str, password: str) -> None:
    if not password:
        return
    result = signin.sign_in_with_password(target(), username, password, "public")
    record("sign_up", Hop(4, "signin_page.hop.password", result,
                          lessons=facts.scope_lesson(result, NATIVE_SCOPE_LESSON)),
           main=True, who=Origin("public", username))


# --- GetUser, GlobalSignOut / RevokeToken, GetUser refused ------------------------------------------------
def get_user(stage: int) -> None:
    result = signin.get_user(target(), session().tokens.get("access_token", ""))
    title = "signin_page.hop.get_user" if stage == 1 else "signin_page.hop.get_user_again"
    lessons = (Note("signin_page.lesson.revoked_still_verifies", "sign-in.md#refresh_token_auth-and-auth_time"),) \
        if stage == 3 and not result.ok else ()
    if stage == 1:
        restart("revocation")
    record("revocation", Hop(stage, title, result, lessons=lessons))


def global_sign_out() -> None:
    result = signin.global_sign_out(target(), session().tokens.get("access_token", ""))
    record("revocation", Hop(2, "signin_page.hop.global_sign_out", result))


def revoke() -> None:
    result = signin.revoke(target(), origin().client, session().tokens.get("refresh_token", ""))
    record("revocation", Hop(2, "signin_page.hop.revoke", result))


# --- OAuth: authorization code + PKCE, hop by hop ----------------------------------------------------------
def start_code_flow() -> None:
    chosen, pkce = target(), oauth.new_pkce()
    walk = restart(OAUTH_FLOW)
    walk.oauth.pkce, walk.oauth.redirect_uri = pkce, redirect_uri()
    url = oauth.authorize_url(chosen, OAUTH_CLIENT, pkce, _scopes(OAUTH_SCOPES_KEY), walk.oauth.redirect_uri)
    result = oauth.open_sign_in_page(chosen, url)
    walk.oauth.form = result.outputs.get("form")
    if result.outputs.get("code"):  # the domain sent the browser straight back (a session was open)
        walk.oauth.location = result.outputs.get("location")
    lessons = (Note("signin_page.lesson.pkce", DOC_AUTHORIZE),)
    record(OAUTH_FLOW, Hop(1, "signin_page.hop.authorize", result, facts.pkce_facts(pkce), lessons))


def submit_hosted_form() -> None:
    walk = run(OAUTH_FLOW).oauth
    username, password = take_password(OAUTH_USER_KEY, OAUTH_PASSWORD_PREFIX)
    if not walk.form or walk.pkce is None or not username:
        return
    result = oauth.submit_sign_in(target(), walk.form, username, password, expected_state=walk.pkce.state)
    walk.form = result.outputs.get("form", walk.form)  # refused: the form again, to retry
    walk.location = result.outputs.get("location") if result.ok else None
    record(OAUTH_FLOW, Hop(2, "signin_page.hop.hosted_sign_in", result))


def _follow(location: str, pkce: Pkce) -> None:
    result = oauth.read_callback(location, pkce.state)
    run(OAUTH_FLOW).oauth.code = result.outputs.get("code")
    record(OAUTH_FLOW, Hop(3, "signin_page.hop.redirect", result, facts.callback_facts(result, pkce.state)))


def follow_redirect() -> None:
    walk = run(OAUTH_FLOW).oauth
    if walk.location and walk.pkce:
        _follow(walk.location, walk.pkce)


def _redeem_lessons(kind: str, used: Pkce, pkce: Pkce, result: StepResult) -> tuple[Note, ...]:
    if kind == "wrong":
        return (Note("signin_page.lesson.wrong_verifier", DOC_TOKEN,
                     {"computed": oauth.s256_challenge(used.verifier), "challenge": pkce.challenge}),)
    if kind == "again":
        return (Note("signin_page.lesson.code_reused", DOC_TOKEN),)
    return facts.scope_lesson(result, "signin_page.lesson.oauth_scope")


def redeem(kind: str) -> None:
    """kind: "right" (the verifier), "wrong" (another verifier), "again" (the same code twice)."""
    walk = run(OAUTH_FLOW).oauth
    pkce, code = walk.pkce, walk.code
    if pkce is None or not code:
        return
    used = dataclasses.replace(pkce, verifier=oauth.new_pkce().verifier) if kind == "wrong" else pkce
    result = oauth.exchange_code(target(), OAUTH_CLIENT, code, used, walk.redirect_uri or redirect_uri())
    walk.redeemed = True
    username = facts.claims_of(result.outputs.get("id_token")).get("cognito:username", "")
    record(OAUTH_FLOW, Hop(4, f"signin_page.hop.token_{kind}", result, lessons=_redeem_lessons(kind, used, pkce, result)),
           main=kind == "right", who=Origin(OAUTH_CLIENT, username))


# --- OAuth in the learner's own browser ----------------------------------------------------------------------
def prepare_browser_sign_in() -> None:
    chosen, pkce, back_to = target(), oauth.new_pkce(), redirect_uri()
    url = oauth.authorize_url(chosen, OAUTH_CLIENT, pkce, _scopes(OAUTH_SCOPES_KEY), back_to)
    pending_sign_ins().put(pkce.state, pkce, OAUTH_CLIENT, back_to, chosen, session().resume_code)
    session().sign_in.browser_url = url


def _adopt(lab: LabSession, chosen: Target) -> None:
    """The code belongs to the user pool of the session that started the sign-in, not to the
    one this new browser session was given: verify, exchange and call APIs against that one."""
    if lab.target != chosen:
        lab.switch_target(chosen)


def take_browser_callback(query: dict[str, str]) -> bool:
    """The browser came back from the hosted sign-in page to /sign_in?code=…&state=…, as a new
    Streamlit session: find the pending sign-in by its state and redeem the code. True when the
    query was such a callback (the page then clears it and draws again)."""
    query = {name: query[name] for name in _CALLBACK_PARAMETERS if name in query}
    if "state" not in query or not {"code", "error"} & query.keys():
        return False
    st.session_state[FLOW_KEY] = OAUTH_FLOW
    pending = pending_sign_ins().take(query["state"])
    if pending is None:  # unknown, used or expired: the code is never redeemed
        restart(OAUTH_FLOW).oauth.unknown_state = True
        return True
    _adopt(session(), pending.target)
    walk = restart(OAUTH_FLOW).oauth
    walk.pkce, walk.from_browser, walk.redirect_uri = pending.pkce(query["state"]), True, pending.redirect_uri
    _follow(f"{pending.redirect_uri}?{urlencode(query)}", walk.pkce)
    if walk.code:
        redeem("right")
    return True


# --- client_credentials ----------------------------------------------------------------------------------------
def client_credentials() -> None:
    result = oauth.client_credentials(target(), "machine", _scopes(MACHINE_SCOPES_KEY))
    restart("client_credentials")
    scope = facts.claims_of(result.outputs.get("access_token")).get("scope", "") if result.ok else ""
    lessons = (Note("signin_page.lesson.machine_scope", DOC_TOKEN, {"scope": scope}),) if scope else ()
    record("client_credentials", Hop(1, "signin_page.hop.client_credentials", result,
                                     facts.machine_token_facts(result), lessons))


NATIVE_MACHINE_CLIENT = "machine_api"  # the seeded app client with ALLOW_CLIENT_TOKEN_AUTH only


def client_token() -> None:
    """GetClientToken, the native API's machine-to-machine call, beside the token endpoint's grant."""
    if NATIVE_MACHINE_CLIENT not in target().clients:
        return
    result = signin.client_token(target(), NATIVE_MACHINE_CLIENT, _scopes(MACHINE_SCOPES_KEY))
    walk = run("client_credentials")
    walk.hops = [hop for hop in walk.hops if hop.stage != 2]
    record("client_credentials", Hop(2, "client_token.hop", result, facts.machine_token_facts(result)))


# --- refresh-token rotation: GetTokensFromRefreshToken ---------------------------------------------------
ROTATING_CLIENT = "rotating"  # the seeded app client with RefreshTokenRotation on, no grace period
_NOT_FOR_ROTATION = ("dave", "erin", "frank")  # unconfirmed, temporary password, MFA: no tokens at once


def _rotation_user(chosen: Target) -> DemoUser | None:
    plain = [user for user in chosen.users if user.username not in _NOT_FOR_ROTATION]
    return next((user for user in plain if user.username == origin().username), plain[0] if plain else None)


def _aside(walk: Run, hop: Hop) -> None:
    """A hop of the rotation walk: shown with its fidelity notes; the session's tokens stay."""
    walk.hops.append(dataclasses.replace(hop, result=fidelity.annotate(hop.result, session().target)))


def rotate_refresh_token() -> None:
    """Sign in through the rotating app client, refresh once (a new refresh token comes back),
    then send the old refresh token again: refused, the grace period being 0 (aws-facts.md §1.5)."""
    chosen = target()
    user = _rotation_user(chosen)
    if user is None or ROTATING_CLIENT not in chosen.clients:
        return
    walk = restart("refresh")
    signed_in = signin.sign_in_with_password(chosen, user.username, user.password, ROTATING_CLIENT)
    _aside(walk, Hop(2, "rotation.hop.sign_in", signed_in))
    old = signed_in.outputs.get("refresh_token") if signed_in.ok else None
    if not old:
        return
    for title in ("rotation.hop.refresh", "rotation.hop.old_again"):  # the same old token, twice
        _aside(walk, Hop(2, title, signin.refresh_with_rotation(chosen, ROTATING_CLIENT, old)))


# --- choice-based sign-in (USER_AUTH): one-time codes and passkeys (issue 22) -------------------------------
CHOICE_FLOW, CHOICE_USER_KEY, CHOICE_ANSWER_KEY = "choice", "choice_user", "choice_answer"
CHOICE_CODE_KEY, CHOICE_PASSWORD_PREFIX = "choice_code", "choice_password"


def _choice_who() -> Origin:
    return Origin("public", run(CHOICE_FLOW).choice.username)


def _choice_outcome(result: StepResult) -> None:
    """Remember the challenge the pool asked (or that the sign-in is over)."""
    walk = run(CHOICE_FLOW).choice
    if not result.ok:  # a wrong code keeps the challenge: the learner may try again
        return
    walk.challenge, walk.session = result.outputs.get("challenge"), str(result.outputs.get("session") or "")
    walk.available = tuple(result.outputs.get("available_challenges") or walk.available)
    walk.request_options = (result.outputs.get("challenge_parameters") or {}).get("CREDENTIAL_REQUEST_OPTIONS")


def choice_start() -> None:
    """InitiateAuth USER_AUTH without a preference: the pool lists what this user can take."""
    username = str(st.session_state.get(CHOICE_USER_KEY) or "").strip()
    restart(CHOICE_FLOW).choice.username = username
    result = choice_sign_in.start(target(), username)
    _choice_outcome(result)
    record(CHOICE_FLOW, Hop(1, "choice.hop.start", result), who=_choice_who())


def choice_select() -> None:
    """SELECT_CHALLENGE answered; for EMAIL_OTP the code is read from the outbox at once."""
    walk = run(CHOICE_FLOW).choice
    answer = str(st.session_state.get(CHOICE_ANSWER_KEY) or "")
    responses = {"USERNAME": walk.username, "ANSWER": answer}
    if answer == "PASSWORD":  # read from its widget and dropped: never kept
        responses["PASSWORD"] = st.session_state.pop(f"{CHOICE_PASSWORD_PREFIX}-{walk.username}", "")
    result = choice_sign_in.respond(target(), "SELECT_CHALLENGE", walk.session, responses)
    _choice_outcome(result)
    record(CHOICE_FLOW, Hop(2, "choice.hop.select", result), who=_choice_who())
    if result.ok and walk.challenge in ("EMAIL_OTP", "SMS_OTP"):
        choice_read_code()


def choice_read_code() -> None:
    walk = run(CHOICE_FLOW).choice
    result = choice_sign_in.read_sign_in_code(target(), walk.username)
    st.session_state[CHOICE_CODE_KEY] = result.outputs.get("code") or ""  # as if pasted from the email
    record(CHOICE_FLOW, Hop(3, "choice.hop.read_code", result))


def choice_answer_code() -> None:
    walk = run(CHOICE_FLOW).choice
    code = str(st.session_state.pop(CHOICE_CODE_KEY, "")).strip()
    name = walk.challenge or "EMAIL_OTP"
    result = choice_sign_in.respond(target(), name, walk.session, {"USERNAME": walk.username, f"{name}_CODE": code})
    _choice_outcome(result)
    record(CHOICE_FLOW, Hop(4, "choice.hop.answer_code", result), who=_choice_who())


def choice_answer_passkey(credential: dict[str, Any]) -> None:
    """WEB_AUTHN answered with the browser's AuthenticationResponseJSON; its signed data explained."""
    walk = run(CHOICE_FLOW).choice
    result = choice_sign_in.respond(target(), "WEB_AUTHN", walk.session,
                                    {"USERNAME": walk.username, "CREDENTIAL": json.dumps(credential)})
    response = credential.get("response") or {}
    rp_id = json.loads(walk.request_options or "{}").get("rpId", "")
    walk.explained = {"rp_id": rp_id,
                      "client_data": choice_sign_in.explain_client_data(str(response.get("clientDataJSON", ""))),
                      "authenticator": choice_sign_in.explain_authenticator_data(
                          str(response.get("authenticatorData", "")), rp_id)}
    _choice_outcome(result)
    record(CHOICE_FLOW, Hop(3, "choice.hop.answer_passkey", result), who=_choice_who())


def choice_start_registration() -> None:
    """Sign in with the password, then StartWebAuthnRegistration with that access token."""
    username = str(st.session_state.get(CHOICE_USER_KEY) or "").strip()
    password = st.session_state.pop(f"{CHOICE_PASSWORD_PREFIX}-{username}", "")
    restart(CHOICE_FLOW).choice.username = username
    signed = signin.sign_in_with_password(target(), username, password)
    record(CHOICE_FLOW, Hop(1, "choice.hop.password_first", signed), who=_choice_who())
    if not signed.ok or not signed.outputs.get("access_token"):
        return
    result = choice_sign_in.start_passkey_registration(target(), str(signed.outputs["access_token"]))
    run(CHOICE_FLOW).choice.creation_options = result.outputs.get("creation_options")
    record(CHOICE_FLOW, Hop(1, "choice.hop.register_start", result))


def choice_complete_registration(credential: dict[str, Any]) -> None:
    walk = run(CHOICE_FLOW).choice
    walk.creation_options = None  # answered: the browser prompt is not shown again
    result = choice_sign_in.complete_passkey_registration(target(), session().tokens.get("access_token", ""), credential)
    record(CHOICE_FLOW, Hop(1, "choice.hop.register_complete", result))
