"""The sign-in page's OAuth 2.0 flows on the user pool domain (aws-facts.md §3): the
authorization code with PKCE (S256), hop by hop or in the learner's own browser, and
client_credentials for a machine client.

Every button runs one `flows.oauth` call in its on_click callback. The PKCE pair of the
hop-by-hop walk is per-user data and lives in `st.session_state`; only a sign-in made in the
learner's own browser parks its verifier server-side (ui/pkce_store.py says why).
"""

from __future__ import annotations

import dataclasses
from urllib.parse import urlencode

import streamlit as st

from flows import oauth
from flows.oauth import DEFAULT_SCOPES, DOC_AUTHORIZE, DOC_TOKEN, LAB_REDIRECT_URI, Pkce
from flows.steps import Note, StepResult
from flows.target import Target
from ui import state
from ui.i18n import t
from ui.pkce_store import TTL_SECONDS, pending_sign_ins
from ui.sign_in_native import take_password, user_inputs
from ui.sign_in_run import Hop, Run, claims, record, render_hops, restart, run, scope_lesson

CLIENT = "public"  # the seeded client allowed the code flow, with LAB_REDIRECT_URI registered
FLOW = "oauth_code"
_CALLBACK_PARAMETERS = ("code", "state", "error", "error_description")


def _custom_scopes(target: Target) -> tuple[str, ...]:
    """The API's custom scopes (the routes name them): what only the OAuth endpoints grant."""
    return tuple(sorted({scope for route in target.routes for scope in route.scopes}))


def _scopes(key: str) -> tuple[str, ...]:
    return tuple(str(st.session_state.get(key, "")).split())


def _row(field: str, value: str, why_key: str = "") -> dict[str, str]:
    return {"signin_page.col.field": field, "signin_page.col.value": value,
            "signin_page.col.why": t(why_key) if why_key else ""}


# --- step 1: PKCE, then GET /oauth2/authorize → /login ---------------------------------------
def _pkce_facts(pkce: Pkce) -> tuple[dict[str, str], ...]:
    return (_row("code_verifier", pkce.verifier, "signin_page.pkce.verifier"),
            _row("code_challenge", pkce.challenge, "signin_page.pkce.challenge"),
            _row("code_challenge_method", pkce.method, "signin_page.pkce.method"),
            _row("state", pkce.state, "signin_page.pkce.state"),
            _row("nonce", pkce.nonce, "signin_page.pkce.nonce"))


def _start() -> None:
    target, pkce = state.target(), oauth.new_pkce()
    walk = restart(FLOW)
    walk.memo["pkce"] = pkce
    result = oauth.open_sign_in_page(target, oauth.authorize_url(target, CLIENT, pkce, _scopes("oauth_scopes")))
    walk.memo["form"] = result.outputs.get("form")
    if result.outputs.get("code"):  # the domain sent the browser straight back (a session was open)
        walk.memo["location"] = result.outputs.get("location")
    lessons = (Note("signin_page.lesson.pkce", DOC_AUTHORIZE),)
    record(FLOW, Hop(1, "signin_page.hop.authorize", result, _pkce_facts(pkce), lessons))


# --- step 2: the hosted sign-in page ---------------------------------------------------------
def _submit() -> None:
    walk = run(FLOW)
    username, password = take_password("oauth_user", "oauth_password")
    form, pkce = walk.memo.get("form"), walk.memo.get("pkce")
    if not form or pkce is None or not username:
        return
    result = oauth.submit_sign_in(state.target(), form, username, password, expected_state=pkce.state)
    walk.memo["form"] = result.outputs.get("form", form)  # refused: the form again, to retry
    walk.memo["location"] = result.outputs.get("location") if result.ok else None
    record(FLOW, Hop(2, "signin_page.hop.hosted_sign_in", result))


def _render_stage_two(walk: Run) -> None:
    if not walk.memo.get("form") or walk.memo.get("location"):
        return
    st.markdown(f"##### {t('signin_page.step', step=2)} · {t('signin_page.oauth.hosted_form')}")
    st.caption(t("signin_page.oauth.hosted_form_help"))
    user_inputs(state.target(), "oauth_user", "oauth_password")
    st.button(t("signin_page.oauth.submit"), type="primary", on_click=_submit)


