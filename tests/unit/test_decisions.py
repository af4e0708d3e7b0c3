"""The decision model per gate (flows.decisions), and the three wrong lessons of issue 14, each
with the test that would have caught it. Pure: real RSA keys, a fixed clock, no network."""

from __future__ import annotations

import dataclasses

import json
from pathlib import Path

from flows import consumers, decisions, i18n
from flows.decisions import IamGate, IdentityPoolGate, TokenGate
from flows.jwt_verify import Expectations, verify_token
from flows.target import ApiRoute, AppClient, Target
from tests.unit.jwt_fixtures import (ACCESS_KID, CLIENT_ID, ISSUER, NOW, OTHER_CLIENT_ID, REGION, USER_POOL_ID,
                                     access_claims, access_token, cognito_keys, id_token, sign)

SCOPE = "https://api.example/items.read"
LOCALES = Path(__file__).resolve().parents[2] / "flows" / "locales"
TARGET = Target("sandbox", REGION, USER_POOL_ID, "us-east-1:pool",
                {"public": AppClient("public", CLIENT_ID), "machine": AppClient("machine", OTHER_CLIENT_ID, "s3cret")},
                {"http": "http://127.0.0.1:9/http"}, (ApiRoute("http", "GET", "/items", "JWT", (SCOPE,)),))
REST = TokenGate("COGNITO_USER_POOLS", ISSUER)
REST_SCOPED = TokenGate("COGNITO_USER_POOLS", ISSUER, (SCOPE,))
HTTP = TokenGate("JWT", ISSUER, (), (CLIENT_ID,))
HTTP_SCOPED = TokenGate("JWT", ISSUER, (SCOPE,), (CLIENT_ID,))


def _shown(token: str, now: float = NOW, bearer: bool = True) -> decisions.Presentation:
    return decisions.of_verification(verify_token(token, cognito_keys(), Expectations(issuer=ISSUER), now), bearer)


def _machine_token() -> str:
    claims = access_claims(client_id=OTHER_CLIENT_ID, scope=SCOPE, exp=int(NOW) + 1800)
    claims.pop("cognito:groups")
    return sign(claims, ACCESS_KID, "access")


# --- each gate ----------------------------------------------------------------------------------------------
def test_rest_without_scopes_takes_only_the_id_token():
    assert decisions.rest_cognito(_shown(id_token()), REST, NOW).reason == "rest_id_token_ok"
    refused = decisions.rest_cognito(_shown(access_token()), REST, NOW)
    assert (refused.status, refused.reason, refused.check) == (401, "rest_needs_id_token", "token_type")


def test_rest_with_scopes_takes_an_access_token_carrying_one():
    assert decisions.rest_cognito(_shown(_machine_token()), REST_SCOPED, NOW).reason == "rest_scope_ok"
    assert decisions.rest_cognito(_shown(id_token()), REST_SCOPED, NOW).reason == "rest_needs_access_token"
    assert decisions.rest_cognito(_shown(access_token()), REST_SCOPED, NOW).reason == "rest_scope_missing"


def test_every_token_gate_checks_signature_then_expiry():
    expired = decisions.rest_cognito(_shown(id_token(), NOW + 3601), REST, NOW + 3601)
    assert (expired.reason, expired.outcome) == ("expired", '401 "The incoming token has expired"')
    tampered = id_token()[:-4] + "AAAA"
    assert decisions.http_jwt(_shown(tampered), HTTP, NOW).reason == "bad_signature"
    assert decisions.http_jwt(decisions.NOTHING, HTTP, NOW).reason == "no_token"
    assert decisions.http_jwt(decisions.of_credentials({}), HTTP, NOW).reason == "not_a_token"


def test_http_checks_the_audience_then_the_scope():
    assert decisions.http_jwt(_shown(access_token()), HTTP, NOW).reason == "http_ok"  # client_id, no aud
    assert decisions.http_jwt(_shown(_machine_token()), HTTP, NOW).reason == "http_audience"
    assert decisions.http_jwt(_shown(id_token()), HTTP_SCOPED, NOW).status == 403


def test_aws_iam_signature_then_policy():
    role = "arn:aws:iam::123456789012:role/Admins"
    gate = IamGate({role: True})
    assert decisions.aws_iam(decisions.NOTHING, gate).reason == "iam_unsigned"
    assert decisions.aws_iam(_shown(id_token()), gate).reason == "iam_token_not_sigv4"
    assert decisions.aws_iam(decisions.of_credentials({"role_arn": role}, secret_valid=False), gate).reason == "iam_bad_signature"
    assert decisions.aws_iam(decisions.of_credentials({"role_arn": role}), gate).status == 200
    assert decisions.aws_iam(decisions.of_credentials({"role_arn": role}), IamGate()).status is None


