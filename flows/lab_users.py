"""Create the lab's users in a real user pool, as the sandbox seeds them (sandbox/topology.py):
the same usernames, attributes, groups, MFA state and challenge state.

    export COGNITO_LAB_PASSWORD='…'          # your choice; every lab user gets it
    python -m flows.lab_users --stack cognito-lab [--region eu-west-1]

The admin calls are signed with your AWS credentials (boto3's standard chain). The passwords
are not the sandbox's: those are public in this repository, and on AWS anyone who knows one and
the public client id could sign in. Which lessons need which user is in LAB_USERS' `lessons`.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass
from typing import Any, Callable
from urllib.parse import quote

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from flows import i18n
from flows.cli_lang import add_lang_argument
from flows.target_sources import TargetConfigError, settings_from_stack, stack_region

DEPARTMENT = "engineering"


@dataclass(frozen=True)
class LabUser:
    username: str
    groups: tuple[str, ...]
    status: str  # what AdminGetUser answers as UserStatus
    mfa: str | None  # the preferred MFA, once enrolled
    lessons: str


LAB_USERS = (
    LabUser("alice", ("admins",), "CONFIRMED", None,
            "The walkthrough and the smoke test (no MFA, so a password is all it takes); the admins role."),
    LabUser("bob", ("readers",), "CONFIRMED", None, "The readers role through the confidential client's Rules."),
    LabUser("carol", (), "CONFIRMED", None,
            "No group: the default authenticated role via the public client, a Rules denial via the confidential one."),
    LabUser("dave", (), "UNCONFIRMED", None,
            "UserNotConfirmedException. Needs SignUp, so the stack's AllowSelfSignUp=true."),
    LabUser("erin", (), "FORCE_CHANGE_PASSWORD", None, "The NEW_PASSWORD_REQUIRED challenge."),
    LabUser("frank", (), "CONFIRMED", "SOFTWARE_TOKEN_MFA",
            "The SOFTWARE_TOKEN_MFA challenge: add his secret to an authenticator app when asked."),
)
TotpCode = Callable[[str, str], str]  # (username, secret) → the current 6-digit code


def attributes_of(user: LabUser) -> list[dict[str, str]]:
    email = [{"Name": "email", "Value": f"{user.username}@example.com"}]
    if user.status == "UNCONFIRMED":  # signed up by the user, as the sandbox does: email only
        return email
    return email + [{"Name": "email_verified", "Value": "true"}, {"Name": "custom:department", "Value": DEPARTMENT}]


def create_user(idp: Any, pool_id: str, public_client_id: str, user: LabUser, password: str,
                totp_code: TotpCode) -> str:
    """Create one user in the state LAB_USERS gives; return what happened, in words."""
    try:
        if user.status == "UNCONFIRMED":
            idp.sign_up(ClientId=public_client_id, Username=user.username, Password=password,
                        UserAttributes=attributes_of(user))
            return "created, UNCONFIRMED (signed up, never confirmed)"
        idp.admin_create_user(UserPoolId=pool_id, Username=user.username, MessageAction="SUPPRESS",
                              TemporaryPassword=password, UserAttributes=attributes_of(user))
    except ClientError as error:
        return _refusal(error)
    if user.status == "CONFIRMED":
        idp.admin_set_user_password(UserPoolId=pool_id, Username=user.username, Password=password, Permanent=True)
    for group in user.groups:
        idp.admin_add_user_to_group(UserPoolId=pool_id, Username=user.username, GroupName=group)
    if user.mfa == "SOFTWARE_TOKEN_MFA":
        _enrol_authenticator(idp, public_client_id, user.username, password, totp_code)
    return f"created, {user.status}" + (f", groups {', '.join(user.groups)}" if user.groups else "") + \
        (f", {user.mfa}" if user.mfa else "")


def _refusal(error: ClientError) -> str:
    code, message = error.response["Error"].get("Code", ""), error.response["Error"].get("Message", "")
    if code == "UsernameExistsException":
        return "already exists: left as it is (delete it with admin-delete-user to create it again)"
    if code == "NotAuthorizedException" and "SignUp is not permitted" in message:
        return ("skipped: self sign-up is off (AllowAdminCreateUserOnly). Redeploy with "
                "AllowSelfSignUp=true for the unconfirmed-user lesson")
    return f"failed: {code}: {message}"


def _enrol_authenticator(idp: Any, public_client_id: str, username: str, password: str,
                         totp_code: TotpCode) -> None:
    """What the user does once: associate a secret, prove it with a code, and prefer it."""
    access_token = idp.initiate_auth(ClientId=public_client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={
        "USERNAME": username, "PASSWORD": password})["AuthenticationResult"]["AccessToken"]
    secret = idp.associate_software_token(AccessToken=access_token)["SecretCode"]
    idp.verify_software_token(AccessToken=access_token, UserCode=totp_code(username, secret),
                              FriendlyDeviceName="Authenticator app")
    idp.set_user_mfa_preference(AccessToken=access_token,
                                SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True})


def create_all(idp: Any, pool_id: str, public_client_id: str, password: str,
               totp_code: TotpCode) -> list[tuple[str, str]]:
    return [(user.username, create_user(idp, pool_id, public_client_id, user, password, totp_code))
            for user in LAB_USERS]


def ask_for_code(username: str, secret: str) -> str:
    """Shown once, on the learner's own terminal: the authenticator app needs the secret."""
    uri = f"otpauth://totp/CognitoLab:{quote(username)}?secret={secret}&issuer=CognitoLab"
    print(f"\n{username}: add this to an authenticator app (secret key, or the URI as a QR code):\n"
          f"  secret {secret}\n  {uri}")
    return input(f"{username}: the 6-digit code your app shows now: ").strip()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m flows.lab_users", description=__doc__.split("\n\n")[0])
    parser.add_argument("--stack", required=True, help="the CloudFormation stack built from infra/cognito-lab.yaml")
    parser.add_argument("--region", help="the stack's region (default: boto3's, from AWS_DEFAULT_REGION or the profile)")
    add_lang_argument(parser)
    args = parser.parse_args(argv)
    password = os.environ.get("COGNITO_LAB_PASSWORD", "")
    if not password:
        print(i18n.text("cli.error", args.lang, reason=i18n.text("lab_users_error.no_password", args.lang)),
              file=sys.stderr)
        return 2
    try:
        settings = settings_from_stack(args.stack, args.region)
        idp = boto3.client("cognito-idp", region_name=stack_region(args.region))
    except (TargetConfigError, ClientError, BotoCoreError) as error:  # no stack, no credentials, no region
        # The lab's own words in --lang; AWS's and botocore's as they wrote them.
        reason = error.text(args.lang) if isinstance(error, TargetConfigError) else str(error)
        print(i18n.text("cli.error", args.lang, reason=reason), file=sys.stderr)
        return 2
    outcomes = create_all(idp, settings["user_pool_id"], settings["public_client_id"], password, ask_for_code)
    for username, outcome in outcomes:
        print(f"{username:<6} {outcome}")
    return 1 if any(outcome.startswith("failed") for _, outcome in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())