# --- step 3: the redirect back to the app -----------------------------------------------------
def _callback_facts(result: StepResult, sent_state: str) -> tuple[dict[str, str], ...]:
    outputs = result.outputs
    return (_row("redirect", outputs.get("location") or ""),
            _row("code", outputs.get("code") or "—", "signin_page.callback.code"),
            _row("state (sent)", sent_state), _row("state (back)", outputs.get("state") or "—", "signin_page.callback.state"))


def _follow(walk: Run, location: str, pkce: Pkce) -> None:
    result = oauth.read_callback(location, pkce.state)
    walk.memo["code"] = result.outputs.get("code")
    record(FLOW, Hop(3, "signin_page.hop.redirect", result, _callback_facts(result, pkce.state)))


def _follow_redirect() -> None:
    walk = run(FLOW)
    if walk.memo.get("location") and walk.memo.get("pkce"):
        _follow(walk, walk.memo["location"], walk.memo["pkce"])


def _render_stage_three(walk: Run) -> None:
    if not walk.memo.get("location") or walk.memo.get("code") or walk.memo.get("from_browser"):
        return
    st.markdown(f"##### {t('signin_page.step', step=3)} · {t('signin_page.hop.redirect')}")
    st.code(walk.memo["location"], language="text")
    st.button(t("signin_page.oauth.follow"), type="primary", on_click=_follow_redirect)


# --- step 4: POST /oauth2/token ---------------------------------------------------------------
def _redeem_lessons(kind: str, used: Pkce, pkce: Pkce, result: StepResult) -> tuple[Note, ...]:
    if kind == "wrong":
        return (Note("signin_page.lesson.wrong_verifier", DOC_TOKEN,
                     {"computed": oauth.s256_challenge(used.verifier), "challenge": pkce.challenge}),)
    if kind == "again":
        return (Note("signin_page.lesson.code_reused", DOC_TOKEN),)
    return scope_lesson(result, "signin_page.lesson.oauth_scope")


def _redeem(kind: str) -> None:
    """kind: "right" (the verifier), "wrong" (another verifier), "again" (the same code twice)."""
    walk = run(FLOW)
    pkce, code = walk.memo.get("pkce"), walk.memo.get("code")
    if pkce is None or not code:
        return
    used = dataclasses.replace(pkce, verifier=oauth.new_pkce().verifier) if kind == "wrong" else pkce
    result = oauth.exchange_code(state.target(), CLIENT, code, used, walk.memo.get("redirect_uri", LAB_REDIRECT_URI))
    walk.memo["redeemed"] = True
    username = claims(result.outputs.get("id_token")).get("cognito:username", "")
    record(FLOW, Hop(4, f"signin_page.hop.token_{kind}", result, lessons=_redeem_lessons(kind, used, pkce, result)),
           main=kind == "right", origin=(CLIENT, username))


def _render_stage_four(walk: Run) -> None:
    if not walk.memo.get("code"):
        return
    st.markdown(f"##### {t('signin_page.step', step=4)} · {t('signin_page.oauth.redeem_heading')}")
    if walk.memo.get("redeemed"):
        st.button(t("signin_page.oauth.redeem_again"), on_click=_redeem, args=("again",))
        return
    right, wrong = st.columns(2)
    right.button(t("signin_page.oauth.redeem"), type="primary", on_click=_redeem, args=("right",))
    wrong.button(t("signin_page.oauth.redeem_wrong"), on_click=_redeem, args=("wrong",))


# --- the real thing: the learner's own browser ------------------------------------------------
def _prepare_browser_sign_in() -> None:
    target, pkce = state.target(), oauth.new_pkce()
    url = oauth.authorize_url(target, CLIENT, pkce, _scopes("oauth_scopes"), LAB_REDIRECT_URI)
    pending_sign_ins().put(pkce.state, pkce, CLIENT, LAB_REDIRECT_URI, target)
    st.session_state["oauth_browser_url"] = url


