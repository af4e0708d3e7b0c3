"""Leg 4 as a matrix: every API route × what the caller presents (ID token, access token from a
native sign-in, access token from the OAuth flow with a custom scope, identity-pool credentials,
nothing). Each cell is a real call (`flows.api`) next to what the token checks predict
(`flows.predict`), with the authorizer's reasoning step by step (aws-facts.md §5–6), and can be
broken on purpose (`flows.breakit`).

The matrix sends tokens as `Authorization: Bearer <token>`, as most clients do; the "drop the
Bearer prefix" break shows that API Gateway accepts the bare token too.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Literal, Mapping, get_args

import requests

from flows import api, breakit, oauth, predict
from flows.aws import sandbox_helper_headers
from flows.breakit import BreakName
from flows.jwks import JwksError, JwksSource, KeySet
from flows.jwt_decode import TokenFormatError, decode_token
from flows.jwt_verify import Expectations, Verification, verify_token
from flows.predict import Prediction
from flows.redact import mask
from flows.steps import AwsFailure, Note, StepResult
from flows.target import ApiRoute, Target
from flows.tokens import cached_jwks

PresentedName = Literal["id_token", "access_token", "oauth_access_token", "credentials", "nothing"]
PRESENTED: tuple[PresentedName, ...] = get_args(PresentedName)
TOKENS = ("id_token", "access_token", "oauth_access_token")
TOKEN_AUTHORIZERS = frozenset({"COGNITO_USER_POOLS", "JWT"})
OAUTH_CLIENT = "public"  # the app client allowed the code flow and the custom scope
MACHINE_CLIENT = "machine"  # client_credentials only
DOC_BEARER = "api-gateway.md#the-bearer-prefix"
DOC_AUDIENCE = "api-gateway.md#the-aud-or-client_id-rule"
DOC_REST_FAILURES = "api-gateway.md#responses-when-the-authorizer-says-no"
DOC_IAM_403 = "api-gateway.md#the-403-messages"


# --- what the caller presents, and one cell -------------------------------------------------------
@dataclass(frozen=True)
class Presented:
    """One column of the matrix: a token, SigV4 credentials, or nothing."""

    name: PresentedName
    token: str | None = field(default=None, repr=False)
    credentials: Mapping[str, Any] | None = field(default=None, repr=False)
    bearer_prefix: bool = True


@dataclass(frozen=True)
class ReasonStep:
    """One step of the authorizer's reasoning. `detail` is text as the verifier or API Gateway
    worded it (shown as text, never as Markdown)."""

    key: str  # message key
    passed: bool | None  # None: not a check, or not decided by it
    params: dict[str, Any] = field(default_factory=dict)
    detail: str = ""


@dataclass
class Cell:
    route: ApiRoute
    presented: PresentedName
    result: StepResult
    prediction: Prediction | None = None  # None: the token checks can't tell (e.g. an IAM policy)
    verification: Verification | None = None
    # Filled by `finished` before a cell leaves this module: the authorizer's reasoning step by
    # step, and what the backend received (None if the call did not get through).
    reasons: list[ReasonStep] = field(default_factory=list)
    backend: dict[str, Any] | None = None

    @property
    def status(self) -> int | None:
        return self.result.outputs.get("status")

    @property
    def message(self) -> str:
        body = self.result.outputs.get("body")
        if isinstance(body, dict) and isinstance(body.get("message"), str):
            return body["message"]
        return "OK" if self.status == 200 else ""

    @property
    def error_type(self) -> str:
        """API Gateway's x-amzn-ErrorType, as sent (AWS_IAM refusals carry one)."""
        response = self.result.exchanges[-1].response if self.result.exchanges else None
        headers = response.headers if response is not None else ()
        value = next((v for name, v in headers if name.lower() == "x-amzn-errortype"), "")
        return value.split(":")[0]

    @property
    def outcome(self) -> str:
        if self.status is None:
            return self.result.failure.code if self.result.failure else "—"
        return f"{self.status} {self.message}".strip()

    @property
    def predicted_status(self) -> int | None:
        return status_of(self.prediction.outcome) if self.prediction else None

    @property
    def agrees(self) -> bool | None:
        if self.predicted_status is None or self.status is None:
            return None
        return self.predicted_status == self.status


