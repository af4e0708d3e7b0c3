"""flows.audit: reading tokens from the formats teams have, and auditing them in bulk."""

from __future__ import annotations

import csv
import io
import json

import pytest

import flows.audit
from flows.audit import (
    COLUMNS,
    AuditInputError,
    AuditRow,
    TokenInput,
    audit_tokens,
    read_tokens,
    rows_to_csv,
    rows_to_dataframe,
    summarize,
)
from flows.jwt_verify import Expectations
from tests.unit.jwt_fixtures import (
    CLIENT_ID,
    DROP,
    ISSUER,
    NOW,
    SUB,
    access_token,
    cognito_keys,
    id_claims,
    id_token,
    sign,
)

EXPECT = Expectations(issuer=ISSUER, client_ids=(CLIENT_ID,))


def audit(lines: list[str], **kwargs: object) -> list[AuditRow]:
    return audit_tokens(lines, cognito_keys(), EXPECT, now=NOW, **kwargs)  # type: ignore[arg-type]


# --- reading ----------------------------------------------------------------------------------


def test_plain_lines_with_headers_blank_lines_and_comments() -> None:
    token = id_token()
    lines = ["# tokens from the gateway log\n", f"{token}\n", "\n",
             f"Authorization: Bearer {token}\r\n", f"Bearer {token}"]
    inputs = read_tokens(lines)
    assert [item.line for item in inputs] == [2, 4, 5]
    assert inputs[0] == TokenInput(2, token)
    assert inputs[1].text.endswith(token)  # the prefix is stripped later, by the decoder
    assert [row.verdict for row in audit(lines)] == ["valid"] * 3


def test_csv_with_a_token_column() -> None:
    token = id_token()
    lines = ["user,token,note\n", f'alice,{token},"first, with comma"\n', "\n", f"bob,{token},\n",
             "carol,,missing\n"]
    inputs = read_tokens(lines)
    assert [(item.line, item.text == token) for item in inputs] == [(2, True), (4, True), (5, False)]
    assert inputs[2].problem.message == "empty token"


@pytest.mark.parametrize("header", ["id,access_token", "IdToken,x", "x, jwt ,y"])
def test_csv_finds_common_token_column_names(header: str) -> None:
    token = id_token()
    row = ",".join(token if name.strip() in flows.audit.TOKEN_FIELDS else "v"
                   for name in header.split(","))
    assert read_tokens([header, row])[0].text == token


def test_single_column_csv_is_recognised_by_its_header() -> None:
    token = id_token()
    inputs = read_tokens(["access_token\n", f"{token}\n"])
    assert inputs == [TokenInput(2, token)]


def test_csv_column_can_be_named() -> None:
    token = id_token()
    assert read_tokens(["who,bearer\n", f"a,{token}\n"], field="bearer")[0].text == token


def test_csv_without_a_token_column_is_an_input_error() -> None:
    with pytest.raises(AuditInputError, match="looked for one of token, id_token"):
        read_tokens(["user,when\n", "a,b\n"])
    with pytest.raises(AuditInputError, match="looked for 'bearer'"):
        read_tokens(["user,token\n"], field="bearer")


def test_json_lines_with_a_token_field() -> None:
    token = id_token()
    lines = [json.dumps({"ts": 1, "token": token}), "{not json", json.dumps({"ts": 2}),
             json.dumps({"token": 42}), "[1]", json.dumps({"authorization": f"Bearer {token}"})]
    inputs = read_tokens(lines)
    assert inputs[0] == TokenInput(1, token)
    assert inputs[1].problem.message == "line is not JSON"
    assert inputs[2].problem.message.startswith("JSON line has no token field")
    assert inputs[3].problem.message.startswith("JSON line has no token field")
    assert inputs[4].problem.message == "line is JSON but not an object"
    assert inputs[5].text == f"Bearer {token}"
    rows = audit(lines)
    assert [row.reason for row in rows] == ["valid", "malformed", "malformed", "malformed",
                                            "malformed", "valid"]


def test_json_field_can_be_named() -> None:
    token = access_token()
    lines = [json.dumps({"token": "decoy", "headers": 1, "at": token})]
    assert read_tokens(lines, field="at")[0].text == token


