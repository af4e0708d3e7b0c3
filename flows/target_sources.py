"""Where a Target comes from: the sandbox's topology, environment variables, Streamlit
secrets (any mapping with the same keys), or a CloudFormation stack's outputs.

Only reading stack outputs uses AWS credentials (boto3's standard chain); every other call
the lab makes to AWS is unsigned (aws-facts.md §0).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any, Mapping

import boto3
from botocore.config import Config

from flows.errors import FlowsError
from flows.target import ApiRoute, AppClient, Target

# Setting name → environment variable. The same names (lowercase) work in secrets.toml.
SETTINGS = {
    "region": "COGNITO_LAB_REGION",
    "user_pool_id": "COGNITO_LAB_USER_POOL_ID",
    "public_client_id": "COGNITO_LAB_PUBLIC_CLIENT_ID",
    "identity_pool_id": "COGNITO_LAB_IDENTITY_POOL_ID",
    "rest_api_url": "COGNITO_LAB_REST_API_URL",
    "http_api_url": "COGNITO_LAB_HTTP_API_URL",
    "domain": "COGNITO_LAB_DOMAIN",
    # For testing the AWS code path against a stand-in: explicit endpoints, nothing else differs.
    "endpoint_url": "COGNITO_LAB_ENDPOINT_URL",
    "jwks_url": "COGNITO_LAB_JWKS_URL",
}
REQUIRED = ("region", "user_pool_id", "public_client_id", "identity_pool_id")
# CloudFormation output name → setting name (infra/cognito-lab.yaml's Outputs).
STACK_OUTPUTS = {"Region": "region", "UserPoolId": "user_pool_id", "PublicClientId": "public_client_id",
                 "IdentityPoolId": "identity_pool_id", "RestApiUrl": "rest_api_url",
                 "HttpApiUrl": "http_api_url", "DomainUrl": "domain"}


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
    """The settings do not describe a usable target; the message says what is missing."""


def target_from_settings(settings: Mapping[str, Any]) -> Target:
    missing = [name for name in REQUIRED if not settings.get(name)]
    if missing:
        raise TargetConfigError("Missing settings for an AWS target: " + ", ".join(
            f"{name} (env {SETTINGS[name]})" for name in missing))
    apis = {kind: str(settings[f"{kind}_api_url"]) for kind in ("rest", "http") if settings.get(f"{kind}_api_url")}
    return Target(
        kind="aws", region=str(settings["region"]), user_pool_id=str(settings["user_pool_id"]),
        identity_pool_id=str(settings["identity_pool_id"]),
        clients={"public": AppClient("public", str(settings["public_client_id"]))},
        apis=apis, routes=tuple(r for r in TEMPLATE_ROUTES if r.api in apis), endpoint_url=settings.get("endpoint_url") or None,
        jwks_url=settings.get("jwks_url") or None, domain=settings.get("domain") or None,
    )


def settings_from_env(environ: Mapping[str, str]) -> dict[str, str]:
    return {name: environ[variable] for name, variable in SETTINGS.items() if environ.get(variable)}


def settings_from_stack(stack_name: str, region: str) -> dict[str, str]:
    """Read the stack's outputs (uses the standard AWS credential chain)."""
    cloudformation = boto3.client("cloudformation", region_name=region,
                                  config=Config(connect_timeout=3, read_timeout=10, retries={"max_attempts": 2}))
    stack = cloudformation.describe_stacks(StackName=stack_name)["Stacks"][0]
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
    return {setting: outputs[key] for key, setting in STACK_OUTPUTS.items() if key in outputs}


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
        raise TargetConfigError(f"The sandbox did not start: {error.strip() or 'no output'}")
    return process, json.loads(line)
