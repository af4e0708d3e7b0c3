"""Audit many tokens at once: which ones are valid, and why the others are not.

Input is whatever a team has at hand: one token per line, copied `Authorization: Bearer …` header
lines, a CSV export with a token column, or JSON lines (API Gateway or application logs) with a
token field. The format is detected from the first non-blank line.

User, client and expiry are read from the payload even when the token is invalid (that is what
an audit of rejected tokens needs), so for invalid rows they are *unverified* claims. With no keys
at all (`keys=None`, e.g. offline) every claim is still judged: a token of another pool is still
`wrong_issuer`, and only tokens with nothing else wrong get `keys_unavailable`.

Rows keep the reason as a catalogue key and its parameters, and the expiry as the number the token
holds: the sentence and the date are written only for the rows someone shows, in their language.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import multiprocessing
import sys
import threading
import time
import types
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from flows.errors import FlowsError
from flows.jwks import KeySet
from flows import i18n
from flows.jwt_decode import token_kind, utc_iso
from flows.jwt_verify import Expectations, Verification, VerifyErrorCode, render_reason, verify_token

if TYPE_CHECKING:
    import pandas

__all__ = [
    "COLUMNS",
    "TOKEN_FIELDS",
    "AuditInputError",
    "AuditRow",
    "TokenInput",
    "audit_tokens",
    "explain_reasons",
    "read_tokens",
    "rows_to_csv",
    "rows_to_dataframe",
    "summarize",
]

# Column / field names tried, in order, when the caller names none.
TOKEN_FIELDS = ("token", "id_token", "access_token", "idToken", "accessToken", "IdToken",
                "AccessToken", "jwt", "authorization", "Authorization")
# Below this many tokens, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 4000
CHUNKS_PER_WORKER = 4  # several chunks per worker, so one slow chunk doesn't idle the other core
InputFormat = Literal["plain", "csv", "jsonl"]


class AuditInputError(FlowsError, ValueError):
    """The input as a whole can't be read (for instance a CSV without a token column)."""


AuditReason = Literal["valid"] | VerifyErrorCode  # "valid", or the first failed check's code


class TokenInput(NamedTuple):
    line: int  # 1-based line number in the input, to find the token again
    text: str
    problem: FlowsError | None = None  # set when the line held no token to verify


_NO_PARAMS: dict[str, Any] = {}


class AuditRow(NamedTuple):
    """One audited token. A NamedTuple: cheap to build and pickle by the hundred thousand. The
    token itself is not kept: rows get printed and exported, and a token is a bearer credential.
    `message` and `expires` are worded when read (`message_in(lang)` for another language)."""

    line: int
    verdict: Literal["valid", "invalid"]
    reason: AuditReason
    token_type: str
    user: str
    client: str
    exp: object  # the token's exp claim as it holds it; None when absent
    message_key: str = ""  # "" for a valid token
    message_params: dict[str, Any] = _NO_PARAMS

    @property
    def message(self) -> str:
        return self.message_in("en")

    def message_in(self, lang: str) -> str:
        return render_reason(self.message_key, self.message_params, lang) if self.message_key else ""

    @property
    def expires(self) -> str:
        """UTC ISO 8601, "" when absent or not a time."""
        return utc_iso(self.exp) or ""

    def shown(self, lang: str = "en") -> tuple[object, ...]:
        """The row as `COLUMNS` show it."""
        return (self.line, self.verdict, self.reason, self.message_in(lang), self.token_type,
                self.user, self.client, self.expires)


# What a table, a CSV or a DataFrame of rows shows, in this order.
COLUMNS = ("line", "verdict", "reason", "message", "token_type", "user", "client", "expires")


def audit_tokens(
    lines: Iterable[str],
    keys: KeySet | None,
    expect: Expectations,
    workers: int = 2,
    now: float | None = None,
    field: str | None = None,
) -> list[AuditRow]:
    """Verify every token in `lines`; rows come back in input order.

    Big inputs are split over `workers` processes (see `_start_method` for the one caveat).
    `keys=None`: no key set could be had; claims are still checked (see the module docstring).
    Pass `now` to audit "as of" a moment; by default one clock reading serves the whole run.
    """
    inputs = read_tokens(lines, field)
    now = time.time() if now is None else now  # one clock for the whole audit
    if workers <= 1 or len(inputs) < PARALLEL_THRESHOLD:
        return _audit_chunk(inputs, keys, expect, now)
    return _audit_in_processes(inputs, keys, expect, now, workers)


