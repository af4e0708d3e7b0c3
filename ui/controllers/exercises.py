"""What a click on the Exercises page changes: start, reset, a hint, a diagnosis, and whether the
lab has seen the goal met in this session (issue 19). No rendering here.

Starting an exercise changes the attendee's OWN sandbox topology (flows.exercises.actions, signed
with its own key), after putting it back as seeded, so two exercises never stack up.
"""

from __future__ import annotations

from botocore.exceptions import BotoCoreError, ClientError

from flows.exercises import Exercise, Role, exercise
from ui.state import EXERCISE_LISTENERS, LabSession


def _tell_the_room(lab: LabSession) -> None:
    for listener in EXERCISE_LISTENERS:
        listener(lab.attendee_id, frozenset(lab.exercises.solved), lab.exercises.hints_used())


def _run(lab: LabSession, chosen: Exercise, roles: tuple[Role, ...]) -> bool:
    """The named actions on the session's own topology; an AWS error is kept to be shown once."""
    if lab.target is None or not lab.on_sandbox():
        return False
    try:
        for role in roles:
            chosen.action(role)(lab.target)
    except (ClientError, BotoCoreError) as error:
        lab.exercises.error = str(error)
        return False
    return True


def start(lab: LabSession, name: str) -> bool:
    chosen = exercise(name)
    if not _run(lab, chosen, ("reset", "setup")):
        return False
    state = lab.exercises
    state.active, state.wrong_answer = name, None
    state.started_with = lab.tokens.get("id_token")
    return True


def reset(lab: LabSession, name: str) -> bool:
    """"Reset this exercise": the topology back as seeded; the exercise is no longer running."""
    done = _run(lab, exercise(name), ("reset",))
    if done and lab.exercises.active == name:
        lab.exercises.active = None
    return done


def show_hint(lab: LabSession, name: str) -> None:
    state = lab.exercises
    state.hints[name] = min(state.hints.get(name, 0) + 1, exercise(name).hints)
    _tell_the_room(lab)


def diagnose(lab: LabSession, name: str, reason_code: str) -> bool:
    """The attendee's diagnosis: solved when it is the exercise's answer."""
    chosen, state = exercise(name), lab.exercises
    right = chosen.solve == "diagnosis" and reason_code == chosen.answer
    state.wrong_answer = None if right else reason_code
    if right:
        _solve(lab, name)
    return right


def refresh(lab: LabSession, name: str) -> bool:
    """Whether the lab has seen the goal met: for `signed_in`, tokens of the named user through the
    named client, newer than those held at the start."""
    chosen, state = exercise(name), lab.exercises
    if name in state.solved:
        return True
    if chosen.solve != "signed_in" or state.active != name:
        return False
    id_token = lab.tokens.get("id_token")
    met = (bool(id_token) and id_token != state.started_with and lab.tokens_from.username == chosen.username
           and lab.tokens_from.client == chosen.client)
    if met:
        _solve(lab, name)
    return met


def _solve(lab: LabSession, name: str) -> None:
    lab.exercises.solved.add(name)
    _tell_the_room(lab)
