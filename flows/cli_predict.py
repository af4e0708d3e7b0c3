"""The `predict` subcommand of `python -m flows`: the decision of every route for one token.

    python -m flows predict TOKEN --topology FILE [--route KEY ...] [--json]
    python -m flows predict TOKEN --target aws [--stack NAME] [--region R] [--route KEY ...] [--json]

Each line is the route's gate decision (flows.decisions): the predicted status, the reason code
and its explanation, the same words the dashboard shows.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from flows import i18n, predict
from flows.cli_lang import add_lang_argument
from flows.cli_walkthrough import _aws_target
from flows.decisions import Decision
from flows.errors import FlowsError
from flows.jwks import JwksError
from flows.target import ApiRoute, Target, target_from_topology
from flows.target_sources import TargetConfigError
from flows.tokens import cached_jwks

EXIT_ALL_PASS, EXIT_SOME_REFUSED, EXIT_USAGE = 0, 1, 2
EPILOG = """exit status:
  0  every route predicted (all of them, or those named by --route) lets the token through (200)
  1  at least one of those routes refuses it, or its answer can't be predicted
  2  usage error: bad arguments, an unreadable topology or settings, an unknown --route,
     or the user pool's JWKS could not be fetched

FILE is the JSON line `python -m sandbox` prints. A route KEY is "API METHOD PATH", e.g.
"rest GET /profile". The token is not printed."""


def add_predict_arguments(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = EPILOG
    parser.add_argument("token", help="the JWT, with or without 'Bearer '; '-' reads stdin")
    parser.add_argument("--topology", metavar="FILE", help="the sandbox's topology JSON ('-': stdin)")
    parser.add_argument("--target", choices=("sandbox", "aws"), default="sandbox",
                        help="aws: the routes and pool come from the COGNITO_LAB_* settings (and --stack)")
    parser.add_argument("--stack", help="with --target aws: read the settings from this CloudFormation stack")
    parser.add_argument("--region", help="region of --stack")
    parser.add_argument("--route", action="append", metavar="KEY", help="only this route (repeatable)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    add_lang_argument(parser)


class PredictUsageError(FlowsError, ValueError):
    """The command can't run as asked. Exit status 2."""


def _read_topology(path: str) -> dict[str, Any]:
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
        topology: dict[str, Any] = json.loads(text.strip().splitlines()[-1])
    except (OSError, ValueError, IndexError) as error:
        raise PredictUsageError.worded("predict_error.unreadable_topology", path=repr(path), detail=str(error)) from None
    return topology


def _target(args: argparse.Namespace) -> Target:
    if args.target == "aws":
        try:
            return _aws_target(args)
        except TargetConfigError as error:
            raise PredictUsageError(error.message, error.key, error.params) from None
    if not args.topology:
        raise PredictUsageError.worded("predict_error.no_topology")
    try:
        return target_from_topology(_read_topology(args.topology))
    except KeyError as error:
        raise PredictUsageError.worded("predict_error.topology_lacks", field=str(error)) from None


def _token(argument: str) -> str:
    text = (sys.stdin.read() if argument == "-" else argument).strip()
    return text[7:].strip() if text[:7].lower() == "bearer " else text


def _chosen(target: Target, keys: list[str] | None) -> list[ApiRoute]:
    routes = {f"{route.api} {route.method} {route.path}": route for route in target.routes}
    unknown = [key for key in keys or [] if key not in routes]
    if unknown:
        raise PredictUsageError.worded("predict_error.unknown_route", route=repr(unknown[0]), routes=", ".join(routes))
    return [routes[key] for key in keys] if keys else list(routes.values())


def _row(route: ApiRoute, decision: Decision | None) -> dict[str, Any]:
    key = f"{route.api} {route.method} {route.path}"
    if decision is None:
        return {"route": key, "auth": route.auth, "status": None, "reason": None, "outcome": "?", "explanation": ""}
    return {"route": key, "auth": route.auth, "scopes": list(route.scopes), **decision.to_json()}


def _print(rows: list[dict[str, Any]], as_json: bool) -> None:
    if as_json:
        print(json.dumps({"all_pass": all(r["status"] == 200 for r in rows), "routes": rows}, indent=2, ensure_ascii=False))
        return
    for row in rows:
        status = row["status"] if row["status"] is not None else "?"
        print(f"{row['route']:<20} {status!s:<4} {row['reason'] or '-':<24} {row['explanation']}")


def run_predict(args: argparse.Namespace) -> int:
    try:
        target = _target(args)
        routes = _chosen(target, args.route)
        keys = cached_jwks(target)
    except (PredictUsageError, JwksError) as error:
        print(i18n.text("cli.error", args.lang, reason=error.text(args.lang)), file=sys.stderr)
        return EXIT_USAGE
    decided = dict((id(route), d) for route, d in predict.predict_routes(_token(args.token), target, keys))
    rows = [_row(route, decided[id(route)]) for route in routes]
    _print(rows, args.json)
    return EXIT_ALL_PASS if all(row["status"] == 200 for row in rows) else EXIT_SOME_REFUSED


__all__ = ["EPILOG", "add_predict_arguments", "run_predict"]
