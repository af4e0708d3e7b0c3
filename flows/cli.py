"""`python -m flows`: the token tools of the lab on the command line.

    python -m flows decode TOKEN
    python -m flows verify TOKEN [--jwks FILE_OR_URL] [--user-pool-id ID | --issuer URL] ...
                              [--offline] [--format json|text] [--lang en|ja]
    python -m flows audit FILE [--jwks FILE_OR_URL] [--user-pool-id ID | --issuer URL] ... [--json]
    python -m flows predict TOKEN --topology FILE | --target aws [--route KEY ...] [--json]

TOKEN and FILE may be `-` for stdin. Exit status: 0 valid (decoded; audit: every token valid),
1 invalid or malformed (audit: any token), 2 usage error. Results go to stdout as JSON (verify
--format text and audit: text for people, or JSON lines with --json); errors go to stderr.
Tokens themselves are never printed.

`verify` decodes first and always shows the claims with a diagnosis (flows.paste.diagnose): when
no keys can be had (offline, or `--offline`), everything knowable without them is still said,
and what would settle the rest. JSON keeps stable, language-free codes; the sentences (and the
human output) are in `--lang`, which defaults from LC_ALL / LANG.

Subcommands are `Command` records in `COMMANDS`; a new one is a function that adds its
arguments, a function that runs it, and one more entry in that tuple.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import re
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flows import i18n
from flows.cli_exercise import add_exercise_arguments, run_exercise
from flows.cli_lang import add_lang_argument
from flows.cli_predict import add_predict_arguments, run_predict
from flows.cli_walkthrough import add_walkthrough_arguments, run_walkthrough_command
from flows import i18n
from flows.audit import COLUMNS, AuditInputError, AuditRow, audit_tokens, explain_reasons, summarize
from flows.errors import FlowsError
from flows.jwks import JwksError, JwksSource, KeySet, cognito_issuer, read_jwks_file
from flows.jwt_decode import DecodedToken, TokenFormatError, decode_token, token_kind, utc_iso
from flows.jwt_verify import Expectations, verify_token
from flows.paste import Diagnosis, diagnose

__all__ = ["COMMANDS", "Command", "UsageError", "build_parser", "main"]

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2
USER_POOL_ID = re.compile(r"([a-z0-9-]+)_[0-9a-zA-Z]+", re.ASCII)  # aws-facts.md §0
TIME_CLAIMS = ("exp", "iat", "nbf", "auth_time")


class UsageError(FlowsError):
    """The command can't run as asked (bad option value, unreadable file). Exit status 2."""


@dataclass(frozen=True)
class Command:
    name: str
    help: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


# --- decode ---------------------------------------------------------------------------------


def _add_decode_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("token", help="the JWT, with or without 'Bearer '; '-' reads stdin")
    add_lang_argument(parser)


def run_decode(args: argparse.Namespace) -> int:
    try:
        decoded = decode_token(_read_token(args.token))
    except TokenFormatError as error:
        # JSON: the stable code and the English message (for logs), and the text in --lang
        _print_json({"error": {"code": error.code, "message": error.message, "text": error.text(args.lang)}})
        return EXIT_INVALID
    _print_json(_decoded_view(decoded, args.lang))
    return EXIT_OK


def _decoded_view(decoded: DecodedToken, lang: str = "en") -> dict[str, Any]:
    times = {name: utc_iso(decoded.claims[name]) for name in TIME_CLAIMS if name in decoded.claims}
    return {
        "header": decoded.header,
        "claims": decoded.claims,
        "token_type": token_kind(decoded.claims),
        "times_utc": times,
        "note_code": "decoded_only",  # stable, for scripts; the note in the chosen language
        "note": i18n.text("cli.decode.decoded_only", lang),
    }


# --- verify ---------------------------------------------------------------------------------


def _add_verify_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("token", help="the JWT, with or without 'Bearer '; '-' reads stdin")
    _add_key_and_expectation_arguments(parser)
    parser.add_argument("--offline", action="store_true",
                        help="fetch no keys: diagnose what is knowable without them")
    parser.add_argument("--format", choices=("json", "text"), default="json",
                        help="json (default; stable codes) or text for people, in --lang")


