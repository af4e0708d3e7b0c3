"""The identity-pool page, through AppTest, against the real in-process sandbox: enhanced and basic
flows, signed in or as a guest, the role chosen and why, and the refusals with their meaning."""

from __future__ import annotations

import dataclasses
import json

import pytest
from streamlit.testing.v1 import AppTest

from flows import identity, signin
from flows.steps import AwsFailure, StepResult
from tests.conftest import ROOT

PAGE = "app_pages/identity_pool.py"
OPEN_ID_ISSUER = "https://cognito-identity.amazonaws.com"


def _texts(app: AppTest) -> str:
    parts = [e.value for kind in ("title", "subheader", "markdown", "caption", "info", "success", "error",
                                  "warning", "code") for e in getattr(app, kind)]
    return "\n".join(str(p) for p in parts)


def _frames_text(app: AppTest) -> str:
    return "\n".join(frame.value.to_string() for frame in app.dataframe)


def _codes_text(app: AppTest) -> str:
    return "\n".join(code.value for code in app.code)


def _visit(app: AppTest, page: str) -> AppTest:
    app.switch_page(page).run()
    assert not app.exception, app.exception
    return app


def _button(app: AppTest, label: str):
    return next(b for b in app.button if b.label == label)


def _app() -> AppTest:
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    app.run()
    assert not app.exception
    return app


def _signed_in(username: str = "alice", client: str = "public") -> AppTest:
    """Sign in through flows in this AppTest's own session (its own topology), keep the tokens as
    the sign-in page does, then open the identity page."""
    app = _app()
    target = app.session_state["lab"].target
    password = next(user.password for user in target.users if user.username == username)
    result = signin.sign_in_with_password(target, username, password, client)
    assert result.ok, result.failure
    app.session_state["lab"].tokens = {name: result.outputs[name] for name in ("id_token", "access_token", "refresh_token")}
    return _visit(app, PAGE)


def _click(app: AppTest, label: str) -> AppTest:
    _button(app, label).click().run()
    assert not app.exception, app.exception
    return app


def _roles(app: AppTest) -> dict[str, str]:
    return app.session_state["lab"].target.roles


def _exchange_labels(app: AppTest) -> list[str]:
    return [e.label for e in app.session_state["lab"].results["identity_pool"].exchanges]


def test_enhanced_flow_for_alice_gives_the_admins_role_with_the_reasons():
    app = _click(_signed_in("alice"), "Exchange the ID token for AWS credentials")
    result = app.session_state["lab"].results["identity_pool"]
    identity_id = result.outputs["identity_id"]
    assert any(identity_id in s.value for s in app.success)
    admins = _roles(app)["admins"]
    codes = [c.value for c in app.code]
    assert any(code.startswith(admins) for code in codes)  # the role STS GetCallerIdentity reports
    reasons = _codes_text(app)
    assert f"The token's cognito:preferred_role {admins} is chosen." in reasons  # both explanations say it
    assert "Role mapping of type Token applies." in reasons  # the sandbox's trace
    assert any("agree" in s.value for s in app.success)
    assert _exchange_labels(app) == ["GetId", "GetCredentialsForIdentity", "GetCallerIdentity"]


def test_credentials_are_masked_and_count_down():
    app = _click(_signed_in("alice"), "Exchange the ID token for AWS credentials")
    frame = app.dataframe[0].value.set_index("field")["value"]
    assert "masked" in frame["SecretKey"] and "masked" in frame["SessionToken"]
    secret = app.session_state["lab"].results["identity_pool"].outputs["SecretKey"]
    assert secret not in _texts(app) + _frames_text(app)
    assert any('data-testid="token-countdown"' in h.value for h in app.html)


def test_reveal_secrets_shows_the_secret_key():
    app = _click(_signed_in("alice"), "Exchange the ID token for AWS credentials")
    app.session_state["lab"].reveal_secrets = True
    app.run()
    secret = app.session_state["lab"].results["identity_pool"].outputs["SecretKey"]
    assert app.dataframe[0].value.set_index("field")["value"]["SecretKey"] == secret


