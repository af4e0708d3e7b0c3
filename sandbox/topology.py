"""The seeded topology: one user pool, its app clients, users and groups, an identity pool and
two APIs, built through the sandbox's own HTTP API with boto3 as a team would build it on AWS.

Each browser session of the dashboard gets its own topology, so attendees never disturb each
other. The JSON returned by `seed` is a stable contract for scripts and tests.
"""

from __future__ import annotations

import secrets
import time
from typing import Any
from urllib.parse import urlparse

import boto3
from botocore.config import Config

from sandbox import totp
from sandbox.apigateway import Api, Route
from sandbox.iam import Role, cognito_trust_policy, execute_api_arn, invoke_policy
from sandbox.oauth2 import domain_url
from sandbox.server import SandboxServer

ACCOUNT_ID = "123456789012"
RESOURCE_SERVER = "https://api.cognito-lab.example"
READ_SCOPE = f"{RESOURCE_SERVER}/items.read"
_STANDARD_SCOPES = ["openid", "email", "profile", "aws.cognito.signin.user.admin"]
LAB_DASHBOARD_URL = "http://localhost:8501"  # Streamlit's default address: the public client's callback
FIRST_AUTH_FACTORS = ("PASSWORD", "EMAIL_OTP", "WEB_AUTHN")

USERS: list[dict[str, Any]] = [
    {"username": "alice", "password": "Alice-passw0rd!", "groups": ["admins"], "status": "CONFIRMED",
     "note": "Signs in with a password; in the admins group, so her tokens carry cognito:groups and the admins role."},
    {"username": "bob", "password": "Bob-passw0rd!", "groups": ["readers"], "status": "CONFIRMED",
     "note": "In the readers group: the identity pool gives him the readers role."},
    {"username": "carol", "password": "Carol-passw0rd!", "groups": [], "status": "CONFIRMED",
     "note": "In no group: through the public client the identity pool gives her the default authenticated "
             "role; through the confidential client its Rules mapping matches nothing and denies her."},
    {"username": "dave", "password": "Dave-passw0rd!", "groups": [], "status": "UNCONFIRMED",
     "note": "Signed up but never confirmed: sign-in answers UserNotConfirmedException."},
    {"username": "erin", "password": "Erin-temp0rary!", "groups": [], "status": "FORCE_CHANGE_PASSWORD",
     "note": "Created by an admin with a temporary password: sign-in answers the NEW_PASSWORD_REQUIRED challenge."},
    {"username": "frank", "password": "Frank-passw0rd!", "groups": [], "status": "CONFIRMED",
     "mfa": "SOFTWARE_TOKEN_MFA",
     "note": "Has an authenticator app (TOTP MFA): after the password, sign-in answers the SOFTWARE_TOKEN_MFA "
             "challenge. His totp_secret is the app's secret, so the current 6-digit code can be shown."},
]


def _client(server: SandboxServer, service: str, credentials: dict[str, str]) -> Any:
    """A client signed with the topology's own key: the pools it creates belong to it alone."""
    return boto3.client(service, endpoint_url=server.endpoint, region_name=server.app.region,
                        config=Config(retries={"max_attempts": 1}),
                        aws_access_key_id=credentials["access_key_id"],
                        aws_secret_access_key=credentials["secret_access_key"])


def _open_account(server: SandboxServer) -> dict[str, str]:
    key = server.app.accounts.open()
    return {"access_key_id": key.access_key_id, "secret_access_key": key.secret_key}


def role_arn(tag: str, name: str) -> str:
    return f"arn:aws:iam::{ACCOUNT_ID}:role/CognitoLab-{tag}-{name}"


def _create_pool(idp: Any, tag: str) -> str:
    pool = idp.create_user_pool(
        PoolName=f"cognito-lab-{tag}", AutoVerifiedAttributes=["email"],
        Schema=[{"Name": "department", "AttributeDataType": "String", "Mutable": True}],
        # Choice-based sign-in (USER_AUTH): the first factors a user may pick (sandbox.user_auth).
        Policies={"SignInPolicy": {"AllowedFirstAuthFactors": list(FIRST_AUTH_FACTORS)}},
    )["UserPool"]
    idp.create_resource_server(UserPoolId=pool["Id"], Identifier=RESOURCE_SERVER, Name="Lab items API",
                               Scopes=[{"ScopeName": "items.read", "ScopeDescription": "Read items"},
                                       {"ScopeName": "items.write", "ScopeDescription": "Write items"}])
    return pool["Id"]


