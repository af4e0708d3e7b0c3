"""AWS's answer to a wrong SigV4 signature quotes the canonical request with the signed session
token (public report github.com/mhart/aws4/issues/110; aws-facts.md §5.3): shown masked."""

from __future__ import annotations

import json

from flows.redact import mask_body, mask_signed_token_lines

TOKEN = "IQoJb3JpZ2luX2VjEJ//////////wEaCXVzLWVhc3QtMSJGMEQCIBbiDVWzuTvQnRNG82h3eN8t5Dzp="
MESSAGE = ("The request signature we calculated does not match … Consult the service documentation for details."
           f"\n\nThe Canonical String for this request should have been\n'GET\n/prod/iam\n\nhost:example\n"
           f"x-amz-date:20260101T000000Z\nx-amz-security-token:{TOKEN}\n\nhost;x-amz-date;x-amz-security-token\nabc'\n")


def test_the_quoted_session_token_is_masked_in_a_body_and_in_a_message():
    masked_body = mask_body(json.dumps({"message": MESSAGE}))
    assert TOKEN not in masked_body and "x-amz-security-token:IQoJ...(" in masked_body
    assert json.loads(masked_body)["message"].count("\n") == MESSAGE.count("\n")
    masked = mask_signed_token_lines(MESSAGE)
    assert TOKEN not in masked and masked.startswith("The request signature")
