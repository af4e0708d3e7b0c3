"""GetClientToken: machine-to-machine access tokens from the native API, without a domain.

From the API model [IDP-model GetClientToken]: the app client sends `ClientId` and `Secret` and
gets `ClientAuthenticationResult {AccessToken, ExpiresIn, TokenType}`; "you must configure the
app client with a client secret and enable the `ALLOW_CLIENT_TOKEN_AUTH` authentication flow",
which "must be the only authentication flow that you configure for the app client"; "If you
don't specify any scopes, Amazon Cognito authorizes the scopes that are configured for the app
client", custom scopes only. The token is the client-credentials grant's (aws-facts.md §3.2).
The error texts are UNCONFIRMED: AWS's wording was not found.
"""

from __future__ import annotations

import hmac
from typing import Any

from sandbox import oauth2_grants, user_pool_tokens
from sandbox.errors import InvalidParameterException, NotAuthorizedException
from sandbox.moto_adapter import MotoClient, MotoUserPool

FLOW = "ALLOW_CLIENT_TOKEN_AUTH"


def check_client_flows(settings: dict[str, Any]) -> None:
    """CreateUserPoolClient / UpdateUserPoolClient: ALLOW_CLIENT_TOKEN_AUTH stands alone."""
    flows = settings.get("ExplicitAuthFlows") or []
    if FLOW in flows and len(flows) > 1:
        raise InvalidParameterException(f"{FLOW} cannot be combined with other ExplicitAuthFlows")


def _custom_scopes(pool: MotoUserPool, client: MotoClient) -> tuple[str, ...]:
    return tuple(s for s in oauth2_grants.allowed_scopes(pool, client) if s not in oauth2_grants.STANDARD_SCOPES)


def _scopes(pool: MotoUserPool, client: MotoClient, requested: list[str] | None) -> tuple[str, ...]:
    allowed = _custom_scopes(pool, client)
    scopes = tuple(dict.fromkeys(requested)) if requested else allowed
    if not scopes or not set(scopes) <= set(allowed):
        raise InvalidParameterException("Only custom scopes enabled on the app client can be requested")
    return scopes


def get_client_token(pool: MotoUserPool, client: MotoClient, secret: str,
                     requested: list[str] | None) -> dict[str, Any]:
    if FLOW not in (client.extended_config.get("ExplicitAuthFlows") or []):
        raise InvalidParameterException(f"{FLOW} flow not enabled for this client")
    if not client.generate_secret or not hmac.compare_digest(secret.encode(), client.secret.encode()):
        raise NotAuthorizedException("Invalid client secret")
    scopes = _scopes(pool, client, requested)
    claims = user_pool_tokens.client_credentials_claims(pool, client.id, " ".join(scopes))
    token = user_pool_tokens.sign(pool, claims, "access")
    lifetime = user_pool_tokens.token_lifetime(pool, client.id, "access")
    return {"ClientAuthenticationResult": {"AccessToken": token, "ExpiresIn": lifetime, "TokenType": "Bearer"}}
