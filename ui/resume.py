"""Reload-proof sessions: a resume code in the page's URL finds the same LabSession again.

A reload (F5), or a Wi-Fi drop longer than Streamlit keeps a disconnected session, opens a new
Streamlit session with an empty `st.session_state`. The browser still has its URL, so the
LabSession (topology, tokens, language, progress) is kept server-side under an unguessable code
in that URL (`?resume=…`), and the new session takes it back.

What keeps it safe:
- the code is `secrets.token_urlsafe(24)` (192 random bits): it can't be guessed, and nothing
  lists the codes (the registry answers only to someone who already holds one);
- a code expires after `COGNITO_LAB_RESUME_IDLE_MINUTES` (default 120) without a script run;
  its LabSession is dropped then, and its sandbox topology released (the dashboard's reaper asks
  `is_live`), never merely because a websocket closed;
- a wrong or expired code starts a fresh session, which says so.
"""

from __future__ import annotations

import os
import secrets
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Mapping

import streamlit as st

if TYPE_CHECKING:
    from ui.state import LabSession

RESUME_PARAMETER = "resume"  # the URL's query parameter
IDLE_VARIABLE = "COGNITO_LAB_RESUME_IDLE_MINUTES"
DEFAULT_IDLE_MINUTES = 120.0
MAX_SESSIONS = 1000  # a class of 30 reloading all day stays far below this


@dataclass
class _Kept:
    session: LabSession
    last_seen: float


class ResumeRegistry:
    """A thread-safe map `resume code → LabSession` that forgets codes idle for too long."""

    def __init__(self, idle_seconds: float, clock: Callable[[], float] = time.monotonic,
                 limit: int = MAX_SESSIONS) -> None:
        self._idle, self._clock, self._limit = idle_seconds, clock, limit
        self._kept: dict[str, _Kept] = {}
        self._lock = threading.Lock()

    @property
    def idle_seconds(self) -> float:
        return self._idle

    def open(self, lab: LabSession) -> str:
        """Keep a new session; return its fresh code."""
        code = secrets.token_urlsafe(24)
        with self._lock:
            self._forget_idle()
            while len(self._kept) >= self._limit:  # dicts keep insertion order: drop the oldest
                self._kept.pop(next(iter(self._kept)))
            self._kept[code] = _Kept(lab, self._clock())
        return code

    def resume(self, code: str) -> LabSession | None:
        """The session kept under this code (and it counts as seen now); None if unknown or idle too long."""
        with self._lock:
            kept = self._kept.get(code)
            if kept is None or self._clock() - kept.last_seen >= self._idle:
                self._kept.pop(code, None)
                return None
            kept.last_seen = self._clock()
            return kept.session

    def is_live(self, code: str) -> bool:
        """Whether the code still finds its session (the topology reaper's question); no touch."""
        with self._lock:
            self._forget_idle()
            return code in self._kept

    def sessions(self) -> list[LabSession]:
        """Every live session, without their codes (for a view of the room's progress)."""
        with self._lock:
            self._forget_idle()
            return [kept.session for kept in self._kept.values()]

    def forget(self, code: str) -> None:
        with self._lock:
            self._kept.pop(code, None)

    def __len__(self) -> int:
        with self._lock:
            return len(self._kept)

    def _forget_idle(self) -> None:
        now = self._clock()
        for code in [code for code, kept in self._kept.items() if now - kept.last_seen >= self._idle]:
            del self._kept[code]


def idle_minutes(environ: Mapping[str, str]) -> float:
    return float(environ.get(IDLE_VARIABLE) or DEFAULT_IDLE_MINUTES)


@st.cache_resource(show_spinner=False)
def resume_registry() -> ResumeRegistry:
    """The process's one registry (see the module docstring for why it is server-side)."""
    return ResumeRegistry(idle_minutes(os.environ) * 60)


def code_in_url() -> str | None:
    return st.query_params.get(RESUME_PARAMETER) or None


def keep_code_in_url(code: str) -> None:
    """Put the code back into the URL: Streamlit drops query parameters on a page change."""
    if st.query_params.get(RESUME_PARAMETER) != code:
        st.query_params[RESUME_PARAMETER] = code
