"""Where the sandbox may differ from AWS, said next to the step (never silently).

Each entry follows an UNCONFIRMED item of aws-facts.md or a known gap of the sandbox. The
dashboard shows them only when the target is the sandbox.
"""

from __future__ import annotations

from typing import Callable

from flows.steps import Note, StepResult

Condition = Callable[[StepResult], bool]


def _always(_: StepResult) -> bool:
    return True


def _failed_with(code: str) -> Condition:
    return lambda result: result.failure is not None and result.failure.code == code


def _status(status: int) -> Condition:
    return lambda result: result.outputs.get("status") == status


# step name → (condition, message key, doc section)
_FIDELITY: dict[str, list[tuple[Condition, str]]] = {
    "sign_in": [
        (_always, "fidelity.ids_format"),
        (_failed_with("InvalidParameterException"), "fidelity.flow_not_enabled_text"),
    ],
    "tokens": [(_always, "fidelity.token_claims")],
    "identity_pool": [(_always, "fidelity.identity_messages")],
    "api_call": [
        (_status(200), "fidelity.rest_claim_formats"),
        (_status(401), "fidelity.unauthorized_body"),
    ],
}


def notes_for(result: StepResult) -> list[Note]:
    """Fidelity notes that apply to this result when it came from the sandbox."""
    return [Note(key, "", fidelity=True) for condition, key in _FIDELITY.get(result.step, []) if condition(result)]