def presentations(tokens: Mapping[str, str], oauth_token: str | None,
                  credentials: Mapping[str, Any] | None) -> dict[str, Presented]:
    """What the caller can present right now, in column order; "nothing" always."""
    available = {"id_token": Presented("id_token", tokens.get("id_token")),
                 "access_token": Presented("access_token", tokens.get("access_token")),
                 "oauth_access_token": Presented("oauth_access_token", oauth_token),
                 "credentials": Presented("credentials", credentials=credentials),
                 "nothing": Presented("nothing")}
    return {name: p for name, p in available.items()
            if name == "nothing" or p.token or p.credentials is not None}


def status_of(outcome: str) -> int | None:
    """The HTTP status at the start of a prediction's outcome ("401 Unauthorized" → 401)."""
    first = outcome.split(" ", 1)[0]
    return int(first) if first.isdigit() else None


def route_key(route: ApiRoute) -> str:
    return f"{route.api} {route.method} {route.path}"


def find_route(target: Target, key: str) -> ApiRoute | None:
    return next((route for route in target.routes if route_key(route) == key), None)


def route_scopes(target: Target) -> tuple[str, ...]:
    """The custom scopes the target's routes ask for: what the OAuth token must carry."""
    return tuple(sorted({scope for route in target.routes for scope in route.scopes}))


def http_audience(target: Target) -> tuple[str, ...]:
    """The HTTP API JWT authorizer's Audience as the lab builds it (sandbox topology and
    infra/cognito-lab.yaml): every app client but the machine client. The Target does not carry
    the authorizer's configuration, so predictions assume this."""
    return tuple(c.client_id for name, c in target.clients.items() if name != MACHINE_CLIENT)


# --- calling -----------------------------------------------------------------------------------
def send(target: Target, route: ApiRoute, presented: Presented) -> StepResult:
    """The call as the learner would make it: SigV4-signed with credentials, else with the token
    (if any) in Authorization."""
    if presented.credentials is not None:
        return api.call_route_signed(target, route, presented.credentials)
    return api.call_route(target, route, presented.token, presented.bearer_prefix)


def load_keys(target: Target, source: JwksSource | None = None) -> KeySet | None:
    """The pool's JWKS from the shared cache (the tokens step usually fetched it already);
    None (no predictions) if it can't be had."""
    try:
        return cached_jwks(target, source)
    except JwksError:
        return None


def verify(target: Target, token: str | None, keys: KeySet | None, now: float | None = None) -> Verification | None:
    if token is None or keys is None:
        return None
    return verify_token(token, keys, Expectations(issuer=target.issuer), now)


def _consumer(route: ApiRoute) -> str:
    if route.auth == "JWT":
        return "predict.http"
    return "predict.rest_scoped" if route.scopes else "predict.rest"


def _predict_iam(presented: PresentedName) -> Prediction | None:
    if presented == "nothing":
        return Prediction("api_page.consumer.iam", False, "403 Missing Authentication Token", "api_page.reason.unsigned")
    if presented in TOKENS:
        return Prediction("api_page.consumer.iam", False, "403 IncompleteSignatureException",
                          "api_page.reason.token_not_sigv4")
    return None  # signed: whether the role's policies allow execute-api:Invoke is not in any token


def predict_cell(target: Target, route: ApiRoute, presented: PresentedName, verification: Verification | None,
                 now: float | None = None) -> Prediction | None:
    """What API Gateway should answer, from the token checks of `flows.predict`."""
    if route.auth == "NONE":
        return Prediction("api_page.consumer.none", True, "200", "api_page.reason.public")
    if route.auth == "AWS_IAM":
        return _predict_iam(presented)
    if route.auth not in TOKEN_AUTHORIZERS:
        return None
    if presented in ("nothing", "credentials"):
        reason = "api_page.reason.no_token" if presented == "nothing" else "api_page.reason.sigv4_not_a_token"
        return Prediction(_consumer(route), False, "401 Unauthorized", reason)
    if verification is None:
        return None
    if route.auth == "JWT":
        return predict.http_jwt(verification, target.issuer, http_audience(target), route.scopes, now)
    return predict.rest_cognito(verification, target.issuer, route.scopes, now)


