"""API Gateway's Cognito and JWT authorizers decide as AWS does (aws-facts.md §5, §6)."""

from __future__ import annotations

import pytest
import requests

from tests.sandbox.helpers import expired, sign_in


@pytest.fixture(scope="module")
def alice(topology):
    return sign_in(topology, "alice")


def _get(topology, api: str, path: str, authorization: str | None = None) -> requests.Response:
    headers = {"Authorization": authorization} if authorization is not None else {}
    return requests.get(topology["apis"][api] + path, headers=headers, timeout=5)


def test_rest_without_scopes_accepts_the_id_token_and_passes_string_claims(topology, alice):
    # aws-facts.md §5.1: claims reach the backend in requestContext.authorizer.claims, all strings.
    response = _get(topology, "rest", "/profile", alice["IdToken"])
    assert response.status_code == 200
    authorizer = response.json()["requestContext"]["authorizer"]
    assert authorizer["claims"]["cognito:username"] == "alice"
    assert authorizer["claims"]["cognito:groups"] == "admins"
    assert authorizer["claims"]["email_verified"] == "true"
    assert all(isinstance(value, str) for value in authorizer["claims"].values())
    assert authorizer["claims"]["exp"].endswith(" UTC " + authorizer["claims"]["exp"][-4:])  # date string (§5.1)
    assert authorizer["scopes"] is None


def test_rest_without_scopes_refuses_the_access_token(topology, alice):
    # aws-facts.md §6: no scopes on the method → ID token only; access token → 401.
    response = _get(topology, "rest", "/profile", alice["AccessToken"])
    assert (response.status_code, response.json()) == (401, {"message": "Unauthorized"})


def test_rest_missing_token_is_401_unauthorized(topology):
    response = _get(topology, "rest", "/profile")
    assert (response.status_code, response.json()) == (401, {"message": "Unauthorized"})


def test_rest_accepts_a_bearer_prefix(topology, alice):
    # aws-facts.md §5.1: "Bearer " accepted in practice (UNCONFIRMED in AWS reference docs).
    assert _get(topology, "rest", "/profile", "Bearer " + alice["IdToken"]).status_code == 200


def test_rest_expired_token_message(topology, alice):
    # aws-facts.md §5.1: 401 {"message":"The incoming token has expired"}.
    response = _get(topology, "rest", "/profile", expired(topology, alice["IdToken"]))
    assert (response.status_code, response.json()) == (401, {"message": "The incoming token has expired"})


def test_rest_with_scopes_refuses_native_access_token_and_id_token(topology, alice):
    # aws-facts.md §6: native sign-in access tokens carry only aws.cognito.signin.user.admin.
    assert _get(topology, "rest", "/items", alice["AccessToken"]).status_code == 401
    assert _get(topology, "rest", "/items", alice["IdToken"]).status_code == 401


def test_rest_public_route_needs_nothing(topology):
    assert _get(topology, "rest", "/public").status_code == 200


def test_rest_unknown_route_is_missing_authentication_token(topology):
    # aws-facts.md §5.3: an unsupported resource answers 403 "Missing Authentication Token".
    response = _get(topology, "rest", "/nope")
    assert (response.status_code, response.json()) == (403, {"message": "Missing Authentication Token"})


def test_http_jwt_authorizer_accepts_either_token(topology, alice):
    # aws-facts.md §5.2: aud (ID token) or client_id (access token) in the audience.
    for token in (alice["IdToken"], alice["AccessToken"]):
        response = _get(topology, "http", "/profile", "Bearer " + token)
        assert response.status_code == 200
        assert response.json()["requestContext"]["authorizer"]["jwt"]["claims"]["sub"] == \
            response.json()["requestContext"]["authorizer"]["jwt"]["claims"]["sub"]


def test_http_jwt_missing_token_has_www_authenticate(topology):
    response = _get(topology, "http", "/profile")
    assert response.status_code == 401 and response.headers["www-authenticate"].startswith("Bearer")
