"""One topology per dashboard session, released when the session ends.

The dashboard owns one sandbox per process; every browser session gets its own seeded
topology so that attendees never disturb each other. This registry knows only which
topology belongs to which session key (the dashboard uses its resume codes), so it can release
the topologies of ended sessions.

Seeding takes a few tenths of a CPU-second, which adds up when a whole room opens the lab at
once. So a background thread keeps a few SPARE topologies seeded ahead (`start_spares`). A spare
belongs to nobody until `acquire` hands it, under the lock, to exactly one session: from then on
it is that session's topology like any other, and is never handed out again. Spares are
released on `shutdown` and `release_all`.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from sandbox import topology
from sandbox.server import SandboxServer

_log = logging.getLogger(__name__)
# Spares to keep: enough for one person's reloads, or for a whole room opening the lab at the
# trainer's "now open the lab" (issue 16 sizes a room at 30). COGNITO_LAB_SPARE_TOPOLOGIES overrides.
SPARES_VARIABLE = "COGNITO_LAB_SPARE_TOPOLOGIES"
ONE_PERSON_SPARES = 2
ROOM_SPARES = 30
# Refill only once no session has taken a spare for this long: while a room is opening the lab,
# its first runs get the CPU, and the seeding comes after (it costs the same then).
REFILL_AFTER_QUIET_S = 2.0
# ...and one spare at a time with a pause between them (a seed takes ~0.2 s): a third of a core,
# so the clicks that follow a room's opening still find the CPU free (30 spares in ~20 s).
REFILL_PAUSE_S = 0.5
SessionIsActive = Callable[[str], bool]


@dataclass
class SessionTopologies:
    server: SandboxServer
    dashboard_url: str = topology.LAB_DASHBOARD_URL  # where the public client's callback points
    generation: str = field(default_factory=lambda: uuid.uuid4().hex)  # changes on restart
    _by_session: dict[str, dict[str, Any]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _reaper_stop: threading.Event = field(default_factory=threading.Event)
    _spares: list[dict[str, Any]] = field(default_factory=list)  # seeded ahead, owned by no session yet
    _spares_wanted: int = 0
    _refill: threading.Event = field(default_factory=threading.Event)
    _last_handout: float = 0.0  # time.monotonic() of the last spare handed out

    def acquire(self, session_id: str) -> dict[str, Any]:
        """The session's topology: a spare if one is ready, else seeded now."""
        with self._lock:  # one step: a spare leaves the pool and becomes this session's, once
            if session_id in self._by_session:
                return self._by_session[session_id]
            if self._spares:
                spare = self._by_session[session_id] = self._spares.pop(0)
                self._last_handout = time.monotonic()
                self._refill.set()
                return spare
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
            count = len(released)
            released += self._spares  # seeded before the reset: made again, fresh
            self._by_session.clear()
            self._spares.clear()
            self._refill.set()
            self.generation = uuid.uuid4().hex
        for seeded in released:
            topology.release(self.server, seeded)
        return count

    def count(self) -> int:
        with self._lock:
            return len(self._by_session)

    def spare_pool_ids(self) -> list[str]:
        """The user pools of the spares ready now (owned by no session yet)."""
        with self._lock:
            return [spare["user_pool_id"] for spare in self._spares]

    def start_spares(self, wanted: int) -> None:
        """Keep `wanted` spare topologies seeded in the background, until `shutdown`."""
        with self._lock:
            self._spares_wanted = wanted
        if wanted > 0:
            threading.Thread(target=self._keep_spares, name="cognito-lab-spares", daemon=True).start()

    def _keep_spares(self) -> None:
        while not self._reaper_stop.is_set():
            self._refill.clear()  # before counting: a hand-out after the count sets it again
            with self._lock:
                missing = self._spares_wanted - len(self._spares)
            if missing <= 0:
                self._refill.wait()
                continue
            if self._wait_for_quiet():
                continue
            try:
                seeded = topology.seed(self.server, self.dashboard_url)
            except Exception:  # noqa: BLE001  (a stopped or restarting sandbox: sessions seed their own)
                _log.warning("could not seed a spare topology", exc_info=True)
                self._reaper_stop.wait(5)
                continue
            with self._lock:
                keep = not self._reaper_stop.is_set()
                if keep:
                    self._spares.append(seeded)
            if not keep:
                topology.release(self.server, seeded)
            self._reaper_stop.wait(REFILL_PAUSE_S)

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

    def _wait_for_quiet(self) -> bool:
        """Wait until no spare was handed out for REFILL_AFTER_QUIET_S; True if it had to wait."""
        with self._lock:
            since = time.monotonic() - self._last_handout
        if since >= REFILL_AFTER_QUIET_S:
            return False
        self._reaper_stop.wait(REFILL_AFTER_QUIET_S - since)
        return True

    def shutdown(self) -> None:
        with self._lock:
            self._reaper_stop.set()
            spares, self._spares = self._spares, []
        self._refill.set()  # wakes the spare keeper, which then ends
        if self.server.is_alive():
            for spare in spares:
                topology.release(self.server, spare)
            self.server.stop()



def spares_wanted(environ: Mapping[str, str], serves_a_room: bool) -> int:
    """How many spare topologies to keep (each costs ~0.25 CPU-s to seed and a few hundred kB)."""
    configured = environ.get(SPARES_VARIABLE, "").strip()
    if configured:
        return max(0, int(configured))
    return ROOM_SPARES if serves_a_room else ONE_PERSON_SPARES