def call_cell(target: Target, route: ApiRoute, presented: Presented, keys: KeySet | None) -> Cell:
    verification = verify(target, presented.token, keys)
    prediction = predict_cell(target, route, presented.name, verification)
    return finished(Cell(route, presented.name, send(target, route, presented), prediction, verification), target)


def finished(cell: Cell, target: Target) -> Cell:
    """The cell with its reasoning and the backend's view worked out: ready to show as it is."""
    cell.reasons, cell.backend = reasoning(cell, target), backend_context(cell)
    return cell


def fill(target: Target, presenting: Mapping[str, Presented],
         source: JwksSource | None = None) -> dict[tuple[str, str], Cell]:
    """Call every route with everything the learner can present (the JWKS comes from the cache)."""
    keys = load_keys(target, source)
    return {(route_key(route), name): call_cell(target, route, presented, keys)
            for route in target.routes for name, presented in presenting.items()}


# --- the authorizer's reasoning --------------------------------------------------------------------
def sent_authorization(cell: Cell) -> str | None:
    """The Authorization header as it crossed the wire (None if none was sent)."""
    if not cell.result.exchanges:
        return None
    headers = cell.result.exchanges[-1].request.headers
    return next((value for name, value in headers if name.lower() == "authorization"), None)


def _header_step(cell: Cell) -> ReasonStep:
    """What the authorizer finds in Authorization, and whether it is the kind it takes."""
    header, iam = sent_authorization(cell), cell.route.auth == "AWS_IAM"
    refusal = cell.result.failure.message if cell.result.failure and iam else ""
    if header is None:
        return ReasonStep("api_page.step.no_header", False, detail=refusal)
    if cell.presented == "credentials":
        return ReasonStep("api_page.step.sigv4_header" if iam else "api_page.step.sigv4_on_token_route", iam)
    if iam:
        return ReasonStep("api_page.step.token_on_iam", False, detail=refusal)
    prefix = "Bearer " if header.startswith("Bearer ") else "—"
    return ReasonStep("api_page.step.token_header", True, {"prefix": prefix})


def _claim_checks(verification: Verification) -> list[ReasonStep]:
    steps = []
    for name in ("signature", "iss", "exp"):
        check = verification.check(name)
        steps.append(ReasonStep(f"api_page.step.{name}", check.passed, detail=check.reason))
    return steps


def _rest_rule(route: ApiRoute, claims: Mapping[str, Any]) -> ReasonStep:
    token_use = str(claims.get("token_use", "—"))
    if not route.scopes:
        return ReasonStep("api_page.step.rest_id_only", token_use == "id", {"token_use": token_use})
    token_scopes = set(str(claims.get("scope", "")).split())
    passed = token_use == "access" and bool(token_scopes & set(route.scopes))
    return ReasonStep("api_page.step.rest_scope", passed, {"token_use": token_use, "scopes": " ".join(route.scopes),
                                                            "token_scopes": " ".join(sorted(token_scopes)) or "—"})


def _jwt_rules(route: ApiRoute, claims: Mapping[str, Any], audience: tuple[str, ...]) -> list[ReasonStep]:
    claim = "aud" if "aud" in claims else "client_id"  # aud wins when both exist (§5.2)
    named = str(claims.get(claim, "—"))
    steps = [ReasonStep("api_page.step.audience", named in audience,
                        {"claim": claim, "value": named, "audience": ", ".join(audience)})]
    if route.scopes:
        token_scopes = set(str(claims.get("scope", claims.get("scp", ""))).split())
        params = {"scopes": " ".join(route.scopes), "token_scopes": " ".join(sorted(token_scopes)) or "—"}
        steps.append(ReasonStep("api_page.step.http_scope", bool(token_scopes & set(route.scopes)), params))
    return steps


