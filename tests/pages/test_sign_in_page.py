"""The sign-in page, flow by flow, through AppTest against the real sandbox: what the learner
sees at each hop, the errors with their meaning, and the tokens left for the next pages."""

from __future__ import annotations

import time
from typing import Any, Iterator

import jwt
import pytest
from streamlit.testing.v1 import AppTest

from flows import oauth, signin
from flows.target import Target, target_from_topology
from sandbox.topology import READ_SCOPE, release, seed
from tests.pages.tables import static_tables
from tests.conftest import ROOT
from ui.pkce_store import PendingSignIns

PAGE = "app_pages/sign_in.py"
FLOWS = ("password", "srp", "new_password", "totp", "refresh", "sign_up", "revocation", "confidential",
         "oauth_code", "client_credentials")


@pytest.fixture()
def fresh_target(sandbox_server) -> Iterator[Target]:
    """A topology of its own: these tests change users (new password, sign-out, sign-up)."""
    seeded = seed(sandbox_server)
    yield target_from_topology(seeded)
    release(sandbox_server, seeded)


def _texts(app: AppTest) -> str:
    parts = [e.value for kind in ("title", "subheader", "markdown", "caption", "info", "success", "error",
                                  "warning", "code") for e in getattr(app, kind)]
    return "\n".join(str(p) for p in parts)


def _frames(app: AppTest) -> list[Any]:
    return [frame.value for frame in app.dataframe] + static_tables(app)


def _page(target: Target, flow: str = "password", lang: str = "en") -> AppTest:
    """A new browser session on the sign-in page, pointed at `target`, with `flow` chosen."""
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    app.run()
    assert not app.exception
    app.session_state["lab"].target = target
    app.session_state["lab"].lang = lang
    app.switch_page(PAGE).run()
    if flow != "password":
        app.selectbox(key="sign_in_flow").set_value(flow).run()
    assert not app.exception, app.exception
    return app


def _click(app: AppTest, label: str) -> AppTest:
    next(b for b in app.button if b.label == label).click().run()
    assert not app.exception, app.exception
    return app


def _claims(token: str) -> dict[str, Any]:
    return jwt.decode(token, options={"verify_signature": False})


def _password(target: Target, username: str) -> str:
    return next(user.password for user in target.users if user.username == username)


def _is_password(widget: Any) -> bool:
    return widget.proto.type == widget.proto.PASSWORD


def _diagram(app: AppTest) -> str:
    return next(m.value for m in app.markdown if "sequenceDiagram" in m.value)


def _signed_in(app: AppTest, username: str) -> dict[str, str]:
    tokens = app.session_state["lab"].tokens
    assert _claims(tokens["id_token"])["cognito:username"] == username
    assert app.session_state["lab"].results["sign_in"].ok
    return tokens


# --- native flows -----------------------------------------------------------------------------
def test_user_password_auth_signs_in_and_never_shows_the_password(fresh_target):
    app = _click(_page(fresh_target), "Sign in")
    assert any(s.value.startswith("Signed in") for s in app.success)
    _signed_in(app, "alice")
    texts = _texts(app)
    assert '"PASSWORD": "********"' in texts and _password(fresh_target, "alice") not in texts
    assert 'This access token\'s scope is "aws.cognito.signin.user.admin"' in texts
    assert "You are here: step 1" in _diagram(app) and "USER_PASSWORD_AUTH" in _diagram(app)
    assert _is_password(app.text_input(key="password-alice"))


def test_srp_sends_a_proof_never_the_password(fresh_target):
    app = _click(_page(fresh_target, "srp"), "Sign in")
    _signed_in(app, "alice")
    [fields] = [frame for frame in _frames(app) if "parameters sent" in frame.columns]
    assert fields["request"].tolist() == ["InitiateAuth", "RespondToAuthChallenge"]
    assert "SRP_A" in fields["parameters sent"][0] and "PASSWORD_CLAIM_SIGNATURE" in fields["parameters sent"][1]
    assert fields["PASSWORD sent?"].tolist() == ["no", "no"]
    assert "USER_SRP_AUTH never sends the password" in _texts(app)
    assert [e.label for e in app.expander][:2] == ["1. InitiateAuth", "2. RespondToAuthChallenge"]


