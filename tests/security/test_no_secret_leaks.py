"""Secrets stay masked unless the learner reveals them, never reach an export, and never reach
the dashboard's log (flows/redact.py: "Redaction happens in one place")."""

from __future__ import annotations

import re

import boto3
import pytest
from playwright.sync_api import Page

from sandbox.topology import USERS
from tests.security import driver
from tests.security.conftest import Dashboard

pytestmark = pytest.mark.browser

ANY_SIGNED_JWT = re.compile(r"eyJ[\w-]*\.eyJ[\w-]*\.[\w-]{16,}")
PASSWORDS = {user["username"]: user["password"] for user in USERS}


def _client_secrets(dashboard: Dashboard, user_pool_id: str, key: dict[str, str]) -> list[str]:
    """Read from the sandbox itself (signed with the session's own key): the dashboard never shows them."""
    idp = boto3.client("cognito-idp", endpoint_url=dashboard.sandbox_endpoint, region_name="us-east-1",
                       aws_access_key_id=key["id"], aws_secret_access_key=key["secret"])
    clients = idp.list_user_pool_clients(UserPoolId=user_pool_id, MaxResults=60)["UserPoolClients"]
    described = [idp.describe_user_pool_client(UserPoolId=user_pool_id, ClientId=c["ClientId"])["UserPoolClient"]
                 for c in clients]
    return [c["ClientSecret"] for c in described if c.get("ClientSecret")]


def _revealed_secrets(page: Page) -> dict[str, str]:
    """With "Reveal secrets" on, the values as the learner reads them on screen."""
    driver.set_reveal(page, True)
    revealed = {name: driver.credentials(page)[name] for name in ("SecretKey", "SessionToken")}
    _assert_present(page.content(), revealed)
    driver.go(page, "sign_in", "Sign in")
    result = driver.authentication_result(page)
    revealed["RefreshToken"] = result["RefreshToken"]
    _assert_present(page.content(), {"RefreshToken": result["RefreshToken"]})
    for name in ("IdToken", "AccessToken"):
        revealed[f"{name} signature"] = result[name].rsplit(".", 1)[1]
    return revealed


def _assert_present(text: str, values: dict[str, str]) -> None:
    """Shown when revealed: so the searches for them below would find them if they leaked."""
    assert [name for name, value in values.items() if value not in text] == []


def _walk_through(page: Page, url: str) -> dict[str, str]:
    driver.open_dashboard(page, url)
    driver.sign_in(page, "alice", client="confidential")  # the client secret goes into SECRET_HASH
    driver.go(page, "identity_pool", "Identity pool")
    driver.start_exchange(page, follow_link=False)
    driver.identity_id(page)
    assert "chars, masked)" in page.content()
    return _revealed_secrets(page)


def _assert_absent(text: str, secrets: dict[str, str], where: str) -> None:
    found = [name for name, value in secrets.items() if value in text]
    assert found == [], f"{where} holds {found}"


def test_secrets_are_masked_unless_revealed_and_never_exported_or_logged(page: Page, dashboard: Dashboard):
    revealed = _walk_through(page, dashboard.url)
    _, user_pool_id, _ = driver.target_ids(page)
    key = driver.own_sandbox_key(page)
    secrets = {**revealed, "sandbox secret access key": key["secret"],
               **{f"client secret {i}": s for i, s in enumerate(_client_secrets(dashboard, user_pool_id, key))},
               **{f"{user}'s password": password for user, password in PASSWORDS.items()}}
    assert any(name.startswith("client secret") for name in secrets)

    for kind in ("JSON", "Markdown"):  # even revealed, an export has no password and no signature
        exported = driver.download_export(page, kind)
        _assert_absent(exported, {k: v for k, v in secrets.items() if "password" in k or "signature" in k},
                       f"the {kind} export with secrets revealed")
    driver.set_reveal(page, False)
    on_screen = {name: value for name, value in secrets.items() if "password" not in name and "signature" not in name}
    _assert_absent(page.content(), on_screen, "the sign-in page")
    driver.go(page, "identity_pool", "Identity pool")
    assert "chars, masked)" in page.content()
    _assert_absent(page.content(), on_screen, "the identity pool page")

    for kind in ("JSON", "Markdown"):
        exported = driver.download_export(page, kind)
        _assert_absent(exported, secrets, f"the {kind} export")
        assert ANY_SIGNED_JWT.findall(exported) == [], f"the {kind} export holds a signed JWT"
        assert "<signature elided>" in exported

    log = dashboard.log()
    assert dashboard.url in log  # Streamlit's own start-up lines: the log is the one being written
    _assert_absent(log, {k: v for k, v in secrets.items() if "signature" not in k}, "the dashboard's log")
