"""Cold start: seconds from `streamlit run` to the first page fully rendered in Chromium,
for the dashboard and, in the same run, for a hello-world Streamlit app. Prints one JSON object.

    .venv/bin/python bench/cold_start.py [--repeats N] [--quick]
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

from playwright.sync_api import Browser, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_streamlit(script: Path, port: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
         "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_until_listening(port: int, deadline: float) -> None:
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.02)
    raise TimeoutError(f"nothing listened on port {port}")


def time_to_first_render(browser: Browser, script: Path, ready_text: str) -> float:
    port = free_port()
    started = time.monotonic()
    process = start_streamlit(script, port)
    try:
        wait_until_listening(port, started + 120)
        page = browser.new_page()
        page.goto(f"http://127.0.0.1:{port}/", timeout=120_000)
        page.get_by_text(ready_text).first.wait_for(timeout=120_000)
        page.locator("[data-testid='stStatusWidget']").wait_for(state="detached", timeout=120_000)
        elapsed = time.monotonic() - started
        page.close()
        return elapsed
    finally:
        process.terminate()
        process.wait(timeout=20)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="one run each (for CI)")
    args = parser.parse_args()
    repeats = 1 if args.quick else args.repeats
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        dashboard = [time_to_first_render(browser, ROOT / "dashboard.py", "four legs") for _ in range(repeats)]
        hello = [time_to_first_render(browser, ROOT / "bench" / "hello_app.py", "Hello, world") for _ in range(repeats)]
        browser.close()
    result = {
        "benchmark": "cold_start", "unit": "seconds", "repeats": repeats,
        "dashboard_median_s": round(statistics.median(dashboard), 3),
        "hello_world_median_s": round(statistics.median(hello), 3),
        "dashboard_runs_s": [round(x, 3) for x in dashboard], "hello_world_runs_s": [round(x, 3) for x in hello],
    }
    result["dashboard_over_hello_world"] = round(result["dashboard_median_s"] / result["hello_world_median_s"], 2)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
