"""What the exercise files name: set-ups, goal checks, documented fixes and the reset.

Every change to a topology goes through the same AWS APIs a real team would use (UpdateIdentityPool,
SetIdentityPoolRoles, UpdateUserPoolClient, AdminSetUserPassword), signed with the topology's own
key, so an exercise behaves the same on the sandbox and on a real account. A goal check makes the
real call and answers whether it succeeded; a fix applies the documented correction and answers
whether the goal is then met.

A trainer adding an exercise writes a function here (or reuses one) and names it in a file of
flows/exercises/scenarios/.
"""

from __future__ import annotations

from typing import Any, Callable

import requests
from botocore.exceptions import BotoCoreError, ClientError

from flows import api, identity, oauth, signin
from flows.api_matrix import sandbox_expired_copy
from flows.aws import account_credentials, client
from flows.breakit import expired
from flows.capture import Recorder
from flows.sigv4 import credentials_of, sign
from flows.target import ApiRoute, DemoUser, Target

Action = Callable[[Target], Any]
WRONG_SERVICE = "apigateway"  # API Gateway's management API; invoking an API is execute-api
NEW_PASSWORD = "Erin-n3w-passw0rd!"  # the fix's new password (the reset puts the temporary one back)
_TIMEOUT = 10


# --- small helpers ---------------------------------------------------------------------------------
def _admin(target: Target, service: str) -> Any:
    """A client signed with the topology's key: the calls a team's administrator makes."""
    return client(target, service, Recorder(), account_credentials(target))


def _user(target: Target, username: str) -> DemoUser:
    return next(u for u in target.users if u.username == username)


def _route(target: Target, api_kind: str, path: str) -> ApiRoute:
    return next(r for r in target.routes if r.api == api_kind and r.path == path)


def read_scope(target: Target) -> str:
    """The custom scope REST GET /items requires (the resource server's items.read)."""
    return _route(target, "rest", "/items").scopes[0]


def _write_scope(target: Target) -> str:
    return read_scope(target).rsplit("/", 1)[0] + "/items.write"


def _tokens(target: Target, username: str, client_name: str = "public") -> dict[str, Any]:
    result = signin.sign_in_with_password(target, username, _user(target, username).password, client_name)
    return result.outputs if result.ok else {}


def _status(target: Target, route: ApiRoute, token: str | None) -> int | None:
    return api.call_route(target, route, token).outputs.get("status")


def _provider(target: Target, client_name: str) -> dict[str, Any]:
    return {"ProviderName": target.login_provider, "ClientId": target.client(client_name).client_id,
            "ServerSideTokenCheck": False}


def _update_identity_pool(target: Target, allow_guests: bool, clients: tuple[str, ...]) -> None:
    cognito_identity = _admin(target, "cognito-identity")
    pool = cognito_identity.describe_identity_pool(IdentityPoolId=target.identity_pool_id)
    cognito_identity.update_identity_pool(
        IdentityPoolId=target.identity_pool_id, IdentityPoolName=pool["IdentityPoolName"],
        AllowUnauthenticatedIdentities=allow_guests, AllowClassicFlow=pool.get("AllowClassicFlow", True),
        CognitoIdentityProviders=[_provider(target, name) for name in clients])


def _rules(target: Target, ambiguous: str) -> dict[str, Any]:
    rules = [{"Claim": "cognito:groups", "MatchType": "Contains", "Value": group, "RoleARN": target.roles[group]}
             for group in ("readers", "admins")]
    return {"Type": "Rules", "AmbiguousRoleResolution": ambiguous, "RulesConfiguration": {"Rules": rules}}


def _set_role_mappings(target: Target, public_mapping: dict[str, Any]) -> None:
    mappings = {f"{target.login_provider}:{target.client('public').client_id}": public_mapping,
                f"{target.login_provider}:{target.client('confidential').client_id}": _rules(target, "Deny")}
    _admin(target, "cognito-identity").set_identity_pool_roles(
        IdentityPoolId=target.identity_pool_id,
        Roles={"authenticated": target.roles["authenticated"], "unauthenticated": target.roles["unauthenticated"]},
        RoleMappings=mappings)


