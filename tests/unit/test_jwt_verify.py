"""flows.jwt_verify: every check, every error code, and the order in which faults are reported."""

from __future__ import annotations

import json
from typing import Any

import pytest

import flows.jwks
from flows.jwks import KeySet
from flows.jwt_verify import CHECK_ORDER, Expectations, Verification, verify_token
from tests.unit.jwt_fixtures import (
    ACCESS_KID,
    CLIENT_ID,
    DROP,
    ID_KID,
    ISSUER,
    NOW,
    OTHER_CLIENT_ID,
    access_claims,
    access_token,
    b64url,
    cognito_jwks,
    cognito_keys,
    ec_jwk,
    expect_access,
    expect_id,
    forge,
    hs256_with_public_key,
    id_claims,
    id_token,
    raw_json,
    rs256_sign_raw,
    rsa_jwk,
    sign,
)

ERROR_CODES = {
    "malformed", "key_not_found", "invalid_key", "unsupported_algorithm", "invalid_signature",
    "expired", "not_yet_valid", "wrong_issuer", "missing_scope", "missing_group",
    "wrong_token_use", "wrong_client", "keys_unavailable",
}


def verify(token: str, expect: Expectations | None = None, keys: KeySet | None = None,
           now: float = NOW) -> Verification:
    return verify_token(token, keys or cognito_keys(), expect or expect_id(), now=now)


def assert_rejected(verification: Verification, code: str, check: str) -> None:
    assert not verification.valid
    assert verification.error is not None
    assert (verification.error.code, verification.check(check).passed) == (code, False)
    assert verification.error.message == verification.check(check).reason


# --- tokens that pass -----------------------------------------------------------------------


def test_valid_id_token_passes_every_check_in_order() -> None:
    verification = verify(id_token(), expect_id(groups=("admins",)))
    assert verification.valid and verification.error is None
    assert tuple(check.name for check in verification.checks) == CHECK_ORDER
    assert [check.name for check in verification.checks if check.passed is not True] == ["scope"]
    assert verification.claims["cognito:username"] == "janedoe"


def test_valid_access_token_is_checked_on_client_id_and_scope() -> None:
    # Access tokens have client_id and no aud (aws-facts.md §1.3, §1.4)
    verification = verify(access_token(), expect_access(groups=("admins",)))
    assert verification.valid
    assert all(check.passed for check in verification.checks)
    assert verification.check("client").reason == "client_id matches the app client id"


def test_unset_expectations_are_reported_as_not_run() -> None:
    verification = verify(id_token(), Expectations())
    assert verification.valid
    not_run = {check.name for check in verification.checks if check.passed is None}
    assert not_run == {"iss", "scope", "groups", "client"}


def test_token_use_none_accepts_either_type_like_an_http_api_authorizer() -> None:
    # HTTP API JWT authorizer: aud or client_id matched, either token passes (aws-facts.md §5.2, §6)
    either = Expectations(issuer=ISSUER, client_ids=(CLIENT_ID,))
    assert verify(id_token(), either).valid
    assert verify(access_token(), either).valid


def test_verify_accepts_bearer_prefix_and_surrounding_space() -> None:
    assert verify(f"  Bearer {id_token()}\n").valid


# --- structure ------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["not a jwt", "a.b.c", "", "x" * 1_000_000, "e30.W10.",
                                  forge('{"alg":"RS256","alg":"none"}', "{}")])
def test_malformed_tokens(text: str) -> None:
    verification = verify(text)
    assert_rejected(verification, "malformed", "structure")
    assert all(check.passed is None for check in verification.checks[1:])
    assert verification.header == {} and verification.claims == {}


def test_duplicate_claims_are_malformed_even_when_properly_signed() -> None:
    # Two parsers could read different "sub"s from this payload; refuse it outright.
    header = raw_json({"kid": ID_KID, "alg": "RS256"})
    payload = raw_json(id_claims())[:-1] + ',"cognito:username":"admin"}'
    verification = verify(rs256_sign_raw(header, payload))
    assert_rejected(verification, "malformed", "structure")
    assert "repeats the key 'cognito:username'" in verification.error.message