def run_verify(args: argparse.Namespace) -> int:
    text = _read_token(args.token)
    expect = _expectations(args)
    # Read first: a bad --jwks FILE is a usage error, whatever the token.
    keys_file = _read_keys_file(args.jwks) if args.jwks and not _is_url(args.jwks) else None
    try:
        decoded: DecodedToken | str = decode_token(text)  # decoded once, used for keys and verdict
    except TokenFormatError:
        decoded = text  # the verdict is "malformed" whatever the keys
    keys, problem = keys_file, None
    if keys_file is None and not isinstance(decoded, str):
        keys, problem = _keys_for_token(args, decoded, expect)
    verification = verify_token(decoded, keys, expect)
    diagnosis = diagnose(verification, expect, key_problem=problem)
    if problem is not None:
        print(i18n.text("cli.verify.warning_keys", args.lang, detail=problem.text(args.lang)), file=sys.stderr)
    if args.format == "text":
        _print_diagnosis(diagnosis, verification.claims, args.lang)
    else:
        document = verification.to_dict(include_token=not isinstance(decoded, str), lang=args.lang)
        _print_json({**document, "diagnosis": diagnosis.to_dict(args.lang)})
    return EXIT_OK if verification.valid else EXIT_INVALID


def _keys_for_token(args: argparse.Namespace, decoded: DecodedToken,
                    expect: Expectations) -> tuple[KeySet | None, JwksError | None]:
    """Keys fetched from --jwks URL, the expected issuer or the token's own `iss` (which
    `JwksSource` accepts only in the exact Cognito shape). A fetch that fails is not fatal: it
    leaves the signature unchecked, and the diagnosis says so."""
    if args.offline:
        return None, None
    kid = decoded.header.get("kid")
    issuer = expect.issuer or decoded.claims.get("iss")
    try:
        return _fetch_keys(args, kid if isinstance(kid, str) else None, issuer), None
    except (JwksError, UsageError) as error:
        problem = error if isinstance(error, JwksError) else JwksError("untrusted_url", error.message, error.key, error.params)
        return None, problem


def _print_diagnosis(diagnosis: Diagnosis, claims: dict[str, Any], lang: str) -> None:
    say = functools.partial(i18n.text, lang=lang)
    print(f"{say('cli.verify.headline')}: [{diagnosis.headline.code}] {diagnosis.headline.text(lang)}")
    for title, findings in (("cli.verify.findings", diagnosis.findings),
                            ("cli.verify.facts", diagnosis.facts),
                            ("cli.verify.settle", diagnosis.settle)):
        if findings:
            print(f"\n{say(title)}:")
            for finding in findings:
                print(f"  - [{finding.code}] {finding.text(lang)}")
    if claims:
        print(f"\n{say('cli.verify.claims')}:")
        print(json.dumps(claims, indent=2, ensure_ascii=False))


def _fetch_keys(args: argparse.Namespace, kid: str | None, issuer: object) -> KeySet:
    if not args.jwks and not isinstance(issuer, str):
        raise UsageError("no keys: give --jwks FILE_OR_URL, --user-pool-id or --issuer")
    source = JwksSource(args.jwks, timeout=args.timeout)
    keys = source.keys_for(kid, issuer if isinstance(issuer, str) else None)
    _warn_about(keys)
    return keys


def _read_keys_file(path: str) -> KeySet:
    keys = read_jwks_file(path)
    _warn_about(keys)
    return keys


def _warn_about(keys: KeySet) -> None:
    for problem in keys.problems:
        print(f"warning: JWKS: {problem}", file=sys.stderr)


# --- audit ----------------------------------------------------------------------------------


def _add_audit_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="one token per line, Authorization header lines, CSV or "
                        "JSON lines; '-' reads stdin")
    _add_key_and_expectation_arguments(parser)
    parser.add_argument("--field", help="CSV column / JSON field holding the token (default: auto)")
    parser.add_argument("--json", action="store_true", help="print JSON lines instead of a table")
    parser.add_argument("--workers", type=_positive_int, default=2, help="processes (default 2)")
    parser.add_argument("--offline", action="store_true",
                        help="fetch no keys: judge every claim, leave signatures unchecked")


