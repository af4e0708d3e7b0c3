"""`sandbox/__init__.py` declares what other packages may use (issue 13, "Public surfaces"):
every name that the dashboard, the benchmarks and the tests outside `tests/sandbox/` import from
the sandbox is in `sandbox.__all__`, and `flows`, `ui` and the pages import nothing from it."""

from __future__ import annotations

import ast
from pathlib import Path

import sandbox

ROOT = Path(__file__).resolve().parents[2]
NO_SANDBOX = ("flows", "ui", "app_pages")


def _sandbox_imports(path: Path) -> set[str]:
    """The names a file imports from the sandbox package or its modules."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "sandbox":
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.Import) and any(alias.name.split(".")[0] == "sandbox" for alias in node.names):
            names.add("<import sandbox…>")
    return names


def _outside_users() -> list[Path]:
    files = [ROOT / "dashboard.py", *(ROOT / "bench").rglob("*.py"), *(ROOT / "tests").rglob("*.py")]
    return [path for path in files if ROOT / "tests" / "sandbox" not in path.parents]


def test_every_name_used_outside_is_public():
    used = {name: path.relative_to(ROOT) for path in _outside_users() for name in _sandbox_imports(path)}
    assert {name: str(path) for name, path in used.items() if name not in sandbox.__all__} == {}


def test_the_public_names_exist():
    assert all(hasattr(sandbox, name) for name in sandbox.__all__)


def test_flows_ui_and_pages_import_nothing_from_the_sandbox():
    importers = [str(path.relative_to(ROOT)) for folder in NO_SANDBOX for path in (ROOT / folder).rglob("*.py")
                 if _sandbox_imports(path)]
    assert importers == []
