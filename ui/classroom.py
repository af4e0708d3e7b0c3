"""The room, as the trainer sees it: per attendee, a nickname they chose and how far they got
through the four legs; per step, how often it failed. Process-wide (one per dashboard).

What is kept is deliberately poor: step names, ok or not, and the AWS error code of a failure.
Never a token, a credential, a password, an id of the topology or a message body: the trainer
page (app_pages/trainer.py) can only show what is here, so it cannot leak what is not.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Protocol

import pandas as pd
import streamlit as st

from flows.steps import StepResult
from ui.state import EXERCISE_LISTENERS, RESULT_LISTENERS

LEGS = ("sign_in", "tokens", "identity_pool", "api_gateway")
# The steps that complete each leg (the other steps are lessons along the way).
LEG_STEPS: dict[str, frozenset[str]] = {
    "sign_in": frozenset({"sign_in", "sign_in_srp", "oauth_callback"}),
    "tokens": frozenset({"tokens"}),
    "identity_pool": frozenset({"identity_pool", "identity_pool_basic"}),
    "api_gateway": frozenset({"api_call", "api_gateway"}),
}
NICKNAME_MAX = 24


class Releasable(Protocol):
    """The dashboard's topologies (sandbox.SessionTopologies): all of them can be released."""

    def release_all(self) -> int: ...


@dataclass
class Attendee:
    nickname: str = ""
    legs_done: set[str] = field(default_factory=set)
    steps_tried: Counter[str] = field(default_factory=Counter)
    steps_failed: Counter[str] = field(default_factory=Counter)
    last_step: str = ""
    last_seen: float = field(default_factory=time.time)
    exercises_solved: frozenset[str] = frozenset()  # exercise names (flows/exercises/scenarios)
    hints_used: int = 0


@dataclass
class Classroom:
    _attendees: dict[str, Attendee] = field(default_factory=dict)
    _error_codes: dict[str, Counter[str]] = field(default_factory=dict)  # step → AWS error code → count
    _lock: threading.Lock = field(default_factory=threading.Lock)
    topologies: Releasable | None = None

    def _attendee(self, attendee_id: str) -> Attendee:
        return self._attendees.setdefault(attendee_id, Attendee())

    def record(self, attendee_id: str, result: StepResult) -> None:
        """A step result, reduced to its name and outcome (and the error code of a failure)."""
        with self._lock:
            attendee = self._attendee(attendee_id)
            attendee.steps_tried[result.step] += 1
            attendee.last_step, attendee.last_seen = result.step, time.time()
            if result.failure is not None:
                attendee.steps_failed[result.step] += 1
                self._error_codes.setdefault(result.step, Counter())[result.failure.code] += 1
            attendee.legs_done |= {leg for leg, steps in LEG_STEPS.items() if result.ok and result.step in steps}

    def record_exercises(self, attendee_id: str, solved: frozenset[str], hints_used: int) -> None:
        """Exercise progress: which exercises are solved and how many hints were shown, nothing else."""
        with self._lock:
            attendee = self._attendee(attendee_id)
            attendee.exercises_solved, attendee.hints_used = frozenset(solved), hints_used
            attendee.last_seen = time.time()

    def set_nickname(self, attendee_id: str, nickname: str) -> None:
        with self._lock:
            self._attendee(attendee_id).nickname = " ".join(nickname.split())[:NICKNAME_MAX]

    def nickname(self, attendee_id: str) -> str:
        with self._lock:
            found = self._attendees.get(attendee_id)
            return found.nickname if found else ""

    def progress(self) -> pd.DataFrame:
        """One row per attendee: nickname, ✓ per leg, steps tried and failed, last step."""
        with self._lock:
            rows = [{"nickname": a.nickname or "—", **{leg: "✓" if leg in a.legs_done else "" for leg in LEGS},
                     "steps": sum(a.steps_tried.values()), "failed": sum(a.steps_failed.values()),
                     "exercises": len(a.exercises_solved), "hints": a.hints_used,
                     "last_step": a.last_step, "seconds_ago": int(time.time() - a.last_seen)}
                    for a in self._attendees.values()]
        return pd.DataFrame(rows, columns=["nickname", *LEGS, "steps", "failed", "exercises", "hints",
                                           "last_step", "seconds_ago"])

    def failures(self) -> pd.DataFrame:
        """One row per failing step: how often it failed, for how many attendees, and with which codes."""
        with self._lock:
            steps = {step for a in self._attendees.values() for step in a.steps_failed}
            rows = [{"step": step,
                     "failures": sum(a.steps_failed[step] for a in self._attendees.values()),
                     "attendees": sum(1 for a in self._attendees.values() if a.steps_failed[step]),
                     "errors": ", ".join(f"{code} ×{n}" for code, n in self._error_codes.get(step, Counter()).most_common())}
                    for step in steps]
        frame = pd.DataFrame(rows, columns=["step", "failures", "attendees", "errors"])
        return frame.sort_values("failures", ascending=False, ignore_index=True)

    def reset(self) -> int:
        """Release every topology (each session seeds a fresh one at its next click) and forget
        the progress; return how many topologies were released."""
        released = self.topologies.release_all() if self.topologies is not None else 0
        with self._lock:
            self._attendees.clear()
            self._error_codes.clear()
        return released


@st.cache_resource(show_spinner=False)
def the_classroom() -> Classroom:
    """The dashboard process's one room; it listens to every session's saved results."""
    room = Classroom()
    RESULT_LISTENERS.append(room.record)
    EXERCISE_LISTENERS.append(room.record_exercises)
    return room
