"""The result of one flow step: what crossed the wire, what came out, and why (DESIGN.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import json

from flows import i18n
from flows.redact import elide_signatures, mask_mapping
from flows.capture import Exchange


@dataclass(frozen=True)
class Note:
    """Something worth learning at this step, with the doc section that explains it."""

    key: str  # a message key of flows/locales/*.json
    doc: str = ""  # e.g. "identity-pools.md#the-logins-map"
    params: dict[str, Any] = field(default_factory=dict)
    fidelity: bool = False  # True: how the sandbox differs from AWS here

    def text(self, lang: str = "en") -> str:
        return i18n.text(self.key, lang, **self.params)


@dataclass(frozen=True)
class AwsFailure:
    """An AWS error is a result, not a crash: its code, message and what it means."""

    code: str
    message: str
    status: int | None = None
    meaning_key: str = ""  # what it means for the learner, as a message key
    # The lab's own message (not AWS's, which stays as AWS wrote it): its catalogue key and
    # params; `message` holds its English, for logs and the command line's JSON.
    message_key: str = ""
    params: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def lab(cls, code: str, message_key: str, meaning_key: str = "", **params: Any) -> "AwsFailure":
        """A failure the lab itself finds (no AWS answer to quote), in the learner's language."""
        return cls(code, i18n.text(message_key, "en", **params), None, meaning_key, message_key, dict(params))

    def meaning(self, lang: str = "en") -> str:
        return i18n.text(self.meaning_key, lang) if self.meaning_key else ""

    def text(self, lang: str = "en") -> str:
        """The message to show: AWS's words as they are, the lab's own in `lang`."""
        return i18n.text(self.message_key, lang, **self.params) if self.message_key else self.message


@dataclass
class StepResult:
    step: str
    exchanges: list[Exchange] = field(default_factory=list)
    outputs: dict[str, Any] = field(default_factory=dict)
    notes: list[Note] = field(default_factory=list)
    failure: AwsFailure | None = None
    # How the sandbox differs from AWS here (flows.fidelity), set when the result is kept for a
    # sandbox target; shown next to the step, not exported (the export is of the calls).
    fidelity_notes: list[Note] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.failure is None

    def to_json(self, reveal_secrets: bool = False, lang: str = "en",
                include_signatures: bool = False) -> dict[str, Any]:
        """Plain JSON for exports: secrets masked and JWT signatures elided unless asked."""
        exchanges = self.exchanges if reveal_secrets else [e.masked() for e in self.exchanges]
        outputs = json.loads(json.dumps(self.outputs, default=_as_json))
        exported = {
            "step": self.step, "ok": self.ok,
            "failure": None if self.failure is None else _failure_json(self.failure, lang),
            "outputs": outputs if reveal_secrets else mask_mapping(outputs),
            "notes": [{"text": n.text(lang), "doc": n.doc, "fidelity": n.fidelity} for n in self.notes],
            "exchanges": [e.to_json() for e in exchanges],
        }
        return exported if include_signatures else elide_signatures(exported)


def _failure_json(failure: AwsFailure, lang: str) -> dict[str, Any]:
    return {"code": failure.code, "message": failure.text(lang), "status": failure.status,
            "meaning_key": failure.meaning_key, "meaning": failure.meaning(lang)}


def _as_json(value: Any) -> Any:
    """Result objects (token reports, verifications) know how to show themselves as JSON."""
    for method in ("to_json", "to_dict"):
        if hasattr(value, method):
            return getattr(value, method)()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")
