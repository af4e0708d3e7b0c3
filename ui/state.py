"""The one typed session object: everything a browser session owns, under one `st.session_state`
key (DESIGN.md, "State and sessions").

Each leg's part of it is a dataclass below; `ui/controllers/<leg>.py` is what changes it, and the
pages and widgets only read it. Widgets keep their own `st.session_state` keys (Streamlit needs
them), but no data lives there: a password field is read and cleared by its controller.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Literal

import streamlit as st

from flows import fidelity
from flows.api_matrix import Broken, Cell
from flows.paste import KeySources
from flows.roles import RoleExplanation
from flows.sign_in_facts import Challenge, Fact
from flows.oauth import Pkce
from flows.steps import Note, StepResult
from flows.target import Target
from ui.pkce_store import pending_sign_ins
from ui.resume import ResumeRegistry, code_in_url, resume_registry

SESSION_KEY = "lab"
_RECHECK_SECONDS = 1.0
TOKEN_NAMES = ("id_token", "access_token", "refresh_token")


@dataclass(frozen=True)
class Origin:
    """Which app client and user the session's tokens belong to: the tokens page checks them
    against that client, a refresh or a revocation is sent by it."""

    client: str = "public"
    username: str = ""


# --- leg 1: the sign-in page's walk through one flow ------------------------------------------------
@dataclass(frozen=True)
class Hop:
    """One flows call (one StepResult) at one of the page's numbered steps ("stages")."""

    stage: int
    title_key: str
    result: StepResult
    facts: tuple[tuple[Fact, ...], ...] = ()  # table rows
    lessons: tuple[Note, ...] = ()  # page-level explanations (signin_page.json)


@dataclass
class OAuthWalk:
    """What the code + PKCE walk remembers between its hops."""

    pkce: Pkce | None = None
    form: dict[str, Any] | None = None  # the hosted sign-in form, as flows.oauth parsed it
    location: str | None = None  # where the hosted page redirected the browser
    code: str | None = None
    redeemed: bool = False
    from_browser: bool = False  # the learner's own browser came back with the code
    unknown_state: bool = False  # ... with a state the lab doesn't know (used, expired, forged)
    redirect_uri: str | None = None


@dataclass
class SignUpWalk:
    username: str = ""
    confirmed: bool = False


@dataclass
class ChoiceWalk:
    """What the choice-based sign-in (USER_AUTH) remembers between its hops (issue 22)."""

    username: str = ""
    challenge: str | None = None  # the challenge the pool asked last, until answered
    session: str = ""  # the challenge's Session (opaque, short-lived)
    available: tuple[str, ...] = ()  # AvailableChallenges of SELECT_CHALLENGE
    request_options: str | None = None  # WEB_AUTHN's CREDENTIAL_REQUEST_OPTIONS, for navigator.credentials.get
    creation_options: dict[str, Any] | None = None  # for navigator.credentials.create
    explained: dict[str, Any] | None = None  # the passkey answer's client data and authenticator data, decoded


@dataclass
class Run:
    """This session's walk through one sign-in flow: the hops so far and what the next one needs."""

    flow: str
    hops: list[Hop] = field(default_factory=list)
    challenge: Challenge | None = None  # a challenge the pool asked, until answered
    oauth: OAuthWalk = field(default_factory=OAuthWalk)
    sign_up: SignUpWalk = field(default_factory=SignUpWalk)
    choice: ChoiceWalk = field(default_factory=ChoiceWalk)


@dataclass
class SignInState:
    run: Run = field(default_factory=lambda: Run("password"))
    browser_url: str | None = None  # the prepared sign-in in the learner's own browser


# --- leg 2: the tokens page ---------------------------------------------------------------------------
@dataclass
class TokensPageState:
    inspected: str | None = None  # the ID token the "tokens" result was made for
    key_sources: KeySources | None = None  # for pasted tokens: keys, fetched once per JWKS location
    key_sources_for: str | None = None


# --- leg 3: the identity-pool page ------------------------------------------------------------------
Presenting = Literal["id", "access", "guest"]


@dataclass(frozen=True)
class IdentityView:
    """The last run: which result to show, what was presented, and what the lab worked out."""

    step: str  # "identity_pool" or "identity_pool_basic"
    presented: Presenting
    id_token: str | None = None  # the ID token sent: the lab explains the role from its claims
    lookups: tuple[str, ...] = ()  # step names of GetIdentityPoolRoles and the sandbox's trace
    explanation: RoleExplanation | None = None  # from the pool's looked-up role configuration
    agrees: bool | None = None  # the explanation against what the pool did (None: can't tell)
    notes: tuple[Note, ...] = ()  # fidelity notes about what was presented (e.g. a guest)


@dataclass(frozen=True)
class PastedRoles:
    """The learner's pasted GetIdentityPoolRoles output: the lab's explanation, or why not."""

    text: str
    explanation: RoleExplanation | None = None
    agrees: bool | None = None
    error_key: str = ""
    params: dict[str, str] = field(default_factory=dict)  # the error message's


@dataclass
class IdentityPageState:
    # The learner's choices, kept here too: Streamlit resets a radio whose (translated) label
    # changed, so a language switch or a page change would otherwise lose them.
    who: str = "user"  # or "guest"
    flow: str = "enhanced"  # or "basic"
    view: IdentityView | None = None
    pasted: PastedRoles | None = None


# --- leg 4: the API Gateway page --------------------------------------------------------------------
@dataclass
class ApiPageState:
    """Dropped whenever the target or the tokens change: a matrix never mixes two users' calls."""

    owner: tuple[str, str, str | None] | None = None
    scoped: tuple[StepResult, str] | None = None  # the OAuth token attempt and how ("code", "client_credentials")
    machine: StepResult | None = None  # the machine client's token, for the "another app client" break
    cells: dict[tuple[str, str], Cell] = field(default_factory=dict)
    opened: Cell | None = None
    selected: tuple[str, str] | None = None  # the matrix's selected cell at the last run
    broken: Broken | None = None


