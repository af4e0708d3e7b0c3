"""API Gateway's IAM refusals as the API page receives them (issue 20): the policy refusal's
`Message` key is read, and a wrong signature's full text (canonical request and string-to-sign,
public report github.com/mhart/aws4/issues/110; aws-facts.md §5.3) arrives with the quoted session
token masked, in the outputs and on the wire as shown."""

from __future__ import annotations

from flows import api, breakit, identity, signin
from flows.target import Target


def _credentials(target: Target, username: str) -> dict:
    password = next(u.password for u in target.users if u.username == username)
    id_token = signin.sign_in_with_password(target, username, password).outputs["id_token"]
    return identity.get_credentials(target, id_token).outputs


def _iam_route(target: Target):
    return next(r for r in target.routes if r.api == "rest" and r.auth == "AWS_IAM")


def test_wrong_signature_shows_what_aws_computed_without_the_session_token(target):
    credentials = _credentials(target, "alice")
    result = api.call_route_signed(target, _iam_route(target), breakit.wrong_secret(credentials))
    message = result.outputs["body"]["message"]
    assert "Consult the service documentation for details." in message
    assert "The Canonical String for this request should have been" in message
    assert "The String-to-Sign should have been" in message
    token = credentials["SessionToken"]
    shown = result.exchanges[-1].masked().response.body
    assert token not in message and token not in result.failure.message and token not in shown
    assert "x-amz-security-token:" in message


def test_policy_refusal_message_is_read_from_the_capitalised_key(target):
    result = api.call_route_signed(target, _iam_route(target), _credentials(target, "bob"))
    assert result.outputs["status"] == 403 and "Message" in result.outputs["body"]
    assert result.failure.message.startswith("User: arn:aws:sts::") and "********9012" in result.failure.message
    assert result.failure.meaning_key == "meaning.api.iam_not_allowed"
