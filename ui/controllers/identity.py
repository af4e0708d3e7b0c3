"""Leg 3, what a click changes: the identity-pool page's choices and last run
(`LabSession.identity`) and the session's results. No rendering here.

A run is finished here, before the page draws: the credentials call, the pool's role
configuration, the sandbox's own record (sandbox only) and the lab's explanation of the role.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

import streamlit as st

from flows import identity, pool_roles
from flows.jwt_decode import TokenFormatError
from flows.role_config import PoolRolesError, agreement, identity_id_of, parse_pool_roles
from flows.roles import RoleExplanation
from flows.steps import AwsFailure, Note, StepResult
from flows.target import Target
from ui.room import current_room
from ui.state import IdentityView, PastedRoles, Presenting, session, target

Who = Literal["user", "guest"]
Flow = Literal["enhanced", "basic"]
WHO: tuple[Who, ...] = ("user", "guest")
FLOWS: tuple[Flow, ...] = ("enhanced", "basic")
GUEST_FIDELITY = Note("fidelity.identity.guest_scope_down", "identity-pools.md#the-enhanced-flow", fidelity=True)


@dataclass(frozen=True)
class IdentityChoice:
    who: Who
    flow: Flow
    role_arn: str | None = None  # basic flow only; None: the pool's default role for this identity


def keep_choice(widget_key: str, name: Literal["who", "flow"]) -> None:
    """A radio changed: keep the choice in the session (see IdentityPageState)."""
    setattr(session().identity, name, st.session_state[widget_key])


def _explain(chosen: Target, id_token: str | None, pool_roles: dict) -> RoleExplanation | None:
    try:
        return identity.predict_role(chosen, id_token, pool_roles)
    except TokenFormatError:  # the pool refused it too; there are no claims to explain from
        return None


def _look_up_role(chosen: Target, result: StepResult, id_token: str | None) -> tuple[tuple[str, ...], RoleExplanation | None]:
    """The pool's role configuration, the lab's explanation from it and, on the sandbox only, the
    sandbox's own record of the decision. AWS has no such record: there the explanation stands alone."""
    lab = session()
    roles = identity.describe_pool_roles(chosen)
    lab.save_result(roles)
    explanation = _explain(chosen, id_token, roles.outputs["pool_roles"]) if roles.ok else None
    identity_id = identity_id_of(result)
    if chosen.kind != "sandbox" or not identity_id:
        return ("pool_roles",), explanation
    lab.save_result(identity.role_decision_trace(chosen, identity_id))
    return ("pool_roles", "role_decision"), explanation


def exchange(choice: IdentityChoice) -> None:
    lab, chosen = session(), target()
    id_token = lab.tokens.get("id_token") if choice.who == "user" else None
    presented: Presenting = "id" if id_token else "guest"
    lab.identity.pasted = None
    if choice.flow == "basic":
        lab.save_result(identity.get_credentials_basic(chosen, id_token, choice.role_arn))
        lab.identity.view = IdentityView("identity_pool_basic", presented, id_token)
        return
    result = identity.get_credentials(chosen, id_token, with_role=True)
    lab.save_result(result)  # "identity_pool": the export and the walkthrough read it
    lookups, explanation = _look_up_role(chosen, result, id_token)
    agrees = agreement(explanation, result) if explanation else None
    notes = (GUEST_FIDELITY,) if presented == "guest" and result.ok and lab.on_sandbox() else ()
    lab.identity.view = IdentityView("identity_pool", presented, id_token, lookups, explanation, agrees, notes)


def try_access_token() -> None:
    """The enhanced flow with the access token in Logins: the pool refuses before any role."""
    lab = session()
    lab.save_result(identity.get_credentials(target(), lab.tokens.get("access_token")))
    lab.identity.view = IdentityView("identity_pool", "access")


def explain_pasted(text: str) -> PastedRoles | None:
    """On AWS GetIdentityPoolRoles needs IAM credentials: the learner may paste its output, and
    the lab explains the role from that. None while nothing is pasted."""
    lab, view = session(), session().identity.view
    if not text.strip() or view is None:
        lab.identity.pasted = None
        return None
    if lab.identity.pasted is None or lab.identity.pasted.text != text:
        lab.identity.pasted = _pasted(text, view)
    return lab.identity.pasted


def _pasted(text: str, view: IdentityView) -> PastedRoles:
    try:
        pool_roles = parse_pool_roles(text, target().identity_pool_id)
    except PoolRolesError as error:
        return PastedRoles(text, error_key=error.key, params=error.params)
    explanation = _explain(target(), view.id_token, pool_roles)
    result = session().result(view.step)
    if explanation is None or result is None:
        return PastedRoles(text, error_key="identity_page.role.paste_shape")
    return PastedRoles(text, explanation, agreement(explanation, result))


def offers_own_credentials() -> bool:
    """On AWS the lab holds no key for GetIdentityPoolRoles. A dashboard a learner runs for
    themselves may sign it with their own AWS credentials; one serving a room must not lend the
    machine's credentials to every attendee, so there the learner pastes the CLI's output."""
    return target().kind == "aws" and current_room().public_host is None


def read_roles_with_my_credentials() -> None:
    """GetIdentityPoolRoles signed with the learner's own credentials (boto3's chain), and the
    lab's explanation of the last run from it."""
    lab, view = session(), session().identity.view
    if view is None or not offers_own_credentials():
        return
    credentials = pool_roles.learner_credentials()
    if credentials is None:
        lab.save_result(StepResult("pool_roles", failure=AwsFailure.lab(
            "NoCredentials", "polish.roles.no_credentials", "meaning.identity.roles_need_iam")))
        return
    roles = pool_roles.describe_pool_roles_signed(target(), credentials)
    lab.save_result(roles)
    result = lab.result(view.step)
    if not roles.ok or result is None:
        return
    explanation = _explain(target(), view.id_token, roles.outputs["pool_roles"])
    agrees = agreement(explanation, result) if explanation else None
    lab.identity.view = replace(view, explanation=explanation, agrees=agrees)
