""""Break it" mutations (flows.breakit) and the pure parts of the API matrix (flows.api_matrix):
no network, real RSA keys and a fixed clock."""

from __future__ import annotations

from flows import api_matrix, breakit
from flows.api_matrix import Cell, Presented, predict_cell, reasoning
from flows.capture import Exchange, HttpRequest, HttpResponse
from flows.jwt_decode import decode_token
from flows.jwt_verify import Expectations, verify_token
from flows.steps import StepResult
from flows.target import ApiRoute, AppClient, Target
from tests.unit.jwt_fixtures import (ACCESS_KID, CLIENT_ID, ISSUER, NOW, OTHER_CLIENT_ID, REGION, USER_POOL_ID,
                                     access_claims, access_token, cognito_keys, id_token, sign)

SCOPE = "https://api.example/items.read"
REST_PROFILE = ApiRoute("rest", "GET", "/profile", "COGNITO_USER_POOLS")
REST_ITEMS = ApiRoute("rest", "GET", "/items", "COGNITO_USER_POOLS", (SCOPE,))
REST_IAM = ApiRoute("rest", "GET", "/iam", "AWS_IAM")
REST_PUBLIC = ApiRoute("rest", "GET", "/public", "NONE")
HTTP_PROFILE = ApiRoute("http", "GET", "/profile", "JWT")
HTTP_ITEMS = ApiRoute("http", "GET", "/items", "JWT", (SCOPE,))
TARGET = Target("sandbox", REGION, USER_POOL_ID, "us-east-1:pool",
                {"public": AppClient("public", CLIENT_ID), "machine": AppClient("machine", OTHER_CLIENT_ID, "s3cret")},
                {"rest": "http://127.0.0.1:9/rest", "http": "http://127.0.0.1:9/http"},
                (REST_PUBLIC, REST_PROFILE, REST_ITEMS, REST_IAM, HTTP_PROFILE, HTTP_ITEMS))
CREDENTIALS = {"access_key_id": "ASIAEXAMPLE", "SecretKey": "wJalrXUtnFEMI/K7MDENG", "SessionToken": "FwoGZX"}


def _verified(token: str, now: float = NOW):
    return verify_token(token, cognito_keys(), Expectations(issuer=ISSUER), now)


def _machine_token(**overrides) -> str:
    claims = access_claims(client_id=OTHER_CLIENT_ID, scope=SCOPE, **overrides)
    claims.pop("cognito:groups")
    return sign(claims, ACCESS_KID, "access")


# --- the mutations ----------------------------------------------------------------------------------
def test_with_claims_keeps_header_and_signature_but_voids_it():
    token = id_token()
    changed = breakit.with_claims(token, email="mallory@example.com")
    assert changed.split(".")[0] == token.split(".")[0] and changed.split(".")[2] == token.split(".")[2]
    assert decode_token(changed).claims["email"] == "mallory@example.com"
    assert _verified(token).valid
    assert _verified(changed).check("signature").passed is False


def test_expired_re_dates_exp_a_minute_ago_and_breaks_the_signature():
    expired = breakit.expired(id_token(), NOW)
    assert decode_token(expired).claims["exp"] == int(NOW) - breakit.EXPIRED_SECONDS_AGO
    verification = _verified(expired)
    assert verification.check("exp").passed is False
    assert verification.check("signature").passed is False  # why the authorizer says Unauthorized


def test_tampered_promotes_into_a_group_else_adds_a_scope_else_changes_sub():
    grouped = breakit.tampered(id_token())
    assert (grouped.claim, grouped.before) == ("cognito:groups", ["admins", "readers"])
    assert grouped.after == ["admins", "readers", breakit.PROMOTED_GROUP]
    scoped = breakit.tampered(_machine_token())
    assert scoped.claim == "scope" and scoped.after == f"{SCOPE} {breakit.PROMOTED_GROUP}"
    bare = breakit.tampered(breakit.with_claims(_machine_token(), scope=None))
    assert bare.claim == "sub" and bare.after != bare.before
    assert _verified(grouped.token).check("signature").passed is False


