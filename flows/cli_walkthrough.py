"""The `walkthrough` subcommand of `python -m flows` (see flows/walkthrough.py)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from flows.target import Target, target_from_topology
from flows.target_sources import (TargetConfigError, settings_from_env, settings_from_stack,
                                  start_sandbox_process, target_from_settings)
from flows.walkthrough import LegOutcome, run_walkthrough, user_from_env

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def add_walkthrough_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--target", choices=("sandbox", "aws"), default="sandbox",
                        help="sandbox: start a local sandbox and use its seeded user; aws: COGNITO_LAB_* variables")
    parser.add_argument("--stack", help="with --target aws: read the target from this CloudFormation stack's outputs")
    parser.add_argument("--region", help="region of --stack (default: boto3's, from AWS_DEFAULT_REGION or the profile)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a summary")


def _aws_target(args: argparse.Namespace) -> Target:
    settings = settings_from_env(os.environ)
    if args.stack:
        settings = {**settings_from_stack(args.stack, args.region), **settings}
    return target_from_settings(settings)


def _report(outcomes: list[LegOutcome], as_json: bool) -> None:
    if as_json:
        legs: list[dict[str, Any]] = [{"leg": o.leg, "ok": o.ok, "summary": o.summary, "step": o.result.to_json()}
                                      for o in outcomes]
        print(json.dumps({"ok": all(o.ok for o in outcomes) and len(outcomes) == 4, "legs": legs}, indent=2))
        return
    for outcome in outcomes:
        print(f"{'PASS' if outcome.ok else 'FAIL'}  {outcome.leg:<14} {outcome.summary}")


def _run_on(target: Target, username: str, password: str, as_json: bool) -> int:
    outcomes = run_walkthrough(target, username, password)
    _report(outcomes, as_json)
    return EXIT_OK if len(outcomes) == 4 and all(o.ok for o in outcomes) else EXIT_FAILED


def run_walkthrough_command(args: argparse.Namespace) -> int:
    if args.target == "aws":
        username, password = user_from_env()
        if not username or not password:
            print("error: set COGNITO_LAB_USERNAME and COGNITO_LAB_PASSWORD for --target aws", file=sys.stderr)
            return EXIT_USAGE
        try:
            return _run_on(_aws_target(args), username, password, args.json)
        except TargetConfigError as error:
            print(f"error: {error}", file=sys.stderr)
            return EXIT_USAGE
    try:
        process, topology = start_sandbox_process()
    except TargetConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_FAILED
    try:
        user = topology["users"][0]
        return _run_on(target_from_topology(topology), user["username"], user["password"], args.json)
    finally:
        process.terminate()
        process.wait(timeout=10)