def test_critical_header_extensions_are_refused() -> None:
    # RFC 7515 §4.1.11: a verifier must reject "crit" extensions it doesn't understand
    token = sign(id_claims(), headers={"crit": ["b64"], "b64": False})
    assert_rejected(verify(token), "malformed", "structure")


# --- key lookup and algorithm ---------------------------------------------------------------


@pytest.mark.parametrize("kid", ["unknown-kid", "../../../etc/passwd", "..%2F..%2Fjwks", "", None])
def test_unknown_or_path_like_kid_is_key_not_found(kid: str | None) -> None:
    verification = verify(sign(id_claims(), kid=kid))
    assert_rejected(verification, "key_not_found", "key_lookup")
    assert verification.check("signature").passed is None


def test_non_string_kid_is_key_not_found() -> None:
    header = {"kid": {"$ref": "x"}, "alg": "RS256"}
    assert_rejected(verify(forge(header, id_claims(), b"s" * 256)), "key_not_found", "key_lookup")


def test_access_token_against_a_jwks_without_its_key() -> None:
    # ID and access tokens are signed with different keys (aws-facts.md §1.1)
    only_id_key = KeySet.from_jwks({"keys": [rsa_jwk(ID_KID, "id")]})
    verification = verify(access_token(), expect_access(), keys=only_id_key)
    assert_rejected(verification, "key_not_found", "key_lookup")
    assert "1 key(s)" in verification.error.message


def test_alg_none_with_a_real_kid_is_unsupported_algorithm() -> None:
    for alg in ("none", "None", "NONE"):
        verification = verify(forge({"alg": alg, "kid": ID_KID}, id_claims()))
        assert_rejected(verification, "unsupported_algorithm", "key_and_algorithm")
        assert verification.check("signature").passed is None


def test_alg_none_without_kid_fails_key_lookup_first_and_still_flags_the_algorithm() -> None:
    verification = verify(forge({"alg": "none"}, id_claims()))
    assert_rejected(verification, "key_not_found", "key_lookup")
    assert verification.check("key_and_algorithm").code == "unsupported_algorithm"


def test_hs256_signed_with_the_rsa_public_key_is_refused() -> None:
    verification = verify(hs256_with_public_key(id_claims()))
    assert_rejected(verification, "unsupported_algorithm", "key_and_algorithm")
    assert "known forgery" in verification.error.message


@pytest.mark.parametrize("alg", ["ES256", "RS512", "PS256", "rs256", "EdDSA", 256, None])
def test_any_algorithm_but_rs256_is_refused(alg: object) -> None:
    header = {"kid": ID_KID} if alg is None else {"kid": ID_KID, "alg": alg}
    token = forge(header, id_claims(), b"\x00" * 256)
    assert_rejected(verify(token), "unsupported_algorithm", "key_and_algorithm")


def test_a_kid_that_points_to_an_ec_key_is_invalid_key() -> None:
    keys = KeySet.from_jwks({"keys": [ec_jwk(ID_KID), rsa_jwk(ACCESS_KID, "access")]})
    verification = verify(id_token(), keys=keys)
    assert_rejected(verification, "invalid_key", "key_and_algorithm")
    assert "kty is 'EC'" in verification.error.message


def test_a_kid_listed_twice_is_invalid_key_even_if_one_copy_would_verify() -> None:
    keys = KeySet.from_jwks({"keys": [rsa_jwk(ID_KID, "id"), rsa_jwk(ID_KID, "attacker")]})
    verification = verify(id_token(), keys=keys)
    assert_rejected(verification, "invalid_key", "key_and_algorithm")
    assert "2 times" in verification.error.message


# --- signature ------------------------------------------------------------------------------


def tamper_payload(token: str, **changes: Any) -> str:
    header, _, signature = token.split(".")
    return f"{header}.{b64url(raw_json(id_claims(**changes)))}.{signature}"


def test_altered_payload_breaks_the_signature() -> None:
    verification = verify(tamper_payload(id_token(), **{"cognito_groups": ["admins", "root"]}))
    assert_rejected(verification, "invalid_signature", "signature")


