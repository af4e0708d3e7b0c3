"""The sandbox owns its state (DESIGN.md, "The sandbox"): what it adds to a user pool lives in
its own per-pool model, not on moto's objects; moto is reached through one adapter module; and
a pool's state goes when its topology is released."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

from sandbox import moto_adapter
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
