"""Sign-ins waiting for the browser to come back from the user pool's hosted sign-in page.

This is the one per-user datum the lab keeps outside `st.session_state`, and DESIGN.md allows
exactly this ("state that must survive a redirect (PKCE verifier keyed by `state`) is kept
server-side, small, keyed by an unguessable value, with TTL"). Why it can't live in the
session: the hosted page redirects the browser to `/sign_in?code=…&state=…`, and Streamlit
serves that as a *new* session whose `st.session_state` is empty. The `state` parameter is
the only thing that ties the two sessions together, so the verifier is looked up by it (and
the resume code of the session that started the sign-in, so the browser comes back to it).

What keeps it safe and small:
- the key is the OAuth `state`, 32 random characters (`secrets.token_urlsafe(24)`), so a
  pending sign-in can't be guessed, and it is only useful together with the code it redeems;
- an entry holds only what redeeming the code needs (verifier, nonce, client name,
  redirect_uri, target) and the starting session's resume code: no tokens, no passwords;
- entries expire after 10 minutes (the code itself lives 5), are removed on first use, and
  the store never holds more than `MAX_PENDING` of them.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Callable

import streamlit as st

from flows.oauth import Pkce, s256_challenge
from flows.target import Target

TTL_SECONDS = 600.0
MAX_PENDING = 500  # a class of 30 opening a few tabs each stays far below this


@dataclass(frozen=True)
class PendingSignIn:
    """What the app must remember between /oauth2/authorize and the token request."""

    verifier: str = field(repr=False)
    nonce: str
    client_name: str
    redirect_uri: str
    target: Target = field(repr=False)
    expires_at: float = 0.0
    resume_code: str = field(default="", repr=False)

    def pkce(self, state: str) -> Pkce:
        """The PKCE values again, as `flows.oauth.exchange_code` takes them."""
        return Pkce(self.verifier, s256_challenge(self.verifier), "S256", state, self.nonce)


class PendingSignIns:
    """A small, thread-safe map `state → PendingSignIn` with TTL and a size bound."""

    def __init__(self, ttl: float = TTL_SECONDS, limit: int = MAX_PENDING,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._ttl, self._limit, self._clock = ttl, limit, clock
        self._pending: dict[str, PendingSignIn] = {}
        self._lock = threading.Lock()

    def put(self, state: str, pkce: Pkce, client_name: str, redirect_uri: str, target: Target,
            resume_code: str = "") -> None:
        entry = PendingSignIn(pkce.verifier, pkce.nonce, client_name, redirect_uri, target,
                              self._clock() + self._ttl, resume_code)
        with self._lock:
            self._forget_expired()
            while len(self._pending) >= self._limit:  # dicts keep insertion order: drop the oldest
                self._pending.pop(next(iter(self._pending)))
            self._pending[state] = entry

    def take(self, state: str) -> PendingSignIn | None:
        """The pending sign-in for this state, removed (single use); None if unknown or expired."""
        with self._lock:
            entry = self._pending.pop(state, None)
        return entry if entry is not None and entry.expires_at > self._clock() else None

    def resume_code_of(self, state: str) -> str | None:
        """The resume code of the session that started this sign-in; the entry stays for `take`."""
        with self._lock:
            entry = self._pending.get(state)
        return (entry.resume_code or None) if entry is not None and entry.expires_at > self._clock() else None

    def __len__(self) -> int:
        with self._lock:
            return len(self._pending)

    def _forget_expired(self) -> None:
        now = self._clock()
        for state in [state for state, entry in self._pending.items() if entry.expires_at <= now]:
            del self._pending[state]


@st.cache_resource(show_spinner=False)
def pending_sign_ins() -> PendingSignIns:
    """The process's one store (see the module docstring for why it is server-side)."""
    return PendingSignIns()
