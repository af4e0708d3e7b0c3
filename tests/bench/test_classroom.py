"""`bench/classroom.py` drives a real dashboard over Streamlit's websocket protocol.

Speed is reported, not asserted: what must hold is that two attendees walked through every step
without an error, the figures are there, and every topology was released.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from streamlit.proto.Element_pb2 import Element

from bench.classroom import STEPS, Browser, StepFailed, widget_value
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def two_attendees() -> dict:
    done = subprocess.run([sys.executable, "bench/classroom.py", "--users", "2", "--window", "1",
                           "--timeout", "60", "--release-timeout", "60", "--json"],
                          cwd=ROOT, capture_output=True, text=True, timeout=280)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


@pytest.mark.timeout(300)
def test_two_attendees_walk_through_every_step_without_an_error(two_attendees: dict):
    assert (two_attendees["errors"], two_attendees["alone_error"]) == (0, None), two_attendees["error_details"]
    assert two_attendees["warm_up_ok"] is True
    for step in STEPS:
        figures = two_attendees["per_step"][step]
        assert figures["completed"] == 2, step
        assert 0 < figures["p50_s"] <= figures["p95_s"] and figures["alone_s"] > 0, step


@pytest.mark.timeout(300)
def test_the_server_side_figures_are_measured(two_attendees: dict):
    assert two_attendees["server_cpu_s"]["per_walkthrough_alone"] > 0
    assert two_attendees["server_cpu_s"]["per_walkthrough_in_the_room"] > 0
    assert two_attendees["memory_mb"]["vm_hwm"] > 0
    release = two_attendees["release"]
    assert release["all_released"] is True and release["seconds_after_the_room_left"] is not None
    assert two_attendees["dashboard_log_tracebacks"] == 0


def _button(label: str, widget_id: str) -> Element:
    element = Element()
    element.button.label, element.button.id = label, widget_id
    return element


def test_a_button_is_found_by_its_label_exact_before_prefix():
    tab = Browser("ws://127.0.0.1:9/_stcore/stream", elements=[_button("Sign in with the hosted page", "a"), _button("Sign in", "b")])
    assert tab._find("button", "Sign in").id == "b"
    assert tab._find("button", "Sign in with").id == "a"
    with pytest.raises(StepFailed, match="no button labelled 'Fill the matrix'"):
        tab._find("button", "Fill the matrix")


def test_a_widget_reports_the_value_the_script_set_else_its_default():
    element = Element()
    element.selectbox.id, element.selectbox.default = "user", 1
    element.selectbox.options.extend(["alice", "bob"])
    assert widget_value(element).string_value == "bob"
    element.selectbox.set_value, element.selectbox.raw_value = True, "alice"
    assert widget_value(element).string_value == "alice"
    assert widget_value(_button("Sign in", "b")) is None  # a button reports only its click
