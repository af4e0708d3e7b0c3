"""Where a Target comes from: the sandbox's topology, environment variables, Streamlit
secrets (any mapping with the same keys), or a CloudFormation stack's outputs.

Only reading a stack (its outputs, and its clients' secrets) uses AWS credentials (boto3's
standard chain); every other call the lab makes to AWS is unsigned (aws-facts.md §0).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any, Mapping

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from flows import i18n
from flows.errors import FlowsError
from flows.target import ApiRoute, AppClient, Target

# Setting name → environment variable. The same names (lowercase) work in secrets.toml.
SETTINGS = {
    "region": "COGNITO_LAB_REGION",
    "user_pool_id": "COGNITO_LAB_USER_POOL_ID",
    "public_client_id": "COGNITO_LAB_PUBLIC_CLIENT_ID",
    "confidential_client_id": "COGNITO_LAB_CONFIDENTIAL_CLIENT_ID",
    "confidential_client_secret": "COGNITO_LAB_CONFIDENTIAL_CLIENT_SECRET",
    "machine_client_id": "COGNITO_LAB_MACHINE_CLIENT_ID",
    "machine_client_secret": "COGNITO_LAB_MACHINE_CLIENT_SECRET",
    "identity_pool_id": "COGNITO_LAB_IDENTITY_POOL_ID",
    "rest_api_url": "COGNITO_LAB_REST_API_URL",
    "http_api_url": "COGNITO_LAB_HTTP_API_URL",
    "domain": "COGNITO_LAB_DOMAIN",
    **{f"{role}_role_arn": f"COGNITO_LAB_{role.upper()}_ROLE_ARN"
       for role in ("authenticated", "unauthenticated", "admins", "readers", "mistrusted")},
    # For testing the AWS code path against a stand-in: explicit endpoints, nothing else differs.
    "endpoint_url": "COGNITO_LAB_ENDPOINT_URL",
    "jwks_url": "COGNITO_LAB_JWKS_URL",
}
REQUIRED = ("region", "user_pool_id", "public_client_id", "identity_pool_id")
# CloudFormation output name → setting name (infra/cognito-lab.yaml's Outputs).
STACK_OUTPUTS = {"Region": "region", "UserPoolId": "user_pool_id", "PublicClientId": "public_client_id",
                 "ConfidentialClientId": "confidential_client_id", "MachineClientId": "machine_client_id",
                 "IdentityPoolId": "identity_pool_id", "RestApiUrl": "rest_api_url",
                 "HttpApiUrl": "http_api_url", "DomainUrl": "domain",
                 "AuthenticatedRoleArn": "authenticated_role_arn", "UnauthenticatedRoleArn": "unauthenticated_role_arn",
                 "AdminsRoleArn": "admins_role_arn", "ReadersRoleArn": "readers_role_arn",
                 "MistrustedRoleArn": "mistrusted_role_arn"}
# Client secrets are not stack outputs (anyone allowed DescribeStacks would read them): `--stack`
# reads them with DescribeUserPoolClient, with the same credentials.
_SECRET_CLIENTS = ("confidential", "machine")
_ROLE_NAMES = ("authenticated", "unauthenticated", "admins", "readers", "mistrusted")


# The routes infra/cognito-lab.yaml builds (the same as the sandbox's; a test keeps them in step).
TEMPLATE_SCOPE = "https://api.cognito-lab.example/items.read"
TEMPLATE_ROUTES = (
    ApiRoute("rest", "GET", "/public", "NONE"),
    ApiRoute("rest", "GET", "/profile", "COGNITO_USER_POOLS"),
    ApiRoute("rest", "GET", "/items", "COGNITO_USER_POOLS", (TEMPLATE_SCOPE,)),
    ApiRoute("rest", "GET", "/iam", "AWS_IAM"),
    ApiRoute("http", "GET", "/profile", "JWT"),
    ApiRoute("http", "GET", "/items", "JWT", (TEMPLATE_SCOPE,)),
)


class TargetConfigError(FlowsError, ValueError):
    """The settings do not describe a usable target; the message says what is missing. `key` and
    `params` are the message in the catalogues, `message` its English (for logs)."""

    def __init__(self, key: str, **params: str) -> None:
        super().__init__(i18n.text(key, "en", **params))
        self.key, self.params = key, params

    def text(self, lang: str = "en") -> str:
        return i18n.text(self.key, lang, **self.params)


def target_from_settings(settings: Mapping[str, Any]) -> Target:
    missing = [name for name in REQUIRED if not settings.get(name)]
    if missing:
        raise TargetConfigError("polish.target.missing", settings=", ".join(
            f"{name} (env {SETTINGS[name]})" for name in missing))
    apis = {kind: str(settings[f"{kind}_api_url"]) for kind in ("rest", "http") if settings.get(f"{kind}_api_url")}
    roles = {name: str(settings[f"{name}_role_arn"]) for name in _ROLE_NAMES if settings.get(f"{name}_role_arn")}
    return Target(
        kind="aws", region=str(settings["region"]), user_pool_id=str(settings["user_pool_id"]),
        identity_pool_id=str(settings["identity_pool_id"]), clients=_clients(settings), roles=roles,
        apis=apis, routes=tuple(r for r in TEMPLATE_ROUTES if r.api in apis), endpoint_url=settings.get("endpoint_url") or None,
        jwks_url=settings.get("jwks_url") or None, domain=settings.get("domain") or None,
    )


def _clients(settings: Mapping[str, Any]) -> dict[str, AppClient]:
    clients = {"public": AppClient("public", str(settings["public_client_id"]))}
    for name in _SECRET_CLIENTS:
        if settings.get(f"{name}_client_id"):
            clients[name] = AppClient(name, str(settings[f"{name}_client_id"]),
                                      str(settings.get(f"{name}_client_secret") or "") or None)
    return clients


def settings_from_env(environ: Mapping[str, str]) -> dict[str, str]:
    return {name: environ[variable] for name, variable in SETTINGS.items() if environ.get(variable)}


def stack_region(region: str | None = None) -> str:
    """The region boto3 resolves: an explicit --region, else AWS_DEFAULT_REGION, else the profile's
    (AWS_PROFILE or default) region. AWS_REGION is not read by boto3, so neither is it here."""
    resolved = region or boto3.session.Session().region_name
    if not resolved:
        raise TargetConfigError("polish.target.no_region")
    return resolved


def settings_from_stack(stack_name: str, region: str | None = None) -> dict[str, str]:
    """Read the stack's outputs, and its clients' secrets (uses the standard AWS credential chain)."""
    session = boto3.session.Session(region_name=stack_region(region))
    config = Config(connect_timeout=3, read_timeout=10, retries={"max_attempts": 2})
    stack = session.client("cloudformation", config=config).describe_stacks(StackName=stack_name)["Stacks"][0]
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
    settings = {setting: outputs[key] for key, setting in STACK_OUTPUTS.items() if key in outputs}
    settings.update(_client_secrets(session.client("cognito-idp", config=config), settings))
    return settings


def _client_secrets(idp: Any, settings: Mapping[str, str]) -> dict[str, str]:
    """DescribeUserPoolClient for each client that has a secret. Credentials allowed to read the
    stack but not the clients leave the secrets unset (COGNITO_LAB_*_CLIENT_SECRET can supply them)."""
    secrets: dict[str, str] = {}
    for name in _SECRET_CLIENTS:
        client_id = settings.get(f"{name}_client_id")
        if not client_id or "user_pool_id" not in settings:
            continue
        try:
            described = idp.describe_user_pool_client(UserPoolId=settings["user_pool_id"], ClientId=client_id)
        except ClientError:
            continue
        if described["UserPoolClient"].get("ClientSecret"):
            secrets[f"{name}_client_secret"] = described["UserPoolClient"]["ClientSecret"]
    return secrets


def start_sandbox_process() -> tuple[subprocess.Popen[str], dict[str, Any]]:
    """Start `python -m sandbox --port 0` and read its topology line.

    flows never imports the sandbox: it runs it as a separate process and talks HTTP to it,
    exactly as it talks to AWS.
    """
    process = subprocess.Popen([sys.executable, "-m", "sandbox", "--port", "0"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, cwd=Path(__file__).resolve().parent.parent)
    line = process.stdout.readline() if process.stdout else ""
    if not line:
        process.kill()
        error = process.stderr.read() if process.stderr else ""
        raise TargetConfigError("polish.target.sandbox_failed", output=error.strip() or "—")
    return process, json.loads(line)