_CLIENT_SETTINGS = ("ClientName", "RefreshTokenValidity", "AccessTokenValidity", "IdTokenValidity", "TokenValidityUnits",
                    "ReadAttributes", "WriteAttributes", "ExplicitAuthFlows", "SupportedIdentityProviders",
                    "CallbackURLs", "LogoutURLs", "AllowedOAuthFlows", "AllowedOAuthScopes",
                    "AllowedOAuthFlowsUserPoolClient", "PreventUserExistenceErrors")


def _set_allowed_scopes(target: Target, client_name: str, scopes: list[str]) -> None:
    """UpdateUserPoolClient resets every setting it is not given, so the current ones are sent back."""
    idp = _admin(target, "cognito-idp")
    current = idp.describe_user_pool_client(UserPoolId=target.user_pool_id,
                                            ClientId=target.client(client_name).client_id)["UserPoolClient"]
    kept = {name: current[name] for name in _CLIENT_SETTINGS if name in current}
    idp.update_user_pool_client(UserPoolId=target.user_pool_id, ClientId=current["ClientId"],
                                **{**kept, "AllowedOAuthScopes": scopes})


def _succeeds(call: Callable[[], Any]) -> bool:
    try:
        call()
    except (ClientError, BotoCoreError):
        return False
    return True


# --- set-ups ------------------------------------------------------------------------------------
def nothing(target: Target) -> None:
    """A scenario whose mistake is in the artefact the app sends, not in the topology."""


def temporary_password(target: Target) -> None:
    """erin as an administrator left her: created with a temporary password (FORCE_CHANGE_PASSWORD)."""
    erin = _user(target, "erin")
    _admin(target, "cognito-idp").admin_set_user_password(
        UserPoolId=target.user_pool_id, Username=erin.username, Password=erin.password, Permanent=False)


def public_client_rules_deny(target: Target) -> None:
    """The public client's mapping turned into Rules on groups, with AmbiguousRoleResolution Deny."""
    _set_role_mappings(target, _rules(target, "Deny"))


def guests_disallowed(target: Target) -> None:
    _update_identity_pool(target, allow_guests=False, clients=("public", "confidential"))


def public_client_unlisted(target: Target) -> None:
    """The identity pool trusts the confidential client only: the web app's client was left out."""
    _update_identity_pool(target, allow_guests=True, clients=("confidential",))


def machine_scope_removed(target: Target) -> None:
    """The machine client may ask for items.write only: items.read was left out of its allowed scopes."""
    _set_allowed_scopes(target, "machine", [_write_scope(target)])


# --- the reset: the seeded configuration, put back -------------------------------------------------
def restore_seeded(target: Target) -> None:
    """Everything any exercise changes, as the topology was seeded (topology.py builds the same)."""
    temporary_password(target)
    _update_identity_pool(target, allow_guests=True, clients=("public", "confidential"))
    _set_role_mappings(target, {"Type": "Token", "AmbiguousRoleResolution": "AuthenticatedRole"})
    _set_allowed_scopes(target, "machine", [read_scope(target)])


# --- goal checks (the scenario as left) and documented fixes -----------------------------------------
def erin_signs_in(target: Target) -> bool:
    return "id_token" in _tokens(target, "erin")


def erin_sets_new_password(target: Target) -> bool:
    started = signin.sign_in_with_password(target, "erin", _user(target, "erin").password)
    if started.outputs.get("challenge") != "NEW_PASSWORD_REQUIRED":
        return False
    answered = signin.respond_new_password(target, "public", "erin", started.outputs["session"], NEW_PASSWORD)
    return answered.ok and "id_token" in answered.outputs


