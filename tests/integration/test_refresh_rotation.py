"""What Cognito added since 2024, as the lab shows it on the sign-in page: refresh-token rotation
and GetClientToken. Rotation (flows/signin.py against the
sandbox's seeded `rotating` app client: rotation on, grace period 0). Source: aws-facts.md §1.5 and
https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RefreshTokenRotationType.html."""

from __future__ import annotations

import jwt

from flows import fidelity, i18n, signin
from flows.target import Target


def _password(target: Target, username: str) -> str:
    return next(u.password for u in target.users if u.username == username)


def _note_keys(result) -> list[str]:
    return [note.key for note in result.notes]


def test_one_refresh_then_the_old_refresh_token_is_refused(target):
    signed_in = signin.sign_in_with_password(target, "carol", _password(target, "carol"), "rotating")
    old = signed_in.outputs["refresh_token"]
    first = signin.refresh_with_rotation(target, "rotating", old)
    assert first.ok and first.outputs["refresh_token"] not in (None, old)
    assert "note.rotation.new_refresh_token" in _note_keys(first)
    assert [exchange.label for exchange in first.exchanges] == ["GetTokensFromRefreshToken"]
    claims = jwt.decode(first.outputs["id_token"], options={"verify_signature": False})
    assert claims["cognito:username"] == "carol"
    again = fidelity.annotate(signin.refresh_with_rotation(target, "rotating", old), target)
    assert again.failure.code == "RefreshTokenReuseException"
    assert again.failure.meaning_key == "meaning.RefreshTokenReuseException"
    assert all("meaning.RefreshTokenReuseException" in i18n.catalogue(lang) for lang in ("en", "ja"))
    assert [note.key for note in again.fidelity_notes] == ["fidelity.rotation.reuse_text"]
    assert signin.refresh_with_rotation(target, "rotating", first.outputs["refresh_token"]).ok


def test_rotation_blocks_refresh_token_auth(target):
    old = signin.sign_in_with_password(target, "carol", _password(target, "carol"), "rotating").outputs["refresh_token"]
    refused = fidelity.annotate(signin.refresh(target, "rotating", old), target)
    assert refused.failure.code == "InvalidParameterException"
    assert "fidelity.rotation.refresh_token_auth" in [note.key for note in refused.fidelity_notes]


def test_without_rotation_no_new_refresh_token(target):
    old = signin.sign_in_with_password(target, "carol", _password(target, "carol")).outputs["refresh_token"]
    result = signin.refresh_with_rotation(target, "public", old)
    assert result.ok and result.outputs["refresh_token"] is None
    assert "note.rotation.no_new_refresh_token" in _note_keys(result)


def test_get_client_token_with_the_seeded_native_machine_client(target):
    # [IDP-model GetClientToken]: a secret and ALLOW_CLIENT_TOKEN_AUTH; no Scopes → the client's.
    result = fidelity.annotate(signin.client_token(target, "machine_api"), target)
    assert result.ok and result.outputs["token_type"] == "Bearer"
    token = jwt.decode(result.outputs["access_token"], options={"verify_signature": False})
    assert token["scope"] == "https://api.cognito-lab.example/items.read" and "username" not in token
    assert [note.key for note in result.fidelity_notes] == ["fidelity.client_token.guesses"]
    secret = target.client("machine_api").client_secret
    shown = result.exchanges[-1].masked().request.body
    assert secret and secret not in shown and '"Secret"' in shown  # the secret is masked on screen
