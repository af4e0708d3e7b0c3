"""All four legs in a row, for a smoke test of a team's real setup or of the sandbox.

    python -m flows walkthrough [--target sandbox|aws] [--json]

For AWS the target comes from COGNITO_LAB_* environment variables (or --stack NAME), and the
user from COGNITO_LAB_USERNAME / COGNITO_LAB_PASSWORD; the password is never printed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Callable

from flows import api, choice_sign_in, i18n, identity, signin
from flows.steps import StepResult
from flows.target import ApiRoute, Target
from flows.tokens import inspect_tokens


@dataclass(frozen=True)
class Summary:
    """What a leg came to, as a stable code (a message key) with its values; text on demand."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def text(self, lang: str = "en") -> str:
        return i18n.text(self.code, lang, **self.params)


@dataclass(frozen=True)
class LegOutcome:
    leg: str
    ok: bool
    summary: Summary
    result: StepResult

    def summary_text(self, lang: str = "en") -> str:
        """The summary; an AWS error in AWS's own words, then what it means in `lang`."""
        meaning = self.result.failure.meaning(lang) if self.result.failure and not self.ok else ""
        return f"{self.summary.text(lang)} — {meaning}" if meaning else self.summary.text(lang)


def _sign_in(target: Target, username: str, password: str, method: str = "password") -> LegOutcome:
    if method == "email-otp":  # USER_AUTH with EMAIL_OTP: the code comes from the sandbox's outbox
        steps = choice_sign_in.sign_in_with_email_otp(target, username)
        result = StepResult("sign_in", [e for step in steps for e in step.exchanges], steps[-1].outputs,
                            [n for step in steps for n in step.notes], steps[-1].failure)
    else:
        result = signin.sign_in_with_password(target, username, password)
    ok = result.ok and bool(result.outputs.get("id_token"))
    summary = Summary("cli.walkthrough.tokens_issued") if ok else _why(result, "cli.walkthrough.no_tokens")
    return LegOutcome("sign_in", ok, summary, result)


def _tokens(target: Target, tokens: dict[str, str]) -> LegOutcome:
    result = inspect_tokens(target, {"id": tokens["id_token"], "access": tokens["access_token"]})
    reports = result.outputs.values()
    ok = result.ok and all(r.verification and r.verification.valid for r in reports)
    summary = Summary("cli.walkthrough.both_verified") if ok else _why(result, "cli.walkthrough.verification_failed")
    return LegOutcome("tokens", ok, summary, result)


def _identity(target: Target, tokens: dict[str, str]) -> LegOutcome:
    result = identity.get_credentials(target, tokens["id_token"])
    summary = (Summary("cli.walkthrough.credentials_for", {"identity_id": result.outputs.get("identity_id")})
               if result.ok else _why(result, "cli.walkthrough.no_credentials"))
    return LegOutcome("identity_pool", result.ok, summary, result)


def _api(target: Target, tokens: dict[str, str]) -> LegOutcome:
    route = rest_profile_route(target)
    allowed = api.call_route(target, route, tokens["id_token"])
    refused = api.call_route(target, route, None)
    ok = allowed.outputs.get("status") == 200 and refused.outputs.get("status") == 401
    summary = Summary("cli.walkthrough.api_statuses", {"allowed": allowed.outputs.get("status"),
                                                      "refused": refused.outputs.get("status")})
    combined = StepResult("api_call", allowed.exchanges + refused.exchanges, allowed.outputs, allowed.notes, allowed.failure)
    return LegOutcome("api_gateway", ok, summary, combined)


def rest_profile_route(target: Target) -> ApiRoute:
    """The REST route with a Cognito authorizer and no scopes (the infra template's /profile)."""
    for route in target.routes:
        if route.api == "rest" and route.auth == "COGNITO_USER_POOLS" and not route.scopes:
            return route
    return ApiRoute("rest", "GET", "/profile", "COGNITO_USER_POOLS")


def _why(result: StepResult, fallback: str) -> Summary:
    """AWS's error as AWS words it (code and message stay in English, as in any log)."""
    if result.failure is None:
        return Summary(fallback)
    return Summary("cli.walkthrough.aws_failure", {"code": result.failure.code, "message": result.failure.message})


def run_walkthrough(target: Target, username: str, password: str, method: str = "password") -> list[LegOutcome]:
    """Run the legs in order; stop at the first leg that fails (the next ones need its output).
    `method`: "password" (USER_PASSWORD_AUTH) or "email-otp" (USER_AUTH with EMAIL_OTP)."""
    outcomes = [_sign_in(target, username, password, method)]
    if not outcomes[0].ok:
        return outcomes
    tokens = outcomes[0].result.outputs
    later: list[Callable[[Target, dict[str, str]], LegOutcome]] = [_tokens, _identity, _api]
    for leg in later:
        outcomes.append(leg(target, tokens))
        if not outcomes[-1].ok:
            break
    return outcomes


def user_from_env() -> tuple[str, str]:
    return os.environ.get("COGNITO_LAB_USERNAME", ""), os.environ.get("COGNITO_LAB_PASSWORD", "")
