"""One topology per dashboard session, released when the session ends.

The dashboard owns one sandbox per process; every browser session gets its own seeded
topology so that attendees never disturb each other. This registry knows only which
topology belongs to which session id, so it can release the topologies of ended sessions.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Callable

from sandbox import topology
from sandbox.server import SandboxServer

SessionIsActive = Callable[[str], bool]


@dataclass
class SessionTopologies:
    server: SandboxServer
    _by_session: dict[str, dict[str, Any]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def acquire(self, session_id: str) -> dict[str, Any]:
        """The session's topology, seeded on first use."""
        with self._lock:
            if session_id in self._by_session:
                return self._by_session[session_id]
        seeded = topology.seed(self.server)
        with self._lock:
            kept = self._by_session.setdefault(session_id, seeded)
        if kept is not seeded:  # a concurrent rerun of the same session seeded first
            topology.release(self.server, seeded)
        return kept

    def release(self, session_id: str) -> None:
        with self._lock:
            seeded = self._by_session.pop(session_id, None)
        if seeded is not None:
            topology.release(self.server, seeded)

    def release_ended(self, is_active: SessionIsActive) -> int:
        """Release the topologies of sessions that are no longer active; return how many."""
        with self._lock:
            ended = [sid for sid in self._by_session if not is_active(sid)]
        for session_id in ended:
            self.release(session_id)
        return len(ended)

    def count(self) -> int:
        with self._lock:
            return len(self._by_session)

    def start_reaper(self, is_active: SessionIsActive, every_seconds: float = 30.0) -> threading.Event:
        """Release ended sessions' topologies in the background; set the event to stop."""
        stop = threading.Event()

        def reap() -> None:
            while not stop.wait(every_seconds):
                self.release_ended(is_active)

        threading.Thread(target=reap, name="cognito-lab-reaper", daemon=True).start()
        return stop
