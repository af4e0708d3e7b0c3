"""The result of one flow step: what crossed the wire, what came out, and why (DESIGN.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flows.capture import Exchange


@dataclass(frozen=True)
class Note:
    """Something worth learning at this step, with the doc section that explains it."""

    text: str
    doc: str = ""  # e.g. "identity-pools.md#the-logins-map"
    fidelity: bool = False  # True: how the sandbox differs from AWS here


@dataclass(frozen=True)
class AwsFailure:
    """An AWS error is a result, not a crash: its code, message and what it means."""

    code: str
    message: str
    status: int | None = None
    meaning: str = ""


@dataclass
class StepResult:
    step: str
    exchanges: list[Exchange] = field(default_factory=list)
    outputs: dict[str, Any] = field(default_factory=dict)
    notes: list[Note] = field(default_factory=list)
    failure: AwsFailure | None = None

    @property
    def ok(self) -> bool:
        return self.failure is None

    def to_json(self, reveal_secrets: bool = False) -> dict[str, Any]:
        from flows.redact import mask_mapping

        exchanges = self.exchanges if reveal_secrets else [e.masked() for e in self.exchanges]
        return {
            "step": self.step, "ok": self.ok,
            "failure": None if self.failure is None else vars(self.failure),
            "outputs": self.outputs if reveal_secrets else mask_mapping(self.outputs),
            "notes": [vars(n) for n in self.notes],
            "exchanges": [e.to_json() for e in exchanges],
        }
