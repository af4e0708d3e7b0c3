"""Every user-facing text comes from one catalogue per language, and both are complete."""

from __future__ import annotations

import re
from pathlib import Path

from flows import i18n
from tests.conftest import ROOT

_KEY_USE = re.compile(r"""(?:\bt|Note|text|Summary)\(\s*["']([a-z_]+\.[A-Za-z_.]*[A-Za-z_])["']""")
# Keys passed around before they are looked up (a failure's meaning, a fallback summary, CLI text).
_MEANING_KEY = re.compile(r"""["']((?:meaning|note|cli)\.[A-Za-z_.]+)["']""")


# Every place that shows text: the dashboard's entry point, its pages, its widgets, and flows.
_SOURCES = ("dashboard.py", "app_pages", "ui", "flows")


def _source_files() -> list[Path]:
    files: list[Path] = []
    for name in _SOURCES:
        path = ROOT / name
        assert path.exists(), f"{name} is gone: the key scan would silently skip it"
        files += sorted(path.rglob("*.py")) if path.is_dir() else [path]
    return files


def _keys_used() -> set[str]:
    used: set[str] = set()
    for path in _source_files():
        source = path.read_text(encoding="utf-8")
        used |= set(_KEY_USE.findall(source)) | set(_MEANING_KEY.findall(source))
    used |= {"meaning.%s" % code for code in __import__("flows.signin").signin.EXPLAINED_ERRORS}
    return used


def test_both_catalogues_have_the_same_keys():
    assert set(i18n.catalogue("en")) == set(i18n.catalogue("ja"))


def test_the_scan_reads_the_pages():
    scanned = {path.relative_to(ROOT).parts[0] for path in _source_files()}
    assert {"dashboard.py", "app_pages", "ui", "flows"} <= scanned


def test_every_key_used_in_code_exists():
    assert sorted(_keys_used() - set(i18n.catalogue("en"))) == []


def test_placeholders_match_between_languages():
    placeholders = re.compile(r"{(\w+)}")
    for key, english in i18n.catalogue("en").items():
        if key.startswith("glossary.entry."):
            continue  # prose, never formatted: its braces are literal ({identifier}/{scope} is {識別子}/{スコープ})
        assert set(placeholders.findall(english)) == set(placeholders.findall(i18n.catalogue("ja")[key])), key


def test_missing_key_is_visible():
    assert i18n.text("no.such.key", "ja") == i18n.missing_marker("no.such.key")


def test_every_description_of_the_seeded_topology_exists():
    """Users', app clients' and routes' descriptions are keys built from their stable names
    (flows/target.py), the same for the sandbox and the CloudFormation stack."""
    from flows.target import ApiRoute, AppClient, DemoUser
    from flows.target_sources import TEMPLATE_ROUTES
    from sandbox import USERS, seeded_routes

    described = ([DemoUser(user["username"], "") for user in USERS]
                 + [AppClient(name, "") for name in ("public", "confidential", "machine")]
                 + [ApiRoute(r.api, r.method, r.path, r.auth) for r in seeded_routes()] + list(TEMPLATE_ROUTES))
    assert sorted(item.note_key for item in described if not i18n.has(item.note_key)) == []
    for lang in ("en", "ja"):
        assert all(item.description(lang) for item in described)
