"""Run the sandbox as a real HTTP server on loopback, in a background thread."""

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


@dataclass
class SandboxServer:
    app: SandboxApp
    server: BaseWSGIServer
    thread: threading.Thread

    @property
    def endpoint(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def is_alive(self) -> bool:
        return self.thread.is_alive()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def _listen(host: str, port: int, app: SandboxApp) -> BaseWSGIServer:
    # Bind first ourselves: werkzeug's make_server reports a busy port by exiting the process.
    try:
        listening = socket.create_server((host, port))
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise SandboxStartError(
                f"Port {port} on {host} is already in use, so the sandbox cannot start. "
                f"Stop the program using it, or choose another port (port 0 picks a free one)."
            ) from error
        raise SandboxStartError(f"The sandbox cannot listen on {host}:{port}: {error.strerror}.") from error
    server = make_server(host, port, app, threaded=True, request_handler=_QuietHandler, fd=listening.fileno())
    listening.close()  # werkzeug holds its own duplicate of the socket
    return server


def start_sandbox(host: str = "127.0.0.1", port: int = 0, region: str = "us-east-1") -> SandboxServer:
    """Start serving in a daemon thread and return once the socket is listening."""
    app = SandboxApp(region)
    server = _listen(host, port, app)
    thread = threading.Thread(target=server.serve_forever, name="cognito-lab-sandbox", daemon=True)
    thread.start()
    return SandboxServer(app, server, thread)
