"""Two attendees in one room (issue 16, "Done when", second test), through a real browser and the
sandbox's real HTTP port: neither can list, read or change the other's topology, and the trainer
page shows both attendees' progress under their nicknames and none of their secrets.

Sandbox behaviour followed: signed operations per botocore's model (aws-facts.md §0), errors per
Cognito's CommonErrors page
(https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/CommonErrors.html).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import boto3
import pytest
import requests
from botocore import UNSIGNED
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError
from playwright.sync_api import Browser, Page, expect

from tests.security import driver
from tests.security.conftest import TRAINER_KEY, Dashboard

pytestmark = pytest.mark.browser


@dataclass
class Attendee:
    nickname: str
    username: str
    page: Page
    user_pool_id: str = ""
    identity_pool_id: str = ""
    key: dict[str, str] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)

    def client(self, dashboard: Dashboard, service: str) -> Any:
        return boto3.client(service, endpoint_url=dashboard.sandbox_endpoint, region_name="us-east-1",
                            aws_access_key_id=self.key["id"], aws_secret_access_key=self.key["secret"],
                            config=Config(retries={"max_attempts": 1}))

    def secrets(self) -> dict[str, str]:
        return {**{f"token {n}": v for n, v in self.tokens.items()}, "access key id": self.key["id"],
                "secret access key": self.key["secret"], "password": driver.PASSWORDS[self.username]}


def _join(browser: Browser, url: str, nickname: str, username: str) -> Attendee:
    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    driver.open_dashboard(page, url)
    nickname_box = page.get_by_role("textbox", name="Your nickname (the trainer sees it)")
    nickname_box.fill(nickname)
    nickname_box.press("Enter")
    driver.idle(page)
    attendee = Attendee(nickname, username, page)
    _, attendee.user_pool_id, attendee.identity_pool_id = driver.target_ids(page)
    driver.sign_in(page, username)
    result = driver.authentication_result(page)
    attendee.tokens = {name: result[name] for name in ("IdToken", "AccessToken", "RefreshToken")}
    attendee.key = driver.own_sandbox_key(page)
    return attendee


def _refused(call: Callable[[], Any]) -> str:
    with pytest.raises(ClientError) as raised:
        call()
    return raised.value.response["Error"]["Code"]


def _signed_get(dashboard: Dashboard, path: str, key: dict[str, str]) -> requests.Response:
    url = f"{dashboard.sandbox_endpoint}{path}"
    request = AWSRequest(method="GET", url=url)
    SigV4Auth(Credentials(key["id"], key["secret"]), "cognito-idp", "us-east-1").add_auth(request)
    return requests.get(url, headers=dict(request.headers.items()), timeout=10)


def _cannot_touch(dashboard: Dashboard, me: Attendee, them: Attendee) -> None:
    idp, identity = me.client(dashboard, "cognito-idp"), me.client(dashboard, "cognito-identity")
    listed = [pool["Id"] for pool in idp.list_user_pools(MaxResults=60)["UserPools"]]
    assert listed == [me.user_pool_id]  # list: only my own
    assert [p["IdentityPoolId"] for p in identity.list_identity_pools(MaxResults=60)["IdentityPools"]] == [me.identity_pool_id]
    theirs = {"UserPoolId": them.user_pool_id}
    assert _refused(lambda: idp.admin_get_user(**theirs, Username=them.username)) == "AccessDeniedException"  # read
    assert _refused(lambda: idp.list_users(**theirs)) == "AccessDeniedException"
    assert _refused(lambda: identity.get_identity_pool_roles(IdentityPoolId=them.identity_pool_id)) == "AccessDeniedException"
    assert _refused(lambda: idp.admin_set_user_password(  # change
        **theirs, Username=them.username, Password="Taken-0ver-passw0rd!", Permanent=True)) == "AccessDeniedException"
    assert _refused(lambda: idp.delete_user_pool(**theirs)) == "AccessDeniedException"
    outbox = f"/_sandbox/messages/{them.user_pool_id}"
    assert _signed_get(dashboard, outbox, me.key).json()["__type"] == "AccessDeniedException"
    assert requests.get(f"{dashboard.sandbox_endpoint}{outbox}", timeout=10).json()["__type"] == \
        "MissingAuthenticationTokenException"
    unsigned = boto3.client("cognito-idp", endpoint_url=dashboard.sandbox_endpoint, region_name="us-east-1",
                            config=Config(signature_version=UNSIGNED))
    assert _refused(lambda: unsigned.list_user_pools(MaxResults=60)) == "MissingAuthenticationTokenException"
    # Mine still answers me: the refusals above are about ownership, not a broken key.
    assert idp.admin_get_user(UserPoolId=me.user_pool_id, Username=me.username)["Username"] == me.username


def _trainer_page(browser: Browser, url: str) -> Page:
    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    driver.open_dashboard(page, url)
    driver.go(page, "trainer", "Trainer view")
    page.get_by_role("textbox", name="Trainer key").fill(TRAINER_KEY)
    page.get_by_role("button", name="Unlock").click()
    expect(page.get_by_text("Progress through the four legs")).to_be_visible(timeout=driver.SLOW)
    driver.idle(page)
    return page


def test_two_attendees_cannot_touch_each_other_and_the_trainer_sees_progress_not_secrets(browser, dashboard):
    first = _join(browser, dashboard.url, "Kumiko", "alice")
    second = _join(browser, dashboard.url, "Ravi", "bob")
    try:
        assert first.user_pool_id != second.user_pool_id and first.key["id"] != second.key["id"]
        _cannot_touch(dashboard, first, second)
        _cannot_touch(dashboard, second, first)
        # Still intact for its owner after the other's attempts: bob signs in with his own password.
        driver.sign_in(second.page, "bob")

        trainer = _trainer_page(browser, dashboard.url)
        table = trainer.locator(f"{driver.MAIN} [data-testid='stTable']").first
        for attendee in (first, second):
            row = table.locator("tr").filter(has_text=attendee.nickname)
            expect(row).to_have_count(1, timeout=driver.SLOW)
            assert "✓" in row.inner_text()  # the sign-in leg is done
        dom = trainer.content()
        for attendee in (first, second):
            leaked = [name for name, value in attendee.secrets().items() if value in dom]
            assert leaked == [], f"{attendee.nickname}'s {leaked} on the trainer page"
            assert attendee.user_pool_id not in dom and attendee.identity_pool_id not in dom
        trainer.context.close()
    finally:
        first.page.context.close()
        second.page.context.close()
