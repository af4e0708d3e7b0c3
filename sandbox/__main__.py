"""`python -m sandbox [--host 127.0.0.1] [--port N] [--public-host ADDRESS]`: serve the sandbox in
the foreground. With `--public-host`, it serves a room: it listens where that address reaches
(that address if it is this machine's, else every address) and every URL it prints uses it.

Prints one JSON line describing the seeded topology once the server is ready, then serves
until interrupted.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading

from sandbox.server import SandboxServer, SandboxStartError, start_public_sandbox, start_sandbox
from sandbox.topology import seed


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m sandbox", description="Cognito Lab's local stand-in for AWS.")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=4566, help="port to listen on; 0 picks a free one (default 4566)")
    parser.add_argument("--public-host", help="the address a room uses to reach this machine (overrides --host)")
    return parser.parse_args(argv)


def _start(args: argparse.Namespace) -> SandboxServer:
    if args.public_host:
        return start_public_sandbox(args.public_host, args.port)
    return start_sandbox(args.host, args.port)


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    try:
        server = _start(args)
    except SandboxStartError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(json.dumps(seed(server)), flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
