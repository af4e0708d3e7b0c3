"""Cognito Lab's knowledge of Cognito, as plain typed Python: what other packages may use.

`dashboard.py`, `app_pages/` and `ui/` use only the names listed in `__all__`: the leg modules
below (as namespaces: `flows.signin.refresh(...)`) and the shared types and functions. Everything
else (`flows.capture.Recorder`, `flows.aws`, names starting with `_`) is this package's own
business and may change without notice. Tests and benchmarks may reach further in.

Names are imported on first use (PEP 562), so `import flows` stays cheap: the glossary and the
translations don't pull in boto3, and the token tools don't pull in pandas.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# The modules one leg or feature each, used as namespaces.
_MODULES = (
    "api", "api_matrix", "audit", "breakit", "choice_sign_in", "consumers", "decisions", "docs_links", "exercises", "export", "fidelity",
    "glossary", "i18n", "identity", "oauth", "paste", "pool_roles", "predict", "redact", "role_config", "roles",
    "sign_in_facts", "signin", "target_sources", "tokens", "walkthrough",
)
# Shared types and functions, by the module that defines them.
_NAMES = {
    "errors": ("FlowsError",),
    "target": ("ApiRoute", "AppClient", "DemoUser", "Target", "TargetKind", "target_from_topology"),
    "target_sources": ("SETTINGS", "TargetConfigError", "settings_from_env", "settings_from_stack",
                       "target_from_settings"),
    "steps": ("AwsFailure", "Note", "StepResult"),
    "capture": ("Exchange", "HttpRequest", "HttpResponse"),
    "jwt_decode": ("DecodedToken", "TokenFormatError", "TokenFormatCode", "decode_token", "token_kind",
                   "utc_iso"),
    "jwt_verify": ("CHECK_ORDER", "Expectations", "Verification", "VerifyError", "VerifyErrorCode",
                   "verify_token"),
    "jwks": ("JwksError", "JwksErrorCode", "JwksSource", "KeySet", "shared_source"),
    "i18n": ("LANGUAGES",),
}
_HOME = {name: module for module, names in _NAMES.items() for name in names}

__all__ = sorted({*_MODULES, *_HOME})


def __getattr__(name: str) -> Any:
    if name in _MODULES:
        return importlib.import_module(f"flows.{name}")
    if name in _HOME:
        return getattr(importlib.import_module(f"flows.{_HOME[name]}"), name)
    raise AttributeError(f"module 'flows' has no attribute {name!r}")


def __dir__() -> list[str]:
    return list(__all__)


if TYPE_CHECKING:  # what type checkers and editors see; at run time __getattr__ does the work
    from flows import (api, api_matrix, audit, breakit, choice_sign_in, consumers, decisions, docs_links, exercises, export, fidelity,
                       glossary, i18n, identity, oauth, paste, pool_roles, predict, redact, role_config, roles,
                       sign_in_facts, signin, target_sources, tokens, walkthrough)
    from flows.capture import Exchange, HttpRequest, HttpResponse
    from flows.errors import FlowsError
    from flows.i18n import LANGUAGES
    from flows.jwks import JwksError, JwksErrorCode, JwksSource, KeySet, shared_source
    from flows.jwt_decode import DecodedToken, TokenFormatCode, TokenFormatError, decode_token, token_kind, utc_iso
    from flows.jwt_verify import CHECK_ORDER, Expectations, Verification, VerifyError, VerifyErrorCode, verify_token
    from flows.steps import AwsFailure, Note, StepResult
    from flows.target import ApiRoute, AppClient, DemoUser, Target, TargetKind, target_from_topology
    from flows.target_sources import (SETTINGS, TargetConfigError, settings_from_env, settings_from_stack,
                                      target_from_settings)