def carol_confidential_without_secret_hash(target: Target) -> bool:
    carol, app_client = _user(target, "carol"), target.client("confidential")
    idp = client(target, "cognito-idp", Recorder())
    return _succeeds(lambda: idp.initiate_auth(ClientId=app_client.client_id, AuthFlow="USER_PASSWORD_AUTH",
                                               AuthParameters={"USERNAME": carol.username, "PASSWORD": carol.password}))


def carol_confidential_with_secret_hash(target: Target) -> bool:
    return "id_token" in _tokens(target, "carol", "confidential")


def id_token_to_scoped_items(target: Target) -> bool:
    return _status(target, _route(target, "rest", "/items"), _tokens(target, "alice").get("id_token")) == 200


def scoped_access_token_to_items(target: Target) -> bool:
    """The code flow asking for items.read (native sign-in never grants custom scopes)."""
    alice, pkce = _user(target, "alice"), oauth.new_pkce()
    page = oauth.open_sign_in_page(target, oauth.authorize_url(target, "public", pkce, ("openid", read_scope(target))))
    if not page.ok:
        return False
    signed = oauth.submit_sign_in(target, page.outputs["form"], alice.username, alice.password, pkce.state)
    if not signed.ok:
        return False
    token = oauth.exchange_code(target, "public", signed.outputs["code"], pkce).outputs.get("access_token")
    return _status(target, _route(target, "rest", "/items"), token) == 200


def access_token_to_identity_pool(target: Target) -> bool:
    return identity.get_credentials(target, _tokens(target, "carol").get("access_token")).ok


def carol_gets_credentials(target: Target) -> bool:
    return identity.get_credentials(target, _tokens(target, "carol").get("id_token")).ok


def expired_token_to_profile(target: Target) -> bool:
    token = _tokens(target, "alice").get("id_token", "")
    stale = sandbox_expired_copy(target, token) or expired(token, 0)
    return _status(target, _route(target, "rest", "/profile"), stale) == 200


def refreshed_token_to_profile(target: Target) -> bool:
    refreshed = signin.refresh(target, "public", _tokens(target, "alice").get("refresh_token", ""))
    return refreshed.ok and _status(target, _route(target, "rest", "/profile"), refreshed.outputs["id_token"]) == 200


def allow_public_client_ambiguous(target: Target) -> bool:
    """The documented fix: an unmatched user gets the authenticated role instead of a refusal."""
    _set_role_mappings(target, _rules(target, "AuthenticatedRole"))
    return carol_gets_credentials(target)


def guest_gets_credentials(target: Target) -> bool:
    return identity.get_credentials(target, None).ok


def allow_guests(target: Target) -> bool:
    _update_identity_pool(target, allow_guests=True, clients=("public", "confidential"))
    return guest_gets_credentials(target)


def list_public_client(target: Target) -> bool:
    _update_identity_pool(target, allow_guests=True, clients=("public", "confidential"))
    return carol_gets_credentials(target)


def machine_token_to_items(target: Target) -> bool:
    token = oauth.client_credentials(target, "machine").outputs.get("access_token")
    return bool(token) and _status(target, _route(target, "rest", "/items"), token) == 200


def allow_machine_read_scope(target: Target) -> bool:
    _set_allowed_scopes(target, "machine", [read_scope(target)])
    return machine_token_to_items(target)


def _alice_credentials(target: Target) -> dict[str, Any]:
    return identity.get_credentials(target, _tokens(target, "alice").get("id_token")).outputs


def signed_for_wrong_service(target: Target) -> bool:
    route = _route(target, "rest", "/iam")
    url = target.api_url(route)
    signed = sign(route.method, url, target.region, credentials_of(_alice_credentials(target)), WRONG_SERVICE)
    return requests.request(route.method, url, headers=signed.headers, timeout=_TIMEOUT).status_code == 200


def signed_for_execute_api(target: Target) -> bool:
    result = api.call_route_signed(target, _route(target, "rest", "/iam"), _alice_credentials(target))
    return result.outputs.get("status") == 200
