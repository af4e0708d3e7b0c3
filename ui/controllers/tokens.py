"""Leg 2, what the tokens page changes: the check of the session's tokens (kept as the result
"tokens", made again when the tokens change) and the key caches for pasted tokens
(`LabSession.tokens_page`), used for pasted and audited tokens. No rendering here."""

from __future__ import annotations

from dataclasses import dataclass

from flows.audit import AuditRow, audit_tokens
from flows.jwks import JwksError, KeySet
from flows.jwt_verify import Expectations
from flows.paste import KeySources, PastedReport, inspect_pasted
from flows.steps import StepResult
from flows.tokens import inspect_tokens
from ui.state import session, target


def checked_tokens() -> StepResult | None:
    """The session's tokens, decoded and verified against the app client that signed in (public,
    or the confidential one); None before any sign-in. Checked once per ID token."""
    lab = session()
    if not lab.tokens:
        return None
    result = lab.result("tokens")
    if result is None or lab.tokens_page.inspected != lab.tokens["id_token"]:
        client_name = lab.tokens_from.client if lab.tokens_from.client in target().clients else "public"
        result = inspect_tokens(target(), {"id": lab.tokens["id_token"], "access": lab.tokens["access_token"]},
                                client_name)
        lab.save_result(result)
        lab.tokens_page.inspected = lab.tokens["id_token"]
    return result


def _key_sources() -> KeySources:
    """The key caches, one set per JWKS location: a pasted token's keys are fetched once."""
    page, chosen = session().tokens_page, target()
    if page.key_sources is None or page.key_sources_for != chosen.jwks_location:
        page.key_sources, page.key_sources_for = KeySources.for_target(chosen), chosen.jwks_location
    return page.key_sources


def check_pasted(token: str, pasted_jwks: str, expect: Expectations, allow_fetch: bool = True) -> PastedReport:
    return inspect_pasted(token, target(), pasted_jwks, expect, _key_sources(), allow_fetch)


@dataclass(frozen=True)
class Audited:
    rows: list[AuditRow]
    key_problem: JwksError | None  # why the pool's keys could not be had; signatures unchecked


def audit(lines: list[str]) -> Audited:
    """Each line's verdict against the target's keys (the session's cached JWKS) and issuer; if
    the keys can't be had, every claim is still judged. Raises AuditInputError, which the page shows."""
    keys: KeySet | None = None
    problem = None
    try:
        keys = _key_sources().target.keys_for()
    except JwksError as error:
        problem = error
    return Audited(audit_tokens(lines, keys, Expectations(issuer=target().issuer)), problem)