def test_identity_pool_token_check_and_role_choice():
    roles = {"Roles": {"authenticated": "arn:auth", "unauthenticated": "arn:guest"}}
    gate = IdentityPoolGate(ISSUER, ISSUER.removeprefix("https://"), (CLIENT_ID,), roles)
    assert decisions.identity_pool(_shown(access_token()), gate, NOW).reason == "identity_needs_id_token"
    allowed = decisions.identity_pool(_shown(id_token()), gate, NOW)
    assert (allowed.reason, allowed.role_arn) == ("role_default", "arn:auth")
    assert decisions.identity_pool(decisions.NOTHING, gate, NOW).role_arn == "arn:guest"


def test_every_reason_code_has_a_message_in_both_languages():
    for lang in i18n.LANGUAGES:
        for reason in decisions.REASONS:
            assert i18n.has(f"decision.reason.{reason}") and i18n.text(f"decision.reason.{reason}", lang) \
                != i18n.missing_marker(f"decision.reason.{reason}")


# --- wrong lesson 1: break it with another app client's token on REST GET /profile ----------------------
def test_another_clients_token_on_rest_profile_is_explained_by_the_token_type():
    presented, swapped = _shown(id_token()), _shown(_machine_token())
    before, after = decisions.rest_cognito(presented, REST, NOW), decisions.rest_cognito(swapped, REST, NOW)
    difference = decisions.difference(before, after, presented, swapped)
    assert {change.fact for change in difference.changed} >= {"token_use", "client", "expiry", "scope"}
    assert difference.broken_check == "token_type"
    message = difference.message("en")
    assert "token_use access" in message and "only an ID token" in message and "Audience" not in message


def test_what_changed_lists_the_signature_when_it_changed():
    presented, forged = _shown(id_token()), _shown(id_token()[:-4] + "AAAA")
    changed = decisions.changed_facts(presented, forged)
    assert [(c.fact, c.before, c.after) for c in changed] == [("signature", "valid", "invalid")]


# --- wrong lesson 2: "would it pass?" for an ID token on HTTP /items with items.read ---------------------
def test_would_it_pass_applies_the_selected_scope_to_the_http_api():
    verification = verify_token(id_token(), cognito_keys(), Expectations(issuer=ISSUER), NOW)
    rows = consumers.predictions(verification, TARGET, SCOPE, (CLIENT_ID,), NOW)
    http_scoped = next(row for row in rows if row.gate == "http_jwt_scoped")
    assert (http_scoped.status, http_scoped.reason) == (403, "http_scope_missing")  # as the sandbox answers


# --- wrong lesson 3: two tips on the native sign-in step contradicting each other --------------------------
def _messages(lang: str) -> dict[str, str]:
    merged: dict[str, str] = {}
    for path in (LOCALES / lang).glob("*.json"):
        merged.update(json.loads(path.read_text(encoding="utf-8")))
    return merged


def test_no_tip_says_native_tokens_never_carry_custom_scopes():
    # aws-facts.md §1.6 and the access-token page: a V2 pre token generation trigger can add scopes.
    for key, message in _messages("en").items():
        if "custom scope" in message and "never" in message:
            assert "pre token generation" in message, key
    native = [_messages(lang)[key] for lang in ("en", "ja")
              for key in ("note.signin.native_scope", "signin_page.lesson.native_scope")]
    general = [m for m in native if "custom scope" in m or "カスタムスコープ" in m]
    assert len(general) == 2 and all("pre token generation" in m or "トークン生成前" in m for m in general)


def test_a_signature_scoped_to_another_service_or_region_is_its_own_reason():
    # API Gateway refuses a credential scope naming another region or service before it compares
    # signatures: "Credential should be scoped to a valid region, not 'eu-west-1'." / "…to correct
    # service: 'execute-api'." (tests/sandbox/test_aws_iam.py holds the sandbox to the same words).
    gate = IamGate({"arn:role": True}, "us-east-1/execute-api")
    signed = {"role_arn": "arn:role"}
    for scope in ("us-east-1/apigateway", "eu-west-1/execute-api"):
        presentation = dataclasses.replace(decisions.of_credentials(signed), signed_for=scope)
        decision = decisions.aws_iam(presentation, gate)
        assert (decision.status, decision.reason) == (403, "iam_wrong_scope") and scope in decision.explain("en")
    assert decisions.aws_iam(decisions.of_credentials(signed), gate).reason == "iam_allowed"
