"""Classroom: N attendees walk through the four legs on ONE dashboard, as N browsers would, but
speaking Streamlit's own websocket protocol. Renders nothing. Prints one JSON object.

Each simulated attendee opens `/_stcore/stream`, sends the `BackMsg` rerun requests a browser
sends (its widgets' values, a button's trigger, the page it navigates to) and reads the
`ForwardMsg`s until the run's `script_finished`, checking the delta stream for exceptions, error
alerts and the step's success text. Widgets and page links are found by their LABEL in the
deltas, so the benchmark survives a change of layout or keys.

The walkthrough: open, sign_in, tokens, identity_pool, api_matrix ("Fill the matrix"). In the
same run: one attendee alone first (the baseline), then N together, everyone starting each step
at a random moment of the same `--window` seconds (a trainer's "now everyone click…").
Reported: p50 / p95 per step next to the lone attendee; errors; the server's CPU seconds per
walkthrough (/proc/<pid>/stat); its peak memory (VmHWM, sampled VmRSS); and how fast the
topologies are released once every attendee has gone.

    .venv/bin/python bench/classroom.py [--users N] [--window 10] [--quick] [--json]
        [--url http://host:port --server-pid PID --sandbox-url http://host:port]

Without --url it starts `streamlit run dashboard.py` on a free port itself (as bench/load.py
does). Against a running dashboard, --server-pid and --sandbox-url enable the CPU, memory and
release figures (null without them).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import pyarrow as pa
import websockets
from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.Element_pb2 import Element
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run standalone from anywhere

from sandbox import ROOM_SPARES  # noqa: E402
from bench.load import (RESUMABLE_SECONDS, REAPER_SECONDS, MemorySampler,  # noqa: E402
                        dashboard_process, megabytes, own_cpu_s, percentile, user_pool_count,
                        wait_for_release)

STEPS = ("open", "sign_in", "tokens", "identity_pool", "api_matrix")
USERNAMES = ("alice", "bob", "carol")  # the seeded users who sign in with a password alone
FINISHED = ForwardMsg.ScriptFinishedStatus
# What each step's page says once it worked (English, the default language).
SIGNED_IN = "Signed in: the user pool returned"
VERIFIED = "Signature verified against the user pool's JWKS"
CREDENTIALS = "Credentials for identity "
FOUR_LEGS = "four legs"


class StepFailed(Exception):
    """The step's run raised, showed an error, or lacked its success text."""


# --- what the browser holds: the page of the last run, its widgets' values --------------------


def _chosen(proto: Any) -> str | None:
    """A selectbox's or radio's option as the browser reports it: the shown text."""
    if proto.set_value:
        return proto.raw_value
    if proto.HasField("default") and proto.default < len(proto.options):
        return proto.options[proto.default]
    return None


def widget_value(element: Element) -> WidgetState | None:
    """The value a browser reports for a widget it has just drawn (None: not a value widget)."""
    kind = element.WhichOneof("type")
    proto = getattr(element, kind) if kind else None
    if kind in ("selectbox", "radio"):
        chosen = _chosen(proto)
        return None if chosen is None else WidgetState(id=proto.id, string_value=chosen)
    if kind in ("text_input", "text_area"):
        return WidgetState(id=proto.id, string_value=proto.value if proto.set_value else proto.default)
    if kind == "checkbox":
        return WidgetState(id=proto.id, bool_value=proto.value if proto.set_value else proto.default)
    return None


def element_text(element: Element) -> str:
    kind = element.WhichOneof("type")
    if kind in ("markdown", "alert", "heading", "text"):
        return getattr(element, kind).body
    if kind == "code":
        return element.code.code_text
    if kind == "exception":
        return f"{element.exception.type}: {element.exception.message}"
    return ""


def problems(elements: list[Element]) -> list[str]:
    """Exceptions and error alerts on the page: a walkthrough that works shows none."""
    found = [element_text(e) for e in elements if e.WhichOneof("type") == "exception"]
    found += [element_text(e) for e in elements if e.WhichOneof("type") == "alert" and e.alert.format == Alert.ERROR]
    return [" ".join(text.split())[:200] for text in found]


def green_cells(elements: list[Element]) -> int:
    """Cells of the API matrix whose call passed (🟢), read from the dataframe's Arrow data."""
    count = 0
    for element in elements:
        if element.WhichOneof("type") == "dataframe" and element.dataframe.arrow_data.data:
            table = pa.ipc.open_stream(element.dataframe.arrow_data.data).read_all()
            count += sum(str(value).startswith("🟢") for column in table.columns for value in column.to_pylist())
    return count