def _token_steps(cell: Cell, audience: tuple[str, ...]) -> list[ReasonStep]:
    verification = cell.verification
    if cell.presented not in TOKENS or verification is None:
        return []
    if verification.check("structure").passed is False:
        return [ReasonStep("api_page.step.decode", False, detail=verification.check("structure").reason)]
    rules = (_jwt_rules(cell.route, verification.claims, audience) if cell.route.auth == "JWT"
             else [_rest_rule(cell.route, verification.claims)])
    return _claim_checks(verification) + rules


def _iam_steps(cell: Cell) -> list[ReasonStep]:
    """AWS_IAM: what API Gateway said, check by check (the policy isn't in any token)."""
    failure = cell.result.failure
    code, message = (failure.code, failure.message) if failure else ("", "")
    if cell.presented != "credentials":
        return []
    signature_ok = cell.status == 200 or (code == "AccessDeniedException" and message.startswith("User:"))
    steps = [ReasonStep("api_page.step.sigv4_signature", signature_ok, detail="" if signature_ok else message)]
    if signature_ok:
        steps.append(ReasonStep("api_page.step.iam_policy", cell.status == 200, detail=message))
    return steps


def _verdict(cell: Cell) -> ReasonStep:
    predicted = cell.prediction.outcome if cell.prediction else "—"
    return ReasonStep("api_page.step.verdict", cell.agrees, {"predicted": predicted, "actual": cell.outcome})


def reasoning(cell: Cell, target: Target) -> list[ReasonStep]:
    """The authorizer's decision step by step: the token checks the lab can redo (signature, iss,
    exp, then the route's own rule), or for AWS_IAM what API Gateway answered; then the verdict."""
    if cell.route.auth == "NONE":
        return [ReasonStep("api_page.step.public", True), _verdict(cell)]
    steps = [_header_step(cell)]
    if cell.route.auth == "AWS_IAM":
        steps += _iam_steps(cell)
    elif cell.route.auth in TOKEN_AUTHORIZERS:
        steps += _token_steps(cell, http_audience(target))
    return steps + [_verdict(cell)]


def masked_canonical_request(canonical_request: str) -> str:
    """The canonical request with the session token masked: it is signed as a header line."""
    lines = canonical_request.split("\n")
    prefix = "x-amz-security-token:"
    return "\n".join(prefix + mask(line[len(prefix):]) if line.startswith(prefix) else line for line in lines)


def backend_context(cell: Cell) -> dict[str, Any] | None:
    """What the backend received: the authorizer's claims (REST, HTTP) or the caller's identity
    (AWS_IAM), from the echo backend's event; None if the call did not get through."""
    body = cell.result.outputs.get("body")
    if cell.status != 200 or not isinstance(body, dict):
        return None
    context = body.get("requestContext") or {}
    if cell.route.auth == "AWS_IAM":
        return {k: v for k, v in (context.get("identity") or {}).items() if k not in ("sourceIp", "userAgent")}
    return context.get("authorizer")


# --- the access token with the custom scope --------------------------------------------------------
def _merged(step: str, parts: list[StepResult]) -> StepResult:
    """The hops of one flow as one step: every exchange in order, notes once, the first failure."""
    merged = StepResult(step)
    for part in parts:
        merged.exchanges += part.exchanges
        merged.notes += [note for note in part.notes if note not in merged.notes]
        merged.failure = merged.failure or part.failure
    merged.outputs = dict(parts[-1].outputs) if merged.failure is None else {}
    return merged


