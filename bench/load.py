"""Load: N attendees walk through the four legs at the same time on ONE dashboard process.
Prints one JSON object.

One `streamlit run dashboard.py` (its sandbox on a port picked here, the reaper every 2 s,
disconnected sessions resumable for 10 s instead of Streamlit's 120) and
one Chromium with N browser contexts, driven concurrently (Playwright's async API). In the same
run, first ONE attendee alone (the baseline), then N together. Reported:

- per step (open = first page with the session's topology seeded, sign_in, tokens,
  identity_pool, api_call): wall seconds from the learner's click to the step's success text;
  p50 and p95 under load, the single attendee's time, and p50 under load / single;
- errors: steps that did not show their success text within `--timeout` (and steps skipped after);
- the dashboard process's memory: VmHWM from /proc/<pid>/status, and VmRSS sampled while running;
- release: after every context closed, seconds until the sandbox's user pools (one per session's
  topology) are back to their count before the run (the sandbox's own `/_sandbox/user-pool-count`),
  or a failure after `--release-timeout`.

    .venv/bin/python bench/load.py [--users N] [--quick] [--timeout SECONDS] [--ramp SECONDS]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Awaitable, Callable, Iterator

import requests
from playwright.async_api import Browser, Page, async_playwright, expect
from playwright.async_api import Error as PlaywrightError

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run standalone from anywhere

from sandbox import ONE_PERSON_SPARES, SPARES_VARIABLE  # noqa: E402
from sandbox.topology import USERS  # noqa: E402  (the seeded users every session's topology has)

PASSWORDS = {user["username"]: user["password"] for user in USERS}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
STEPS = ("open", "sign_in", "tokens", "identity_pool", "api_call")
USERNAMES = ("alice", "bob", "carol")  # the seeded users who sign in with a password alone
STATUS = "[data-testid='stStatusWidget']"
# How long Streamlit keeps a disconnected session resumable (its default is 120 s). A dashboard
# that keeps the topology of a resumable session would otherwise need that long to release it.
RESUMABLE_SECONDS = 10
REAPER_SECONDS = 2
# A topology is released when its session's resume code has been idle this long (ui/resume.py);
# the benchmarks shorten the classroom default (120 minutes) to measure the release.
RESUME_IDLE_SECONDS = 30
# Topologies the dashboard keeps seeded ahead for new sessions (sandbox/sessions.py), here as for
# one person (this check runs a few users). They are the sandbox's user pools when no session
# holds one, so "released" means down to these.
SPARE_TOPOLOGIES = ONE_PERSON_SPARES


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- the dashboard process ------------------------------------------------------------------------


@dataclass
class Dashboard:
    process: subprocess.Popen[bytes]
    url: str
    sandbox_endpoint: str
    log_path: Path

    def status_kb(self, field_name: str) -> int:
        """A VmRSS / VmHWM line of /proc/<pid>/status, in kB (0 once the process is gone)."""
        try:
            text = Path(f"/proc/{self.process.pid}/status").read_text()
        except OSError:
            return 0
        match = re.search(rf"^{field_name}:\s+(\d+) kB", text, re.MULTILINE)
        return int(match[1]) if match else 0

    def tracebacks(self) -> int:
        return self.log_path.read_text(encoding="utf-8", errors="replace").count("Traceback")


@contextmanager
def dashboard_process(log_dir: Path, spares: int = SPARE_TOPOLOGIES) -> Iterator[Dashboard]:
    port, sandbox_port = free_port(), free_port()
    log_path = log_dir / "dashboard.log"
    env = {**os.environ, "COGNITO_LAB_SANDBOX_PORT": str(sandbox_port), "COGNITO_LAB_REAPER_SECONDS": str(REAPER_SECONDS),
           "COGNITO_LAB_RESUME_IDLE_MINUTES": str(RESUME_IDLE_SECONDS / 60),
           SPARES_VARIABLE: str(spares)}
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.port", str(port),
             "--server.headless", "true", "--server.address", "127.0.0.1",
             "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false",
             "--server.disconnectedSessionTTL", str(RESUMABLE_SECONDS)],
            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=env)
    dashboard = Dashboard(process, f"http://127.0.0.1:{port}", f"http://127.0.0.1:{sandbox_port}", log_path)
    try:
        wait_healthy(dashboard)
        yield dashboard
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_healthy(dashboard: Dashboard, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if dashboard.process.poll() is not None:
            raise RuntimeError(f"streamlit exited with {dashboard.process.returncode}")
        try:
            if requests.get(f"{dashboard.url}/_stcore/health", timeout=2).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise TimeoutError("the dashboard did not start")


class MemorySampler:
    """VmRSS of the dashboard process, sampled in a thread while the attendees run."""

    def __init__(self, dashboard: Dashboard, every_seconds: float = 0.25) -> None:
        self._dashboard, self._every = dashboard, every_seconds
        self.samples_kb: list[int] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.samples_kb.append(self._dashboard.status_kb("VmRSS"))
            self._stop.wait(self._every)

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


def _proc_stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2:].split()  # fields from the 3rd (state) on; comm may hold spaces


def process_tree_cpu_s(root_pid: int, exclude: frozenset[int] = frozenset()) -> float:
    """CPU seconds used by root_pid's descendants (not root_pid itself, nor `exclude` and their
    descendants): user + system of the living ones, plus what they collected from their reaped
    children (a closed context's renderer is reaped by Chromium)."""
    children: dict[int, list[int]] = {}
    stats: dict[int, list[str]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _proc_stat(int(entry.name))):
            stats[int(entry.name)] = fields
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    ticks, pending = 0, list(children.get(root_pid, []))
    while pending:
        pid = pending.pop()
        if pid in exclude:
            continue
        ticks += sum(int(value) for value in stats[pid][11:15])  # utime stime cutime cstime
        pending += children.get(pid, [])
    return ticks / os.sysconf("SC_CLK_TCK")


def own_cpu_s(pid: int) -> float:
    fields = _proc_stat(pid)
    return sum(int(value) for value in fields[11:13]) / os.sysconf("SC_CLK_TCK") if fields else 0.0


def machine_busy_cpu_s() -> float:
    values = [int(value) for value in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return (sum(values[:8]) - values[3] - values[4]) / os.sysconf("SC_CLK_TCK")  # minus idle, iowait


@dataclass
class CpuMeter:
    """CPU seconds over a phase: the dashboard process, this benchmark's Chromium, the machine."""

    dashboard_pid: int
    start: tuple[float, float, float] = (0.0, 0.0, 0.0)

    def _now(self) -> tuple[float, float, float]:
        return (own_cpu_s(self.dashboard_pid),
                process_tree_cpu_s(os.getpid(), frozenset({self.dashboard_pid})), machine_busy_cpu_s())

    def begin(self) -> None:
        self.start = self._now()

    def end(self) -> dict[str, float]:
        dashboard, chromium, machine = (round(now - then, 1) for now, then in zip(self._now(), self.start))
        return {"dashboard": dashboard, "chromium_and_playwright": chromium, "whole_machine_busy": machine}


# --- the sandbox's topologies -------------------------------------------------------------------


def user_pool_count(sandbox_endpoint: str) -> int:
    """User pools in the sandbox (one per seeded topology); -1 before it listens. Read from the
    sandbox-only count: ListUserPools now shows a caller its own pools only (sandbox.access)."""
    try:
        response = requests.get(f"{sandbox_endpoint}/_sandbox/user-pool-count", timeout=10)
        return int(response.json()["UserPools"]) if response.ok else -1
    except (requests.RequestException, ValueError, KeyError):  # not listening yet, or busy: the caller polls again
        return -1


def wait_for_pools(sandbox_endpoint: str, wanted: int, timeout: float, since: float | None = None) -> float | None:
    """Seconds (from `since`, default now) until the sandbox holds `wanted` user pools or fewer;
    None after `timeout`."""
    started = time.monotonic() if since is None else since
    while time.monotonic() - started < timeout:
        if 0 <= user_pool_count(sandbox_endpoint) <= wanted:
            return round(time.monotonic() - started, 2)
        time.sleep(0.25)
    return None


def wait_for_release(sandbox_endpoint: str, settled: int, sessions: int, timeout: float,
                     since: float | None = None) -> float | None:
    """Seconds (from `since`, default now) until `sessions` topologies are released, leaving
    `settled` pools (the spares, and any other sessions'). The dashboard seeds again the spares
    the sessions took, so first wait (at most a resume code's idle time) for the count to show
    every session's topology next to a full set of spares, then for it to fall back."""
    started = time.monotonic() if since is None else since
    while time.monotonic() - started < RESUME_IDLE_SECONDS and user_pool_count(sandbox_endpoint) < settled + sessions:
        time.sleep(0.25)
    return wait_for_pools(sandbox_endpoint, settled, timeout, since=started)


# --- one attendee -------------------------------------------------------------------------------


@dataclass
class Walkthrough:
    username: str
    seconds: dict[str, float] = field(default_factory=dict)
    failed_step: str | None = None
    error: str | None = None
    page_said: list[str] = field(default_factory=list)  # the alerts on screen when a step failed


async def idle(page: Page, timeout_ms: float) -> None:
    await page.wait_for_timeout(300)
    await expect(page.locator(STATUS)).to_have_count(0, timeout=timeout_ms)


async def choose_user(page: Page, username: str, timeout_ms: float) -> None:
    """Pick the user; a rerun that lands while the list is open closes it, so try again."""
    field_ = page.get_by_label("User", exact=True)
    for _ in range(5):
        if re.match(rf"{username}\b", await field_.input_value()):
            break
        await idle(page, timeout_ms)
        await field_.click()
        try:
            await page.get_by_role("option", name=re.compile(rf"^{username}\b")).click(timeout=5_000)
        except PlaywrightError:
            await page.keyboard.press("Escape")
    await expect(field_).to_have_value(re.compile(rf"^{username}\b"), timeout=timeout_ms)
    # The page pre-fills each user's own password field. Until the run that draws this user's has
    # finished, a click on "Sign in" sends no password for them (NotAuthorizedException): wait.
    # On a busy machine the pre-filled field may not come (a rerun racing the pick): then type it,
    # as a learner would, and leave the field so Streamlit takes the value.
    password = page.get_by_label("Password", exact=True)
    try:
        await expect(password).to_have_value(PASSWORDS[username], timeout=min(timeout_ms, 15_000))
    except AssertionError:
        await password.fill(PASSWORDS[username])
        await password.press("Tab")
        await expect(password).to_have_value(PASSWORDS[username], timeout=timeout_ms)


async def step_open(page: Page, url: str, timeout_ms: float) -> None:
    await page.goto(url, timeout=timeout_ms)
    await expect(page.locator("[data-testid='stSidebar'] [data-testid='stCode']").first).to_be_visible(timeout=timeout_ms)
    await expect(page.get_by_text("four legs").first).to_be_visible(timeout=timeout_ms)


async def prepare_sign_in(page: Page, username: str, timeout_ms: float) -> None:
    """Not timed: the learner picks the page and the user."""
    await idle(page, timeout_ms)
    await page.locator("[data-testid='stSidebarNavLink'][href$='/sign_in']").click()
    await expect(page.get_by_role("button", name="Sign in", exact=True)).to_be_visible(timeout=timeout_ms)
    await idle(page, timeout_ms)
    await choose_user(page, username, timeout_ms)
    await idle(page, timeout_ms)


async def step_sign_in(page: Page, timeout_ms: float) -> None:
    await page.get_by_role("button", name="Sign in", exact=True).click(timeout=timeout_ms)
    await expect(page.get_by_text("Signed in: the user pool returned")).to_be_visible(timeout=timeout_ms)


async def step_tokens(page: Page, timeout_ms: float) -> None:
    await page.get_by_role("link", name="Next: look inside the tokens").click(timeout=timeout_ms)
    verified = page.get_by_text("Signature verified against the user pool's JWKS")
    await expect(verified).to_have_count(2, timeout=timeout_ms)


async def step_identity_pool(page: Page, timeout_ms: float) -> None:
    await page.get_by_role("link", name="Next: exchange the ID token").click(timeout=timeout_ms)
    await page.get_by_role("button", name="Exchange the ID token for AWS credentials").click(timeout=timeout_ms)
    success = page.get_by_text(re.compile(r"^Credentials for identity "))
    await expect(success).to_be_visible(timeout=timeout_ms)


async def step_api_call(page: Page, timeout_ms: float) -> None:
    await page.get_by_role("link", name="Next: call the API").click(timeout=timeout_ms)
    await page.get_by_role("button", name="Call with the ID token").click(timeout=timeout_ms)
    success = page.get_by_test_id("stAlertContentSuccess").get_by_text("HTTP 200", exact=True)
    await expect(success).to_be_visible(timeout=timeout_ms)


async def what_the_page_says(page: Page) -> list[str]:
    try:
        alerts = await page.locator("[data-testid='stAlert'], [data-testid='stException']").all_inner_texts()
    except PlaywrightError:
        return []
    return [" ".join(text.split())[:200] for text in alerts[:3]]


async def walk_through(browser: Browser, url: str, username: str, timeout_ms: float) -> Walkthrough:
    result = Walkthrough(username)
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    page = await context.new_page()
    page.set_default_timeout(timeout_ms)
    timed: list[tuple[str, Callable[[], Awaitable[None]]]] = [
        ("open", lambda: step_open(page, url, timeout_ms)),
        ("sign_in", lambda: step_sign_in(page, timeout_ms)),
        ("tokens", lambda: step_tokens(page, timeout_ms)),
        ("identity_pool", lambda: step_identity_pool(page, timeout_ms)),
        ("api_call", lambda: step_api_call(page, timeout_ms)),
    ]
    try:
        for name, run in timed:
            if name == "sign_in":
                await prepare_sign_in(page, username, timeout_ms)
            elif name != "open":
                await idle(page, timeout_ms)  # the previous step's run has settled
            started = time.monotonic()
            await run()
            result.seconds[name] = time.monotonic() - started
    except (PlaywrightError, AssertionError) as error:
        result.failed_step = next(name for name, _ in timed if name not in result.seconds)
        result.error = str(error).splitlines()[0][:300]
        result.page_said = await what_the_page_says(page)
    finally:
        await context.close()
    return result


async def run_attendees(browser: Browser, url: str, users: int, timeout_ms: float,
                        ramp_s: float = 0.0) -> list[Walkthrough]:
    """All at once, or arriving evenly over `ramp_s` seconds."""
    async def attendee(number: int) -> Walkthrough:
        await asyncio.sleep(ramp_s * number / users)
        return await walk_through(browser, url, USERNAMES[number % len(USERNAMES)], timeout_ms)

    return list(await asyncio.gather(*(attendee(number) for number in range(users))))


# --- figures --------------------------------------------------------------------------------------


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def step_figures(walkthroughs: list[Walkthrough]) -> dict[str, dict[str, float | int]]:
    figures = {}
    for step in STEPS:
        times = [w.seconds[step] for w in walkthroughs if step in w.seconds]
        if times:
            figures[step] = {"p50_s": round(statistics.median(times), 3), "p95_s": round(percentile(times, 0.95), 3),
                             "max_s": round(max(times), 3), "completed": len(times)}
        else:
            figures[step] = {"completed": 0}
    return figures


def error_figures(walkthroughs: list[Walkthrough]) -> dict[str, Any]:
    failed = [w for w in walkthroughs if w.failed_step]
    skipped = sum(len(STEPS) - STEPS.index(w.failed_step) - 1 for w in failed)  # type: ignore[arg-type]
    return {"errors": len(failed), "steps_skipped_after_an_error": skipped,
            "error_details": [{"user": w.username, "step": w.failed_step, "error": w.error, "page_said": w.page_said}
                              for w in failed[:5]]}


def megabytes(kb: int) -> float:
    return round(kb / 1024, 1)


# --- the run --------------------------------------------------------------------------------------


async def measure(dashboard: Dashboard, users: int, timeout_ms: float, release_timeout: float,
                  ramp_s: float) -> dict[str, Any]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            # A first session starts the sandbox (one per process) and imports everything, as the
            # trainer does before the class; the first visit goes to the root (see the README).
            warm_up = await run_attendees(browser, dashboard.url, 1, timeout_ms)
            empty = wait_for_release(dashboard.sandbox_endpoint, SPARE_TOPOLOGIES, 1, release_timeout)
            single = await run_attendees(browser, dashboard.url, 1, timeout_ms)
            single_release = wait_for_release(dashboard.sandbox_endpoint, SPARE_TOPOLOGIES, 1, release_timeout)
            before = user_pool_count(dashboard.sandbox_endpoint)
            rss_before = dashboard.status_kb("VmRSS")
            cpu = CpuMeter(dashboard.process.pid)
            cpu.begin()
            started = time.monotonic()
            with MemorySampler(dashboard) as sampler:
                walkthroughs = await run_attendees(browser, dashboard.url, users, timeout_ms, ramp_s)
            closed = time.monotonic()  # each attendee closes its context as it finishes
            wall = closed - started
            cpu_s = cpu.end()
            at_end = user_pool_count(dashboard.sandbox_endpoint)
            release = wait_for_release(dashboard.sandbox_endpoint, max(before, SPARE_TOPOLOGIES), users,
                                       release_timeout, since=closed)
        finally:
            await browser.close()
    return {
        "warm_up_ok": warm_up[0].failed_step is None and empty is not None,
        "single": single[0], "single_released_s": single_release,
        "walkthroughs": walkthroughs, "wall_s": wall, "cpu_s": cpu_s, "before": before, "at_end": at_end, "release_s": release,
        "rss_before_kb": rss_before, "rss_samples_kb": sampler.samples_kb,
        "rss_after_kb": dashboard.status_kb("VmRSS"), "hwm_kb": dashboard.status_kb("VmHWM"),
    }


def report(users: int, timeout_s: float, ramp_s: float, release_timeout: float, measured: dict[str, Any],
           tracebacks: int) -> dict[str, Any]:
    single: Walkthrough = measured["single"]
    load = step_figures(measured["walkthroughs"])
    ratios = {step: round(load[step]["p50_s"] / single.seconds[step], 2)
              for step in STEPS if "p50_s" in load[step] and single.seconds.get(step)}
    samples = measured["rss_samples_kb"] or [0]
    return {
        "benchmark": "load", "users": users, "ramp_s": ramp_s, "cpu_count": os.cpu_count(),
        "step_timeout_s": timeout_s,
        "steps": list(STEPS),
        "single_user_s": {step: round(seconds, 3) for step, seconds in single.seconds.items()},
        "single_user_error": single.error,
        "load": load,
        "p50_over_single_user": ratios,
        **error_figures(measured["walkthroughs"]),
        "load_wall_s": round(measured["wall_s"], 2),
        # Where the machine's CPU went during the load: the dashboard (one Python process, so at
        # most about one core of it is Python) versus the N browsers, which in a class run on
        # the attendees' own laptops.
        "load_cpu_s": measured["cpu_s"],
        "memory_mb": {"vm_hwm": megabytes(measured["hwm_kb"]), "rss_peak_sampled": megabytes(max(samples)),
                      "rss_mean_sampled": megabytes(int(statistics.mean(samples))),
                      "rss_before_load": megabytes(measured["rss_before_kb"]),
                      "rss_after_release": megabytes(measured["rss_after_kb"]), "samples": len(samples)},
        "release": {"user_pools_before": measured["before"], "user_pools_when_all_contexts_closed": measured["at_end"],
                    "all_released": measured["release_s"] is not None, "seconds": measured["release_s"],
                    "timeout_s": release_timeout, "reaper_interval_s": REAPER_SECONDS,
                    "streamlit_disconnected_session_ttl_s": RESUMABLE_SECONDS,
                    "single_user_released_s": measured["single_released_s"]},
        "warm_up_ok": measured["warm_up_ok"],
        "dashboard_log_tracebacks": tracebacks,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=30, help="concurrent attendees (default 30)")
    parser.add_argument("--quick", action="store_true", help="3 attendees (CI)")
    parser.add_argument("--timeout", type=float, help="seconds a step may take (default 180; 90 with --quick)")
    parser.add_argument("--ramp", type=float, default=0.0, help="seconds over which the attendees arrive (default 0: all at once)")
    parser.add_argument("--release-timeout", type=float, help="seconds to wait for the release (default 120; 60 with --quick)")
    args = parser.parse_args()
    users = 3 if args.quick else args.users
    timeout_s = args.timeout or (90 if args.quick else 180)
    release_timeout = args.release_timeout or (60 if args.quick else 120)
    with tempfile.TemporaryDirectory(prefix="cognito-lab-load-") as log_dir:
        with dashboard_process(Path(log_dir)) as dashboard:
            measured = asyncio.run(measure(dashboard, users, timeout_s * 1000, release_timeout, args.ramp))
            tracebacks = dashboard.tracebacks()
    print(json.dumps(report(users, timeout_s, args.ramp, release_timeout, measured, tracebacks)))


if __name__ == "__main__":
    main()
