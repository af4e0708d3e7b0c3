"""Which role the identity pool chose, and why: the role STS reports, the lab's own explanation
(from the ID token and the pool's role configuration, so it works on AWS too) and, on the
sandbox only, the sandbox's record of its decision.

Reasons quote claim values from the token, so they are shown in code blocks, never as Markdown.
"""

from __future__ import annotations

import streamlit as st

from flows.roles import RoleExplanation
from flows.steps import StepResult
from ui.controllers import identity as controller
from ui.i18n import t
from ui.state import IdentityView, session
from ui.widgets.exchange import render_exchanges
from ui.widgets.step import render_failure, render_note, render_step


def render_lines(lines: list[str]) -> None:
    """Numbered reasons, wrapped so that long ARNs stay readable (as text, never Markdown)."""
    st.code("\n".join(lines), language="text", line_numbers=True, wrap_lines=True)


def _render_role_arn(role_arn: str) -> None:
    st.code(role_arn, language="text", wrap_lines=True)


def _render_assumed(result: StepResult) -> None:
    role_arn = result.outputs.get("role_arn") if result.ok else None
    if not role_arn:
        st.caption(t("identity_page.role.none"))
        return
    st.caption(t("identity_page.role.assumed"))
    st.code(f"{role_arn}\n{result.outputs.get('caller_arn', '')}".strip(), language="text", wrap_lines=True)


# --- the lab's explanation -----------------------------------------------------------------------
def _pasted_explanation() -> tuple[RoleExplanation | None, bool | None]:
    """On AWS GetIdentityPoolRoles needs IAM credentials: the learner may paste its output."""
    text = st.text_area(t("identity_page.role.paste"), key="identity_pasted_roles")
    pasted = controller.explain_pasted(text)
    if pasted is None:
        st.info(t("identity_page.role.no_config"))
        return None, None
    if pasted.error_key:
        st.error(t(pasted.error_key, **pasted.params))
    return pasted.explanation, pasted.agrees


def _own_credentials(looked_up: StepResult | None) -> None:
    """A dashboard run by the learner alone may sign GetIdentityPoolRoles with their credentials;
    the last refusal (unsigned, or of their credentials) says why it is needed."""
    if not controller.offers_own_credentials():
        return
    if looked_up is not None:
        render_failure(looked_up)
    st.button(t("polish.roles.use_my_credentials"), key="identity_roles_signed",
              on_click=controller.read_roles_with_my_credentials)
    st.caption(t("polish.roles.use_my_credentials_help"))


def _explanation(view: IdentityView) -> tuple[RoleExplanation | None, bool | None]:
    looked_up = session().result("pool_roles")
    if looked_up is not None and looked_up.ok:
        return view.explanation, view.agrees
    _own_credentials(looked_up)
    return _pasted_explanation()


def _render_verdict(agrees: bool | None) -> None:
    if agrees is True:
        st.success(t("identity_page.role.agree"), icon="✅")
    elif agrees is False:
        st.warning(t("identity_page.role.disagree"))


def _render_explanation(view: IdentityView) -> None:
    st.markdown(f"**{t('identity_page.role.lab' if view.id_token else 'identity_page.role.lab_guest')}**")
    explanation, agrees = _explanation(view)
    if explanation is None:
        return
    lang = session().lang
    render_lines([reason.text(lang) for reason in explanation.reasons])
    st.caption(t("identity_page.role.predicted"))
    _render_role_arn(explanation.role_arn or t("identity_page.role.refused"))
    _render_verdict(agrees)


# --- the sandbox's own record --------------------------------------------------------------------
def _render_trace(trace: StepResult) -> None:
    st.markdown(f"**{t('identity_page.role.sandbox')}**")
    for note in [*trace.notes, *trace.fidelity_notes]:  # says that AWS keeps no such record (catalogue text, no token data)
        render_note(note)
    if trace.failure is not None:
        render_failure(trace)
        return
    st.caption(t("identity_page.role.sandbox_words"))
    render_lines([str(line) for line in trace.outputs.get("trace", [])])
    st.caption(t("identity_page.role.decided"))
    _render_role_arn(trace.outputs.get("role_arn") or str(trace.outputs.get("refused") or ""))


def render_lookups(view: IdentityView) -> None:
    """The lab's own calls to learn the role (after the main step's wire: they come second)."""
    saved = {step: session().result(step) for step in view.lookups}
    lookups = {step: looked_up for step, looked_up in saved.items() if looked_up is not None}
    if not lookups:
        return
    tabs = st.tabs([t(f"identity_page.role.wire.{step}") for step in lookups])
    for tab, (step, looked_up) in zip(tabs, lookups.items()):
        with tab:
            if step == "role_decision":  # its note and failure are shown next to the trace
                render_exchanges(looked_up.exchanges, session().reveal_secrets)
            else:
                render_step(looked_up)


def render_role(view: IdentityView, result: StepResult) -> None:
    """Shown in a tab named "Which role, and why" (ui/views/identity_results.py)."""
    _render_assumed(result)
    trace = session().result("role_decision") if "role_decision" in view.lookups else None
    if trace is None:  # on AWS: the lab's explanation is the only one there is
        _render_explanation(view)
        return
    # One above the other, not side by side: a reason quotes the role-mapping key (the provider
    # and the client id, ~90 characters without a break), which a half-width column cuts off.
    _render_explanation(view)
    _render_trace(trace)