def _create_clients(idp: Any, user_pool_id: str, dashboard_url: str) -> dict[str, dict[str, Any]]:
    common = {"UserPoolId": user_pool_id, "PreventUserExistenceErrors": "ENABLED",
              "ReadAttributes": ["email", "email_verified", "custom:department"],
              "WriteAttributes": ["name"]}  # users must not rewrite their own custom:department
    public = idp.create_user_pool_client(
        ClientName="public-web", GenerateSecret=False, **common,
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH",
                           "ALLOW_USER_AUTH"],
        AllowedOAuthFlows=["code"], AllowedOAuthFlowsUserPoolClient=True,
        AllowedOAuthScopes=_STANDARD_SCOPES + [READ_SCOPE],
        CallbackURLs=[f"{dashboard_url}/sign_in"], LogoutURLs=[f"{dashboard_url}/"],
        SupportedIdentityProviders=["COGNITO"])["UserPoolClient"]
    confidential = idp.create_user_pool_client(
        ClientName="confidential-server", GenerateSecret=True, **common,
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]
    machine = idp.create_user_pool_client(
        UserPoolId=user_pool_id, ClientName="machine-to-machine", GenerateSecret=True,
        ExplicitAuthFlows=["ALLOW_REFRESH_TOKEN_AUTH"],  # signs no user in (AWS's defaults would)
        AllowedOAuthFlows=["client_credentials"], AllowedOAuthFlowsUserPoolClient=True,
        AllowedOAuthScopes=[READ_SCOPE])["UserPoolClient"]
    # Refresh-token rotation with no grace period: the old refresh token is refused at once (§1.5).
    rotating = idp.create_user_pool_client(
        ClientName="rotating-refresh", GenerateSecret=False, **common,
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        RefreshTokenRotation={"Feature": "ENABLED", "RetryGracePeriodSeconds": 0})["UserPoolClient"]
    # GetClientToken: a secret and ALLOW_CLIENT_TOKEN_AUTH as its only flow ([IDP-model GetClientToken]).
    machine_api = idp.create_user_pool_client(
        UserPoolId=user_pool_id, ClientName="machine-native-api", GenerateSecret=True,
        ExplicitAuthFlows=["ALLOW_CLIENT_TOKEN_AUTH"], AllowedOAuthScopes=[READ_SCOPE])["UserPoolClient"]
    return {
        "public": {"client_id": public["ClientId"], "note": "No secret: browser and native flows, code flow with PKCE."},
        "machine_api": {"client_id": machine_api["ClientId"], "client_secret": machine_api["ClientSecret"],
                        "note": "ALLOW_CLIENT_TOKEN_AUTH only: GetClientToken, machine to machine without a domain."},
        "rotating": {"client_id": rotating["ClientId"],
                     "note": "Refresh-token rotation on: each refresh brings a new refresh token."},
        "confidential": {"client_id": confidential["ClientId"], "client_secret": confidential["ClientSecret"],
                         "note": "Has a secret: every call needs SECRET_HASH."},
        "machine": {"client_id": machine["ClientId"], "client_secret": machine["ClientSecret"],
                    "note": "client_credentials only: access tokens with custom scopes, no user."},
    }


def _create_groups(idp: Any, user_pool_id: str, roles: dict[str, str]) -> None:
    for precedence, group in enumerate(("admins", "readers"), start=1):
        idp.create_group(UserPoolId=user_pool_id, GroupName=group, RoleArn=roles[group], Precedence=precedence)


def _create_user(idp: Any, user_pool_id: str, public_client_id: str, user: dict[str, Any]) -> dict[str, Any]:
    """Create one seeded user; return what the topology must say about them beyond USERS."""
    attributes = [{"Name": "email", "Value": f"{user['username']}@example.com"},
                  {"Name": "email_verified", "Value": "true"},
                  {"Name": "custom:department", "Value": "engineering"}]
    if user["status"] == "UNCONFIRMED":
        idp.sign_up(ClientId=public_client_id, Username=user["username"], Password=user["password"],
                    UserAttributes=attributes[:1])
        return {}
    idp.admin_create_user(UserPoolId=user_pool_id, Username=user["username"], MessageAction="SUPPRESS",
                          TemporaryPassword=user["password"], UserAttributes=attributes)
    if user["status"] == "CONFIRMED":
        idp.admin_set_user_password(UserPoolId=user_pool_id, Username=user["username"],
                                    Password=user["password"], Permanent=True)
    for group in user["groups"]:
        idp.admin_add_user_to_group(UserPoolId=user_pool_id, Username=user["username"], GroupName=group)
    if user.get("mfa") == "SOFTWARE_TOKEN_MFA":
        return {"totp_secret": _enrol_authenticator(idp, user_pool_id, public_client_id, user)}
    return {}