def test_srp_wrong_password_shows_the_pools_refusal(fresh_target):
    app = _page(fresh_target, "srp")
    app.text_input(key="password-alice").set_value("not-her-password").run()
    _click(app, "Sign in")
    assert any("NotAuthorizedException" in e.value for e in app.error)
    assert "Incorrect username or password." in _texts(app) and "not-her-password" not in _texts(app)
    assert "rgba(198, 40, 40" in _diagram(app)  # the failed step is drawn red
    assert not app.session_state["lab"].tokens


def test_erin_sets_a_new_password_then_gets_tokens(fresh_target):
    app = _page(fresh_target, "new_password")
    assert app.selectbox(key="sign_in_user").value == "erin"
    _click(app, "Sign in")
    assert "Answer the NEW_PASSWORD_REQUIRED challenge" in _texts(app) and not app.session_state["lab"].tokens
    assert _is_password(app.text_input(key="new_password"))
    app.text_input(key="new_password").set_value("Erin-new-passw0rd!").run()
    _click(app, "Set the new password")
    _signed_in(app, "erin")
    assert "Erin-new-passw0rd!" not in _texts(app) and "new_password" not in app.session_state
    assert "You are here: step 2" in _diagram(app)


def test_frank_answers_totp_with_the_code_his_app_shows(fresh_target):
    app = _click(_page(fresh_target, "totp"), "Sign in")
    secret = next(user.totp_secret for user in fresh_target.users if user.username == "frank")
    shown = [c.value for c in app.code if len(c.value) == 6 and c.value.isdigit()]
    assert shown and shown[0] in {signin.authenticator_code(secret, time.time() + drift) for drift in (-30, 0)}
    wrong = f"{(int(shown[0]) + 500000) % 1000000:06d}"
    app.text_input(key="totp_code").set_value(wrong).run()
    _click(app, "Send the code")
    assert any("CodeMismatchException" in e.value for e in app.error)
    assert "does not match" in _texts(app)
    app.text_input(key="totp_code").set_value(signin.authenticator_code(secret)).run()
    _click(app, "Send the code")
    _signed_in(app, "frank")


def test_refresh_keeps_auth_time(fresh_target):
    app = _click(_page(fresh_target, "srp"), "Sign in")
    first = app.session_state["lab"].tokens
    time.sleep(1.1)
    app.selectbox(key="sign_in_flow").set_value("refresh").run()
    _click(app, "Refresh the tokens")
    assert any(s.value.startswith("Refreshed") for s in app.success)
    [compared] = [frame.set_index("claim") for frame in _frames(app) if "claim" in frame.columns]
    assert compared.loc["auth_time", "before → after"] == "same" and compared.loc["iat", "before → after"] == "changed"
    tokens = app.session_state["lab"].tokens
    assert tokens["refresh_token"] == first["refresh_token"] and tokens["id_token"] != first["id_token"]
    assert "auth_time stays the time of the original sign-in" in _texts(app)


def test_sign_up_then_confirm_with_the_code_shown(fresh_target):
    app = _page(fresh_target, "sign_up")
    app.text_input(key="sign_up_username").set_value("ivan")
    app.text_input(key="sign_up_password").set_value("Ivan-passw0rd!").run()
    _click(app, "Sign up")
    assert "UNCONFIRMED" in _texts(app)
    _click(app, "Read the code the pool sent")
    _click(app, "Read the code the pool sent")  # again: the new reading replaces the last one
    assert sum("Step 2" in m.value for m in app.markdown) == 1
    [sent] = [frame for frame in _frames(app) if "code" in frame.columns]
    code = sent["code"].iloc[-1]
    assert sent["username"].iloc[-1] == "ivan" and app.text_input(key="sign_up_code").value == code
    app.text_input(key="sign_up_code").set_value("000000" if code != "000000" else "111111").run()
    _click(app, "Confirm and sign in as ivan")
    assert any("CodeMismatchException" in e.value for e in app.error)
    assert app.text_input(key="sign_up_password").value  # kept in its field only, to try another code
    app.text_input(key="sign_up_code").set_value(code).run()
    _click(app, "Confirm and sign in as ivan")  # no password typed a second time
    _signed_in(app, "ivan")
    assert not app.text_input(key="sign_up_password").value  # used, then cleared
    assert "Ivan-passw0rd!" not in repr(app.session_state["lab"])  # the session never held it
    assert not [b for b in app.button if b.label == "Sign in as ivan"]  # no second password field


