"""One topology per dashboard session, released when the session ends.

The dashboard owns one sandbox per process; every browser session gets its own seeded
topology so that attendees never disturb each other. This registry knows only which
topology belongs to which session key (the dashboard uses its resume codes), so it can release
the topologies of ended sessions.
"""

from __future__ import annotations

import socket
import threading
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable

from sandbox import topology
from sandbox.server import SandboxServer

SessionIsActive = Callable[[str], bool]


@dataclass
class SessionTopologies:
    server: SandboxServer
    dashboard_url: str = topology.LAB_DASHBOARD_URL  # where the public client's callback points
    generation: str = field(default_factory=lambda: uuid.uuid4().hex)  # changes on restart
    _by_session: dict[str, dict[str, Any]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _reaper_stop: threading.Event = field(default_factory=threading.Event)

    def acquire(self, session_id: str) -> dict[str, Any]:
        """The session's topology, seeded on first use."""
        with self._lock:
            if session_id in self._by_session:
                return self._by_session[session_id]
        seeded = topology.seed(self.server, self.dashboard_url)
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

    def release_all(self) -> int:
        """Release every topology ("reset the room"); each session seeds a new one at its next
        run, because the generation changes. Returns how many were released."""
        with self._lock:  # one step: no session can pick up a topology that is about to go
            released = list(self._by_session.values())
            self._by_session.clear()
            self.generation = uuid.uuid4().hex
        for seeded in released:
            topology.release(self.server, seeded)
        return len(released)

    def count(self) -> int:
        with self._lock:
            return len(self._by_session)

    def start_reaper(self, is_active: SessionIsActive, every_seconds: float = 30.0) -> None:
        """Release ended sessions' topologies in the background, until `shutdown`."""
        def reap() -> None:
            while not self._reaper_stop.wait(every_seconds):
                self.release_ended(is_active)

        threading.Thread(target=reap, name="cognito-lab-reaper", daemon=True).start()

    def is_healthy(self) -> bool:
        """The server thread runs and its socket accepts connections."""
        if not self.server.is_alive():
            return False
        host, port = self.server.server.server_address[:2]
        try:
            with socket.create_connection((host, port), timeout=1):
                return True
        except OSError:
            return False

    def shutdown(self) -> None:
        self._reaper_stop.set()
        if self.server.is_alive():
            self.server.stop()
