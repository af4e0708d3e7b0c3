"""The `exercise` subcommand of `python -m flows`: a trainer's dry run of the exercises.

`exercise list` prints them leg by leg; `exercise check NAME --target sandbox` starts a sandbox,
sets the exercise up, confirms its goal is not met, applies the documented fix, confirms the goal
is then met, and resets the topology (flows.exercises.check). `check all` runs every one.
Only the sandbox: an exercise breaks a topology on purpose, which no one should do to an account.
"""

from __future__ import annotations

import argparse
import sys

from flows import i18n
from flows.cli_lang import add_lang_argument
from flows.exercises import ExerciseError, check, exercise, exercises
from flows.target import target_from_topology
from flows.target_sources import TargetConfigError, start_sandbox_process

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def add_exercise_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", required=True)
    listing = actions.add_parser("list", help="the exercises, leg by leg")
    add_lang_argument(listing)
    checking = actions.add_parser("check", help="set up, check the goal fails, apply the fix, check it is met")
    checking.add_argument("name", help="an exercise name from `exercise list`, or all")
    checking.add_argument("--target", choices=("sandbox",), default="sandbox",
                          help="sandbox only: an exercise breaks the topology on purpose")
    add_lang_argument(checking)


def _list(lang: str) -> int:
    for found in exercises():
        print(f"{found.leg:<14} {found.name:<32} {found.text('title', lang)}")
    return EXIT_OK


def _check(names: list[str], lang: str) -> int:
    try:
        process, topology = start_sandbox_process()
    except TargetConfigError as error:
        print(i18n.text("cli.error", lang, reason=error), file=sys.stderr)
        return EXIT_FAILED
    try:
        target, passed = target_from_topology(topology), True
        for name in names:
            outcome = check(target, exercise(name))
            verdict = i18n.text("cli.exercise.pass" if outcome.ok else "cli.exercise.fail", lang)
            print(f"{verdict}  {name:<32} {i18n.text('cli.exercise.before', lang, value=outcome.met_before_fix)}; "
                  f"{i18n.text('cli.exercise.after', lang, value=outcome.met_after_fix)}")
            passed = passed and outcome.ok
        return EXIT_OK if passed else EXIT_FAILED
    finally:
        process.terminate()
        process.wait(timeout=10)


def run_exercise(args: argparse.Namespace) -> int:
    if args.action == "list":
        return _list(args.lang)
    names = [e.name for e in exercises()] if args.name == "all" else [args.name]
    try:
        [exercise(name) for name in names]
    except ExerciseError:
        print(i18n.text("cli.exercise.unknown", args.lang, name=args.name), file=sys.stderr)
        return EXIT_USAGE
    return _check(names, args.lang)