def test_sign_up_whose_password_field_was_emptied_asks_for_it_once(fresh_target):
    app = _page(fresh_target, "sign_up")
    app.text_input(key="sign_up_username").set_value("jun")
    app.text_input(key="sign_up_password").set_value("Jun-passw0rd!").run()
    _click(app, "Sign up")
    _click(app, "Read the code the pool sent")
    app.text_input(key="sign_up_password").set_value("").run()
    _click(app, "Confirm and sign in as jun")
    assert not app.session_state["lab"].tokens  # confirmed, not signed in: nothing to sign in with
    app.text_input(key="sign_up_sign_in_password").set_value("Jun-passw0rd!").run()
    _click(app, "Sign in as jun")
    _signed_in(app, "jun")
    assert "sign_up_sign_in_password" not in [field.key for field in app.text_input]  # used, and gone


def test_global_sign_out_then_get_user_is_refused(fresh_target):
    app = _click(_page(fresh_target), "Sign in")
    app.selectbox(key="sign_in_flow").set_value("revocation").run()
    _click(app, "GetUser with the access token")
    assert not app.error and "alice@example.com" in _texts(app)
    _click(app, "GlobalSignOut (every session of the user)")
    _click(app, "GetUser again with the same access token")
    assert any("NotAuthorizedException" in e.value for e in app.error)
    texts = _texts(app)
    assert "Access Token has been revoked" in texts and "yet its signature and exp are still fine" in texts
    assert "You are here: step 3" in _diagram(app)


def test_revoke_token_then_get_user_is_refused(fresh_target):
    app = _click(_page(fresh_target), "Sign in")
    app.selectbox(key="sign_in_flow").set_value("revocation").run()
    _click(app, "GetUser with the access token")
    _click(app, "RevokeToken (this sign-in's refresh token)")
    assert "RevokeToken takes a refresh token" in _texts(app)
    _click(app, "GetUser again with the same access token")
    assert "Access Token has been revoked" in _texts(app)


def test_leaving_a_challenge_flow_goes_back_to_the_first_user(target):
    app = _page(target, "totp")
    assert app.selectbox(key="sign_in_user").value == "frank"
    app.selectbox(key="sign_in_flow").set_value("confidential").run()
    assert app.selectbox(key="sign_in_user").value == "alice"


def test_confidential_client_shows_what_secret_hash_is_computed_from(fresh_target):
    app = _click(_page(fresh_target, "confidential"), "Sign in")
    _signed_in(app, "alice")
    client = fresh_target.client("confidential")
    [inputs] = [frame for frame in _frames(app) if "input" in frame.columns]
    expected = signin.secret_hash("alice", client.client_id, client.client_secret)
    assert inputs["value"].tolist()[:2] == ["alice", client.client_id] and inputs["value"].iloc[-1] == expected
    texts = _texts(app)
    assert f'"SECRET_HASH": "{expected}"' in texts and client.client_secret not in texts + inputs.to_string()


# --- OAuth 2.0 ----------------------------------------------------------------------------------
def _through_the_hosted_page(app: AppTest) -> AppTest:
    _click(app, "Make a PKCE pair and open /oauth2/authorize")
    _click(app, "Sign in on the hosted page")
    return _click(app, "Follow the redirect back to the app (check state, take the code)")


def test_code_flow_with_pkce_hop_by_hop(fresh_target):
    app = _click(_page(fresh_target, "oauth_code"), "Make a PKCE pair and open /oauth2/authorize")
    [pkce] = [frame.set_index("field") for frame in _frames(app) if "field" in frame.columns]
    verifier, challenge = pkce.loc["code_verifier", "value"], pkce.loc["code_challenge", "value"]
    assert oauth.s256_challenge(verifier) == challenge and pkce.loc["code_challenge_method", "value"] == "S256"
    assert [e.label for e in app.expander][:2] == ["1. GET /oauth2/authorize", "2. GET /login"]
    assert "Why PKCE" in _texts(app) and f"code_challenge={challenge}" in _texts(app)
    _click(app, "Sign in on the hosted page")
    assert "302 → redirect_uri" in _diagram(app) and "You are here: step 2" in _diagram(app)
    _click(app, "Follow the redirect back to the app (check state, take the code)")
    assert "The state that came back is the one the app sent" in _texts(app)
    _click(app, "Redeem the code with the code_verifier")
    tokens = _signed_in(app, "alice")
    assert f"code_verifier={verifier}" in _texts(app)  # sent only now, at the token endpoint
    assert READ_SCOPE in _claims(tokens["access_token"])["scope"] and "custom scopes included" in _texts(app)
    assert "You are here: step 4" in _diagram(app)