def test_wrong_secret_is_one_character_off_and_leaves_the_original_alone():
    wrong = breakit.wrong_secret(CREDENTIALS)
    assert wrong["SecretKey"] != CREDENTIALS["SecretKey"] and len(wrong["SecretKey"]) == len(CREDENTIALS["SecretKey"])
    assert wrong["SecretKey"][:-1] == CREDENTIALS["SecretKey"][:-1]
    assert {k: v for k, v in wrong.items() if k != "SecretKey"} == {k: v for k, v in CREDENTIALS.items() if k != "SecretKey"}
    assert CREDENTIALS["SecretKey"] == "wJalrXUtnFEMI/K7MDENG"
    assert breakit.wrong_secret({"SecretKey": "xxA"})["SecretKey"] == "xxB"


def test_which_breaks_apply():
    assert breakit.applicable_breaks("COGNITO_USER_POOLS", "id_token") == ("expire", "tamper", "other_client", "drop_bearer")
    assert breakit.applicable_breaks("JWT", "oauth_access_token") == ("expire", "tamper", "other_client", "drop_bearer")
    assert breakit.applicable_breaks("AWS_IAM", "credentials") == ("wrong_secret",)
    assert breakit.applicable_breaks("AWS_IAM", "id_token") == ()
    assert breakit.applicable_breaks("COGNITO_USER_POOLS", "nothing") == ()
    assert breakit.applicable_breaks("NONE", "id_token") == ()


# --- predictions for every kind of cell ---------------------------------------------------------------
def _presented(presented: str, token: str | None) -> Presented:
    if presented == "credentials":
        return Presented("credentials", credentials=CREDENTIALS)
    return Presented(presented, token)  # type: ignore[arg-type]


def _predicted(route: ApiRoute, presented: str, token: str | None = None, now: float = NOW) -> str | None:
    verification = _verified(token, now) if token else None
    prediction = predict_cell(TARGET, route, _presented(presented, token), verification, now)
    return prediction.outcome if prediction and prediction.status is not None else None


def test_predictions_without_a_token():
    assert _predicted(REST_PUBLIC, "nothing") == "200"
    assert _predicted(REST_PROFILE, "nothing") == "401 Unauthorized"
    assert _predicted(HTTP_PROFILE, "credentials") == "401 Unauthorized"
    assert _predicted(REST_IAM, "nothing") == "403 Missing Authentication Token"
    assert _predicted(REST_IAM, "id_token", id_token()) == "403 IncompleteSignatureException"
    assert _predicted(REST_IAM, "credentials") is None  # the role's policies decide


def test_predictions_with_tokens_follow_the_decision_model():
    assert _predicted(REST_PROFILE, "id_token", id_token()) == "200"
    assert _predicted(REST_PROFILE, "access_token", access_token()) == "401 Unauthorized"
    assert _predicted(REST_ITEMS, "oauth_access_token", _machine_token()) == "200"
    assert _predicted(HTTP_PROFILE, "access_token", access_token()) == "200"
    assert _predicted(HTTP_PROFILE, "oauth_access_token", _machine_token()) == "401 Unauthorized"  # not in Audience
    assert _predicted(HTTP_ITEMS, "id_token", id_token()) == "403 Forbidden (unconfirmed)"
    assert _predicted(REST_PROFILE, "id_token", breakit.tampered(id_token()).token) == "401 Unauthorized"
    genuinely_expired = _predicted(REST_PROFILE, "id_token", id_token(), now=NOW + 3601)
    assert genuinely_expired == '401 "The incoming token has expired"'


def test_status_of_a_prediction():
    assert api_matrix.status_of('401 "The incoming token has expired"') == 401
    assert api_matrix.status_of("200") == 200
    assert api_matrix.status_of("not predicted") is None


def test_http_audience_leaves_out_the_machine_client():
    assert api_matrix.http_audience(TARGET) == (CLIENT_ID,)
    assert api_matrix.route_scopes(TARGET) == (SCOPE,)