def _audit_in_processes(
    inputs: list[TokenInput], keys: KeySet | None, expect: Expectations, now: float, workers: int
) -> list[AuditRow]:
    texts = [item.text for item in inputs]
    starts, stops = _chunk_bounds(len(texts), workers * CHUNKS_PER_WORKER)
    # The tokens reach each worker once, through the initializer (a forked worker inherits them
    # without copying); a task is then just a (start, stop) range, and a result plain tuples.
    # Shipping 100,000 tokens and rows through pickle with the tasks cost this process more
    # time than the workers spent verifying.
    job = (texts, keys, expect, now)
    context = multiprocessing.get_context(_start_method())
    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_load_job, initargs=job)
    with pool:
        with _main_module_hidden():  # workers start while tasks are submitted
            parts = pool.map(_verdicts, starts, stops)
        verdicts = [verdict for part in parts for verdict in part]
    return [_problem_row(item) if item.problem else AuditRow(item.line, *verdict)
            for item, verdict in zip(inputs, verdicts)]


@contextlib.contextmanager
def _main_module_hidden() -> Iterator[None]:
    """Spawned workers re-run the parent's `__main__` file before working. Under Streamlit that
    is the page script (Streamlit installs each script as `__main__`), which must not run in a
    worker. A module without a file is what an interactive session has: nothing is re-run."""
    original = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = original


# Written only inside worker processes, by `_load_job`; always empty in the calling process.
_WORKER_JOB: dict[str, Any] = {}


def _load_job(texts: list[str], keys: KeySet | None, expect: Expectations, now: float) -> None:
    _WORKER_JOB.update(texts=texts, keys=keys, expect=expect, now=now)


def _verdicts(start: int, stop: int) -> list[tuple[Any, ...]]:
    """A worker's task: the verdict (an AuditRow without its line) of tokens start..stop."""
    job = _WORKER_JOB
    keys, expect, now = job["keys"], job["expect"], job["now"]
    return [_verdict(verify_token(text, keys, expect, now)) for text in job["texts"][start:stop]]


