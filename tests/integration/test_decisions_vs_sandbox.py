"""The decision model (flows.decisions) against the sandbox, for every case (issue 14).

For every route of the seeded topology × every presentation (ID token, native access token,
OAuth access token with and without the custom scope, the machine client's token, identity-pool
credentials, nothing) of every seeded user who can sign in and every app client × every break-it
mutation: the predicted status must equal the sandbox's, and the predicted reason must be one the
sandbox's answer implies. The answer → reason mapping below reads only the wire (status, body,
WWW-Authenticate, x-amzn-ErrorType), never the model. Then the same for the identity pool: every
user × app client × flow (enhanced or basic, authenticated or guest), against the role or error.

What the sandbox answers follows aws-facts.md §5.1 (REST Cognito authorizer: 401 Unauthorized,
401 "The incoming token has expired"), §5.2 (HTTP JWT authorizer: 401 with error_description,
403 insufficient_scope), §5.3 (AWS_IAM: 403 with x-amzn-ErrorType), §4.1–4.5 (identity pool and
STS errors). The sandbox does not import flows, so a mistake in one shows up as a disagreement.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Mapping

import pytest

from flows import api_matrix, breakit, decisions, identity, oauth, predict, signin
from flows.api_matrix import Presented
from flows.decisions import Decision, IdentityPoolGate, Presentation
from flows.target import ApiRoute, Target
from flows.tokens import cached_jwks

USERS = ("alice", "bob", "carol", "frank")  # the seeded users who can sign in (frank with his TOTP)
CODE_FLOW_USERS = ("alice", "bob", "carol")  # the hosted sign-in page of the sandbox asks no TOTP
CLIENTS = ("public", "confidential")  # the app clients a user signs in with
TOKEN_BREAKS = ("expire", "tamper", "other_client", "drop_bearer")
COUNTED: dict[str, int] = {"api": 0, "identity": 0}

# --- what the sandbox's answer implies, read from the wire only --------------------------------------
_ALLOWED = {"NONE": "public", "COGNITO_USER_POOLS": "rest_id_token_ok rest_scope_ok", "JWT": "http_ok",
            "AWS_IAM": "iam_allowed"}
# REST's 401 Unauthorized does not say why (§5.1): any refusal but the expired one.
_REST_UNAUTHORIZED = ("no_token not_a_token malformed bad_signature wrong_issuer rest_needs_id_token "
                      "rest_needs_access_token rest_scope_missing")
_HTTP_DESCRIPTIONS = {"the token is missing": "no_token", "the token has expired": "expired",
                      "the token has an invalid signature": "not_a_token malformed bad_signature wrong_issuer",
                      "the token does not have a valid audience": "http_audience"}
_IAM_ERROR_TYPES = {"MissingAuthenticationTokenException": "iam_unsigned",
                    "IncompleteSignatureException": "iam_token_not_sigv4",
                    "InvalidSignatureException": "iam_bad_signature", "AccessDeniedException": "iam_not_allowed"}


def _header(response_headers: Any, name: str) -> str:
    return next((value for key, value in response_headers if key.lower() == name), "")


def implied_reasons(route: ApiRoute, status: int, body: Any, headers: Any) -> set[str]:
    message = body.get("message") if isinstance(body, dict) else None
    if status == 200:
        return set(_ALLOWED[route.auth].split())
    if route.auth == "COGNITO_USER_POOLS":
        return {"expired"} if message == "The incoming token has expired" else set(_REST_UNAUTHORIZED.split())
    if route.auth == "JWT":
        if status == 403:
            return {"http_scope_missing"}
        description = _header(headers, "www-authenticate").split('error_description="')[-1].rstrip('"')
        return set(_HTTP_DESCRIPTIONS[description].split())
    return {_IAM_ERROR_TYPES[_header(headers, "x-amzn-errortype").split(":")[0]]}


# --- what is presented -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Case:
    label: str
    presented: Presented
    secret_valid: bool = True
    role_arn: str | None = None


def _user(target: Target, name: str):
    return next(u for u in target.users if u.username == name)


_SIGNED_IN: dict[tuple[str, str, str], dict[str, Any]] = {}


def _native_tokens(target: Target, user: str, client: str) -> dict[str, Any]:
    """InitiateAuth, then for frank the SOFTWARE_TOKEN_MFA answer from his authenticator secret.
    Signed in once per pool, user and client: a TOTP code is good once (aws-facts.md §2.6), so
    frank can't sign in again and again within one 30-second step."""
    key = (target.user_pool_id, user, client)
    if key not in _SIGNED_IN:
        _SIGNED_IN[key] = _sign_in(target, user, client)
    return _SIGNED_IN[key]


