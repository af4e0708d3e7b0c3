"""The `walkthrough` subcommand of `python -m flows` (see flows/walkthrough.py)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from flows import i18n
from flows.cli_lang import add_lang_argument
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
    parser.add_argument("--sign-in", dest="sign_in", choices=("password", "email-otp"), default="password",
                        help=i18n.text("cli.walkthrough.sign_in_help", "en"))
    add_lang_argument(parser)


def _aws_target(args: argparse.Namespace) -> Target:
    settings = settings_from_env(os.environ)
    if args.stack:
        settings = {**settings_from_stack(args.stack, args.region), **settings}
    return target_from_settings(settings)


def _report(outcomes: list[LegOutcome], as_json: bool, lang: str) -> None:
    if as_json:  # codes for scripts (language-free); the text in the chosen language beside them
        legs: list[dict[str, Any]] = [{"leg": o.leg, "ok": o.ok, "code": o.summary.code, "params": o.summary.params,
                                       "summary": o.summary_text(lang), "step": o.result.to_json(lang=lang)}
                                      for o in outcomes]
        print(json.dumps({"ok": all(o.ok for o in outcomes) and len(outcomes) == 4, "legs": legs},
                         indent=2, ensure_ascii=False, default=str))
        return
    for outcome in outcomes:
        verdict = i18n.text("cli.walkthrough.pass" if outcome.ok else "cli.walkthrough.fail", lang)
        print(f"{verdict}  {outcome.leg:<14} {outcome.summary_text(lang)}")


def _run_on(target: Target, username: str, password: str, args: argparse.Namespace) -> int:
    outcomes = run_walkthrough(target, username, password, getattr(args, "sign_in", "password"))
    _report(outcomes, args.json, args.lang)
    return EXIT_OK if len(outcomes) == 4 and all(o.ok for o in outcomes) else EXIT_FAILED


def run_walkthrough_command(args: argparse.Namespace) -> int:
    if args.target == "aws" and getattr(args, "sign_in", "password") == "email-otp":
        print(i18n.text("cli.walkthrough.email_otp_aws", args.lang), file=sys.stderr)
        return EXIT_USAGE
    if args.target == "aws":
        username, password = user_from_env()
        if not username or not password:
            print(i18n.text("cli.walkthrough.need_user", args.lang), file=sys.stderr)
            return EXIT_USAGE
        try:
            return _run_on(_aws_target(args), username, password, args)
        except TargetConfigError as error:
            print(i18n.text("cli.error", args.lang, reason=error.text(args.lang)), file=sys.stderr)
            return EXIT_USAGE
    try:
        process, topology = start_sandbox_process()
    except TargetConfigError as error:
        print(i18n.text("cli.error", args.lang, reason=error.text(args.lang)), file=sys.stderr)
        return EXIT_FAILED
    try:
        user = topology["users"][0]
        return _run_on(target_from_topology(topology), user["username"], user["password"], args)
    finally:
        process.terminate()
        process.wait(timeout=10)
