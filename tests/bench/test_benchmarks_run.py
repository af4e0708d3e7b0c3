"""`bench/run_all.py --quick` runs every benchmark and reports each figure next to its baseline.

Speed is reported, not asserted: there are no timing thresholds here. What must hold is that
every benchmark ran, the load had no errors, and every session's topology was released.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.browser  # cold_start and load drive Chromium

STEPS = ("open", "sign_in", "tokens", "identity_pool", "api_call")


def _positive(result: dict, *names: str) -> None:
    for name in names:
        value = result[name]
        assert isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0, (name, value)


def _quick_benchmarks() -> set[str]:
    return {path.stem for path in (ROOT / "bench").glob("*.py")
            if path.stem not in ("run_all", "hello_app") and "--quick" in path.read_text(encoding="utf-8")}


@pytest.fixture(scope="module")
def results() -> dict:
    done = subprocess.run([sys.executable, "bench/run_all.py", "--quick"], cwd=ROOT,
                          capture_output=True, text=True, timeout=560)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    printed = json.loads(done.stdout)
    assert isinstance(printed, dict)
    return printed


@pytest.mark.timeout(600)
def test_run_all_quick_reports_every_benchmark_with_its_baseline(results: dict):
    assert {"cold_start", "verify_bench", "load"} | _quick_benchmarks() <= results.keys()
    assert not [name for name, result in results.items() if "error" in result]

    cold_start = results["cold_start"]
    _positive(cold_start, "dashboard_median_s", "hello_world_median_s", "dashboard_over_hello_world")

    verify = results["verify_bench"]
    _positive(verify, "verify_token_us", "bare_rsa_verify_us", "ratio",
              "audit_tokens_per_second", "audit_tokens_per_second_1_worker", "audit_speedup")

    load = results["load"]
    assert load["users"] == 3
    _positive(load["single_user_s"], *STEPS)
    for step in STEPS:
        _positive(load["load"][step], "p50_s", "p95_s")
        assert load["load"][step]["completed"] == 3
    _positive(load["p50_over_single_user"], *STEPS)
    _positive(load["memory_mb"], "vm_hwm", "rss_peak_sampled")


@pytest.mark.timeout(600)
def test_the_quick_load_had_no_errors_and_released_every_topology(results: dict):
    load = results["load"]
    assert (load["errors"], load["single_user_error"]) == (0, None), load["error_details"]
    release = load["release"]
    assert release["all_released"] is True and release["seconds"] is not None
    assert release["single_user_released_s"] is not None
    assert load["dashboard_log_tracebacks"] == 0
