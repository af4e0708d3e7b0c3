"""Serving a room: the one setting that says where attendees reach the trainer's machine
(`COGNITO_LAB_PUBLIC_HOST`, or `public_host` in secrets.toml's `[cognito_lab]` table), and the
dashboard URLs built from it.

Every URL the lab shows, links to or redirects to is built from the public host and the
dashboard's real port (Streamlit's `server.port`), never from a hard-wired `localhost:8501`.
Without the setting everything stays on loopback, as for one person on a laptop.
"""

from __future__ import annotations

import ipaddress
import os
import re
from dataclasses import dataclass
from typing import Any, Mapping

import streamlit as st

PUBLIC_HOST_VARIABLE = "COGNITO_LAB_PUBLIC_HOST"
PUBLIC_HOST_SETTING = "public_host"  # in secrets.toml's [cognito_lab] table
SANDBOX_PORT_VARIABLE = "COGNITO_LAB_SANDBOX_PORT"
ROOM_SANDBOX_PORT = 8502  # fixed, so a room's firewall can open it; the README documents it
LOOPBACK_SANDBOX_PORT = 0  # one person: any free port
LOOPBACK_HOST = "127.0.0.1"  # where the sandbox listens without a public host
DASHBOARD_LOOPBACK_NAME = "localhost"  # the dashboard's address in URLs without a public host
# RFC 1123 host names: dot-separated labels of letters, digits and inner hyphens.
_HOST_NAME = re.compile(r"^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$")


class RoomConfigError(ValueError):
    """The public host is not a host name or an IP address; the message says what is wrong."""


@dataclass(frozen=True)
class Room:
    """Where the lab is served: `public_host` None means loopback only."""

    public_host: str | None
    sandbox_port: int


def checked_host(value: str) -> str:
    """A bare host name or IP address (no scheme, port or path): it goes into every URL."""
    host = value.strip().strip("[]")
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        pass
    if not _HOST_NAME.match(host):
        raise RoomConfigError(f"{PUBLIC_HOST_VARIABLE} must be a host name or an IP address, not {value!r}.")
    return host


def room_from(environ: Mapping[str, str], secrets_table: Mapping[str, Any]) -> Room:
    """The environment variable first, then secrets.toml; the sandbox port likewise."""
    raw = environ.get(PUBLIC_HOST_VARIABLE) or str(secrets_table.get(PUBLIC_HOST_SETTING) or "")
    public_host = checked_host(raw) if raw.strip() else None
    default_port = ROOM_SANDBOX_PORT if public_host else LOOPBACK_SANDBOX_PORT
    port = environ.get(SANDBOX_PORT_VARIABLE) or str(secrets_table.get("sandbox_port") or default_port)
    return Room(public_host, int(port))


def url_host(host: str) -> str:
    """The host as a URL spells it: an IPv6 address in brackets (RFC 3986 §3.2.2)."""
    return f"[{host}]" if ":" in host else host


def dashboard_url_for(room: Room, port: int, base_path: str = "") -> str:
    """The dashboard's address as attendees' browsers reach it, without a trailing slash."""
    host = url_host(room.public_host or DASHBOARD_LOOPBACK_NAME)
    path = f"/{base_path.strip('/')}" if base_path.strip("/") else ""
    return f"http://{host}:{port}{path}"


def _secrets_table() -> Mapping[str, Any]:
    try:
        return dict(st.secrets.get("cognito_lab", {}))
    except (FileNotFoundError, KeyError, st.errors.StreamlitSecretNotFoundError):
        return {}


def current_room() -> Room:
    return room_from(os.environ, _secrets_table())


def dashboard_url() -> str:
    """This dashboard's public address, from the room and Streamlit's real port and base path."""
    return dashboard_url_for(current_room(), int(st.get_option("server.port")),
                             str(st.get_option("server.baseUrlPath") or ""))


def redirect_uri() -> str:
    """The OAuth redirect_uri: the sign-in page of this dashboard (the public client's callback)."""
    return f"{dashboard_url()}/sign_in"


def listens_only_on_loopback() -> bool:
    """A room is set but Streamlit listens on loopback only: attendees could not connect."""
    address = str(st.get_option("server.address") or "")
    room = current_room()
    if room.public_host is None or address not in ("127.0.0.1", "localhost", "::1"):
        return False
    try:
        return not ipaddress.ip_address(room.public_host).is_loopback
    except ValueError:
        return True