@dataclass
class Browser:
    """One attendee's tab: a websocket to the dashboard and what it would show."""

    url: str  # the websocket's
    connection: Any = None
    elements: list[Element] = field(default_factory=list)  # the last finished run's page, in order
    values: dict[str, WidgetState] = field(default_factory=dict)  # widget id → value it reports
    cache: dict[str, ForwardMsg] = field(default_factory=dict)  # cacheable messages, by hash
    page_hash: str = ""
    pages: dict[str, str] = field(default_factory=dict)  # the sidebar's page names → script hashes

    async def rerun(self, trigger: str | None = None, page_hash: str | None = None,
                    change: WidgetState | None = None) -> None:
        """Send what the browser sends for a click / a page change / a widget change; read the run."""
        message = BackMsg()
        client = message.rerun_script
        client.page_script_hash = page_hash if page_hash is not None else self.page_hash
        if change is not None:
            self.values[change.id] = change
        client.widget_states.widgets.extend(self.values.values())
        if trigger:
            client.widget_states.widgets.append(WidgetState(id=trigger, trigger_value=True))
        client.cached_message_hashes.extend(self.cache)  # so large unchanged elements come by hash
        await self.connection.send(message.SerializeToString())
        await self.read_run()

    async def read_run(self) -> None:
        """Read ForwardMsgs until the script has finished (a rerun it asked for included)."""
        drawn: dict[tuple[int, ...], Element] = {}
        while True:
            message = self.resolve(ForwardMsg.FromString(await self.connection.recv()))
            kind = message.WhichOneof("type")
            if kind == "new_session":
                drawn, self.page_hash = {}, message.new_session.page_script_hash
            elif kind == "navigation":
                self.pages = {page.page_name: page.page_script_hash for page in message.navigation.app_pages}
            elif kind == "delta" and message.delta.WhichOneof("type") == "new_element":
                drawn[tuple(message.metadata.delta_path)] = message.delta.new_element
            elif kind == "page_not_found":
                raise StepFailed(f"page not found: {message.page_not_found.page_name}")
            elif kind == "script_finished" and message.script_finished != FINISHED.FINISHED_EARLY_FOR_RERUN:
                break
        self.elements = [drawn[path] for path in sorted(drawn)]
        self.remember_values()

    def resolve(self, message: ForwardMsg) -> ForwardMsg:
        """A message sent by reference is the cached one, at the reference's place."""
        if message.WhichOneof("type") == "ref_hash":
            cached = ForwardMsg()
            cached.CopyFrom(self.cache[message.ref_hash])
            cached.metadata.CopyFrom(message.metadata)
            return cached
        if message.metadata.cacheable:
            self.cache[message.hash] = message
        return message

    def remember_values(self) -> None:
        """Like the browser: a widget keeps the value it was given; a new one reports its default;
        a value the script set wins; a widget no longer drawn is forgotten."""
        kept: dict[str, WidgetState] = {}
        for element in self.elements:
            value = widget_value(element)
            if value is None:
                continue
            kind = element.WhichOneof("type")
            set_by_script = getattr(getattr(element, kind), "set_value", False)
            kept[value.id] = value if set_by_script or value.id not in self.values else self.values[value.id]
        self.values = kept

    # --- finding things by label --------------------------------------------------------------

    def _find(self, kind: str, label: str) -> Any:
        """The widget of that kind whose label is `label`, else the first that starts with it."""
        found = [getattr(e, kind) for e in self.elements if e.WhichOneof("type") == kind]
        for proto in sorted(found, key=lambda proto: proto.label != label):
            if proto.label.startswith(label):
                return proto
        raise StepFailed(f"no {kind} labelled {label!r} on the page; it says {self.said()}")

    async def click(self, label: str) -> None:
        await self.rerun(trigger=self._find("button", label).id)

    async def follow(self, label: str) -> None:
        await self.rerun(page_hash=self._find("page_link", label).page_script_hash)

    async def open_page(self, name: str) -> None:
        """A click on the sidebar's link to the page of that name."""
        if name not in self.pages:
            raise StepFailed(f"no page {name!r} in the sidebar: {sorted(self.pages)}")
        await self.rerun(page_hash=self.pages[name])

    async def choose(self, label: str, option_prefix: str) -> None:
        box = self._find("selectbox", label)
        option = next((o for o in box.options if o.startswith(option_prefix)), None)
        if option is None:
            raise StepFailed(f"no option {option_prefix!r} in {label!r}")
        await self.rerun(change=WidgetState(id=box.id, string_value=option))

    def texts(self) -> list[str]:
        return [element_text(element) for element in self.elements]

    def said(self) -> list[str]:
        return problems(self.elements) or [text[:120] for text in self.texts() if text][:3]

    def check(self) -> None:
        """No exception nor error alert on the page."""
        if problems(self.elements):
            raise StepFailed("; ".join(problems(self.elements)))

    def expect(self, text: str, times: int = 1) -> None:
        """No exception nor error alert, and the success text shown `times` times."""
        self.check()
        if sum(text in shown for shown in self.texts()) < times:
            raise StepFailed(f"{text!r} not shown {times}×; the page says {self.said()}")