def test_a_reused_code_is_refused(fresh_target):
    app = _through_the_hosted_page(_page(fresh_target, "oauth_code"))
    _click(app, "Redeem the code with the code_verifier")
    _click(app, "Redeem the same code again")
    assert any("invalid_grant" in e.value for e in app.error)
    assert "A code is single-use" in _texts(app)


def test_a_wrong_verifier_is_refused(fresh_target):
    app = _through_the_hosted_page(_page(fresh_target, "oauth_code"))
    _click(app, "Try a wrong code_verifier")
    assert any("invalid_grant" in e.value for e in app.error)
    assert "a stolen code is useless without the verifier" in _texts(app) and not app.session_state["lab"].tokens


def test_client_credentials_gives_an_access_token_only(fresh_target):
    app = _click(_page(fresh_target, "client_credentials"), "Get a machine access token")
    [token] = [frame.set_index("field") for frame in _frames(app) if "field" in frame.columns]
    assert token.loc["scope", "value"] == READ_SCOPE and token.loc["token_use", "value"] == "access"
    assert token.loc["id_token", "value"] == token.loc["refresh_token", "value"] == "none (not issued)"
    assert "custom scopes only" in _texts(app) and not app.session_state["lab"].tokens


def test_the_browser_comes_back_in_a_new_session_and_the_code_is_redeemed(fresh_target):
    starting = _click(_page(fresh_target, "oauth_code"), "Prepare a sign-in in my browser")
    url = starting.session_state["lab"].sign_in.browser_url
    assert "redirect_uri=http%3A%2F%2Flocalhost%3A8501%2Fsign_in" in url
    # What the learner's browser does on the user pool's own page:
    form = oauth.open_sign_in_page(fresh_target, url).outputs["form"]
    back = oauth.submit_sign_in(fresh_target, form, "bob", _password(fresh_target, "bob")).outputs
    returning = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    returning.query_params.update(code=back["code"], state=back["state"])
    returning.run()
    returning.switch_page(PAGE).run()
    assert not returning.exception
    assert returning.session_state["lab"].target == fresh_target
    assert returning.session_state["lab"] is starting.session_state["lab"]  # back in the session that started it
    _signed_in(returning, "bob")
    assert "Your browser did steps 1 and 2 itself" in _texts(returning)
    assert set(returning.query_params) == {"resume"}  # the used code is gone; the session's resume code stays
    again = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    again.query_params.update(code=back["code"], state=back["state"])
    again.run()
    again.switch_page(PAGE).run()
    assert "no sign-in is waiting for its state" in _texts(again) and not again.session_state["lab"].tokens


def test_pending_sign_ins_expire_are_single_use_and_bounded(target):
    now = [0.0]
    store = PendingSignIns(ttl=600, limit=2, clock=lambda: now[0])
    pkces = [oauth.new_pkce() for _ in range(3)]
    for pkce in pkces:
        store.put(pkce.state, pkce, "public", oauth.LAB_REDIRECT_URI, target)
    assert len(store) == 2 and store.take(pkces[0].state) is None  # the oldest made room
    taken = store.take(pkces[1].state)
    assert taken is not None and taken.pkce(pkces[1].state) == pkces[1] and store.take(pkces[1].state) is None
    now[0] = 601.0
    assert store.take(pkces[2].state) is None  # expired


# --- every flow, both languages ---------------------------------------------------------------
@pytest.mark.parametrize("lang", ["en", "ja"])
@pytest.mark.parametrize("flow", FLOWS)
def test_every_flow_renders_without_a_missing_text(target, lang, flow):
    # A new session per flow, the flow set before the page's first run: AppTest formats a
    # selectbox's value with the page's format_func outside the session, that is in English.
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    app.run()
    app.session_state["lab"].target, app.session_state["lab"].lang, app.session_state["sign_in_flow"] = target, lang, flow
    app.switch_page(PAGE).run()
    assert not app.exception and "⟦" not in _texts(app) + _diagram(app)


def test_leaving_the_sign_up_flow_drops_the_password_typed_there(fresh_target):
    app = _page(fresh_target, "sign_up")
    app.text_input(key="sign_up_username").set_value("kai")
    app.text_input(key="sign_up_password").set_value("Kai-passw0rd!").run()
    _click(app, "Sign up")
    assert "sign_up_password" in app.session_state  # in its own field, for "Confirm and sign in"
    app.selectbox(key="sign_in_flow").set_value("password").run()
    app.run()  # Streamlit forgets a widget's value once a run doesn't draw it
    assert "sign_up_password" not in app.session_state