def run_audit(args: argparse.Namespace) -> int:
    expect = _expectations(args)
    lines = _read_lines(args.file)  # before any download: a typo in FILE should cost nothing
    keys = _keys_for_audit(args, expect)
    rows = audit_tokens(lines, keys, expect, workers=args.workers, field=args.field)
    summary = summarize(rows)
    if args.json:
        _print_audit_json(rows, summary, args.lang)
    else:
        _print_audit_table(rows, summary, args.lang)
    return EXIT_OK if all(row.verdict == "valid" for row in rows) else EXIT_INVALID


def _keys_for_audit(args: argparse.Namespace, expect: Expectations) -> KeySet | None:
    """The keys, or None when they can't be fetched: the audit then still judges every claim
    (a token of another pool is still wrong_issuer) and says the signatures are unchecked."""
    if args.jwks and not _is_url(args.jwks):
        return _read_keys_file(args.jwks)
    if not args.jwks and not expect.issuer:
        raise UsageError("audit needs --jwks FILE_OR_URL, --user-pool-id or --issuer")
    if args.offline:
        return None
    try:
        return _fetch_keys(args, None, expect.issuer)
    except JwksError as error:
        if error.code in ("untrusted_url", "invalid_url"):
            raise  # the issuer or URL given is not one keys may be fetched from: a usage error
        print(f"{i18n.text('audit.keys_unavailable', args.lang)} ({error.text(args.lang)})", file=sys.stderr)
        return None


def _print_audit_json(rows: Sequence[AuditRow], summary: dict[str, int], lang: str) -> None:
    for row in rows:
        print(json.dumps(dict(zip(COLUMNS, row.shown(lang))), ensure_ascii=False))
    print(json.dumps({"summary": summary, "tokens": len(rows)}))


def _print_audit_table(rows: Sequence[AuditRow], summary: dict[str, int], lang: str) -> None:
    columns = ("line", "verdict", "reason", "token_type", "user", "client", "expires")
    table = [columns] + [tuple(str(getattr(row, name)) for name in columns) for row in rows]
    widths = [min(40, max(len(line[i]) for line in table)) for i in range(len(columns))]
    for line in table:
        print("  ".join(cell[:40].ljust(width) for cell, width in zip(line, widths)).rstrip())
    print()
    for explanation in explain_reasons(summary, lang):
        print(explanation)
    counts = ", ".join(f"{reason} {count}" for reason, count in summary.items())
    key = "audit.summary" if counts else "audit.summary_none"
    print(i18n.text(key, lang, count=len(rows), counts=counts))


# --- shared options -------------------------------------------------------------------------


def _add_key_and_expectation_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--jwks", metavar="FILE_OR_URL", help="JWKS file or URL (default: the "
                        "user pool's jwks.json, from --user-pool-id, --issuer or the token's iss)")
    issuer = parser.add_mutually_exclusive_group()
    issuer.add_argument("--user-pool-id", help="expected user pool, e.g. us-east-1_AbC123")
    issuer.add_argument("--issuer", help="expected iss, e.g. "
                        "https://cognito-idp.<region>.amazonaws.com/<userPoolId>")
    parser.add_argument("--region", help="region of --user-pool-id (default: its prefix)")
    parser.add_argument("--client-id", action="append", default=[],
                        help="accepted app client id (repeatable)")
    parser.add_argument("--token-use", choices=("id", "access"), help="accepted token type")
    parser.add_argument("--scope", action="append", default=[],
                        help="required scope; any one suffices, as in API Gateway (repeatable)")
    parser.add_argument("--group", action="append", default=[],
                        help="required cognito:groups member; all are needed (repeatable)")
    parser.add_argument("--grace-seconds", type=_non_negative_int, default=0,
                        help="clock skew allowed on exp and nbf")
    parser.add_argument("--timeout", type=_positive_float, default=5.0,
                        help="JWKS download timeout in seconds (default 5)")
    parser.add_argument("--lang", choices=tuple(i18n.LANGUAGES), default=default_language(),
                        help="language of the messages (default: from LC_ALL / LANG, else en)")