def scoped_token_by_code(target: Target, username: str, password: str,
                         scopes: tuple[str, ...]) -> StepResult:
    """The in-app code + PKCE flow, hop by hop, for a user of the public client: authorize →
    sign-in page → back with a code → token endpoint. Its access token carries `scopes`."""
    pkce = oauth.new_pkce()
    try:
        url = oauth.authorize_url(target, OAUTH_CLIENT, pkce, ("openid", *scopes))
    except oauth.NoDomainError as error:
        return StepResult("api_oauth_token", failure=AwsFailure("no_domain", str(error), None, "meaning.oauth.no_domain"))
    parts = [oauth.open_sign_in_page(target, url)]
    if parts[-1].ok and "form" in parts[-1].outputs:
        parts.append(oauth.submit_sign_in(target, parts[-1].outputs["form"], username, password, pkce.state))
    if parts[-1].ok and parts[-1].outputs.get("code"):
        parts.append(oauth.exchange_code(target, OAUTH_CLIENT, parts[-1].outputs["code"], pkce))
    return _merged("api_oauth_token", parts)


def scoped_token_by_client_credentials(target: Target, scopes: tuple[str, ...],
                                       step: str = "api_oauth_token") -> StepResult:
    """client_credentials for the machine client: an access token with `scopes` and no user.
    `step` names the result: the page asks for this token for two reasons, kept apart."""
    if MACHINE_CLIENT not in target.clients:
        return StepResult(step, failure=AwsFailure(
            "invalid_client", "This target has no machine (client_credentials) app client.", None,
            "meaning.oauth.invalid_client"))
    return _merged(step, [oauth.client_credentials(target, MACHINE_CLIENT, scopes)])


def client_of(token: str) -> str | None:
    """The app client a token was issued to (aud, or client_id for access tokens)."""
    try:
        claims = decode_token(token).claims
    except TokenFormatError:
        return None
    return claims.get("aud") or claims.get("client_id")


def username_of(id_token: str | None) -> str | None:
    """The signed-in user's name, for the code flow's sign-in page (the ID token says it)."""
    try:
        return decode_token(id_token).claims.get("cognito:username") if id_token else None
    except TokenFormatError:
        return None


def other_client_token(target: Target, token: str | None, machine_token: str | None,
                       native_access_token: str | None) -> str | None:
    """A token of another app client than `token`'s: the machine client's (client_credentials),
    or, when `token` is the machine client's own, the public client's native access token."""
    machine = target.clients.get(MACHINE_CLIENT)
    if machine is not None and token and client_of(token) == machine.client_id:
        return native_access_token
    return machine_token


# --- break it ---------------------------------------------------------------------------------------
@dataclass
class Broken:
    """A passing call made to fail on purpose: what changed, what came back, and why."""

    how: BreakName
    cell: Cell  # the broken call, with its own prediction
    before: str  # what changed, as text
    after: str
    explanation: str  # message key
    genuine: Prediction | None = None  # expire: what a genuinely expired token would get


Mutation = tuple[Presented, str, str]  # the broken presentation, what changed: before, after


def _expire(presented: Presented, other_token: str | None, now: float) -> Mutation:
    token = presented.token or ""
    expired = breakit.expired(token, now)
    before, after = decode_token(token).claims.get("exp"), decode_token(expired).claims.get("exp")
    return Presented(presented.name, expired), f"exp: {before}", f"exp: {after}"


def sandbox_expired_copy(target: Target, token: str) -> str | None:
    """On the sandbox, a genuinely expired copy of the token (its sandbox-only helper plays
    Cognito's clock moving past exp). None on AWS, where one has to wait for exp."""
    if target.kind != "sandbox" or not target.endpoint_url:
        return None
    url = f"{target.endpoint_url}/_sandbox/expired-copy/{target.user_pool_id}"
    try:
        body = json.dumps({"token": token}).encode()
        response = requests.post(url, data=body, timeout=(3, 10),
                                 headers=sandbox_helper_headers(target, "POST", url, "cognito-idp", body))
    except requests.RequestException:
        return None
    return response.json().get("token") if response.ok else None


def _expire_on(target: Target) -> Callable[[Presented, str | None, float], Mutation]:
    def expire(presented: Presented, other_token: str | None, now: float) -> Mutation:
        token = presented.token or ""
        expired = sandbox_expired_copy(target, token)
        if expired is None:
            return _expire(presented, other_token, now)
        before, after = decode_token(token).claims.get("exp"), decode_token(expired).claims.get("exp")
        return Presented(presented.name, expired), f"exp: {before}", f"exp: {after} (signed by the pool)"
    return expire


