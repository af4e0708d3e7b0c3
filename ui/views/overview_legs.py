"""Which of the four legs this session has done, for the overview's diagram and links."""

from __future__ import annotations

from ui.state import LabSession

# The session results that complete each leg; any one of them will do.
_COMPLETED_BY = {
    "sign_in": ("sign_in",),
    "tokens": ("tokens",),
    "identity_pool": ("identity_pool", "identity_pool_basic"),
    "api_gateway": ("api_call",),
}


def completed_legs(lab: LabSession) -> set[str]:
    """A leg is done once its main step worked; the API leg once any call was made, since a
    refused call (a 401 or 403 in the matrix) is as much the lesson as an allowed one."""
    done = {leg for leg, steps in _COMPLETED_BY.items() if any(_worked(lab, step, leg) for step in steps)}
    if lab.api.cells:  # the matrix was filled (its calls may be saved under other step names)
        done.add("api_gateway")
    return done


def _worked(lab: LabSession, step: str, leg: str) -> bool:
    result = lab.result(step)
    if result is None:
        return False
    return leg == "api_gateway" or result.ok
