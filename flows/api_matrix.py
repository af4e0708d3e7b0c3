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

from flows import api, breakit, decisions, oauth, predict
from flows.aws import sandbox_helper_headers
from flows.breakit import BreakName
from flows.decisions import Decision, Difference, FactChange, Presentation
from flows.jwks import JwksError, JwksSource, KeySet
from flows.jwt_decode import TokenFormatError, decode_token
from flows.jwt_verify import Expectations, Verification, verify_token
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
    prediction: Decision | None = None  # None: the model can't tell (no keys)
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
        # IAM refusals say `Message`, the other answers `message` (aws-facts.md §5.3).
        text = (body.get("message") or body.get("Message")) if isinstance(body, dict) else None
        if isinstance(text, str):
            return text
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
        return self.prediction.status if self.prediction else None

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
    return predict.http_audience(target)


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


def presentation_of(presented: Presented, verification: Verification | None,
                    secret_valid: bool = True) -> Presentation:
    """What the gate sees of one column: a token (as the verifier checked it), SigV4 or nothing."""
    if presented.credentials is not None:
        return decisions.of_credentials(presented.credentials, secret_valid)
    if not presented.token:
        return decisions.NOTHING
    return decisions.of_verification(verification, presented.bearer_prefix)


def predict_cell(target: Target, route: ApiRoute, presented: Presented, verification: Verification | None,
                 now: float | None = None, secret_valid: bool = True) -> Decision | None:
    """What API Gateway should answer: the route's gate (flows.decisions) on what was presented.
    None when the model can't tell (a token whose keys could not be had, an unmodelled authorizer)."""
    if presented.token and verification is None and route.auth in TOKEN_AUTHORIZERS:
        return None
    return predict.decide_route(route, presentation_of(presented, verification, secret_valid),
                                predict.gates_of(target), now)


def call_cell(target: Target, route: ApiRoute, presented: Presented, keys: KeySet | None) -> Cell:
    verification = verify(target, presented.token, keys)
    prediction = predict_cell(target, route, presented, verification)
    return finished(Cell(route, presented.name, send(target, route, presented), prediction, verification), target)


def finished(cell: Cell, target: Target) -> Cell:
    """The cell with its reasoning and the backend's view worked out: ready to show as it is."""
    cell.reasons, cell.backend = reasoning(cell, target), backend_context(cell)
    if cell.prediction is not None:  # the export says why from the same decision
        decision = cell.prediction
        cell.result.notes.append(Note(decision.message_key, decisions.DOCS[decision.gate], decision.params))
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


def _verdict(cell: Cell) -> ReasonStep:
    predicted = cell.prediction.outcome if cell.prediction and cell.prediction.status is not None else "—"
    return ReasonStep("api_page.step.verdict", cell.agrees, {"predicted": predicted, "actual": cell.outcome})


def reasoning(cell: Cell, target: Target) -> list[ReasonStep]:
    """The authorizer's decision step by step, as the decision model ran it (each check and the
    fact it read), then the reason it gives, then the verdict beside what API Gateway answered."""
    decision = cell.prediction
    if decision is None:
        return [_verdict(cell)]
    steps = [ReasonStep(f"decision.check.{step.check}", step.passed, detail=f"{step.fact}: {step.value}")
             for step in decision.steps]
    why = ReasonStep(decision.message_key, decision.passes if decision.status is not None else None,
                     decision.params)
    return steps + [why, _verdict(cell)]


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
    except oauth.NoDomainError:
        return StepResult("api_oauth_token", failure=AwsFailure.lab("no_domain", "polish.fail.no_domain",
                                                                     "meaning.oauth.no_domain"))
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
        return StepResult(step, failure=AwsFailure.lab("invalid_client", "polish.fail.no_machine_client",
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
    """A passing call made to fail on purpose: the call, and the difference of the two decisions
    (before and after the mutation: every fact that changed, and the check that refused it)."""

    how: BreakName
    cell: Cell  # the broken call, with its own prediction
    difference: Difference | None  # None: a decision could not be made (no keys)
    genuine: Decision | None = None  # expire: what a genuinely expired token would get

    @property
    def changed(self) -> tuple[FactChange, ...]:
        return self.difference.changed if self.difference else ()


Mutation = tuple[Presented, bool]  # the broken presentation; whether the SigV4 secret is still right


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


def mutate(target: Target, presented: Presented, how: BreakName, other_token: str | None, now: float) -> Mutation:
    """The presentation broken the `how` way (breakit.BREAKS)."""
    token = presented.token or ""
    if how == "expire":
        return Presented(presented.name, sandbox_expired_copy(target, token) or breakit.expired(token, now)), True
    if how == "tamper":
        return Presented(presented.name, breakit.tampered(token).token), True
    if how == "other_client":
        return Presented(presented.name, other_token), True
    if how == "drop_bearer":
        return Presented(presented.name, presented.token, bearer_prefix=False), True
    return Presented(presented.name, credentials=breakit.wrong_secret(presented.credentials or {"SecretKey": ""})), False


def _genuinely_expired(target: Target, cell: Cell, presented: Presented, how: BreakName, now: float) -> Decision | None:
    """For `expire`: the decision for the original token once the clock has moved past its exp."""
    if how != "expire" or cell.verification is None:
        return None
    past_exp = float(cell.verification.claims.get("exp", now)) + 1
    return predict_cell(target, cell.route, presented, cell.verification, past_exp)


def break_cell(target: Target, cell: Cell, presented: Presented, how: BreakName, other_token: str | None = None,
               now: float | None = None) -> Broken:
    """Call `cell`'s route again with the presentation broken the `how` way, and explain the result
    by difference: the decision before and after, which facts changed, which check refused it.
    `other_token`: another app client's token, for `other_client`."""
    now = time.time() if now is None else now
    mutated, secret_valid = mutate(target, presented, how, other_token, now)
    keys = load_keys(target)
    verification = verify(target, mutated.token, keys, now)
    after = predict_cell(target, cell.route, mutated, verification, now, secret_valid)
    broken = Cell(cell.route, presented.name, send(target, cell.route, mutated), after, verification)
    before = predict_cell(target, cell.route, presented, verify(target, presented.token, keys, now), now)
    difference = None
    if before is not None and after is not None:
        difference = decisions.difference(before, after, presentation_of(presented, cell.verification),
                                          presentation_of(mutated, verification, secret_valid))
        broken.result.notes[:0] = [Note("decision.break.facts", _BREAK_DOCS[how], {"facts": difference.changed_text})]
    return Broken(how, finished(broken, target), difference, _genuinely_expired(target, cell, presented, how, now))


_BREAK_DOCS = {"expire": DOC_REST_FAILURES, "tamper": DOC_REST_FAILURES, "other_client": DOC_AUDIENCE,
               "drop_bearer": DOC_BEARER, "wrong_secret": DOC_IAM_403}
