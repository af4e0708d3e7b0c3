"""The trainer page's lock: the key from COGNITO_LAB_TRAINER_KEY or secrets.toml
(`[cognito_lab] trainer_key`), compared in constant time; each wrong try doubles this session's
wait before the next one is even compared (1, 2, 4… up to 5 minutes). No rendering here."""

from __future__ import annotations

import hmac
import os
import time
from dataclasses import dataclass

import streamlit as st

KEY_ENV = "COGNITO_LAB_TRAINER_KEY"
REFRESH_SECONDS = 3.0  # the live tables' refresh
MAX_WAIT_SECONDS = 300.0
_STATE = "trainer_lock"  # st.session_state: this browser session's tries, never the key


@dataclass
class Lock:
    unlocked: bool = False
    wrong_tries: int = 0
    next_try_at: float = 0.0


@dataclass(frozen=True)
class Outcome:
    unlocked: bool
    wait_seconds: int = 0  # before the next try is compared at all


def configured_key() -> str:
    """The trainer key, or "" when none is configured (the page then says what is needed)."""
    try:
        from_secrets = str(st.secrets.get("cognito_lab", {}).get("trainer_key", ""))
    except (FileNotFoundError, KeyError, st.errors.StreamlitSecretNotFoundError):
        from_secrets = ""
    return os.environ.get(KEY_ENV, "") or from_secrets


def _lock() -> Lock:
    if _STATE not in st.session_state:
        st.session_state[_STATE] = Lock()
    return st.session_state[_STATE]


def is_unlocked() -> bool:
    return _lock().unlocked and bool(configured_key())


def wait_after(wrong_tries: int) -> float:
    return min(2.0 ** (wrong_tries - 1), MAX_WAIT_SECONDS) if wrong_tries else 0.0


def try_key(given: str, now: float | None = None) -> Outcome:
    """Unlock with the right key; a wrong one doubles the wait; a try during the wait is refused uncompared."""
    lock, now = _lock(), time.time() if now is None else now
    if now < lock.next_try_at:
        return Outcome(False, int(lock.next_try_at - now) + 1)
    expected = configured_key()
    if expected and hmac.compare_digest(given.encode(), expected.encode()):
        lock.unlocked, lock.wrong_tries = True, 0
        return Outcome(True)
    lock.wrong_tries += 1
    lock.next_try_at = now + wait_after(lock.wrong_tries)
    return Outcome(False, int(wait_after(lock.wrong_tries)))