def test_carol_through_the_public_client_gets_the_default_authenticated_role():
    app = _click(_signed_in("carol"), "Exchange the ID token for AWS credentials")
    authenticated = _roles(app)["authenticated"]
    assert app.session_state["lab"].results["identity_pool"].outputs["role_arn"] == authenticated
    assert any(c.value.startswith(authenticated) for c in app.code)
    reasons = _codes_text(app)
    assert "no cognito:preferred_role" in reasons and "AmbiguousRoleResolution" in reasons


def test_carol_through_the_confidential_client_is_denied_with_the_rules_trace():
    app = _click(_signed_in("carol", "confidential"), "Exchange the ID token for AWS credentials")
    assert any("NotAuthorizedException" in e.value for e in app.error)
    texts = _texts(app)
    assert "The ambiguous role mapping rules denied this request" in texts
    assert "AmbiguousRoleResolution is Deny" in texts  # the meaning, under the error
    reasons = _codes_text(app)
    assert "Rule 1: cognito:groups Contains" in reasons  # the lab's explanation
    assert "rule 1: cognito:groups Contains 'readers' did not match." in reasons  # the sandbox's trace
    assert "(none: the identity pool refuses)" in texts
    assert any(w.value.startswith("Sandbox:") and "exception type" in w.value for w in app.warning)


def test_the_sandbox_trace_comes_with_a_fidelity_note():
    app = _click(_signed_in("alice"), "Exchange the ID token for AWS credentials")
    assert any("AWS keeps no such trace" in w.value for w in app.warning)


def test_guest_enhanced_flow_gets_the_unauthenticated_role():
    app = _app()
    _visit(app, PAGE)
    app.radio(key="identity_who").set_value("guest").run()
    assert "{}" in [c.value for c in app.code]  # no Logins
    _click(app, "Get guest credentials (no Logins)")
    result = app.session_state["lab"].results["identity_pool"]
    assert result.ok and result.outputs["role_arn"] == _roles(app)["unauthenticated"]
    assert any(result.outputs["identity_id"] in s.value for s in app.success)
    assert "A guest (no login)" in _codes_text(app)
    assert any("scope-down" in w.value for w in app.warning)


def test_basic_flow_shows_the_open_id_token_and_the_sts_exchange():
    app = _signed_in("alice")
    app.radio(key="identity_flow").set_value("basic").run()
    _click(app, "Run the basic flow with the ID token")
    result = app.session_state["lab"].results["identity_pool_basic"]
    assert result.ok, result.failure
    target = app.session_state["lab"].target
    claims = next(d.value for d in app.dataframe if "claim" in d.value.columns).set_index("claim")["value"]
    assert claims["iss"] == OPEN_ID_ISSUER and claims["aud"] == target.identity_pool_id
    assert any('"typ": "JWS"' in c.value for c in app.code)  # the header
    assert any(result.outputs["open_id_token"].split(".")[0] in h.value for h in app.html)  # segments
    assert [e.label for e in result.exchanges] == ["GetId", "GetOpenIdToken", "AssumeRoleWithWebIdentity"]
    codes = "\n".join(c.value for c in app.code)
    assert "Action=AssumeRoleWithWebIdentity" in codes and "<AssumeRoleWithWebIdentityResponse" in codes
    assert "chars, masked)" in codes  # the secret in STS's XML answer
    assert any('data-testid="token-countdown"' in h.value for h in app.html)


def test_basic_flow_refuses_the_mistrusted_role_with_stss_error():
    app = _signed_in("alice")
    app.radio(key="identity_flow").set_value("basic").run()
    app.selectbox(key="identity_basic_role").set_value("mistrusted").run()
    _click(app, "Run the basic flow with the ID token")
    assert any("AccessDenied" in e.value and "403" in e.value for e in app.error)
    texts = _texts(app)
    assert "Not authorized to perform sts:AssumeRoleWithWebIdentity" in texts
    assert "its trust policy does not accept this token" in texts  # the meaning
    # The OpenID token is still shown: its aud is what the role's trust policy did not accept.
    assert OPEN_ID_ISSUER in _frames_text(app)