# --- the walkthrough ------------------------------------------------------------------------------


def stream_url(url: str) -> str:
    return url.replace("http://", "ws://", 1).replace("https://", "wss://", 1).rstrip("/") + "/_stcore/stream"


async def step_open(tab: Browser) -> None:
    """The page loads: the websocket opens and the first run (the default page) is read."""
    tab.connection = await websockets.connect(tab.url, subprotocols=["streamlit"], max_size=None, ping_interval=None)
    await tab.rerun(page_hash="")
    tab.expect(FOUR_LEGS)


async def prepare_sign_in(tab: Browser, username: str) -> None:
    """Not timed: the learner picks the page in the sidebar, and the user."""
    await tab.open_page("Sign in")
    await tab.choose("User", username)


async def step_sign_in(tab: Browser) -> None:
    await tab.click("Sign in")
    tab.expect(SIGNED_IN)


async def step_tokens(tab: Browser) -> None:
    await tab.follow("Next: look inside the tokens")
    tab.expect(VERIFIED, times=2)


async def step_identity_pool(tab: Browser) -> None:
    await tab.follow("Next: exchange the ID token")
    await tab.click("Exchange the ID token for AWS credentials")
    tab.expect(CREDENTIALS)


async def step_api_matrix(tab: Browser) -> None:
    await tab.follow("Next: call the API")
    await tab.click("Fill the matrix")
    tab.check()
    if green_cells(tab.elements) == 0:
        raise StepFailed(f"the matrix has no passing call; the page says {tab.said()}")


STEP_RUNS = {"open": step_open, "sign_in": step_sign_in, "tokens": step_tokens,
             "identity_pool": step_identity_pool, "api_matrix": step_api_matrix}


@dataclass
class Walkthrough:
    username: str
    seconds: dict[str, float] = field(default_factory=dict)
    failed_step: str | None = None
    error: str | None = None


@dataclass
class Room:
    """What the attendees share: the window's start, everyone at once."""

    barrier: asyncio.Barrier
    window_s: float
    rng: random.Random

    async def next_step(self) -> None:
        await self.barrier.wait()  # the trainer waits for the room, then says "now click…"
        await asyncio.sleep(self.rng.uniform(0, self.window_s))


async def run_step(tab: Browser, step: str, username: str, timeout_s: float) -> float:
    started = time.monotonic()
    await asyncio.wait_for(STEP_RUNS[step](tab), timeout_s)
    seconds = time.monotonic() - started
    if step == "open":
        await asyncio.wait_for(prepare_sign_in(tab, username), timeout_s)
    return seconds


async def attendee(url: str, username: str, room: Room, timeout_s: float) -> Walkthrough:
    result, tab = Walkthrough(username), Browser(stream_url(url))
    for step in STEPS:
        await room.next_step()  # a failed attendee still answers the roll call
        if result.failed_step:
            continue
        try:
            result.seconds[step] = await run_step(tab, step, username, timeout_s)
        except (StepFailed, asyncio.TimeoutError, OSError, websockets.WebSocketException, KeyError) as error:
            result.failed_step, result.error = step, f"{type(error).__name__}: {error}"[:300]
    if tab.connection is not None:
        await tab.connection.close()  # the tab is closed: the session may end
    return result


