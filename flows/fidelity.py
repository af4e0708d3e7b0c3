"""Where the sandbox may differ from AWS, said next to the step (never silently).

Each entry follows an UNCONFIRMED item of aws-facts.md or a known gap of the sandbox. The
dashboard shows them only when the target is the sandbox.
"""

from __future__ import annotations

from typing import Any, Callable

from flows.steps import Note, StepResult
from flows.target import Target

Condition = Callable[[StepResult], bool]


def _always(_: StepResult) -> bool:
    return True


def _failed_with(code: str) -> Condition:
    return lambda result: result.failure is not None and result.failure.code == code


def _status(status: int) -> Condition:
    return lambda result: result.outputs.get("status") == status


def _authorizer_context(result: StepResult) -> dict[str, Any]:
    """requestContext.authorizer of the echo backend's event ({} when there is none)."""
    body = result.outputs.get("body")
    context = body.get("requestContext") if isinstance(body, dict) else None
    authorizer = context.get("authorizer") if isinstance(context, dict) else None
    return authorizer if isinstance(authorizer, dict) else {}


def _rest_claims_passed(result: StepResult) -> bool:
    # Only a REST Cognito authorizer passes `claims` at the top of requestContext.authorizer;
    # HTTP APIs nest them under `jwt`, and public or AWS_IAM routes pass none.
    return result.outputs.get("status") == 200 and bool(_authorizer_context(result).get("claims"))


def _www_authenticate(result: StepResult) -> str:
    response = result.exchanges[-1].response if result.exchanges else None
    headers = response.headers if response is not None else ()
    return next((value for name, value in headers if name.lower() == "www-authenticate"), "")


def _http_scope_refused(result: StepResult) -> bool:
    # aws-facts.md §5.2 / open item 13: the status and text of a scope mismatch are UNCONFIRMED.
    return result.outputs.get("status") == 403 and "insufficient_scope" in _www_authenticate(result)


def _http_undocumented_401(result: StepResult) -> bool:
    # Only "the token does not have a valid audience" is documented (aws-facts.md §5.2).
    header = _www_authenticate(result)
    return result.outputs.get("status") == 401 and bool(header) and "valid audience" not in header


# step name → (condition, message key, doc section)
_FIDELITY: dict[str, list[tuple[Condition, str]]] = {
    "sign_in": [
        (_always, "fidelity.ids_format"),
        (_failed_with("InvalidParameterException"), "fidelity.flow_not_enabled_text"),
    ],
    "tokens": [(_always, "fidelity.token_claims")],
    # The lab uses PKCE though the discovery document, like AWS's, does not advertise it (issue 20).
    "oauth_sign_in_page": [(_always, "fidelity.oauth.pkce_not_in_discovery")],
    # Rotation's refusals: the exception types are AWS's, the texts are the sandbox's guesses.
    "refresh": [(_failed_with("InvalidParameterException"), "fidelity.rotation.refresh_token_auth")],
    "refresh_rotation": [(_failed_with("RefreshTokenReuseException"), "fidelity.rotation.reuse_text")],
    "confirm_sign_up": [(_failed_with("ExpiredCodeException"), "fidelity.sign_up.expired_code_text")],
    "client_token": [(_always, "fidelity.client_token.guesses")],
    "identity_pool": [
        (_always, "fidelity.identity_messages"),
        # aws-facts.md §4.1: the Deny text is reported, its exception type is UNCONFIRMED.
        (lambda result: result.failure is not None and "ambiguous role mapping" in result.failure.message,
         "fidelity.identity.deny_exception"),
    ],
    "identity_pool_basic": [
        (_always, "fidelity.identity_messages"),
        (_failed_with("AccessDenied"), "fidelity.identity.trust_evaluator"),
    ],
    "pool_roles": [(_always, "fidelity.identity.pool_roles_unsigned")],
    "api_call": [
        (_rest_claims_passed, "fidelity.rest_claim_formats"),
        (_status(401), "fidelity.unauthorized_body"),
        (_http_scope_refused, "api_page.fidelity.http_scope_status"),
        (_http_undocumented_401, "api_page.fidelity.http_www_authenticate"),
    ],
}

# Choice-based sign-in and passkeys (issue 22): where the sandbox guesses.
_FIDELITY.update({
    # Shown at the flow's first hop: the hop that brings tokens is shown as "sign_in" (ui).
    "choice_start": [(_always, "fidelity.choice.codes"), (_always, "fidelity.choice.amr"),
                     (_failed_with("NotAuthorizedException"), "fidelity.choice.unknown_user")],
    "choice_respond": [(_always, "fidelity.choice.amr")],
    "passkey_start": [(_always, "fidelity.choice.passkeys")],
    "passkey_complete": [(lambda result: result.failure is not None, "fidelity.choice.passkeys")],
})


def notes_for(result: StepResult) -> list[Note]:
    """Fidelity notes that apply to this result when it came from the sandbox."""
    return [Note(key, "", fidelity=True) for condition, key in _FIDELITY.get(result.step, []) if condition(result)]


def annotate(result: StepResult, target: Target | None) -> StepResult:
    """The result with its fidelity notes: those that apply on the sandbox, none on AWS."""
    on_sandbox = target is not None and target.kind == "sandbox"
    result.fidelity_notes = notes_for(result) if on_sandbox else []
    return result