def _sign_in(target: Target, user: str, client: str) -> dict[str, Any]:
    seeded = _user(target, user)
    for _attempt in range(3):
        signed = signin.sign_in_with_password(target, user, seeded.password, client)
        if signed.outputs.get("challenge") != "SOFTWARE_TOKEN_MFA":
            break
        signed = _answer_with_an_unused_code(target, client, user, signed.outputs["session"], seeded.totp_secret or "")
        if signed.ok:
            break
    assert signed.ok and signed.outputs.get("id_token"), signed.failure
    return signed.outputs


def _answer_with_an_unused_code(target: Target, client: str, user: str, session: str, secret: str):
    """This step's code, or the next one's when this step's was spent by an earlier sign-in; if
    both are spent, wait for a new step (the session of a refused answer is not reused)."""
    answered = signin.respond_totp(target, client, user, session, signin.authenticator_code(secret))
    if answered.ok or answered.failure.code != "ExpiredCodeException":
        return answered
    time.sleep(30 - time.time() % 30 + 0.5)
    return answered


def _credentials_case(label: str, result) -> Case | None:
    if not result.ok:
        return None  # the pool refused this user (its refusal is checked in the identity-pool part)
    outputs = result.outputs
    return Case(label, Presented("credentials", credentials=outputs), role_arn=outputs["role_arn"])


def _user_cases(target: Target, user: str, client: str, scope: str) -> list[Case]:
    signed = _native_tokens(target, user, client)
    cases = [Case(f"{user}/{client}/id", Presented("id_token", signed["id_token"])),
             Case(f"{user}/{client}/access", Presented("access_token", signed["access_token"]))]
    if client == "public" and user in CODE_FLOW_USERS:  # the app client allowed the code flow
        for scopes, name in (((scope,), "oauth+scope"), ((), "oauth-no-scope")):
            result = api_matrix.scoped_token_by_code(target, user, _user(target, user).password, scopes)
            assert result.ok, result.failure
            cases.append(Case(f"{user}/{client}/{name}", Presented("oauth_access_token", result.outputs["access_token"])))
    credentials = _credentials_case(f"{user}/{client}/credentials", identity.get_credentials(target, signed["id_token"], True))
    return cases + ([credentials] if credentials else [])


@pytest.fixture(scope="module")
def keys(target):
    return cached_jwks(target)


@pytest.fixture(scope="module")
def machine_token(target) -> str:
    result = oauth.client_credentials(target, "machine", api_matrix.route_scopes(target))
    assert result.ok, result.failure
    return result.outputs["access_token"]


@pytest.fixture(scope="module")
def base_cases(target, machine_token) -> list[Case]:
    scope = api_matrix.route_scopes(target)[0]
    cases = [case for user in USERS for client in CLIENTS for case in _user_cases(target, user, client, scope)]
    guest = _credentials_case("guest/credentials", identity.get_credentials(target, None, True))
    return cases + [Case("machine", Presented("oauth_access_token", machine_token)), guest,
                    Case("nothing", Presented("nothing"))]


