"""SANDBOX-ONLY diagnostic: the last role decision of each identity, with its reasons.

AWS gives no such trace: on AWS a learner sees only the credentials (and, through STS
GetCallerIdentity, the role they belong to), and the lab's `flows` predicts the reasons itself
from the ID token and GetIdentityPoolRoles. The sandbox serves this record at
`GET /_sandbox/role-decisions/<identity id>` so the dashboard can show the sandbox's reasoning
next to the lab's prediction, under a fidelity note. It is not an AWS API and never will be.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from sandbox.errors import AwsError, RoleMappingDenied
from sandbox.role_resolution import RoleDecision, resolve_authenticated_role

PATH_PREFIX = "/_sandbox/role-decisions/"
FIDELITY = "Sandbox-only diagnostic: AWS does not expose how an identity pool chose a role."


@dataclass(frozen=True)
class RecordedDecision:
    identity_pool_id: str
    mapping_key: str | None  # "<provider>:<app client id>", None for a guest
    role_arn: str | None  # None when refused
    refusal: str | None
    trace: tuple[str, ...]
    decided_at: float

    def to_json(self, identity_id: str) -> dict[str, Any]:
        return {"IdentityId": identity_id, "IdentityPoolId": self.identity_pool_id,
                "RoleMappingKey": self.mapping_key, "RoleArn": self.role_arn, "Refused": self.refusal,
                "Trace": list(self.trace), "DecidedAt": int(self.decided_at), "Fidelity": FIDELITY}


def refusal_trace(roles: dict[str, str], mapping: dict[str, Any], claims: dict[str, Any],
                  custom_role_arn: str | None, refusal: AwsError) -> tuple[str, ...]:
    """The steps that led to a refusal. `role_resolution` raises without its trace; replaying
    the same mapping with AuthenticatedRole walks the same steps, so only the last one differs."""
    if not isinstance(refusal, RoleMappingDenied):
        return (f"Role mapping of type {mapping['Type']} applies.", f"Refused: {refusal.message}")
    replay = resolve_authenticated_role(roles, {**mapping, "AmbiguousRoleResolution": "AuthenticatedRole"},
                                        claims, custom_role_arn)
    return replay.trace[:-1] + ("Nothing decided the role and AmbiguousRoleResolution is Deny: refused.",)


@dataclass
class RoleDecisionLog:
    """The last decision per (identity pool, login subject): what GetCredentialsForIdentity decided."""

    _last: dict[tuple[str, str], RecordedDecision] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, subject: str, decision: RecordedDecision) -> None:
        with self._lock:
            self._last[(decision.identity_pool_id, subject)] = decision

    def decided(self, identity_pool_id: str, mapping_key: str | None, subject: str,
                decision: RoleDecision, now: float) -> None:
        self.record(subject, RecordedDecision(identity_pool_id, mapping_key, decision.role_arn, None,
                                              decision.trace, now))

    def refused(self, identity_pool_id: str, mapping_key: str | None, subject: str,
                refusal: str, trace: tuple[str, ...], now: float) -> None:
        self.record(subject, RecordedDecision(identity_pool_id, mapping_key, None, refusal, trace, now))

    def last(self, identity_pool_id: str, subject: str) -> RecordedDecision | None:
        with self._lock:
            return self._last.get((identity_pool_id, subject))

    def forget_pool(self, identity_pool_id: str) -> None:
        with self._lock:
            self._last = {k: v for k, v in self._last.items() if k[0] != identity_pool_id}
