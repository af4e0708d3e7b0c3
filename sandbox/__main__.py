"""`python -m sandbox [--host 127.0.0.1] [--port N]`: serve the sandbox in the foreground.

Prints one JSON line describing the seeded topology once the server is ready, then serves
until interrupted.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading

from sandbox.server import SandboxStartError, start_sandbox
from sandbox.topology import seed


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m sandbox", description="Cognito Lab's local stand-in for AWS.")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=4566, help="port to listen on; 0 picks a free one (default 4566)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    try:
        server = start_sandbox(args.host, args.port)
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
