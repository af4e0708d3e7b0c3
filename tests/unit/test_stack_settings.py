"""`--stack` finds its region as boto3 does (issue 15): --region, else AWS_DEFAULT_REGION, else
the profile's region; AWS_REGION alone is not read by boto3 (botocore's configprovider), so it
is not read here either."""

from __future__ import annotations

import pytest

from flows.target_sources import TargetConfigError, stack_region


@pytest.fixture
def no_aws_configuration(monkeypatch, tmp_path):
    config = tmp_path / "config"
    config.write_text("[default]\n")
    for variable in ("AWS_DEFAULT_REGION", "AWS_REGION", "AWS_PROFILE"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    return config


def test_an_explicit_region_wins(no_aws_configuration, monkeypatch):
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    assert stack_region("ap-northeast-1") == "ap-northeast-1"


def test_aws_default_region_is_used(no_aws_configuration, monkeypatch):
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    assert stack_region() == "eu-west-1"


def test_the_profiles_region_is_used(no_aws_configuration, monkeypatch):
    no_aws_configuration.write_text("[default]\n[profile lab]\nregion = eu-central-1\n")
    monkeypatch.setenv("AWS_PROFILE", "lab")
    assert stack_region() == "eu-central-1"


def test_without_any_region_the_error_says_where_to_set_one(no_aws_configuration, monkeypatch):
    monkeypatch.setenv("AWS_REGION", "eu-west-3")  # not boto3's: no silent us-east-1 either
    with pytest.raises(TargetConfigError, match="--region"):
        stack_region()
