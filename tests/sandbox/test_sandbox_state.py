"""The sandbox owns its state (DESIGN.md, "The sandbox"): what it adds to a user pool lives in
its own per-pool model, not on moto's objects; moto is reached through one adapter module; and
a pool's state goes when its topology is released."""

from __future__ import annotations

import ast
import time
from pathlib import Path
from typing import Any

from sandbox import moto_adapter
from sandbox.app import SandboxApp
from sandbox.topology import release, seed
from sandbox.user_pool_state import USER_POOLS
from tests.sandbox.helpers import sign_in

SANDBOX = Path(__file__).resolve().parents[2] / "sandbox"


def _imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_only_the_adapter_imports_moto():
    importers = sorted(path.name for path in SANDBOX.glob("*.py")
                       if any(name.split(".")[0] == "moto" for name in _imported_modules(path)))
    assert importers == ["moto_adapter.py"]


def _sandbox_attributes(moto_object: Any) -> list[str]:
    return [name for name in vars(moto_object) if name.startswith("lab_")]


def test_nothing_is_hung_on_motos_objects(sandbox_server):
    # Every extra has been used: frank's authenticator (seed), a sign-in, sign-up codes (dave).
    seeded = seed(sandbox_server)
    try:
        sign_in(seeded, "alice")
        pool = moto_adapter.find_pool(seeded["user_pool_id"])
        users = [moto_adapter.find_user(pool, user["username"]) for user in seeded["users"]]
        assert _sandbox_attributes(pool) == [] and [_sandbox_attributes(user) for user in users] == [[]] * len(users)
        state = USER_POOLS.find(seeded["user_pool_id"])
        frank = next(user for user in users if user.username == "frank")
        assert state is not None and frank.id in state.totp_secrets and state.sign_in_events and state.outbox
    finally:
        release(sandbox_server, seeded)


def test_a_pools_state_goes_with_its_topology(sandbox_server):
    seeded = seed(sandbox_server)
    assert USER_POOLS.find(seeded["user_pool_id"]) is not None
    release(sandbox_server, seeded)
    assert USER_POOLS.find(seeded["user_pool_id"]) is None


def test_one_clock_is_injected_into_every_service():
    # Every expiry the sandbox checks (challenge sessions, codes, tokens, credentials, signatures)
    # reads the clock given to SandboxApp, so a test can move time for all of them at once.
    def frozen() -> float:
        return 1_700_000_000.0

    app = SandboxApp(clock=frozen)
    try:
        clocks = {"user pools": app.user_pools.clock, "identity pools": app.identity_pools.clock,
                  "credentials": app.credentials.clock, "sts": app.sts.clock, "api gateway": app.apis.clock,
                  "aws_iam": app.apis.iam_authorizer.clock, "oauth2": app.oauth2.store.clock}
        assert {name: clock is frozen for name, clock in clocks.items()} == dict.fromkeys(clocks, True)
    finally:
        USER_POOLS.clock = time.time  # the registry is process-wide, as moto's pools are
