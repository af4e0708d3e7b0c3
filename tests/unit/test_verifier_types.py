"""The verifier refuses claims of the wrong *type*, as aws-jwt-verify (AWS's own JWT verifier,
github.com/awslabs/aws-jwt-verify) does. Its documented behaviour is the reference:

- src/jwt.ts `assertJwtPayload`: when present, `iss`, `sub`, `scope`, `jti` must be strings;
  `aud` a string or an array of strings; `exp`, `nbf`, `iat` finite numbers ("JWT payload aud
  claim is not a string or array of strings", "JWT payload iat claim is not a number", ...).
- src/cognito-verifier.ts `validateCognitoJwtFields`: `token_use` and the client id are checked
  with `assertStringArrayContainsString`, which throws "… is not of type string" for anything
  but a string: an ID token's `aud` must be a single string there, an access token's
  `client_id` too. `cognito:groups` goes through `assertStringArraysOverlap` (src/assert.ts): a
  string counts as an array of one; an array must hold only strings.
- README ("Verifying Cognito JWTs"): `clientId` is matched against `aud` (ID token) or
  `client_id` (access token); `tokenUse` against `token_use`.
"""

from __future__ import annotations

from typing import Any

import pytest

from flows.jwt_verify import verify_token
from tests.unit.jwt_fixtures import (
    ACCESS_KID,
    CLIENT_ID,
    DROP,
    ID_KID,
    NOW,
    access_claims,
    cognito_keys,
    expect_access,
    expect_id,
    id_claims,
    raw_json,
    rs256_sign_raw,
    sign,
)


def verify_id(**claims: Any):
    # Signed from raw JSON: pyjwt itself refuses to encode some of these (an iss list).
    token = rs256_sign_raw(raw_json({"kid": ID_KID, "alg": "RS256"}), raw_json(id_claims(**claims)))
    return verify_token(token, cognito_keys(), expect_id(), now=NOW)


@pytest.mark.parametrize("claim, value", [
    ("aud", 123), ("aud", {"client": CLIENT_ID}), ("aud", [CLIENT_ID, 5]), ("aud", None),
    ("iss", ["https://x"]), ("sub", 42), ("jti", 7), ("scope", ["openid"]),
    ("iat", "1700000000"), ("iat", True),
])
def test_a_claim_of_the_wrong_type_is_refused_even_when_nothing_checks_its_value(claim: str, value: object) -> None:
    verification = verify_id(**{claim: value})
    assert not verification.valid
    assert (verification.error.code, verification.check("structure").passed) == ("malformed", False)
    assert f"claim {claim} must be" in verification.error.message
    assert "aws-jwt-verify refuses it too" in verification.error.message


def test_an_aud_array_is_well_typed_but_an_id_tokens_client_must_be_one_string() -> None:
    # assertJwtPayload accepts ["a", "b"]; validateCognitoJwtFields then refuses it for an ID
    # token ("Client ID ("audience") is not of type string"), even a list of the right client.
    verification = verify_id(aud=[CLIENT_ID])
    assert verification.check("structure").passed is True
    assert verification.error.code == "wrong_client"
    assert verification.error.message.startswith("aud must be a single string")


@pytest.mark.parametrize("client_id", [[CLIENT_ID], 4, {"id": CLIENT_ID}])
def test_an_access_tokens_client_id_must_be_a_string(client_id: object) -> None:
    token = sign(access_claims(client_id=client_id), ACCESS_KID, "access")
    verification = verify_token(token, cognito_keys(), expect_access(), now=NOW)
    assert verification.error.code == "wrong_client"
    assert verification.error.message.startswith("client_id must be a single string")


@pytest.mark.parametrize("token_use", [["id"], 1, "", DROP])
def test_token_use_must_be_the_string_id_or_access(token_use: object) -> None:
    verification = verify_id(token_use=token_use)
    assert verification.error.code == "wrong_token_use"


def test_cognito_groups_a_lone_string_counts_an_array_must_hold_strings() -> None:
    expect = expect_id(groups=("admins",))
    assert verify_token(sign(id_claims(cognito_groups="admins")), cognito_keys(), expect, now=NOW).valid
    for groups in (["admins", None], {"admins": True}, 5):
        verification = verify_token(sign(id_claims(cognito_groups=groups)), cognito_keys(), expect, now=NOW)
        assert verification.error.code == "missing_group", groups


@pytest.mark.parametrize("claim", ["exp", "nbf"])
def test_exp_and_nbf_must_be_finite_numbers(claim: str) -> None:
    verification = verify_id(**{claim: "soon"})
    assert verification.error.code == "malformed" and verification.check(claim).passed is False


def test_well_typed_tokens_still_pass() -> None:
    assert verify_id().valid
    assert verify_id(aud=CLIENT_ID, iat=int(NOW) - 1.5, jti="x").valid