def test_basic_flow_as_a_guest_uses_the_unauthenticated_role():
    app = _visit(_app(), PAGE)
    app.radio(key="identity_who").set_value("guest")
    app.radio(key="identity_flow").set_value("basic").run()
    _click(app, "Run the basic flow as a guest")
    result = app.session_state["lab"].results["identity_pool_basic"]
    assert result.ok and result.outputs["role_arn"] == _roles(app)["unauthenticated"]
    assert result.outputs["open_id_token_claims"]["amr"] == ["unauthenticated"]


def test_the_access_token_is_refused_with_the_pools_real_error():
    app = _click(_signed_in("alice"), "Try the access token instead")
    assert "Invalid login token. Missing a required claim: aud" in _texts(app)
    assert "Which role, and why" not in [s.value for s in app.subheader]  # refused before any role


def test_the_logins_map_says_why_its_value_is_the_id_token():
    app = _signed_in("alice")
    target = app.session_state["lab"].target
    codes = [c.value for c in app.code]
    assert any(f'"{target.login_provider}": "<ID token>"' in code for code in codes)
    comparison = next(code for code in codes if code.startswith("claim"))
    assert "client_id" in comparison and "(none)" in comparison
    assert any("Missing a required claim: aud" in m.value for m in app.markdown)
    id_token = app.session_state["lab"].tokens["id_token"]
    assert any(id_token.split(".")[1] in h.value for h in app.html)  # render_segments


def test_without_sign_in_the_user_button_waits_and_the_guest_may_go():
    app = _visit(_app(), PAGE)
    assert _button(app, "Exchange the ID token for AWS credentials").disabled
    assert "Sign in first" in _texts(app)


@pytest.mark.parametrize("who", ["user", "guest"])
def test_switching_to_japanese_keeps_the_choice_and_misses_no_text(who):
    app = _signed_in("alice")
    app.radio(key="identity_who").set_value(who).run()
    # After the first run AppTest reruns only the page, so the language is set as the sidebar would.
    app.session_state["lab"].lang = "ja"
    app.run()
    assert app.radio(key="identity_who").value == who
    _click(app, "ID トークンを AWS 認証情報に交換する" if who == "user" else "ゲストの認証情報を取得する（Logins なし）")
    assert "⟦" not in _texts(app) + _frames_text(app)
    assert any("の認証情報" in s.value for s in app.success)


def test_on_aws_there_is_no_sandbox_trace_and_no_fidelity_note():
    app = _signed_in("alice")
    # The sandbox standing in for AWS: same endpoints, but the lab treats it as AWS.
    app.session_state["lab"].target = dataclasses.replace(app.session_state["lab"].target, kind="aws")
    _click(app, "Exchange the ID token for AWS credentials")
    assert "role_decision" not in app.session_state["lab"].results
    assert not [w.value for w in app.warning if w.value.startswith("Sandbox")]
    assert "cognito:preferred_role" in _codes_text(app)  # the lab's own explanation remains


def test_when_the_pool_roles_are_unreadable_the_learner_may_paste_them(monkeypatch):
    app = _signed_in("carol")
    pool_roles = identity.describe_pool_roles(app.session_state["lab"].target).outputs["pool_roles"]
    refused = StepResult("pool_roles", failure=AwsFailure("AccessDeniedException", "not authorized", 400,
                                                          "meaning.identity.roles_need_iam"))
    monkeypatch.setattr(identity, "describe_pool_roles", lambda target: refused)  # as on AWS without IAM
    _click(app, "Exchange the ID token for AWS credentials")
    assert any("needs IAM credentials" in c.value for c in app.caption)
    app.text_area(key="identity_pasted_roles").set_value("not json").run()
    assert any(e.value.startswith("This is not valid JSON") for e in app.error)
    # A mapping rule without its fields: said so, never a crash (nor a bug hidden by a broad except).
    broken_rule = {"RoleMappings": {"p:c": {"Type": "Rules", "RulesConfiguration": {"Rules": [{"Claim": "x"}]}}}}
    app.text_area(key="identity_pasted_roles").set_value(json.dumps(broken_rule)).run()
    assert not app.exception and any("each rule needs Claim" in e.value for e in app.error)
    other_pool = {**pool_roles, "IdentityPoolId": "us-east-1:another-pool"}  # another pool's roles explain nothing here
    app.text_area(key="identity_pasted_roles").set_value(json.dumps(other_pool)).run()
    assert any("us-east-1:another-pool" in e.value and "not of this target's" in e.value for e in app.error)
    app.text_area(key="identity_pasted_roles").set_value(json.dumps(pool_roles)).run()
    assert "no cognito:preferred_role" in _codes_text(app)
    assert any("agree" in s.value for s in app.success)


