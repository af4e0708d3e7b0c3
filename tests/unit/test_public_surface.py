"""`flows` declares what other packages may use (issue 13, item 6): the dashboard, its pages and
its widgets import only that; every error flows raises on purpose shares one base class, and its
codes are a closed, typed set."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import subprocess
import sys
from pathlib import Path
from typing import get_args

import pytest

import flows
from flows.errors import CodedError, FlowsError
from flows.jwks import JwksError
from flows.jwt_decode import TokenFormatError
from flows.jwt_verify import VerifyError
from tests.conftest import ROOT

_CONSUMERS = ("dashboard.py", "app_pages", "ui")


def _consumer_files() -> list[Path]:
    files: list[Path] = []
    for name in _CONSUMERS:
        path = ROOT / name
        files += sorted(path.rglob("*.py")) if path.is_dir() else [path]
    return files


def _imports_from_flows(path: Path) -> list[tuple[str, str]]:
    """(module, name) for every `from flows[.module] import name` and `import flows.module`."""
    found: list[tuple[str, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "flows":
            found += [(node.module, alias.name) for alias in node.names]
        elif isinstance(node, ast.Import):
            found += [(alias.name, "") for alias in node.names if alias.name.startswith("flows.")]
    return found


def _is_public(module: str, name: str) -> bool:
    if name.startswith("_"):
        return False
    if module == "flows":
        return name in flows.__all__
    submodule = module.removeprefix("flows.")
    return submodule in flows._MODULES or (name in flows.__all__ and flows._HOME.get(name) == submodule)


def test_every_public_name_resolves() -> None:
    for name in flows.__all__:
        assert getattr(flows, name) is not None, name
    with pytest.raises(AttributeError):
        flows.Recorder  # noqa: B018 (capture's recorder is flows' own business)


def test_the_dashboard_pages_and_widgets_import_only_the_public_surface() -> None:
    private = [f"{path.relative_to(ROOT)}: {module} {name}".rstrip()
               for path in _consumer_files() for module, name in _imports_from_flows(path)
               if not _is_public(module, name)]
    assert private == []


def test_the_check_sees_a_private_import(tmp_path: Path) -> None:
    page = tmp_path / "page.py"
    page.write_text("from flows.capture import Recorder\nfrom flows.export import _fence\nfrom flows import aws\n")
    assert [_is_public(module, name) for module, name in _imports_from_flows(page)] == [False, False, False]


def test_importing_flows_for_text_does_not_load_boto3_or_pandas() -> None:
    code = "import sys, flows; flows.glossary.explain('aud', 'ja'); flows.i18n.text('x'); " \
           "print(sorted(m for m in ('boto3', 'pandas', 'streamlit') if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "[]", done.stderr


def _flows_exceptions() -> list[type[BaseException]]:
    found = []
    for info in pkgutil.iter_modules(flows.__path__):
        module = importlib.import_module(f"flows.{info.name}")
        found += [value for name, value in vars(module).items() if inspect.isclass(value)
                  and issubclass(value, BaseException) and value.__module__ == module.__name__
                  and not name.startswith("_")]
    return found


def test_every_flows_error_shares_one_base_class() -> None:
    errors = _flows_exceptions()
    assert {error.__name__ for error in errors} >= {"JwksError", "TokenFormatError", "VerifyError",
                                                    "AuditInputError", "UsageError", "TargetConfigError"}
    assert [error.__name__ for error in errors if not issubclass(error, FlowsError)] == []


@pytest.mark.parametrize("error", [JwksError, TokenFormatError, VerifyError])
def test_codes_are_a_closed_typed_set(error: type[CodedError]) -> None:
    first = get_args(error.code_type)[0]
    assert error(first, "text").code == first
    with pytest.raises(ValueError, match="has no code"):
        error("no_such_code", "text")