def _enrol_authenticator(idp: Any, user_pool_id: str, public_client_id: str, user: dict[str, Any]) -> str:
    """What a user does once in their app: associate a TOTP secret, prove it with a code, and
    prefer it. Software-token MFA needs the pool's MFA to be OPTIONAL (or ON) with TOTP enabled."""
    idp.set_user_pool_mfa_config(UserPoolId=user_pool_id, MfaConfiguration="OPTIONAL",
                                 SoftwareTokenMfaConfiguration={"Enabled": True})
    access_token = idp.initiate_auth(ClientId=public_client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={
        "USERNAME": user["username"], "PASSWORD": user["password"]})["AuthenticationResult"]["AccessToken"]
    secret = idp.associate_software_token(AccessToken=access_token)["SecretCode"]
    idp.verify_software_token(AccessToken=access_token, UserCode=totp.code_at(secret, time.time()),
                              FriendlyDeviceName="Authenticator app")
    idp.set_user_mfa_preference(AccessToken=access_token,
                                SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True})
    return secret


def _create_identity_pool(identity: Any, provider: str, clients: dict[str, dict[str, Any]],
                          roles: dict[str, str], tag: str) -> str:
    pool_id = identity.create_identity_pool(
        IdentityPoolName=f"cognito_lab_{tag}", AllowUnauthenticatedIdentities=True, AllowClassicFlow=True,
        CognitoIdentityProviders=[{"ProviderName": provider, "ClientId": clients[name]["client_id"],
                                   "ServerSideTokenCheck": False} for name in ("public", "confidential")],
    )["IdentityPoolId"]
    identity.set_identity_pool_roles(
        IdentityPoolId=pool_id,
        Roles={"authenticated": roles["authenticated"], "unauthenticated": roles["unauthenticated"]},
        RoleMappings={
            f"{provider}:{clients['public']['client_id']}": {
                "Type": "Token", "AmbiguousRoleResolution": "AuthenticatedRole"},
            # Rules, in order (aws-facts.md §4.4): a user in no matching group is refused.
            f"{provider}:{clients['confidential']['client_id']}": {
                "Type": "Rules", "AmbiguousRoleResolution": "Deny", "RulesConfiguration": {"Rules": [
                    {"Claim": "cognito:groups", "MatchType": "Contains", "Value": "readers", "RoleARN": roles["readers"]},
                    {"Claim": "cognito:groups", "MatchType": "Contains", "Value": "admins", "RoleARN": roles["admins"]},
                ]}},
        },
    )
    return pool_id


def _api_id(url: str) -> str:
    return url.split("/execute-api/")[1].split("/")[0]


def _put_roles(server: SandboxServer, roles: dict[str, str], identity_pool_id: str, rest_api_id: str) -> None:
    """Each role's trust (aws-facts.md §4.5) and what it may invoke (§5.3): the admins and authenticated
    roles may call GET /iam, the readers and unauthenticated roles may not; the mistrusted role trusts
    another identity pool, so STS refuses to let this pool's identities assume it."""
    region = server.app.region
    iam_route = execute_api_arn(region, ACCOUNT_ID, rest_api_id, "prod", "GET", "/iam")
    whole_stage = f"arn:aws:execute-api:{region}:{ACCOUNT_ID}:{rest_api_id}/prod/*"
    may_invoke = {"authenticated": [iam_route], "admins": [whole_stage], "mistrusted": [iam_route]}
    for name, arn in roles.items():
        amr = "unauthenticated" if name == "unauthenticated" else "authenticated"
        trusted_pool = f"{region}:00000000-0000-4000-8000-000000000000" if name == "mistrusted" else identity_pool_id
        trust = cognito_trust_policy(trusted_pool, amr, tag_session=amr == "authenticated")
        policies = (invoke_policy(may_invoke[name]),) if name in may_invoke else ()
        server.app.iam.put(Role(arn, trust, policies))


def seeded_routes() -> list[Route]:
    """The API routes every seeded topology has, with what guards each."""
    return [
        Route("rest", "GET", "/public", "NONE", note="No authorizer: anyone may call."),
        Route("rest", "GET", "/profile", "COGNITO_USER_POOLS", note="Cognito authorizer, no scopes: ID token only."),
        Route("rest", "GET", "/items", "COGNITO_USER_POOLS", (READ_SCOPE,), note="Cognito authorizer with a scope: access token with that scope."),
        Route("rest", "GET", "/iam", "AWS_IAM", note="SigV4 with identity-pool credentials."),
        Route("http", "GET", "/profile", "JWT", note="JWT authorizer, audience = the app clients: either token."),
        Route("http", "GET", "/items", "JWT", (READ_SCOPE,), note="JWT authorizer with a scope."),
    ]