def test_token_signed_by_another_key_with_a_real_kid() -> None:
    forged = sign(id_claims(), kid=ID_KID, key_name="attacker")
    assert_rejected(verify(forged), "invalid_signature", "signature")


def test_access_token_kid_swapped_for_the_id_key() -> None:
    swapped = sign(access_claims(), kid=ID_KID, key_name="access")
    assert_rejected(verify(swapped, expect_access()), "invalid_signature", "signature")


@pytest.mark.parametrize("signature", [b"", b"\x00", b"\x00" * 256, b"\xff" * 256, b"\x01" * 512])
def test_garbage_signatures(signature: bytes) -> None:
    header, payload, _ = id_token().split(".")
    token = f"{header}.{payload}.{b64url(signature)}"
    assert_rejected(verify(token), "invalid_signature", "signature")


# --- time -----------------------------------------------------------------------------------


def test_expired_token() -> None:
    exp = int(NOW) + 3600
    assert verify(id_token(), now=exp - 1).valid
    verification = verify(id_token(), now=exp)  # exp is the first instant it is no longer valid
    assert_rejected(verification, "expired", "exp")
    assert verification.error.message == "expired at 2023-11-14T23:13:20Z, 0 s ago"


def test_grace_period_applies_to_exp() -> None:
    exp = int(NOW) + 3600
    assert verify(id_token(), expect_id(grace_seconds=30), now=exp + 29).valid
    verification = verify(id_token(), expect_id(grace_seconds=30), now=exp + 30)
    assert_rejected(verification, "expired", "exp")
    assert "beyond the 30 s grace period" in verification.error.message


@pytest.mark.parametrize("exp", [DROP, "1700003600", None, True, [1], {"t": 1}])
def test_missing_or_non_numeric_exp_is_malformed_at_the_exp_check(exp: object) -> None:
    verification = verify(sign(id_claims(exp=exp)))
    assert_rejected(verification, "malformed", "exp")
    assert verification.check("signature").passed is True  # it was validly signed; still refused


@pytest.mark.parametrize("exp", [10**30, 10**400, 1e308])
def test_huge_exp_does_not_crash(exp: float) -> None:
    verification = verify(sign(id_claims(exp=exp)))
    assert verification.valid  # absurd but numeric: far in the future
    assert "beyond any calendar date" in verification.check("exp").reason


@pytest.mark.parametrize("exp", [-(10**400), -1e308, -1])
def test_hugely_negative_exp_is_expired_not_a_crash(exp: float) -> None:
    assert_rejected(verify(sign(id_claims(exp=exp))), "expired", "exp")


def test_nbf_in_the_future_with_and_without_grace() -> None:
    token = sign(id_claims(nbf=int(NOW) + 60))
    assert_rejected(verify(token), "not_yet_valid", "nbf")
    assert verify(token, expect_id(grace_seconds=60)).valid
    assert_rejected(verify(sign(id_claims(nbf="soon"))), "malformed", "nbf")


# --- issuer, scope, groups, token_use, client ---------------------------------------------


def test_wrong_issuer() -> None:
    other_pool = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Other123"
    verification = verify(id_token(), expect_id(issuer=other_pool))
    assert_rejected(verification, "wrong_issuer", "iss")
    assert_rejected(verify(sign(id_claims(iss=DROP))), "wrong_issuer", "iss")
    assert_rejected(verify(sign(id_claims(iss=ISSUER + "/"))), "wrong_issuer", "iss")


def test_scope_any_one_of_the_expected_scopes_is_enough() -> None:
    # API Gateway: "succeeds if any scope that's specified on the method … matches"
    # (aws-facts.md §5.1)
    assert verify(access_token(), expect_access(scopes=("nope", "orders/read"))).valid
    verification = verify(access_token(), expect_access(scopes=("orders/write", "admin")))
    assert_rejected(verification, "missing_scope", "scope")
    assert "orders/write, admin" in verification.error.message


def test_scope_matches_whole_words_only() -> None:
    token = access_token(scope="orders/read-all openid")
    assert_rejected(verify(token, expect_access(scopes=("orders/read",))), "missing_scope", "scope")