def test_presentations_keep_column_order_and_always_offer_nothing():
    both = api_matrix.presentations({"id_token": "i", "access_token": "a"}, None, CREDENTIALS)
    assert list(both) == ["id_token", "access_token", "credentials", "nothing"]
    assert list(api_matrix.presentations({}, None, None)) == ["nothing"]


def test_another_client_token_is_the_machines_unless_it_is_already_that():
    native, machine = access_token(), _machine_token()
    assert api_matrix.other_client_token(TARGET, native, machine, native) == machine
    assert api_matrix.other_client_token(TARGET, machine, machine, native) == native


def test_the_session_token_is_masked_in_the_canonical_request():
    canonical = ("GET\n/prod/iam\n\nhost:example\nx-amz-security-token:FwoGZXIvYXdzEPT0123456789\n\n"
                 "host;x-amz-security-token\nabc")
    masked = api_matrix.masked_canonical_request(canonical)
    assert "FwoGZXIvYXdzEPT0123456789" not in masked and "x-amz-security-token:FwoG...(25 chars, masked)" in masked
    assert masked.split("\n")[:4] == canonical.split("\n")[:4]


# --- the authorizer's reasoning: the decision's own steps -----------------------------------------------
def _cell(route: ApiRoute, presented: str, token: str | None, status: int, authorization: str | None = None,
          error_type: str = "", bearer: bool = True) -> Cell:
    headers = (("Authorization", authorization),) if authorization else ()
    response_headers = (("x-amzn-ErrorType", error_type),) if error_type else ()
    exchange = Exchange("GET", HttpRequest("GET", "http://127.0.0.1:9/x", headers, ""),
                        HttpResponse(status, response_headers, "{}"), 1.0)
    result = StepResult("api_call", [exchange], outputs={"status": status, "body": {}})
    verification = _verified(token) if token else None
    shown = Presented(presented, token, bearer_prefix=bearer) if presented != "credentials" else _presented(presented, None)  # type: ignore[arg-type]
    return Cell(route, presented, result, predict_cell(TARGET, route, shown, verification, NOW), verification)


def _keys(cell: Cell) -> list[tuple[str, bool | None]]:
    return [(step.key.split(".")[-1], step.passed) for step in reasoning(cell, TARGET)]


def test_reasoning_for_an_access_token_on_a_rest_method_without_scopes():
    token = access_token()
    cell = _cell(REST_PROFILE, "access_token", token, 401, f"Bearer {token}")
    assert _keys(cell) == [("authorization", True), ("format", True), ("signature", True),
                           ("issuer", True), ("expiry", True), ("token_type", False),
                           ("rest_needs_id_token", False), ("verdict", True)]
    assert reasoning(cell, TARGET)[-2].params["token_use"] == "access"


def test_reasoning_for_another_clients_token_on_the_http_api():
    token = _machine_token()
    steps = reasoning(_cell(HTTP_ITEMS, "oauth_access_token", token, 401, token, bearer=False), TARGET)
    assert steps[0].detail == "authorization: <token>"  # sent without "Bearer "
    audience = next(step for step in steps if step.key == "decision.check.audience")
    assert not audience.passed and audience.detail == f"client: {OTHER_CLIENT_ID}"


def test_reasoning_for_aws_iam():
    unsigned = _cell(REST_IAM, "nothing", None, 403)
    assert _keys(unsigned) == [("authorization", False), ("iam_unsigned", False), ("verdict", True)]
    token = id_token()
    refused = _cell(REST_IAM, "id_token", token, 403, f"Bearer {token}", "IncompleteSignatureException")
    assert _keys(refused)[:2] == [("authorization", True), ("format", False)]
    signed = _cell(REST_IAM, "credentials", None, 200, "AWS4-HMAC-SHA256 Credential=ASIA/…")
    assert _keys(signed) == [("authorization", True), ("format", True), ("sigv4", True),
                             ("iam_policy_unknown", None), ("verdict", None)]
    assert signed.error_type == "" and signed.agrees is None


def test_a_public_route_has_no_authorizer_to_reason_with():
    assert _keys(_cell(REST_PUBLIC, "nothing", None, 200)) == [("public", True), ("verdict", True)]
