"""Secrets are masked and passwords scrubbed wherever an exchange is shown (DESIGN.md)."""

from __future__ import annotations

import json

from flows.redact import mask_body, mask_header, scrub_passwords


def test_redaction_rules():
    assert json.loads(scrub_passwords('{"PASSWORD": "p", "NEW_PASSWORD": "q"}')) == {"PASSWORD": "********", "NEW_PASSWORD": "********"}
    assert "password=********" in scrub_passwords("username=a&password=hunter2")
    assert "hunter2-secret-value" not in mask_body('{"Credentials": {"SecretKey": "hunter2-secret-value"}}')
    assert "c2VjcmV0OnZhbHVlLXZhbHVl" not in mask_header("Authorization", "Basic c2VjcmV0OnZhbHVlLXZhbHVl")
    assert mask_header("Authorization", "eyJ.a.b") == "eyJ.a.b"  # tokens are the lesson, not secrets
    assert "sessiontoken" not in mask_header("X-Amz-Security-Token", "FwoG" + "sessiontoken" * 5)


def test_session_token_echoed_in_a_json_body_is_masked():
    body = json.dumps({"headers": {"X-Amz-Security-Token": "FwoGZXIvYXdzEJr" + "x" * 40}})
    assert "x" * 40 not in mask_body(body)
