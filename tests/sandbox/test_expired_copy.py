"""The sandbox-only expired copy: a pool's own token re-dated past exp, for the "expire the
token" lesson, and answered as API Gateway answers expired tokens (aws-facts.md §5.1, §5.2)."""

from __future__ import annotations

import json

import jwt
import requests

from tests.sandbox.helpers import claims, sign_in, signed_helper


def _expired(topology, token: str) -> requests.Response:
    return signed_helper(topology, "POST", f"/_sandbox/expired-copy/{topology['user_pool_id']}",
                         body=json.dumps({"token": token}).encode())


def test_expired_copy_is_signed_by_the_pool_and_in_the_past(topology):
    token = sign_in(topology, "alice")["IdToken"]
    expired = _expired(topology, token).json()["token"]
    keys = jwt.PyJWKSet.from_dict(requests.get(topology["jwks_url"], timeout=5).json())
    key = keys[jwt.get_unverified_header(expired)["kid"]]
    decoded = jwt.decode(expired, key, algorithms=["RS256"], options={"verify_exp": False, "verify_aud": False})
    assert decoded["exp"] < claims(token)["exp"] and decoded["exp"] - decoded["iat"] == 3600
    assert {k: v for k, v in decoded.items() if k not in ("exp", "iat")} == \
        {k: v for k, v in claims(token).items() if k not in ("exp", "iat")}


def test_api_gateway_answers_the_expired_copy_as_expired(topology):
    token = sign_in(topology, "alice")["IdToken"]
    expired = _expired(topology, token).json()["token"]
    rest = requests.get(topology["apis"]["rest"] + "/profile", headers={"Authorization": expired}, timeout=5)
    assert (rest.status_code, rest.json()) == (401, {"message": "The incoming token has expired"})
    http = requests.get(topology["apis"]["http"] + "/profile", headers={"Authorization": expired}, timeout=5)
    assert http.status_code == 401 and "expired" in http.headers["www-authenticate"]


def test_only_the_pools_own_tokens_are_re_dated(topology):
    token = sign_in(topology, "alice")["IdToken"]
    header, payload, signature = token.split(".")
    forged = f"{header}.{payload}.{signature[:-4]}AAAA"
    assert _expired(topology, forged).status_code == 400
    assert _expired(topology, "garbage").status_code == 400