def test_id_token_has_no_scope_so_a_scoped_api_refuses_it() -> None:
    # REST authorizer with scopes wants the access token (aws-facts.md §5.1, §6)
    verification = verify(id_token(), expect_id(scopes=("openid",), token_use=None))
    assert_rejected(verification, "missing_scope", "scope")
    assert "needs the access token" in verification.error.message


def test_groups_all_expected_groups_are_required() -> None:
    assert verify(id_token(), expect_id(groups=("admins", "readers"))).valid
    verification = verify(id_token(), expect_id(groups=("admins", "auditors")))
    assert_rejected(verification, "missing_group", "groups")
    assert "auditors" in verification.error.message and "admins" not in verification.error.message
    assert_rejected(verify(sign(id_claims(cognito_groups=DROP)), expect_id(groups=("admins",))),
                    "missing_group", "groups")
    # aws-jwt-verify's assertStringArraysOverlap (src/assert.ts) takes a lone string as an array
    # of one, and refuses an array holding anything but strings.
    assert verify(sign(id_claims(cognito_groups="admins")), expect_id(groups=("admins",))).valid
    assert_rejected(verify(sign(id_claims(cognito_groups=["admins", 7])), expect_id(groups=("admins",))),
                    "missing_group", "groups")


def test_access_token_where_an_id_token_is_expected() -> None:
    # REST authorizer without scopes wants the ID token (aws-facts.md §5.1, §6)
    verification = verify(access_token(), expect_id())
    assert_rejected(verification, "wrong_token_use", "token_use")
    assert "this is an access token" in verification.error.message


def test_id_token_where_an_access_token_is_expected() -> None:
    verification = verify(id_token(), expect_access(scopes=()))
    assert_rejected(verification, "wrong_token_use", "token_use")


@pytest.mark.parametrize("token_use", [DROP, "refresh", ["id"], None])
def test_token_use_must_be_id_or_access_even_when_either_is_accepted(token_use: object) -> None:
    token = sign(id_claims(token_use=token_use))
    assert_rejected(verify(token, Expectations()), "wrong_token_use", "token_use")


def test_wrong_client_on_aud_for_id_tokens() -> None:
    assert_rejected(verify(id_token(aud=OTHER_CLIENT_ID)), "wrong_client", "client")
    assert_rejected(verify(sign(id_claims(aud=DROP))), "wrong_client", "client")
    assert verify(id_token(), expect_id(client_ids=(OTHER_CLIENT_ID, CLIENT_ID))).valid


def test_wrong_client_on_client_id_for_access_tokens() -> None:
    # The access token names its app client in client_id; an aud claim does not count
    token = access_token(client_id=OTHER_CLIENT_ID, aud=CLIENT_ID)
    verification = verify(token, expect_access())
    assert_rejected(verification, "wrong_client", "client")
    assert verification.error.message.startswith("client_id is '57cb")


# --- order of reporting -----------------------------------------------------------------------

# Each step fixes one more fault: the error must always be the first remaining one in the
# documented order, and every later fault must still be visible in the checks.
# The issuer comes first: a token of another pool is "from the wrong pool" before anything else
# (issue 14, "the headline for a foreign token is the wrong issuer").
FAULTS: list[tuple[str, str, dict[str, Any]]] = [
    ("wrong_issuer", "iss", {"iss": "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other"}),
    ("expired", "exp", {"exp": int(NOW) - 10}),
    ("not_yet_valid", "nbf", {"nbf": int(NOW) + 600}),
    ("missing_scope", "scope", {"scope": "profile"}),
    ("missing_group", "groups", {"cognito:groups": ["readers"]}),
    ("wrong_token_use", "token_use", {"token_use": "id"}),
    ("wrong_client", "client", {"client_id": OTHER_CLIENT_ID}),
]


@pytest.mark.parametrize("first", range(len(FAULTS) + 1))
def test_the_first_failing_check_in_order_is_the_error(first: int) -> None:
    claims = access_claims()
    for _, _, change in FAULTS[first:]:
        claims.update(change)
    verification = verify(sign(claims, ACCESS_KID, "access"), expect_access(groups=("admins",)))
    if first == len(FAULTS):
        assert verification.valid
        return
    code, check, _ = FAULTS[first]
    assert_rejected(verification, code, check)
    failed = [c.name for c in verification.checks if c.passed is False]
    assert failed == [name for _, name, _ in FAULTS[first:]]


