"""Exercises: broken set-ups an attendee diagnoses and fixes, checked automatically (issue 19).

An exercise is data: one JSON file in `scenarios/` names its leg, the functions of
`flows.exercises.actions` that set it up, check its goal, apply the documented fix and reset the
topology, and how the lab sees it solved in a session: tokens of a given user through a given app
client (`signed_in`), or the right reason code of `flows.decisions` chosen from a short list
(`diagnosis`). Its words (title, goal, hints, explanation) are `exercise.<name>.*` keys of the
catalogues flows/locales/{en,ja}/exercises.json. A trainer adds one without touching the pages.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, get_args

from flows import i18n
from flows.decisions import REASONS
from flows.errors import FlowsError
from flows.exercises import actions
from flows.target import Target

__all__ = ["CheckOutcome", "Exercise", "ExerciseError", "Leg", "LEGS", "Role", "SolveKind", "check", "exercise", "exercises"]

Leg = Literal["sign_in", "tokens", "identity_pool", "api_gateway"]
LEGS: tuple[Leg, ...] = get_args(Leg)
SolveKind = Literal["signed_in", "diagnosis"]
Role = Literal["setup", "goal_check", "fix", "reset"]  # the functions an exercise names
_SCENARIOS = Path(__file__).parent / "scenarios"


class ExerciseError(FlowsError):
    """An exercise file names something that does not exist (a function, a reason code, a leg)."""


@dataclass(frozen=True)
class Exercise:
    name: str
    leg: Leg
    setup: str  # function names in flows.exercises.actions
    goal_check: str
    fix: str
    reset: str
    solve: SolveKind
    hints: int
    doc: str  # docs/<lang>/ page and anchor, e.g. "sign-in.md#secret_hash"
    aws_doc: str  # the AWS documentation page of the behaviour
    username: str = ""  # signed_in: whose tokens, through which app client
    client: str = ""
    options: tuple[str, ...] = ()  # diagnosis: reason codes offered
    answer: str = ""

    def text(self, part: str, lang: str = "en", **params: Any) -> str:
        return i18n.text(f"exercise.{self.name}.{part}", lang, **params)

    def hint(self, number: int, lang: str = "en") -> str:
        return self.text(f"hint.{number}", lang)

    def action(self, role: Role) -> actions.Action:
        return getattr(actions, getattr(self, role))


def _parsed(path: Path) -> Exercise:
    raw = json.loads(path.read_text(encoding="utf-8"))
    found = Exercise(**{**raw, "options": tuple(raw.get("options", ()))})
    problems = [name for name in (found.setup, found.goal_check, found.fix, found.reset) if not hasattr(actions, name)]
    problems += [code for code in (*found.options, found.answer) if code and code not in REASONS]
    if found.leg not in LEGS or found.solve not in get_args(SolveKind) or problems:
        raise ExerciseError(f"{path.name}: unknown {problems or [found.leg, found.solve]}")
    if found.solve == "diagnosis" and found.answer not in found.options:
        raise ExerciseError(f"{path.name}: the answer {found.answer!r} is not among the options")
    return found


@functools.cache
def exercises() -> tuple[Exercise, ...]:
    """Every exercise, leg by leg (in the order of the four legs), then by file name."""
    found = [_parsed(path) for path in sorted(_SCENARIOS.glob("*.json"))]
    return tuple(sorted(found, key=lambda e: LEGS.index(e.leg)))


def exercise(name: str) -> Exercise:
    for candidate in exercises():
        if candidate.name == name:
            return candidate
    raise ExerciseError(f"no exercise named {name!r}")


@dataclass(frozen=True)
class CheckOutcome:
    """A trainer's dry run: the goal must fail after set-up and be met by the documented fix."""

    name: str
    met_before_fix: bool
    met_after_fix: bool

    @property
    def ok(self) -> bool:
        return not self.met_before_fix and self.met_after_fix


def check(target: Target, chosen: Exercise) -> CheckOutcome:
    """Set up, check the goal is not met, apply the fix, and always reset the topology after."""
    chosen.action("setup")(target)
    try:
        before = bool(chosen.action("goal_check")(target))
        after = bool(chosen.action("fix")(target))
    finally:
        chosen.action("reset")(target)
    return CheckOutcome(chosen.name, before, after)
