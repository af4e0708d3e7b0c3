"""Every exercise against the sandbox (issue 19): after set-up its goal is not met, the documented
fix meets it, the reset puts the seeded topology back, and its words exist in both languages.

The behaviours each exercise rests on are the sandbox's, each held to AWS elsewhere:
NEW_PASSWORD_REQUIRED (aws-facts.md §2.3), SECRET_HASH (§2.4), the REST Cognito authorizer's
scopes and token type (§5.1), exp (§1.3), the identity pool's ID-token check, listed clients,
guests and Rules with AmbiguousRoleResolution (§4.1, §4.4), SigV4 for execute-api (§5.3).
"""

from __future__ import annotations

import pytest

from flows import i18n
from flows.docs_links import headings
from flows.exercises import actions, check, exercise, exercises
from tests.conftest import ROOT

NAMES = [e.name for e in exercises()]


def test_at_least_ten_exercises_cover_all_four_legs():
    assert len(NAMES) >= 10
    assert {e.leg for e in exercises()} == {"sign_in", "tokens", "identity_pool", "api_gateway"}


@pytest.mark.parametrize("name", NAMES)
def test_goal_not_met_after_set_up_and_met_by_the_documented_fix(target, name):
    outcome = check(target, exercise(name))
    assert not outcome.met_before_fix, f"{name}: the goal is met before any fix"
    assert outcome.met_after_fix, f"{name}: the documented fix does not meet the goal"


@pytest.mark.parametrize("name", NAMES)
def test_the_reset_puts_the_seeded_topology_back(target, name):
    chosen = exercise(name)
    chosen.action("setup")(target)
    chosen.action("reset")(target)
    # The seeded topology lets carol (public client) and a guest have credentials, and erin is
    # back to her temporary password.
    assert actions.carol_gets_credentials(target) and actions.guest_gets_credentials(target)
    assert actions.machine_token_to_items(target) and not actions.erin_signs_in(target)


@pytest.mark.parametrize("lang", ["en", "ja"])
@pytest.mark.parametrize("name", NAMES)
def test_words_exist_in_both_languages(name, lang):
    chosen = exercise(name)
    parts = ["title", "goal", "explanation", "fix", *(f"hint.{n}" for n in range(1, chosen.hints + 1))]
    for part in parts:
        assert chosen.text(part, lang) != i18n.missing_marker(f"exercise.{name}.{part}"), (name, lang, part)
    assert chosen.hints >= 2


@pytest.mark.parametrize("name", NAMES)
def test_doc_link_names_an_existing_section_and_an_aws_page(name):
    chosen = exercise(name)
    page, anchor = chosen.doc.split("#")
    slugs = {h.anchor for h in headings((ROOT / "docs" / "en" / page).read_text(encoding="utf-8"))}
    assert anchor in slugs, (name, chosen.doc)
    assert chosen.aws_doc.startswith("https://docs.aws.amazon.com/")


def test_the_command_line_lists_and_checks_an_exercise():
    import subprocess
    import sys

    listed = subprocess.run([sys.executable, "-m", "flows", "exercise", "list", "--lang", "en"], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert listed.returncode == 0 and all(name in listed.stdout for name in NAMES)
    checked = subprocess.run([sys.executable, "-m", "flows", "exercise", "check", "guest_not_allowed",
                              "--target", "sandbox", "--lang", "en"], cwd=ROOT, capture_output=True, text=True,
                             timeout=120)
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.startswith("PASS") and "before the fix: False" in checked.stdout
    unknown = subprocess.run([sys.executable, "-m", "flows", "exercise", "check", "nope"], cwd=ROOT,
                             capture_output=True, text=True, timeout=60)
    assert unknown.returncode == 2
