"""The lab's own failure messages exist in both languages (issue 17); AWS's stay as AWS wrote them."""

from __future__ import annotations

import pytest

from flows.i18n import text
from flows.oauth import _callback_into
from flows.identity import get_credentials_basic
from flows.steps import AwsFailure, StepResult
from flows.target import Target
from flows.target_sources import TargetConfigError, target_from_settings

TARGET = Target(kind="aws", region="eu-west-1", user_pool_id="eu-west-1_x", identity_pool_id="eu-west-1:y",
                clients={}, apis={})


def _japanese(sentence: str) -> bool:
    return any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in sentence)


def test_no_code_in_the_redirect_is_said_in_japanese_with_the_location_kept():
    result = _callback_into(StepResult("oauth_callback"), "http://localhost/callback?state=s", "s")
    assert result.failure is not None and result.failure.code == "invalid_request"
    assert result.failure.message == "No code in the redirect: http://localhost/callback?state=s"
    japanese = result.failure.text("ja")
    assert _japanese(japanese) and japanese.endswith("http://localhost/callback?state=s")


def test_a_state_mismatch_is_the_labs_own_message():
    result = _callback_into(StepResult("oauth_callback"), "http://localhost/callback?code=c&state=other", "s")
    assert result.failure is not None and result.failure.code == "state_mismatch"
    assert "'other'" in result.failure.text("ja") and _japanese(result.failure.text("ja"))


def test_the_basic_flow_without_a_role_says_so_in_both_languages():
    failure = get_credentials_basic(TARGET, None).failure
    assert failure is not None and failure.message == "The basic flow needs a role ARN."
    assert failure.text("ja") == text("polish.fail.no_role_arn", "ja") and _japanese(failure.text("ja"))


def test_an_aws_message_stays_as_aws_wrote_it():
    quoted = AwsFailure("NotAuthorizedException", "Invalid login token. Missing a required claim: aud", 400)
    assert quoted.text("ja") == quoted.message


def test_the_export_carries_the_message_in_the_chosen_language():
    failure = get_credentials_basic(TARGET, None)
    assert failure.to_json(lang="ja")["failure"]["message"] == text("polish.fail.no_role_arn", "ja")
    assert failure.to_json(lang="en")["failure"]["message"] == "The basic flow needs a role ARN."


def test_missing_target_settings_are_named_in_both_languages():
    with pytest.raises(TargetConfigError) as refused:
        target_from_settings({"region": "eu-west-1"})
    assert refused.value.message.startswith("Missing settings for an AWS target: user_pool_id (env COGNITO_LAB_")
    assert _japanese(refused.value.text("ja")) and "user_pool_id" in refused.value.text("ja")