def test_bad_signature_outranks_every_claim_fault_but_the_issuer() -> None:
    claims = access_claims(exp=int(NOW) - 10, client_id="x")
    forged = sign(claims, ACCESS_KID, "attacker")
    verification = verify(forged, expect_access())
    assert_rejected(verification, "invalid_signature", "signature")
    assert verification.check("exp").code == "expired"


def test_wrong_issuer_outranks_an_unknown_key_and_a_bad_signature() -> None:
    # A token of another pool is refused whatever its signature; saying "no key for this kid"
    # would send the learner looking for keys instead of the right pool.
    other_pool = access_claims(iss="https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Other1")
    for token in (sign(other_pool, "kid-of-the-other-pool", "attacker"), sign(other_pool, ACCESS_KID, "attacker")):
        verification = verify(token, expect_access())
        assert_rejected(verification, "wrong_issuer", "iss")
        assert verification.check("signature").passed is not True


def test_no_key_set_still_checks_every_claim() -> None:
    # Offline: the verifier gets no keys at all; the claims are still judged, and a token with
    # nothing else wrong is "keys_unavailable", never valid.
    assert_rejected(verify_token(id_token(), None, expect_id(), now=NOW + 7200), "expired", "exp")
    verification = verify_token(id_token(), None, expect_id(), now=NOW)
    assert not verification.valid and verification.error.code == "keys_unavailable"
    assert verification.check("key_lookup").passed is None
    assert verification.check("signature").passed is None


def test_unknown_key_outranks_a_bad_algorithm_and_bad_claims() -> None:
    token = forge({"alg": "HS256", "kid": "nope"}, access_claims(exp=0), b"x" * 32)
    assert_rejected(verify(token, expect_access()), "key_not_found", "key_lookup")


def test_every_error_code_is_reachable() -> None:
    keys = KeySet.from_jwks({"keys": [*cognito_jwks()["keys"], ec_jwk("ec")]})
    tokens = [
        "junk", sign(id_claims(), kid="nope"), sign(id_claims(), kid="ec"),
        forge({"alg": "none", "kid": ID_KID}, id_claims()), tamper_payload(id_token(), sub="x"),
        id_token(exp=0), sign(id_claims(nbf=int(NOW) + 99)), id_token(iss="x"),
        sign(id_claims()), id_token(), access_token(), id_token(aud="x"),
    ]
    expectations = [expect_id()] * 8 + [expect_id(scopes=("s",), token_use=None),
                                        expect_id(groups=("g",)), expect_id(), expect_id()]
    codes = {verify_token(t, keys, e, now=NOW).error.code for t, e in zip(tokens, expectations)}
    codes.add(verify_token(id_token(), None, expect_id(), now=NOW).error.code)
    assert codes == ERROR_CODES


# --- result object and configuration ----------------------------------------------------------


def test_to_json_reports_verdict_error_and_checks() -> None:
    document = json.loads(verify(id_token(), now=NOW + 7200).to_json())
    assert document["valid"] is False
    assert document["error"]["code"] == "expired"
    assert [check["name"] for check in document["checks"]] == list(CHECK_ORDER)
    assert document["token_type"] == "id" and document["claims"]["sub"]
    lean = json.loads(verify(id_token()).to_json(include_token=False))
    assert set(lean) == {"valid", "error", "checks"} and lean["error"] is None


def test_expectations_reject_mistakes() -> None:
    with pytest.raises(ValueError):
        Expectations(token_use="refresh")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        Expectations(grace_seconds=-1)
    with pytest.raises(TypeError):
        Expectations(client_ids="abc")  # type: ignore[arg-type]


def test_keys_are_parsed_once_not_per_verification(monkeypatch: pytest.MonkeyPatch) -> None:
    keys = KeySet.from_jwks(cognito_jwks())

    def no_parsing(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("a JWK was parsed during verification")

    monkeypatch.setattr(flows.jwks, "PyJWK", no_parsing)
    for _ in range(3):
        assert verify(id_token(), keys=keys).valid