def _mutated(target: Target, case: Case, how: str, machine_token: str) -> Case:
    other = api_matrix.other_client_token(target, case.presented.token, machine_token,
                                          _native_access(case, target))
    presented, secret_valid = api_matrix.mutate(target, case.presented, how, other, time.time())
    return Case(f"{case.label}+{how}", presented, secret_valid, case.role_arn)


def _native_access(case: Case, target: Target) -> str:
    alice = _user(target, "alice")
    return signin.sign_in_with_password(target, alice.username, alice.password).outputs["access_token"] \
        if case.label == "machine" else ""


@pytest.fixture(scope="module")
def all_cases(target, base_cases, machine_token) -> list[Case]:
    mutated = [_mutated(target, case, how, machine_token) for case in base_cases
               if case.presented.token for how in TOKEN_BREAKS]
    mutated += [_mutated(target, case, "wrong_secret", machine_token) for case in base_cases
                if case.presented.credentials is not None]
    return base_cases + mutated


def may_invoke(target: Target) -> dict[str, bool]:
    """The seeded roles' policies (sandbox/topology.py `_put_roles`, aws-facts.md §5.3): the admins
    and authenticated roles may call GET /iam; the readers, unauthenticated and mistrusted... no."""
    allowed = {"admins", "authenticated"}
    return {arn: name in allowed for name, arn in target.roles.items()}


def _presentation(target: Target, case: Case, keys, now: float) -> Presentation:
    presented = case.presented
    if presented.credentials is not None:
        return Presentation("sigv4", secret_valid=case.secret_valid, role_arn=case.role_arn)
    if not presented.token:
        return decisions.NOTHING
    return decisions.of_verification(api_matrix.verify(target, presented.token, keys, now), presented.bearer_prefix)


def _disagreements(target: Target, cases: list[Case], keys) -> list[str]:
    gates, found = predict.gates_of(target, may_invoke(target)), []
    for case in cases:
        for route in target.routes:
            now = time.time()
            decision = predict.decide_route(route, _presentation(target, case, keys, now), gates, now)
            result = api_matrix.send(target, route, case.presented)
            status, body = result.outputs.get("status"), result.outputs.get("body")
            headers = result.exchanges[-1].response.headers
            COUNTED["api"] += 1
            assert decision is None or "⟦" not in decision.explain("en") + decision.explain("ja")
            if decision is None or decision.status != status or decision.reason not in implied_reasons(route, status, body, headers):
                found.append(f"{case.label} on {api_matrix.route_key(route)}: predicted "
                             f"{decision and (decision.status, decision.reason)}, sandbox {status} {body}")
    return found


def test_every_route_every_presentation_every_break(target, all_cases, keys):
    started = time.monotonic()
    assert not _disagreements(target, all_cases, keys)
    presentations = {case.presented.name for case in all_cases}
    assert presentations == {"id_token", "access_token", "oauth_access_token", "credentials", "nothing"}
    assert len(all_cases) * len(target.routes) == COUNTED["api"] >= 500
    print(f"\napi cases: {COUNTED['api']} in {time.monotonic() - started:.1f}s")


def test_the_mapping_from_answers_can_fail():
    # The oracle is not a rubber stamp: a 200 on a REST route is never a refusal.
    route = ApiRoute("rest", "GET", "/profile", "COGNITO_USER_POOLS")
    assert implied_reasons(route, 200, {}, ()) == {"rest_id_token_ok", "rest_scope_ok"}
    assert implied_reasons(route, 401, {"message": "The incoming token has expired"}, ()) == {"expired"}


# --- the identity pool ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def pool_roles(target) -> Mapping[str, Any]:
    result = identity.describe_pool_roles(target)  # the gate's configuration, read as on AWS
    assert result.ok, result.failure
    return result.outputs["pool_roles"]


