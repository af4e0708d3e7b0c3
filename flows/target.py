"""Where the lab points: the local sandbox or a real AWS account.

A Target is all that differs between the two (DESIGN.md): region, ids, endpoints. Every flow
takes one, so what a learner sees locally is what happens on AWS.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from flows import i18n

TargetKind = Literal["sandbox", "aws"]


def _described(note_key: str, note: str, lang: str) -> str:
    """The lab's own description in the learner's language; a target's own note otherwise."""
    return i18n.text(note_key, lang) if i18n.has(note_key) else note


@dataclass(frozen=True)
class AppClient:
    name: str
    client_id: str
    client_secret: str | None = None
    note: str = ""  # the sandbox's English description; `description` prefers the catalogue's

    @property
    def note_key(self) -> str:
        return f"target.client.{self.name}"

    def description(self, lang: str = "en") -> str:
        return _described(self.note_key, self.note, lang)


@dataclass(frozen=True)
class DemoUser:
    username: str
    password: str = field(repr=False)
    groups: tuple[str, ...] = ()
    note: str = ""
    totp_secret: str | None = field(default=None, repr=False)  # demo MFA user: what the app would show

    @property
    def note_key(self) -> str:
        return f"target.user.{self.username}"

    def description(self, lang: str = "en") -> str:
        return _described(self.note_key, self.note, lang)


@dataclass(frozen=True)
class ApiRoute:
    api: str
    method: str
    path: str
    auth: str
    scopes: tuple[str, ...] = ()
    note: str = ""

    @property
    def note_key(self) -> str:
        """Stable across the sandbox and the CloudFormation stack, which build the same routes."""
        return f"target.route.{self.api}_{self.method.lower()}_{self.path.strip('/').replace('/', '_')}"

    def description(self, lang: str = "en") -> str:
        return _described(self.note_key, self.note, lang)

    @property
    def label(self) -> str:
        scopes = f" [{', '.join(self.scopes)}]" if self.scopes else ""
        return f"{self.api.upper()} {self.method} {self.path} — {self.auth}{scopes}"


@dataclass(frozen=True)
class AccountKey:
    """The sandbox topology's own long-term key: a shared sandbox accepts signed calls
    (GetIdentityPoolRoles, its sandbox-only helpers…) for this topology from this key only."""

    access_key_id: str
    secret_access_key: str = field(repr=False)


@dataclass(frozen=True)
class Target:
    kind: TargetKind
    region: str
    user_pool_id: str
    identity_pool_id: str
    clients: dict[str, AppClient]
    apis: dict[str, str]
    routes: tuple[ApiRoute, ...] = ()
    users: tuple[DemoUser, ...] = ()
    roles: dict[str, str] = field(default_factory=dict)
    endpoint_url: str | None = None  # None means AWS's own endpoints
    jwks_url: str | None = None
    domain: str | None = None
    account: AccountKey | None = field(default=None, repr=False)  # the sandbox topology's key; None on AWS

    @property
    def login_provider(self) -> str:
        """The identity pool's Logins key for this user pool: no https:// (aws-facts.md §4.1)."""
        return f"cognito-idp.{self.region}.amazonaws.com/{self.user_pool_id}"

    @property
    def issuer(self) -> str:
        return f"https://{self.login_provider}"

    @property
    def jwks_location(self) -> str:
        return self.jwks_url or f"{self.issuer}/.well-known/jwks.json"

    def api_url(self, route: ApiRoute) -> str:
        return self.apis[route.api].rstrip("/") + route.path

    def client(self, name: str) -> AppClient:
        return self.clients[name]


def target_from_topology(topology: dict[str, Any]) -> Target:
    """The sandbox's topology JSON (`python -m sandbox` prints it) as a Target."""
    return Target(
        kind="sandbox",
        region=topology["region"],
        user_pool_id=topology["user_pool_id"],
        identity_pool_id=topology["identity_pool_id"],
        clients={name: AppClient(name, c["client_id"], c.get("client_secret"), c.get("note", ""))
                 for name, c in topology["clients"].items()},
        apis=dict(topology["apis"]),
        routes=tuple(ApiRoute(r["api"], r["method"], r["path"], r["auth"], tuple(r["scopes"]), r.get("note", ""))
                     for r in topology["routes"]),
        users=tuple(DemoUser(u["username"], u["password"], tuple(u["groups"]), u.get("note", ""), u.get("totp_secret"))
                    for u in topology["users"]),
        roles=dict(topology.get("roles", {})),
        endpoint_url=topology["endpoint"],
        jwks_url=topology.get("jwks_url"),
        domain=topology.get("domain"),
        account=AccountKey(**topology["credentials"]) if topology.get("credentials") else None,
    )