def _add_apis(server: SandboxServer, user_pool_id: str, issuer: str, audience: list[str]) -> dict[str, str]:
    routes, urls = seeded_routes(), {}
    for kind, stage in (("rest", "prod"), ("http", "$default")):
        api_id = secrets.token_hex(5)
        server.app.apis.add(Api(api_id, kind, stage, user_pool_id, issuer, audience,
                                [r for r in routes if r.api == kind]))
        urls[kind] = f"{server.endpoint}/execute-api/{api_id}" + ("/prod" if kind == "rest" else "")
    return urls


def seed(server: SandboxServer, dashboard_url: str = LAB_DASHBOARD_URL) -> dict[str, Any]:
    """Build a fresh topology in the sandbox and describe it. The public client's callback is the
    dashboard's `/sign_in` (and its logout URL the dashboard's root), at `dashboard_url`."""
    tag = secrets.token_hex(3)
    credentials = _open_account(server)
    idp, identity = _client(server, "cognito-idp", credentials), _client(server, "cognito-identity", credentials)
    region = server.app.region
    roles = {name: role_arn(tag, name.capitalize())
             for name in ("authenticated", "unauthenticated", "admins", "readers", "mistrusted")}
    user_pool_id = _create_pool(idp, tag)
    server.app.user_pools.of(user_pool_id)  # its signing keys, made now rather than at the first sign-in
    clients = _create_clients(idp, user_pool_id, dashboard_url.rstrip("/"))
    # Passkeys belong to the site that asks for them: the dashboard's host is the relying party.
    rp_id = urlparse(dashboard_url).hostname or "localhost"
    idp.set_user_pool_mfa_config(UserPoolId=user_pool_id, WebAuthnConfiguration={
        "RelyingPartyId": rp_id, "UserVerification": "preferred"})
    _create_groups(idp, user_pool_id, roles)
    public_client_id = clients["public"]["client_id"]
    extras = {user["username"]: _create_user(idp, user_pool_id, public_client_id, user) for user in USERS}
    provider = f"cognito-idp.{region}.amazonaws.com/{user_pool_id}"
    issuer = f"https://{provider}"
    identity_pool_id = _create_identity_pool(identity, provider, clients, roles, tag)
    audience = [clients["public"]["client_id"], clients["confidential"]["client_id"]]
    apis = _add_apis(server, user_pool_id, issuer, audience)
    _put_roles(server, roles, identity_pool_id, _api_id(apis["rest"]))
    return {
        "endpoint": server.endpoint, "region": region, "user_pool_id": user_pool_id, "issuer": issuer,
        "jwks_url": f"{server.endpoint}/{user_pool_id}/.well-known/jwks.json",
        "domain": domain_url(server.endpoint, user_pool_id),
        "passkey_relying_party_id": rp_id, "first_auth_factors": list(FIRST_AUTH_FACTORS),
        "clients": clients,
        "resource_servers": [{"identifier": RESOURCE_SERVER, "scopes": [READ_SCOPE, f"{RESOURCE_SERVER}/items.write"]}],
        "users": [{**{k: u[k] for k in ("username", "password", "groups", "note")}, **extras[u["username"]]}
                  for u in USERS],
        "identity_pool_id": identity_pool_id, "roles": roles,
        "apis": apis,
        "routes": [route.to_json() for route in seeded_routes()],
        # The topology's own long-term key (an account's, on AWS): the only key the sandbox
        # accepts for this topology's signed calls (ListUserPools, AdminGetUser…).
        "credentials": credentials,
    }


def release(server: SandboxServer, topology: dict[str, Any]) -> None:
    """Forget everything `seed` built for this topology."""
    credentials = topology["credentials"]
    _client(server, "cognito-idp", credentials).delete_user_pool(UserPoolId=topology["user_pool_id"])
    _client(server, "cognito-identity", credentials).delete_identity_pool(IdentityPoolId=topology["identity_pool_id"])
    server.app.accounts.close(credentials["access_key_id"])
    server.app.user_pools.forget(topology["user_pool_id"])  # DeleteUserPool forgot it too; a pool deleted outside stays gone
    for arn in topology["roles"].values():
        server.app.iam.remove(arn)
    for url in topology["apis"].values():
        server.app.apis.remove(url.split("/execute-api/")[1].split("/")[0])