def _render_browser_option() -> None:
    st.subheader(t("signin_page.browser.heading"))
    st.write(t("signin_page.browser.intro", redirect_uri=LAB_REDIRECT_URI, minutes=int(TTL_SECONDS // 60)))
    st.button(t("signin_page.browser.prepare"), on_click=_prepare_browser_sign_in)
    url = st.session_state.get("oauth_browser_url")
    if url:
        st.link_button(t("signin_page.browser.open"), url, type="primary")
        st.code(url, language="text")


def _adopt(target: Target) -> None:
    """The code belongs to the user pool of the session that started the sign-in, not to the
    one this new browser session was given: verify, exchange and call APIs against that one."""
    if state.target() != target:
        state.forget_session_data()
        st.session_state["target"] = target


def take_browser_callback() -> None:
    """The browser came back from the hosted sign-in page to /sign_in?code=…&state=…, as a new
    Streamlit session: find the pending sign-in by its state and redeem the code."""
    query = {name: str(st.query_params[name]) for name in _CALLBACK_PARAMETERS if name in st.query_params}
    if "state" not in query or not {"code", "error"} & query.keys():
        return
    st.query_params.clear()  # a rerun must not try the same code again
    st.session_state["sign_in_flow"] = FLOW
    pending = pending_sign_ins().take(query["state"])
    walk = restart(FLOW)
    if pending is None:  # unknown, used or expired: the code is never redeemed
        walk.memo["unknown_state"] = True
        return
    _adopt(pending.target)
    walk.memo.update(pkce=pending.pkce(query["state"]), from_browser=True, redirect_uri=pending.redirect_uri)
    _follow(walk, f"{pending.redirect_uri}?{urlencode(query)}", walk.memo["pkce"])
    if walk.memo.get("code"):
        _redeem("right")
    st.rerun()  # draw the sidebar again: this session now shows the adopted target


def render_oauth_code() -> None:
    target, walk = state.target(), run(FLOW)
    if walk.memo.get("unknown_state"):
        st.error(t("signin_page.browser.unknown_state"))
    if walk.memo.get("from_browser"):
        st.info(t("signin_page.browser.came_back"))
    st.session_state.setdefault("oauth_scopes", " ".join(DEFAULT_SCOPES + _custom_scopes(target)))
    st.text_input(t("signin_page.scopes"), key="oauth_scopes", help=t("signin_page.scopes_help"))
    st.button(t("signin_page.oauth.start"), type="primary", on_click=_start)
    render_hops(FLOW, 1)
    for stage, render_form in ((2, _render_stage_two), (3, _render_stage_three), (4, _render_stage_four)):
        render_form(walk)
        render_hops(FLOW, stage)
    _render_browser_option()


# --- client_credentials -------------------------------------------------------------------------
def _machine_token_facts(result: StepResult) -> tuple[dict[str, str], ...]:
    if not result.ok:
        return ()
    token = claims(result.outputs.get("access_token"))
    rows = [_row(name, str(token.get(name, "—"))) for name in ("scope", "client_id", "sub", "token_use")]
    absent = t("signin_page.absent")
    return (*rows, _row("id_token", result.outputs.get("id_token") or absent),
            _row("refresh_token", result.outputs.get("refresh_token") or absent))


def _client_credentials() -> None:
    result = oauth.client_credentials(state.target(), "machine", _scopes("machine_scopes"))
    restart("client_credentials")
    scope = claims(result.outputs.get("access_token")).get("scope", "") if result.ok else ""
    lessons = (Note("signin_page.lesson.machine_scope", DOC_TOKEN, {"scope": scope}),) if scope else ()
    record("client_credentials", Hop(1, "signin_page.hop.client_credentials", result,
                                     _machine_token_facts(result), lessons))


def render_client_credentials() -> None:
    target = state.target()
    st.caption(t("signin_page.client_fixed", client="machine", note=target.clients["machine"].note))
    st.session_state.setdefault("machine_scopes", " ".join(_custom_scopes(target)))
    st.text_input(t("signin_page.scopes"), key="machine_scopes", help=t("signin_page.machine_scopes_help"))
    st.button(t("signin_page.client_credentials.button"), type="primary", on_click=_client_credentials)
    render_hops("client_credentials", 1)