def _identity_gate(target: Target, pool_roles: Mapping[str, Any], flow: str) -> IdentityPoolGate:
    clients = tuple(target.client(name).client_id for name in CLIENTS)
    # The mistrusted role's trust policy names another pool (sandbox/topology.py, aws-facts.md §4.5).
    return IdentityPoolGate(target.issuer, target.login_provider, clients, pool_roles, flow,  # type: ignore[arg-type]
                            untrusted_roles=frozenset({target.roles["mistrusted"]}))


_IDENTITY_MESSAGES = {"ambiguous role mapping rules denied": "role_denied",
                      "Invalid CustomRoleArn": "role_custom_refused", "Token expired": "expired", "Couldn't verify signed token": "bad_signature",
                      "Missing a required claim: aud": "identity_needs_id_token",
                      "not from a supported provider": "identity_client", "Issuer doesn't match": "wrong_issuer"}


def identity_implied(result) -> set[str]:
    """The reasons an identity-pool answer implies, from its error code and message (§4.1–4.5)."""
    failure = result.failure
    if failure is None:
        return {"role_guest", "role_default", "role_rule", "role_token_preferred", "role_token_custom",
                "role_ambiguous_authenticated", "basic_role"}
    if failure.code == "NotAuthorizedException":
        return {reason for text, reason in _IDENTITY_MESSAGES.items() if text in failure.message}
    return {"basic_role_untrusted"} if failure.code == "AccessDenied" else set()


def _identity_presentations(target: Target, machine_token: str) -> list[tuple[str, str | None]]:
    found: list[tuple[str, str | None]] = [("guest", None)]
    for user in USERS:
        for client in CLIENTS:
            signed = _native_tokens(target, user, client)
            found += [(f"{user}/{client}/id", signed["id_token"]), (f"{user}/{client}/access", signed["access_token"])]
    alice_id = found[1][1] or ""
    expired = api_matrix.sandbox_expired_copy(target, alice_id)
    return found + [("machine", machine_token), ("alice/tampered", breakit.tampered(alice_id).token),
                    ("alice/expired", expired)]


def _actual_identity(target: Target, token: str | None, flow: str):
    if flow == "basic":
        return identity.get_credentials_basic(target, token)
    return identity.get_credentials(target, token, with_role=True)


def _identity_disagreement(target, gate, keys, label: str, token: str | None) -> str | None:
    now = time.time()
    presented = _presentation(target, Case(label, Presented("id_token", token) if token else Presented("nothing")), keys, now)
    decision: Decision = decisions.identity_pool(presented, gate, now)
    result = _actual_identity(target, token, gate.flow)
    COUNTED["identity"] += 1
    assert "⟦" not in decision.explain("en") + decision.explain("ja")
    actual_role = result.outputs.get("role_arn") if result.ok else None
    if decision.role_arn != actual_role or decision.reason not in identity_implied(result):
        return f"{label} ({gate.flow}): predicted {decision.reason} {decision.role_arn}, sandbox {actual_role} {result.failure}"
    return None


@pytest.mark.parametrize("flow", ["enhanced", "basic"])
def test_identity_pool_every_user_client_and_flow(target, keys, pool_roles, machine_token, flow):
    gate = _identity_gate(target, pool_roles, flow)
    found = [_identity_disagreement(target, gate, keys, label, token)
             for label, token in _identity_presentations(target, machine_token)]
    assert not [problem for problem in found if problem]
    print(f"\nidentity cases so far: {COUNTED['identity']}")


def test_identity_pool_refusals_are_all_seen(target, keys, pool_roles, machine_token):
    # The cross product reaches the refusals the lab teaches, not only successes.
    gate, now = _identity_gate(target, pool_roles, "enhanced"), time.time()
    reasons = {decisions.identity_pool(_presentation(target, Case(label, Presented("id_token", token) if token
                                                                  else Presented("nothing")), keys, now), gate, now).reason
               for label, token in _identity_presentations(target, machine_token)}
    assert {"role_guest", "role_token_preferred", "role_rule", "role_denied", "identity_needs_id_token",
            "bad_signature", "expired"} <= reasons