# --- the exercises page -------------------------------------------------------------------------------
@dataclass
class ExercisesState:
    """Which exercise runs in this session's topology, and what the attendee did on each one.
    Kept across a target switch or a new sign-in: progress is the attendee's, not the tokens'."""

    active: str | None = None
    started_with: str | None = None  # the ID token held at the start: only a newer one can solve it
    hints: dict[str, int] = field(default_factory=dict)  # exercise → hints shown
    solved: set[str] = field(default_factory=set)
    wrong_answer: str | None = None  # the last diagnosis chosen, when it was wrong (said once)
    error: str | None = None  # an AWS error from a set-up or a reset (said once)

    def hints_used(self) -> int:
        return sum(self.hints.values())


# Told of every saved step result: (attendee id, result). ui/classroom.py registers the trainer view's.
RESULT_LISTENERS: list[Callable[[str, StepResult], None]] = []
# Told of exercise progress: (attendee id, solved exercise names, hints used). ui/classroom.py registers.
EXERCISE_LISTENERS: list[Callable[[str, frozenset[str], int], None]] = []


# --- the session --------------------------------------------------------------------------------------
@dataclass
class LabSession:
    target: Target | None = None  # None only until the dashboard seeds the session's topology
    sandbox_target: Target | None = None  # the session's own sandbox topology, to switch back to
    topology: dict[str, Any] | None = None
    sandbox_generation: int | None = None
    lang: str = "en"
    reveal_secrets: bool = False
    target_error: tuple[str, str] | None = None  # the target panel's last refusal (key or "", detail), shown once
    # Everything the last "Load from stack" read (the other clients, their secrets, the role ARNs),
    # not only the panel's text fields: "Use AWS" builds the target from all of it.
    stack_settings: dict[str, str] = field(default_factory=dict, repr=False)
    tokens: dict[str, str] = field(default_factory=dict)
    tokens_from: Origin = field(default_factory=Origin)
    results: dict[str, StepResult] = field(default_factory=dict)
    sign_in: SignInState = field(default_factory=SignInState)
    tokens_page: TokensPageState = field(default_factory=TokensPageState)
    identity: IdentityPageState = field(default_factory=IdentityPageState)
    api: ApiPageState = field(default_factory=ApiPageState)
    exercises: ExercisesState = field(default_factory=ExercisesState)
    resume_code: str = field(default="", repr=False)  # ui/resume.py: finds this session again after a reload
    resume_refused: bool = False  # this fresh session was asked for with a wrong or expired code (said once)
    resume_checked_at: float = field(default=0.0, repr=False, compare=False)  # session() asks the registry at most once a second
    attendee_id: str = field(default_factory=lambda: secrets.token_hex(8))  # the trainer view's row (ui/classroom.py)

    def save_result(self, result: StepResult) -> None:
        """Keep the result, with the sandbox's fidelity notes when the target is the sandbox."""
        self.results[result.step] = fidelity.annotate(result, self.target)
        for listener in RESULT_LISTENERS:  # the room's progress (ui/classroom.py): step names and outcomes only
            listener(self.attendee_id, result)

    def result(self, step: str) -> StepResult | None:
        return self.results.get(step)

    def save_tokens(self, outputs: dict[str, Any], tokens_from: Origin | None = None) -> None:
        """New tokens (a refresh keeps the refresh token it didn't replace), and whose they are."""
        self.tokens = {name: outputs.get(name) or self.tokens[name] for name in TOKEN_NAMES
                       if outputs.get(name) or self.tokens.get(name)}
        self.tokens_from = tokens_from or self.tokens_from

    def on_sandbox(self) -> bool:
        return self.target is not None and self.target.kind == "sandbox"

    def switch_target(self, target: Target) -> None:
        """Another target: drop every token, credential and trace, so none is sent to it."""
        self.forget_session_data()
        self.target = target

    def forget_session_data(self) -> None:
        self.tokens, self.tokens_from, self.results = {}, Origin(), {}
        self.sign_in, self.tokens_page = SignInState(), TokensPageState()
        self.identity, self.api = IdentityPageState(), ApiPageState()


def session() -> LabSession:
    """This browser session's LabSession: the one its resume code keeps (after a reload too), or
    a fresh one when the code is missing, wrong or expired."""
    kept = st.session_state.get(SESSION_KEY)
    now = time.monotonic()
    if kept is not None and now - kept.resume_checked_at < _RECHECK_SECONDS:
        return kept  # session() runs for every text on a page: the registry is asked once a second
    registry = resume_registry()
    if kept is not None and registry.resume(kept.resume_code) is kept:
        kept.resume_checked_at = now
        return kept
    lab = _resumed(registry) or _fresh(registry, refused=kept is not None or code_in_url() is not None)
    st.session_state[SESSION_KEY] = lab
    return lab


def _resumed(registry: ResumeRegistry) -> LabSession | None:
    """The session named by the URL's resume code, or, for a browser back from the hosted sign-in
    page (a new Streamlit session, no resume code), by the pending sign-in's `state`."""
    state = st.query_params.get("state")
    code = code_in_url() or (pending_sign_ins().resume_code_of(state) if state else None)
    return registry.resume(code) if code else None


def _fresh(registry: ResumeRegistry, refused: bool) -> LabSession:
    lab = LabSession(resume_refused=refused)
    lab.resume_code = registry.open(lab)
    return lab


def target() -> Target:
    chosen = session().target
    assert chosen is not None, "the dashboard seeds the target before any page runs"
    return chosen


def lang() -> str:
    return session().lang