def default_language(environ: Mapping[str, str] = os.environ) -> str:
    """`ja` when the locale says Japanese (LANG=ja_JP.UTF-8), else English."""
    locale_name = environ.get("LC_ALL") or environ.get("LANG") or ""
    return "ja" if locale_name.lower().startswith("ja") else "en"


def _expectations(args: argparse.Namespace) -> Expectations:
    return Expectations(
        issuer=_expected_issuer(args),
        client_ids=tuple(args.client_id),
        token_use=args.token_use,
        scopes=tuple(args.scope),
        groups=tuple(args.group),
        grace_seconds=args.grace_seconds,
    )


def _expected_issuer(args: argparse.Namespace) -> str | None:
    if not args.user_pool_id:
        if args.region:
            raise UsageError("--region only applies to --user-pool-id")
        return args.issuer
    match = USER_POOL_ID.fullmatch(args.user_pool_id)
    if not match:
        raise UsageError(f"--user-pool-id {args.user_pool_id!r} is not a user pool id "
                         "like us-east-1_AbC123")
    region = args.region or match.group(1)
    if not re.fullmatch(r"[a-z0-9-]+", region, re.ASCII):
        raise UsageError(f"--region {region!r} is not a region name like eu-west-1")
    return cognito_issuer(region, args.user_pool_id)


def _non_negative_int(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value


def _positive_float(text: str) -> float:
    value = float(text)
    if not value > 0:  # also refuses nan
        raise argparse.ArgumentTypeError("must be more than 0")
    return value


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


# --- input and output -----------------------------------------------------------------------


def _read_token(argument: str) -> str:
    return sys.stdin.read() if argument == "-" else argument


def _read_lines(path: str) -> Iterable[str]:
    if path == "-":
        return sys.stdin
    try:
        with open(path, encoding="utf-8", errors="replace") as file:
            return file.readlines()
    except OSError as error:
        raise UsageError(f"cannot read {path!r}: {error.strerror}") from None


def _is_url(text: str) -> bool:
    return text.startswith(("https://", "http://"))


def _print_json(value: object) -> None:
    print(json.dumps(value, indent=2, ensure_ascii=False))


# --- entry point ----------------------------------------------------------------------------

COMMANDS: tuple[Command, ...] = (
    Command("decode", "show a token's header and claims (nothing is verified)",
            _add_decode_arguments, run_decode),
    Command("verify", "verify a token against a JWKS and what the API expects",
            _add_verify_arguments, run_verify),
    Command("audit", "verify many tokens from a file and count the verdicts",
            _add_audit_arguments, run_audit),
    Command("walkthrough", "run all four legs against the sandbox or AWS; non-zero exit if a leg fails",
            add_walkthrough_arguments, run_walkthrough_command),
    Command("predict", "the decision of every route of a topology for one token; exit 0 only if all let it through",
            add_predict_arguments, run_predict),
    Command("exercise", "list the exercises, or dry-run one on the sandbox (set-up, fix, reset)",
            add_exercise_arguments, run_exercise),
)


def build_parser(commands: Sequence[Command] = COMMANDS) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m flows", description="Cognito Lab on the command line: token tools and the walkthrough.")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in commands:
        subparser = subparsers.add_parser(command.name, help=command.help, description=command.help)
        command.add_arguments(subparser)
        subparser.set_defaults(run=command.run)
    return parser


def main(argv: Sequence[str] | None = None, commands: Sequence[Command] = COMMANDS) -> int:
    parser = build_parser(commands)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_request:  # argparse exits 2 on bad usage, 0 after --help
        return exit_request.code if isinstance(exit_request.code, int) else EXIT_USAGE
    try:
        return args.run(args)
    except (UsageError, JwksError, AuditInputError) as error:
        lang = getattr(args, "lang", "en")
        print(i18n.text("cli.error", lang, reason=error.text(lang)), file=sys.stderr)
        return EXIT_USAGE