async def run_room(url: str, users: int, window_s: float, timeout_s: float, seed: int) -> list[Walkthrough]:
    room = Room(asyncio.Barrier(users), window_s, random.Random(seed))
    return list(await asyncio.gather(*(attendee(url, USERNAMES[n % len(USERNAMES)], room, timeout_s)
                                       for n in range(users))))


# --- the server's side ----------------------------------------------------------------------------


@dataclass
class Server:
    """The dashboard under test; pid and sandbox_url are None when unknown (--url alone)."""

    url: str
    pid: int | None
    sandbox_url: str | None
    log_path: Path | None = None  # when this benchmark started the dashboard
    spares: int = ROOM_SPARES  # topologies it keeps seeded ahead, owned by no session

    def tracebacks(self) -> int | None:
        if self.log_path is None:
            return None
        return self.log_path.read_text(encoding="utf-8", errors="replace").count("Traceback")

    def pools(self) -> int | None:
        """User pools in its sandbox now (0 before the sandbox listens); None when unknown."""
        return max(0, user_pool_count(self.sandbox_url)) if self.sandbox_url else None

    def cpu_s(self) -> float | None:
        return own_cpu_s(self.pid) if self.pid else None

    def status_kb(self, field_name: str) -> int:
        """A VmRSS / VmHWM line of /proc/<pid>/status in kB (0 when unknown); MemorySampler reads it."""
        if not self.pid:
            return 0
        try:
            text = Path(f"/proc/{self.pid}/status").read_text()
        except OSError:
            return 0
        match = re.search(rf"^{field_name}:\s+(\d+) kB", text, re.MULTILINE)
        return int(match[1]) if match else 0


@contextmanager
def server_for(args: argparse.Namespace) -> Iterator[Server]:
    if args.url:
        yield Server(args.url, args.server_pid, args.sandbox_url, spares=args.spares)
        return
    with tempfile.TemporaryDirectory(prefix="cognito-lab-classroom-") as log_dir:
        with dashboard_process(Path(log_dir), spares=args.spares) as dashboard:
            yield Server(dashboard.url, dashboard.process.pid, dashboard.sandbox_endpoint, dashboard.log_path,
                         spares=args.spares)


async def phase(server: Server, users: int, window_s: float, timeout_s: float, seed: int) -> dict[str, Any]:
    """One group's walkthroughs with the server's CPU and memory over them."""
    cpu_before, own_before, started = server.cpu_s(), time.process_time(), time.monotonic()
    with MemorySampler(server) as sampler:  # type: ignore[arg-type]  (it only reads status_kb)
        walkthroughs = await run_room(server.url, users, window_s, timeout_s, seed)
    cpu_after = server.cpu_s()
    return {"walkthroughs": walkthroughs, "wall_s": round(time.monotonic() - started, 2),
            "server_cpu_s": None if cpu_before is None or cpu_after is None else round(cpu_after - cpu_before, 2),
            "generator_cpu_s": round(time.process_time() - own_before, 2),
            "rss_samples_kb": [kb for kb in sampler.samples_kb if kb]}


def released_within(server: Server, baseline: int | None, sessions: int, timeout_s: float) -> float | None:
    """Seconds from now until the phase's `sessions` topologies are released (the spares stay)."""
    if server.sandbox_url is None or baseline is None:
        return None
    return wait_for_release(server.sandbox_url, max(baseline, server.spares), sessions, timeout_s)


async def measure(server: Server, args: argparse.Namespace) -> dict[str, Any]:
    # The first session starts the sandbox and imports everything, as the trainer does before class.
    baseline_pools = server.pools()  # a running dashboard may have sessions of its own
    warm_up = await phase(server, 1, 0, args.timeout, args.seed)
    warm_released = released_within(server, baseline_pools, 1, args.release_timeout)
    alone = await phase(server, 1, 0, args.timeout, args.seed)
    alone["released_s"] = released_within(server, baseline_pools, 1, args.release_timeout)
    room = await phase(server, args.users, args.window, args.timeout, args.seed)
    room["released_s"] = released_within(server, baseline_pools, args.users, args.release_timeout)
    return {"warm_up_ok": warm_up["walkthroughs"][0].failed_step is None and (warm_released is not None or baseline_pools is None),
            "alone": alone, "room": room, "hwm_kb": server.status_kb("VmHWM"), "rss_after_kb": server.status_kb("VmRSS"),
            "tracebacks": server.tracebacks(), "spares": server.spares}


# --- figures --------------------------------------------------------------------------------------


