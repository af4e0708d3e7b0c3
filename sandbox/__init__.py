"""The sandbox: a local stand-in for the AWS services the lab teaches, on loopback HTTP.

moto serves the user-pool API underneath; the sandbox's own modules correct it where it differs
from AWS and add what it lacks (identity pools, STS, API Gateway authorizers, the OAuth 2.0
domain). Clients talk to it only over HTTP, exactly as to AWS.

What other packages may use (`dashboard.py`, `bench/`, `tests/`; `flows` never imports the
sandbox) is listed in `__all__` below. Everything else is internal and may change; the fidelity
tests in `tests/sandbox/` also reach into internals on purpose (they test the sandbox itself).

- `start_sandbox(host, port, region)` → `SandboxServer`: serve in a background thread
  (`.endpoint`, `.stop()`, `.app`); raises `SandboxStartError` when it cannot listen.
  `start_public_sandbox(public_host, port)`: the same for a room, every URL on the public host.
- `seed(server, dashboard_url)` → a topology (JSON-ready dict: pool, clients, users, identity pool, APIs);
  `release(server, topology)` forgets it. `USERS`, `seeded_routes()`, `RESOURCE_SERVER` and `READ_SCOPE`
  describe what every seeded topology holds.
- `SessionTopologies`: one topology per dashboard session, released when the session ends; it
  keeps spare topologies seeded ahead (`spares_wanted`, `SPARES_VARIABLE`, `ONE_PERSON_SPARES`,
  `ROOM_SPARES`), each handed to exactly one session.
- `SandboxError`: the base of every error the sandbox raises on purpose; `AwsError` those it
  answers on the wire as AWS would.
- `python -m sandbox`: serve in the foreground and print the seeded topology (`sandbox.__main__`).
"""

from sandbox.errors import AwsError, SandboxError
from sandbox.server import SandboxServer, SandboxStartError, start_public_sandbox, start_sandbox
from sandbox.sessions import ONE_PERSON_SPARES, ROOM_SPARES, SPARES_VARIABLE, SessionTopologies, spares_wanted
from sandbox.topology import READ_SCOPE, RESOURCE_SERVER, USERS, release, seed, seeded_routes

__all__ = [
    "ONE_PERSON_SPARES",
    "ROOM_SPARES",
    "SPARES_VARIABLE",
    "READ_SCOPE",
    "RESOURCE_SERVER",
    "USERS",
    "AwsError",
    "SandboxError",
    "SandboxServer",
    "SandboxStartError",
    "SessionTopologies",
    "release",
    "seed",
    "seeded_routes",
    "spares_wanted",
    "start_public_sandbox",
    "start_sandbox",
]
