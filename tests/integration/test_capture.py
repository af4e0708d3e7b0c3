"""Exchanges are captured from the wire, passwords never kept, secrets masked for display."""

from __future__ import annotations

import json

from flows import identity, signin
from flows.api import call_route


def test_sign_in_exchange_is_the_real_wire_request_without_the_password(target):
    alice = next(u for u in target.users if u.username == "alice")
    result = signin.sign_in_with_password(target, "alice", alice.password)
    assert result.ok and result.outputs["id_token"].count(".") == 2
    [exchange] = result.exchanges
    headers = dict(exchange.request.headers)
    assert headers["X-Amz-Target"] == "AWSCognitoIdentityProviderService.InitiateAuth"
    assert "Authorization" not in headers  # InitiateAuth is unsigned (aws-facts.md §0)
    body = json.loads(exchange.request.body)
    assert body["AuthParameters"] == {"USERNAME": "alice", "PASSWORD": "********"}
    assert alice.password not in repr(result.to_json(reveal_secrets=True))
    assert exchange.response.status == 200 and "AuthenticationResult" in exchange.response.body


def test_wrong_password_is_a_result_with_cognitos_error(target):
    result = signin.sign_in_with_password(target, "alice", "not-her-password")
    assert not result.ok
    assert (result.failure.code, result.failure.message) == ("NotAuthorizedException", "Incorrect username or password.")
    assert result.failure.meaning("en") and result.failure.meaning("ja")
    assert result.exchanges[0].response.status == 400


def test_credentials_are_masked_unless_revealed(target):
    alice = next(u for u in target.users if u.username == "alice")
    id_token = signin.sign_in_with_password(target, "alice", alice.password).outputs["id_token"]
    result = identity.get_credentials(target, id_token)
    secret = result.outputs["SecretKey"]
    masked = json.dumps(result.to_json())
    assert secret not in masked and result.outputs["SessionToken"] not in masked
    assert secret in json.dumps(result.to_json(reveal_secrets=True))
    assert [e.label for e in result.exchanges] == ["GetId", "GetCredentialsForIdentity"]


def test_api_call_with_and_without_the_id_token(target):
    alice = next(u for u in target.users if u.username == "alice")
    id_token = signin.sign_in_with_password(target, "alice", alice.password).outputs["id_token"]
    route = next(r for r in target.routes if r.api == "rest" and r.path == "/profile")
    allowed, refused = call_route(target, route, id_token), call_route(target, route, None)
    assert allowed.ok and allowed.outputs["body"]["requestContext"]["authorizer"]["claims"]["cognito:username"] == "alice"
    assert dict(allowed.exchanges[0].request.headers)["Authorization"] == id_token
    assert refused.outputs == {"status": 401, "body": {"message": "Unauthorized"}}
    assert refused.failure.meaning_key == "meaning.api.unauthorized"


def test_unreachable_endpoint_is_a_clear_result_not_a_crash(target):
    from dataclasses import replace

    dead = replace(target, endpoint_url="http://127.0.0.1:9")  # discard port: nothing listens
    result = signin.sign_in_with_password(dead, "alice", "x")
    assert result.failure.code == "EndpointUnreachable" and result.exchanges[0].response is None