def test_claims_from_the_token_are_shown_as_text_never_as_markdown_or_html():
    import base64

    def segment(value: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    hostile = "<img src=x onerror=alert(1)>**bold**"
    token = f"{segment({'alg': 'RS256'})}.{segment({'aud': hostile, 'cognito:username': hostile})}.c2lnbmF0dXJl"
    app = _app()
    app.session_state["lab"].tokens = {"id_token": token, "access_token": token}
    _visit(app, PAGE)
    shown_as_markdown = [e.value for kind in ("markdown", "caption", "info", "success", "warning", "error")
                         for e in getattr(app, kind)]
    assert not [text for text in shown_as_markdown if "onerror" in text]
    assert any(hostile in c.value for c in app.code)
    assert all("<img" not in h.value for h in app.html)  # render_segments escapes


def _on_aws_without_a_key(app: AppTest) -> AppTest:
    """The sandbox standing in for AWS, where the lab holds no key: GetIdentityPoolRoles goes
    unsigned and is refused (aws-facts.md §0: it is an administrative, signed call)."""
    lab = app.session_state["lab"]
    lab.target = dataclasses.replace(lab.target, kind="aws", account=None)
    return app


def _learners_credentials(monkeypatch, app: AppTest, tmp_path) -> None:
    """The learner's own AWS credentials, in the environment boto3 reads: the sandbox's key."""
    key = app.session_state["lab"].topology["credentials"]
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", key["access_key_id"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", key["secret_access_key"])
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))


def test_on_aws_alone_the_learner_may_sign_the_role_lookup_with_their_credentials(monkeypatch, tmp_path):
    monkeypatch.delenv("COGNITO_LAB_PUBLIC_HOST", raising=False)
    app = _on_aws_without_a_key(_signed_in("carol"))
    _click(app, "Exchange the ID token for AWS credentials")
    assert not app.session_state["lab"].results["pool_roles"].ok  # unsigned: refused
    _learners_credentials(monkeypatch, app, tmp_path)
    _button(app, "Use my AWS credentials").click().run()
    assert not app.exception, app.exception
    looked_up = app.session_state["lab"].results["pool_roles"]
    assert looked_up.ok, looked_up.failure
    signed = dict(looked_up.exchanges[0].request.headers)["Authorization"]
    assert signed.startswith("AWS4-HMAC-SHA256 Credential=" + app.session_state["lab"].topology["credentials"]["access_key_id"])
    assert "no cognito:preferred_role" in _codes_text(app)  # the lab's explanation, from the signed read
    assert any("agree" in s.value for s in app.success)


def test_serving_a_room_the_learner_pastes_instead(monkeypatch):
    """A room's dashboard must not lend the trainer's machine credentials to every attendee."""
    app = _on_aws_without_a_key(_signed_in("carol"))
    monkeypatch.setenv("COGNITO_LAB_PUBLIC_HOST", "192.0.2.10")  # TEST-NET-1: never reached
    _click(app, "Exchange the ID token for AWS credentials")
    assert not [b for b in app.button if b.label == "Use my AWS credentials"]
    assert app.text_area(key="identity_pasted_roles") is not None


def test_after_the_exchange_the_details_fold_into_tabs_and_an_expander():
    """Issue 18: the page's first screen is the button and the result; the Logins explanation is
    folded once there is a result, and the role, the wire and the look-ups are one tab each."""
    app = _signed_in("alice")
    [given] = [e for e in app.expander if e.label == "What the identity pool is given"]
    assert given.proto.expanded  # nothing to show yet: the explanation is the first screen
    _click(app, "Exchange the ID token for AWS credentials")
    [given] = [e for e in app.expander if e.label == "What the identity pool is given"]
    assert not given.proto.expanded
    assert [tab.label for tab in app.tabs][:3] == ["Which role, and why", "On the wire",
                                                   "How the lab looked the role up, on the wire"]
