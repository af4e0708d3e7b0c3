"""Every benchmark of bench/, one after the other (they would disturb each other in parallel),
each in its own process. Prints one JSON object, {benchmark name: its JSON result}; a benchmark
that failed (non-zero exit, no JSON, timeout) gets {"error": …} and makes the exit status 1.

    .venv/bin/python bench/run_all.py [--quick] [--timeout SECONDS]

Runs cold_start.py, verify_bench.py and load.py, then any other bench/*.py with a `--quick` flag;
not this file, nor hello_app.py (cold_start's baseline app). `--quick` is passed on to each.
Progress goes to stderr.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
ALWAYS = ("cold_start", "verify_bench", "load")
NOT_BENCHMARKS = frozenset({"run_all", "hello_app"})


def benchmarks() -> list[Path]:
    """ALWAYS first, in that order, then the other scripts that take --quick, by name."""
    others = [path for path in sorted(BENCH.glob("*.py"))
              if path.stem not in NOT_BENCHMARKS and path.stem not in ALWAYS and not path.stem.startswith("_")
              and "--quick" in path.read_text(encoding="utf-8", errors="replace")]
    return [BENCH / f"{name}.py" for name in ALWAYS] + others


def parse_result(stdout: str) -> dict[str, Any]:
    """The one JSON object a benchmark prints (the last line that is one, if it printed more)."""
    for text in [stdout.strip(), *reversed(stdout.strip().splitlines())]:
        try:
            result = json.loads(text)
        except ValueError:
            continue
        if isinstance(result, dict):
            return result
    raise ValueError("printed no JSON object")


def run_one(path: Path, quick: bool, timeout: float) -> tuple[dict[str, Any], bool]:
    """(result, ok). The result gets `run_all_wall_s`, the benchmark's whole run in seconds."""
    command = [sys.executable, str(path), *(["--quick"] if quick else [])]
    started = time.monotonic()
    try:
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:g} s"}, False
    wall = round(time.monotonic() - started, 1)
    tail = "\n".join(done.stderr.strip().splitlines()[-15:])
    if done.returncode != 0:
        return {"error": f"exit status {done.returncode}", "stderr_tail": tail, "run_all_wall_s": wall}, False
    try:
        return {**parse_result(done.stdout), "run_all_wall_s": wall}, True
    except ValueError as error:
        return {"error": str(error), "stdout_tail": done.stdout[-2000:], "stderr_tail": tail, "run_all_wall_s": wall}, False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="pass --quick to every benchmark (CI)")
    parser.add_argument("--timeout", type=float, help="seconds per benchmark (default 3600; 300 with --quick)")
    args = parser.parse_args()
    timeout = args.timeout or (300 if args.quick else 3600)
    results, failed = {}, []
    for path in benchmarks():
        print(f"run_all: {path.name}{' --quick' if args.quick else ''} …", file=sys.stderr, flush=True)
        if not path.exists():
            results[path.stem], ok = {"error": f"{path.name} is missing"}, False
        else:
            results[path.stem], ok = run_one(path, args.quick, timeout)
        if not ok:
            failed.append(path.stem)
        print(f"run_all: {path.name} {'ok' if ok else 'FAILED'}", file=sys.stderr, flush=True)
    print(json.dumps(results))
    if failed:
        print(f"run_all: failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
