"""Serving a room (issue 16): the public-host setting, the URLs built from it, and the resume
codes that make a session survive a reload."""

from __future__ import annotations

import pytest

from flows.oauth import new_pkce
from flows.target import Target
from ui.pkce_store import PendingSignIns
from ui.resume import DEFAULT_IDLE_MINUTES, ResumeRegistry, idle_minutes
from ui.room import ROOM_SANDBOX_PORT, Room, RoomConfigError, checked_host, dashboard_url_for, room_from
from ui.state import LabSession


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


# --- the public host -------------------------------------------------------------------------------
def test_without_the_setting_everything_stays_on_loopback_on_any_free_port():
    room = room_from({}, {})
    assert room == Room(None, 0)
    assert dashboard_url_for(room, 8765) == "http://localhost:8765"  # the real port, not 8501


def test_the_public_host_comes_from_the_environment_or_secrets_and_fixes_the_sandbox_port():
    assert room_from({"COGNITO_LAB_PUBLIC_HOST": "192.168.1.23"}, {}) == Room("192.168.1.23", ROOM_SANDBOX_PORT)
    assert room_from({}, {"public_host": "lab.example.com"}) == Room("lab.example.com", ROOM_SANDBOX_PORT)
    # The environment wins; the sandbox's port can be changed.
    both = room_from({"COGNITO_LAB_PUBLIC_HOST": "10.0.0.5", "COGNITO_LAB_SANDBOX_PORT": "9000"},
                     {"public_host": "lab.example.com"})
    assert both == Room("10.0.0.5", 9000)


def test_dashboard_urls_use_the_public_host_port_and_base_path():
    assert dashboard_url_for(Room("10.0.0.5", 8502), 8601) == "http://10.0.0.5:8601"
    assert dashboard_url_for(Room("10.0.0.5", 8502), 8601, "/lab/") == "http://10.0.0.5:8601/lab"
    assert dashboard_url_for(Room("fd00::5", 8502), 8501) == "http://[fd00::5]:8501"  # RFC 3986 §3.2.2


@pytest.mark.parametrize("value", ["http://10.0.0.5", "10.0.0.5:8501", "lab.example.com/x", "a b", "-lab.example"])
def test_a_public_host_with_a_scheme_port_or_path_is_refused(value: str):
    with pytest.raises(RoomConfigError, match="host name or an IP address"):
        checked_host(value)


def test_a_public_host_is_a_host_name_or_an_ip_address():
    assert checked_host(" 192.168.1.23 ") == "192.168.1.23"
    assert checked_host("[fd00::5]") == "fd00::5"
    assert checked_host("trainer-laptop.local") == "trainer-laptop.local"


# --- resume codes ----------------------------------------------------------------------------------
def test_a_resume_code_finds_its_session_and_is_unguessable():
    registry = ResumeRegistry(idle_seconds=60)
    lab = LabSession()
    code = registry.open(lab)
    assert len(code) >= 32 and registry.resume(code) is lab
    assert registry.resume("not-" + code) is None
    assert registry.open(LabSession()) != code


def test_a_code_expires_after_the_idle_time_and_each_use_keeps_it_alive():
    clock = Clock()
    registry = ResumeRegistry(idle_seconds=60, clock=clock)
    code = registry.open(LabSession())
    clock.now += 50
    assert registry.resume(code) is not None  # seen: the idle time starts again
    clock.now += 50
    assert registry.is_live(code)
    clock.now += 11
    assert not registry.is_live(code) and registry.resume(code) is None and len(registry) == 0


def test_the_registry_lists_sessions_without_their_codes():
    registry = ResumeRegistry(idle_seconds=60)
    labs = [LabSession(), LabSession()]
    codes = [registry.open(lab) for lab in labs]
    assert registry.sessions() == labs
    assert all(code not in repr(labs) for code in codes)  # a session's repr never shows its code


def test_the_idle_time_is_documented_and_configurable():
    assert idle_minutes({}) == DEFAULT_IDLE_MINUTES == 120
    assert idle_minutes({"COGNITO_LAB_RESUME_IDLE_MINUTES": "0.5"}) == 0.5


def test_a_pending_sign_in_remembers_the_session_that_started_it_until_taken():
    pending, pkce = PendingSignIns(), new_pkce()
    pending.put(pkce.state, pkce, "public", "http://10.0.0.5:8501/sign_in", Target("sandbox", "us-east-1", "p", "i", {}, {}),
                resume_code="the-code")
    assert pending.resume_code_of(pkce.state) == "the-code"
    assert pending.resume_code_of(pkce.state) == "the-code"  # looking does not use it up
    assert pending.take(pkce.state) is not None and pending.resume_code_of(pkce.state) is None
