"""`python -m flows.lab_users` creates on AWS the users the sandbox seeds: run here against the
sandbox (real HTTP, the same admin calls) into a fresh pool, and compared user by user with the
seeded pool as AdminGetUser and AdminListGroupsForUser describe both (issue 15)."""

from __future__ import annotations

import time
from typing import Any

import pytest
from botocore.exceptions import ClientError

from flows import lab_users
from flows.signin import _explained
from flows.steps import AwsFailure
from sandbox import totp
from sandbox.topology import USERS
from tests.sandbox.helpers import admin_client

LAB_PASSWORD = "Lab-chosen-passw0rd!"


def _idp(topology: dict[str, Any]) -> Any:
    return admin_client(topology, "cognito-idp")


def test_the_users_are_the_seeds():
    assert [(u.username, u.groups, u.status, u.mfa) for u in lab_users.LAB_USERS] == [
        (u["username"], tuple(u["groups"]), u["status"], u.get("mfa")) for u in USERS]


@pytest.fixture(scope="module")
def lab_pool(topology):
    """A pool set up as infra/cognito-lab.yaml sets it up, with self sign-up on (for dave)."""
    idp = _idp(topology)
    pool_id = idp.create_user_pool(
        PoolName="lab-users-test", AutoVerifiedAttributes=["email"], MfaConfiguration="OPTIONAL",
        AdminCreateUserConfig={"AllowAdminCreateUserOnly": False},
        Schema=[{"Name": "department", "AttributeDataType": "String", "Mutable": True}])["UserPool"]["Id"]
    idp.set_user_pool_mfa_config(UserPoolId=pool_id, MfaConfiguration="OPTIONAL",
                                 SoftwareTokenMfaConfiguration={"Enabled": True})
    for precedence, group in enumerate(("admins", "readers"), start=1):
        idp.create_group(UserPoolId=pool_id, GroupName=group, Precedence=precedence)
    client_id = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="public-web", GenerateSecret=False,
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]["ClientId"]
    outcomes = lab_users.create_all(idp, pool_id, client_id, LAB_PASSWORD,
                                    lambda _username, secret: totp.code_at(secret, time.time()))
    yield pool_id, dict(outcomes)
    idp.delete_user_pool(UserPoolId=pool_id)


def _described(idp: Any, pool_id: str, username: str) -> tuple[Any, ...]:
    user = idp.admin_get_user(UserPoolId=pool_id, Username=username)
    attributes = {a["Name"]: a["Value"] for a in user["UserAttributes"] if a["Name"] != "sub"}
    groups = sorted(g["GroupName"] for g in idp.admin_list_groups_for_user(UserPoolId=pool_id, Username=username)["Groups"])
    return user["UserStatus"], attributes, groups, user.get("PreferredMfaSetting"), user.get("UserMFASettingList", [])


@pytest.mark.parametrize("username", [u["username"] for u in USERS])
def test_each_user_is_created_as_the_sandbox_seeds_it(topology, lab_pool, username):
    idp, (pool_id, outcomes) = _idp(topology), lab_pool
    assert outcomes[username].startswith("created"), outcomes[username]
    assert _described(idp, pool_id, username) == _described(idp, topology["user_pool_id"], username)


def test_running_it_again_leaves_existing_users_alone(topology, lab_pool):
    idp, (pool_id, _) = _idp(topology), lab_pool
    again = lab_users.create_user(idp, pool_id, "unused", lab_users.LAB_USERS[0], LAB_PASSWORD, lambda *_: "")
    assert again.startswith("already exists")


def test_a_pool_without_self_sign_up_is_explained():
    # The message AWS gives when AllowAdminCreateUserOnly is true. UNCONFIRMED wording: widely
    # reported, not read on an AWS page; the sandbox does not refuse SignUp, so it is not run here.
    message = "SignUp is not permitted for this user pool"
    refused = ClientError({"Error": {"Code": "NotAuthorizedException", "Message": message}}, "SignUp")
    assert "AllowSelfSignUp=true" in lab_users._refusal(refused)
    explained = _explained(AwsFailure("NotAuthorizedException", message, 400))
    assert explained.meaning_key == "meaning.signin.sign_up_not_permitted" and explained.meaning()


def test_the_command_needs_a_password_and_never_prints_it(capsys, monkeypatch):
    monkeypatch.delenv("COGNITO_LAB_PASSWORD", raising=False)
    assert lab_users.main(["--stack", "cognito-lab"]) == 2
    assert "COGNITO_LAB_PASSWORD" in capsys.readouterr().err