def step_figures(walkthroughs: list[Walkthrough], alone: Walkthrough) -> dict[str, dict[str, Any]]:
    figures: dict[str, dict[str, Any]] = {}
    for step in STEPS:
        times = [w.seconds[step] for w in walkthroughs if step in w.seconds]
        figures[step] = {"alone_s": round(alone.seconds[step], 3) if step in alone.seconds else None,
                         "completed": len(times)}
        if times:
            figures[step] |= {"p50_s": round(statistics.median(times), 3), "p95_s": round(percentile(times, 0.95), 3),
                              "max_s": round(max(times), 3)}
    return figures


def error_figures(walkthroughs: list[Walkthrough]) -> dict[str, Any]:
    failed = [w for w in walkthroughs if w.failed_step]
    return {"errors": len(failed),
            "error_details": [{"user": w.username, "step": w.failed_step, "error": w.error} for w in failed[:5]]}


def per_walkthrough(cpu_s: float | None, users: int) -> float | None:
    return None if cpu_s is None else round(cpu_s / users, 3)


def report(args: argparse.Namespace, measured: dict[str, Any]) -> dict[str, Any]:
    alone, room = measured["alone"], measured["room"]
    samples = room["rss_samples_kb"]
    return {
        "benchmark": "classroom", "users": args.users, "window_s": args.window, "cpu_count": os.cpu_count(),
        "steps": list(STEPS), "step_timeout_s": args.timeout,
        "per_step": step_figures(room["walkthroughs"], alone["walkthroughs"][0]),
        "alone_error": alone["walkthroughs"][0].error,
        **error_figures(room["walkthroughs"]),
        "room_wall_s": room["wall_s"],
        "server_cpu_s": {"per_walkthrough_in_the_room": per_walkthrough(room["server_cpu_s"], args.users),
                         "per_walkthrough_alone": per_walkthrough(alone["server_cpu_s"], 1),
                         "room_total": room["server_cpu_s"]},
        # This generator's own CPU: small next to the server's, unlike N Chromiums (bench/load.py).
        "generator_cpu_s": room["generator_cpu_s"],
        "memory_mb": {"vm_hwm": megabytes(measured["hwm_kb"]) or None,
                      "rss_peak_sampled": megabytes(max(samples)) if samples else None,
                      "rss_after": megabytes(measured["rss_after_kb"]) or None},
        "release": {"seconds_after_the_room_left": room["released_s"], "seconds_after_one_left": alone["released_s"],
                    "all_released": room["released_s"] is not None, "timeout_s": args.release_timeout,
                    "reaper_interval_s": REAPER_SECONDS,
                    "spare_topologies_kept": measured["spares"], "streamlit_disconnected_session_ttl_s": RESUMABLE_SECONDS},
        "warm_up_ok": measured["warm_up_ok"],
        "dashboard_log_tracebacks": measured["tracebacks"],
    }


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=30, help="attendees (default 30)")
    parser.add_argument("--quick", action="store_true", help="3 attendees, a 2-second window (CI)")
    parser.add_argument("--window", type=float, default=10.0, help="seconds within which everyone clicks (default 10)")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds a step may take (default 120)")
    parser.add_argument("--release-timeout", type=float, default=120.0, help="seconds to wait for the release")
    parser.add_argument("--seed", type=int, default=16, help="seed of the click moments")
    parser.add_argument("--json", action="store_true", help="print only the JSON (the default output anyway)")
    parser.add_argument("--url", help="a running dashboard, e.g. http://127.0.0.1:8501 (default: start one)")
    parser.add_argument("--server-pid", type=int, help="with --url: the dashboard's pid, for CPU and memory")
    parser.add_argument("--sandbox-url", help="with --url: the sandbox's endpoint, for the release")
    parser.add_argument("--spares", type=int, default=ROOM_SPARES,
                        help=f"spare topologies the dashboard keeps (default {ROOM_SPARES}, a room's); with --url, "
                             "its COGNITO_LAB_SPARE_TOPOLOGIES. The release leaves them in place")
    args = parser.parse_args()
    if args.quick:
        args.users, args.window = 3, 2.0
    return args


def main() -> None:
    args = parse_args()
    with server_for(args) as server:
        measured = asyncio.run(measure(server, args))
    print(json.dumps(report(args, measured), ensure_ascii=False))


if __name__ == "__main__":
    main()