def _tamper(presented: Presented, other_token: str | None, now: float) -> Mutation:
    forged = breakit.tampered(presented.token or "")
    return Presented(presented.name, forged.token), f"{forged.claim}: {forged.before}", f"{forged.claim}: {forged.after}"


def _other_client(presented: Presented, other_token: str | None, now: float) -> Mutation:
    before, after = client_of(presented.token or ""), client_of(other_token or "")
    return Presented(presented.name, other_token), f"app client: {before}", f"app client: {after}"


def _drop_bearer(presented: Presented, other_token: str | None, now: float) -> Mutation:
    dropped = Presented(presented.name, presented.token, bearer_prefix=False)
    return dropped, "Authorization: Bearer <token>", "Authorization: <token>"


def _wrong_secret(presented: Presented, other_token: str | None, now: float) -> Mutation:
    credentials = presented.credentials or {"SecretKey": ""}
    wrong = breakit.wrong_secret(credentials)
    # Only the last characters: enough to see the one that changed, never the whole secret.
    before, after = str(credentials["SecretKey"])[-4:], str(wrong["SecretKey"])[-4:]
    return Presented(presented.name, credentials=wrong), f"SecretKey: …{before}", f"SecretKey: …{after}"


_MUTATIONS = {"expire": _expire, "tamper": _tamper, "other_client": _other_client,
              "drop_bearer": _drop_bearer, "wrong_secret": _wrong_secret}
_BREAK_DOCS = {"expire": DOC_REST_FAILURES, "tamper": DOC_REST_FAILURES, "other_client": DOC_AUDIENCE,
               "drop_bearer": DOC_BEARER, "wrong_secret": DOC_IAM_403}


def _explained(how: BreakName, broken: Cell) -> str:
    """Which explanation: some breaks don't break (and saying so is the lesson)."""
    if how == "expire" and broken.verification is not None and broken.verification.check("signature").passed:
        return "api_page.break.expire.genuine"
    if how in ("other_client", "drop_bearer"):
        return f"api_page.break.{how}.{'passed' if broken.status == 200 else 'refused'}"
    return f"api_page.break.{how}.explain"


def _predicted_break(target: Target, cell: Cell, how: BreakName, broken: Cell,
                     now: float) -> tuple[Prediction | None, Prediction | None]:
    """The broken call's prediction, and for `expire` what a genuinely expired token would get."""
    if how == "wrong_secret":  # the lab knows it signed with a wrong key, so it can foretell this one
        wrong = Prediction("api_page.consumer.iam", False, "403 InvalidSignatureException", "api_page.reason.wrong_secret")
        return wrong, None
    if how != "expire" or cell.verification is None:
        return broken.prediction, None
    past_exp = float(cell.verification.claims.get("exp", now)) + 1  # the clock moved past exp
    return broken.prediction, predict_cell(target, cell.route, cell.presented, cell.verification, past_exp)


def break_cell(target: Target, cell: Cell, presented: Presented, how: BreakName, other_token: str | None = None,
               now: float | None = None) -> Broken:
    """Call `cell`'s route again with the presentation broken the `how` way (breakit.BREAKS).
    `other_token`: another app client's token, for `other_client`."""
    now = time.time() if now is None else now
    mutate = _expire_on(target) if how == "expire" else _MUTATIONS[how]
    mutated, before, after = mutate(presented, other_token, now)
    verification = verify(target, mutated.token, load_keys(target), now)
    broken = Cell(cell.route, presented.name, send(target, cell.route, mutated),
                  predict_cell(target, cell.route, presented.name, verification, now), verification)
    broken.result.notes[:0] = [Note(f"api_page.note.{how}", _BREAK_DOCS[how])]
    broken.prediction, genuine = _predicted_break(target, cell, how, broken, now)
    return Broken(how, finished(broken, target), before, after, _explained(how, broken), genuine)
