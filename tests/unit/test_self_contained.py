"""Nothing a person reads points outside the repository (issue 18): not the README, the docs,
the catalogues, nor any string the code can print or show (comments and docstrings may still
cite the maintainers' fact sheet)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OUTSIDE = ("aws-facts", "../shared", "shared/DESIGN", "shared/reference")
CODE = ("flows", "ui", "app_pages", "sandbox", "dashboard.py")


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def _shown_strings(path: Path) -> list[str]:
    """Every string literal that is not a docstring (f-strings' literal parts included)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _docstrings(tree)
    return [node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip]


def _python_files() -> list[Path]:
    files = []
    for name in CODE:
        path = ROOT / name
        files += [path] if path.is_file() else sorted(path.rglob("*.py"))
    return files


def _prose_files() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md")), *sorted((ROOT / "flows" / "locales").rglob("*.json"))]


@pytest.mark.parametrize("path", _prose_files(), ids=lambda path: str(path.relative_to(ROOT)))
def test_readme_docs_and_catalogues_name_no_file_outside_the_repository(path: Path):
    text = path.read_text(encoding="utf-8")
    assert not [marker for marker in OUTSIDE if marker in text]


def test_no_string_the_code_shows_names_a_file_outside_the_repository():
    offending = [f"{path.relative_to(ROOT)}: {text[:80]!r}" for path in _python_files()
                 for text in _shown_strings(path) if any(marker in text for marker in OUTSIDE)]
    assert not offending


def test_the_readme_links_the_architecture_page_in_both_languages():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for lang in ("en", "ja"):
        assert f"docs/{lang}/architecture.md" in readme and (ROOT / "docs" / lang / "architecture.md").is_file()