def test_empty_input() -> None:
    assert read_tokens([]) == [] and read_tokens(["\n", "  \n"]) == []
    assert audit([]) == [] and summarize([]) == {}


# --- auditing ---------------------------------------------------------------------------------


def test_rows_tell_verdict_reason_type_user_client_and_expiry() -> None:
    lines = [id_token(), access_token(), id_token(exp=int(NOW) - 1), "garbage"]
    rows = audit(lines)
    assert rows[0].shown() == (1, "valid", "valid", "", "id", "janedoe", CLIENT_ID,
                               "2023-11-14T23:13:20Z")
    assert rows[1].shown()[:7] == (2, "valid", "valid", "", "access", "janedoe", CLIENT_ID)
    assert (rows[2].verdict, rows[2].reason, rows[2].expires) == ("invalid", "expired",
                                                                  "2023-11-14T22:13:19Z")
    assert (rows[3].reason, rows[3].token_type, rows[3].user) == ("malformed", "unknown", "")
    assert "3 dot-separated segments" in rows[3].message


def test_user_falls_back_to_sub() -> None:
    rows = audit([sign(id_claims(**{"cognito_username": DROP}))])
    assert rows[0].user == SUB


def test_summary_counts_verdicts_by_reason() -> None:
    lines = [id_token()] * 3 + [id_token(exp=0)] * 2 + ["x"]
    assert summarize(audit(lines)) == {"valid": 3, "expired": 2, "malformed": 1}


def test_rows_never_carry_the_token() -> None:
    token = id_token()
    rows = audit([token, token[:-5]])
    assert token.split(".")[2][:20] not in rows_to_csv(rows)
    assert all(token not in str(value) for row in rows for value in row)


def test_rows_convert_to_a_dataframe_and_csv() -> None:
    rows = audit([id_token(), "x"])
    frame = rows_to_dataframe(rows)
    assert list(frame.columns) == list(COLUMNS)
    assert frame["reason"].tolist() == ["valid", "malformed"]
    parsed = list(csv.DictReader(io.StringIO(rows_to_csv(rows))))
    assert parsed[1]["reason"] == "malformed" and parsed[0]["user"] == "janedoe"


@pytest.mark.parametrize("start_method", ["fork", "spawn"])  # spawn: what a threaded dashboard gets
def test_worker_processes_give_the_same_rows_in_order(
    monkeypatch: pytest.MonkeyPatch, start_method: str
) -> None:
    monkeypatch.setattr(flows.audit, "PARALLEL_THRESHOLD", 10)
    monkeypatch.setattr(flows.audit, "_start_method", lambda: start_method)
    tokens = [id_token(), access_token(), id_token(exp=0), "junk", id_token(aud="other")]
    lines = [json.dumps({"token": token}) for token in tokens] * 8 + ["{not json"]
    in_process = audit(lines, workers=1)
    in_workers = audit(lines, workers=2)
    assert in_workers == in_process
    assert [row.line for row in in_workers] == list(range(1, 42))
    assert summarize(in_workers) == {"valid": 16, "malformed": 9, "expired": 8, "wrong_client": 8}
    assert in_workers[-1].message == "line is not JSON"


def test_small_inputs_stay_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_pool(*args: object, **kwargs: object) -> None:
        raise AssertionError("a process pool was started for a small input")

    monkeypatch.setattr(flows.audit, "ProcessPoolExecutor", no_pool)
    assert len(audit([id_token()] * 50, workers=2)) == 50


def test_spawned_workers_do_not_rerun_the_callers_main_script(
    monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    # Streamlit installs the page script as __main__; a spawned worker that re-ran it would die
    # (or start a second dashboard). The audit must still use its workers.
    import sys
    import types

    script = tmp_path / "page_script.py"
    script.write_text("raise SystemExit('a worker re-ran the caller main script')\n")
    page_module = types.ModuleType("__main__")
    page_module.__file__ = str(script)
    monkeypatch.setitem(sys.modules, "__main__", page_module)
    monkeypatch.setattr(flows.audit, "PARALLEL_THRESHOLD", 10)
    monkeypatch.setattr(flows.audit, "_start_method", lambda: "spawn")
    lines = [json.dumps({"token": id_token()})] * 20
    assert [row.verdict for row in audit(lines, workers=2)] == ["valid"] * 20
    assert sys.modules["__main__"] is page_module
