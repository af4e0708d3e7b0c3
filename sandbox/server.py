"""Run the sandbox as a real HTTP server in a background thread: on loopback for one person, or
where a room's attendees can reach it (`start_public_sandbox`)."""

from __future__ import annotations

import errno
import socket
import threading
from dataclasses import dataclass

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from sandbox.app import SandboxApp
from sandbox.errors import SandboxError


class _QuietHandler(WSGIRequestHandler):
    """No access log: the sandbox serves a dashboard, and its stdout is the topology contract."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


class SandboxStartError(SandboxError, RuntimeError):
    """The sandbox could not listen; the message says why and what to do."""


class AddressNotHereError(SandboxStartError):
    """The address is not one of this machine's (a NAT's, a container host's, or a name that
    doesn't resolve here): the sandbox can only listen on every address."""


EVERY_ADDRESS = "0.0.0.0"


@dataclass
class SandboxServer:
    app: SandboxApp
    server: BaseWSGIServer
    thread: threading.Thread
    public_host: str | None = None  # the address a room uses to reach it; None: where it listens

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    @property
    def endpoint(self) -> str:
        """The URL every topology, link and redirect uses (browsers and boto3 alike)."""
        host = self.public_host or str(self.server.server_address[0])
        return f"http://{url_host(host)}:{self.port}"

    def is_alive(self) -> bool:
        return self.thread.is_alive()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def url_host(host: str) -> str:
    """The host as a URL spells it: an IPv6 address in brackets (RFC 3986 §3.2.2)."""
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def _listen(host: str, port: int, app: SandboxApp) -> BaseWSGIServer:
    # Bind first ourselves: werkzeug's make_server reports a busy port by exiting the process.
    try:
        listening = socket.create_server((host, port))
    except OSError as error:
        if isinstance(error, socket.gaierror) or error.errno == errno.EADDRNOTAVAIL:
            raise AddressNotHereError(f"{host} is not an address of this machine.") from error
        if error.errno == errno.EADDRINUSE:
            raise SandboxStartError(
                f"Port {port} on {host} is already in use, so the sandbox cannot start. "
                f"Stop the program using it, or choose another port (port 0 picks a free one)."
            ) from error
        raise SandboxStartError(f"The sandbox cannot listen on {host}:{port}: {error.strerror}.") from error
    server = make_server(host, port, app, threaded=True, request_handler=_QuietHandler, fd=listening.fileno())
    listening.close()  # werkzeug holds its own duplicate of the socket
    return server


def start_sandbox(host: str = "127.0.0.1", port: int = 0, region: str = "us-east-1",
                  public_host: str | None = None) -> SandboxServer:
    """Start serving in a daemon thread and return once the socket is listening."""
    app = SandboxApp(region)
    server = _listen(host, port, app)
    thread = threading.Thread(target=server.serve_forever, name="cognito-lab-sandbox", daemon=True)
    thread.start()
    return SandboxServer(app, server, thread, public_host)


def start_public_sandbox(public_host: str, port: int, region: str = "us-east-1") -> SandboxServer:
    """Serve a room: listen on the public address when it is this machine's, else on every
    address (behind a NAT or in a container the public address belongs to another host)."""
    try:
        return start_sandbox(public_host, port, region, public_host)
    except AddressNotHereError:
        return start_sandbox(EVERY_ADDRESS, port, region, public_host)
