""""Export this walkthrough": the learner's trace as Markdown (for a wiki) or JSON (for tools).

Secrets are masked and JWT signatures elided unless the learner opts in; passwords were never
kept in the first place (flows/capture.py).
"""

from __future__ import annotations

import datetime
import json
import re
from typing import Any, Mapping, Sequence

from flows import i18n
from flows.steps import StepResult

STEP_ORDER = ("sign_in", "tokens", "identity_pool", "api_call")


def ordered(results: dict[str, StepResult]) -> list[StepResult]:
    known = [results[step] for step in STEP_ORDER if step in results]
    return known + [r for step, r in results.items() if step not in STEP_ORDER]


def export_json(results: Sequence[StepResult], lang: str = "en", reveal_secrets: bool = False,
                include_signatures: bool = False, exercises: Mapping[str, int] | None = None) -> dict[str, Any]:
    """`exercises`: the solved exercises (flows/exercises) and how many hints each took."""
    exported: dict[str, Any] = {
        "lab": "Cognito Lab", "lang": lang,
        "exported_at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "steps": [r.to_json(reveal_secrets, lang, include_signatures) for r in results],
    }
    if exercises:
        exported["exercises"] = [{"name": name, "title": i18n.text(f"exercise.{name}.title", lang), "hints": hints}
                                 for name, hints in sorted(exercises.items())]
    return exported


def _fence(text: str, language: str = "") -> str:
    """A fenced block that the text itself can't close: longer than any backtick run inside."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{language}\n{text}\n{fence}"


def _pretty(body: str) -> str:
    try:
        return json.dumps(json.loads(body), indent=2, ensure_ascii=False)
    except (json.JSONDecodeError, TypeError):
        return body


def _exchange_markdown(number: int, exchange: dict[str, Any], lang: str) -> list[str]:
    request, response = exchange["request"], exchange["response"]
    head = "\n".join([f"{request['method']} {request['url']}"] + [f"{k}: {v}" for k, v in request["headers"].items()])
    lines = [f"#### {number}. {exchange['label']}", f"**{i18n.text('exchange.request', lang)}**", _fence(head, "http")]
    if request["body"]:
        lines.append(_fence(_pretty(request["body"])))
    label = i18n.text("exchange.response", lang, elapsed=f"{exchange['elapsed_ms']:.0f}")
    if response is None:
        return lines + [f"**{label}**", _fence(exchange.get("error") or "no response")]
    status = "\n".join([f"HTTP {response['status']}"] + [f"{k}: {v}" for k, v in response["headers"].items()])
    lines += [f"**{label}**", _fence(status, "http")]
    return lines + ([_fence(_pretty(response["body"]))] if response["body"] else [])


def step_title(step: str, lang: str) -> str:
    """A step's heading; a step the catalogue does not name yet is named by its code, never by
    a raw key (the export goes to a wiki)."""
    key = f"export.step.{step}"
    return i18n.text(key, lang) if i18n.has(key) else i18n.text("export.step.other", lang, step=step)


def _step_markdown(step: dict[str, Any], lang: str) -> list[str]:
    lines = [f"## {step_title(step['step'], lang)}"]
    failure = step["failure"]
    outcome = i18n.text("export.ok", lang) if step["ok"] else f"{failure['code']}: {failure['message']}"
    lines.append(f"- {i18n.text('export.outcome', lang)}: {_inline(outcome)}")
    if failure and failure.get("meaning"):
        lines.append(f"- {_inline(failure['meaning'])}")
    lines += [f"- {_inline(note['text'])}" + (f" ({note['doc']})" if note["doc"] else "") for note in step["notes"]]
    if step["outputs"]:
        lines += [f"**{i18n.text('export.outputs', lang)}**", _fence(json.dumps(step["outputs"], indent=2, ensure_ascii=False), "json")]
    for number, exchange in enumerate(step["exchanges"], start=1):
        lines += _exchange_markdown(number, exchange, lang)
    return lines


def _inline(text: str) -> str:
    # Text from the wire goes into a wiki: keep it inert (no HTML, no Markdown links).
    return text.replace("<", "&lt;").replace(">", "&gt;").replace("[", "\\[").replace("]", "\\]")


def export_markdown(results: Sequence[StepResult], lang: str = "en", reveal_secrets: bool = False,
                    include_signatures: bool = False, exercises: Mapping[str, int] | None = None) -> str:
    exported = export_json(results, lang, reveal_secrets, include_signatures, exercises)
    lines = [f"# {i18n.text('export.title', lang)}", f"_{exported['exported_at']}_"]
    for step in exported["steps"]:
        lines += _step_markdown(step, lang)
    if exported.get("exercises"):
        lines.append(f"## {i18n.text('export.exercises', lang)}")
        lines.append("\n".join(f"- {_inline(i18n.text('export.exercise_line', lang, title=e['title'], hints=e['hints']))}"
                               for e in exported["exercises"]))
    return "\n\n".join(lines) + "\n"