def _chunk_bounds(count: int, parts: int) -> tuple[list[int], list[int]]:
    size = max(1, -(-count // parts))  # ceiling division
    starts = list(range(0, count, size))
    return starts, [min(start + size, count) for start in starts]


def _start_method() -> str:
    """"fork" when this process runs no other thread: fast, and a plain script calling
    `audit_tokens` needs no `if __name__ == "__main__"` guard. Otherwise "spawn": forking a
    threaded process (the dashboard is one) can deadlock the child on a lock another thread
    held. Spawn re-imports the caller's main module, hence the guard it needs."""
    if threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods():
        return "fork"
    return "spawn"


def _audit_chunk(
    inputs: Sequence[TokenInput], keys: KeySet | None, expect: Expectations, now: float
) -> list[AuditRow]:
    return [
        _problem_row(item) if item.problem
        else AuditRow(item.line, *_verdict(verify_token(item.text, keys, expect, now)))
        for item in inputs
    ]


def _problem_row(item: TokenInput) -> AuditRow:
    return AuditRow(item.line, "invalid", "malformed", "unknown", "", "", None,
                    "verify.structure.undecodable", {"detail": item.problem})


def _verdict(verification: Verification) -> tuple[Any, ...]:
    """AuditRow's fields after `line`, in order."""
    claims, error = verification.claims, verification.error
    if error is None:
        return ("valid", "valid", token_kind(claims), _user(claims), _client(claims), claims.get("exp"))
    return ("invalid", error.code, token_kind(claims), _user(claims), _client(claims),
            claims.get("exp"), error.key, error.params)


def _user(claims: dict[str, Any]) -> str:
    return _text(claims.get("cognito:username") or claims.get("username") or claims.get("sub"))


def _client(claims: dict[str, Any]) -> str:
    return _text(claims.get("aud") or claims.get("client_id"))


def _text(value: object) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value)


def summarize(rows: Iterable[AuditRow]) -> dict[str, int]:
    """How many rows per reason ("valid" or an error code), most frequent first."""
    return dict(Counter(row.reason for row in rows).most_common())


# --- reading the input ----------------------------------------------------------------------


def read_tokens(lines: Iterable[str], field: str | None = None) -> list[TokenInput]:
    """Find the tokens in `lines`; `field` names the CSV column or JSON field holding them."""
    numbered = [(number, line.rstrip("\r\n")) for number, line in enumerate(lines, start=1)]
    content = [(number, line) for number, line in numbered if line.strip()]
    if not content:
        return []
    input_format = detect_format(content[0][1], field)
    if input_format == "jsonl":
        return [_from_json_line(number, line, field) for number, line in content]
    if input_format == "csv":
        return _from_csv(numbered, field)
    return [TokenInput(number, line) for number, line in content if not _is_comment(line)]


def _is_comment(line: str) -> bool:
    return line.lstrip().startswith("#")


def detect_format(first_line: str, field: str | None = None) -> InputFormat:
    """JSON lines start with `{`; a CSV header names a token column; anything else is a token."""
    stripped = first_line.strip()
    if stripped.startswith("{"):
        return "jsonl"
    if "," in stripped or _pick_field([stripped], field):  # a JWT never contains a comma
        header = next(csv.reader([stripped]))
        if _pick_field([cell.strip() for cell in header], field) is None:
            raise _no_field(AuditInputError, "csv", header, field)
        return "csv"
    return "plain"


def _pick_field(names: Sequence[str], field: str | None) -> str | None:
    candidates = (field,) if field else TOKEN_FIELDS
    return next((name for name in candidates if name in names), None)


def _no_field(kind: type[FlowsError], where: Literal["csv", "json"], names: Iterable[str],
              field: str | None) -> FlowsError:
    """No token field in a CSV header or a JSON line, worded from the catalogue."""
    found = ", ".join(map(str, names))[:200]
    if field:
        return kind.worded(f"audit_error.no_named_field.{where}", wanted=repr(field), found=found)
    return kind.worded(f"audit_error.no_field.{where}", wanted=", ".join(TOKEN_FIELDS), found=found)


def _from_json_line(number: int, line: str, field: str | None) -> TokenInput:
    try:
        record: Any = json.loads(line)
    except (ValueError, RecursionError):
        return TokenInput(number, "", FlowsError.worded("audit_error.line_not_json"))
    if not isinstance(record, dict):
        return TokenInput(number, "", FlowsError.worded("audit_error.line_not_object"))
    name = _pick_field(list(record), field)
    value = record.get(name) if name else None
    if not isinstance(value, str):
        return TokenInput(number, "", _no_field(FlowsError, "json", record, field))
    return TokenInput(number, value)


def _from_csv(numbered: list[tuple[int, str]], field: str | None) -> list[TokenInput]:
    first = next(index for index, (_, line) in enumerate(numbered) if line.strip())
    body = numbered[first:]
    reader = csv.DictReader(line for _, line in body)
    reader.fieldnames = [name.strip() for name in reader.fieldnames or []]
    column = _pick_field(reader.fieldnames, field) or ""
    inputs = []
    for record in reader:
        number = body[reader.line_num - 1][0]  # line_num counts physical lines read so far
        value = record.get(column)
        problem = None if value else FlowsError.worded("audit_error.empty_field", column=column)
        inputs.append(TokenInput(number, value or "", problem))
    return inputs


# --- output ---------------------------------------------------------------------------------


def rows_to_dataframe(rows: Sequence[AuditRow], lang: str = "en") -> pandas.DataFrame:
    import pandas  # imported here: it takes most of a second, and the CLI rarely needs it

    return pandas.DataFrame([row.shown(lang) for row in rows], columns=list(COLUMNS))


def rows_to_csv(rows: Iterable[AuditRow], lang: str = "en") -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(row.shown(lang) for row in rows)
    return buffer.getvalue()


def explain_reasons(summary: dict[str, int], lang: str = "en") -> list[str]:
    """One line per reason counted: its count, its code, and what it means, in `lang`."""
    return [f"{reason} {count}: {i18n.text(f'audit.reason.{reason}', lang)}"
            for reason, count in summary.items()]
