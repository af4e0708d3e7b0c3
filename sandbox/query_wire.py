"""The AWS query protocol, as STS speaks it: form-encoded requests, XML responses.

- Request: `POST /` with `Action=<Operation>&Version=2011-06-15&<Param>=<value>…`, form-encoded
  (botocore's sts model: `protocol: query`).
- Response: `<{Action}Response xmlns="…"><{Action}Result>…</{Action}Result>
  <ResponseMetadata><RequestId>…</RequestId></ResponseMetadata></{Action}Response>`.
- Error: `<ErrorResponse xmlns="…"><Error><Type>Sender</Type><Code>…</Code><Message>…</Message>
  </Error><RequestId>…</RequestId></ErrorResponse>`, as real STS answers in public bug reports
  (github.com/mozilla-iam/mozilla-aws-cli/issues/146, /127).
Hand-written for the same reason as `sandbox.wire`: moto's serializers are tied to its handlers.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import parse_qsl
from xml.etree import ElementTree

from werkzeug.wrappers import Request, Response

from sandbox.errors import SandboxError

STS_NAMESPACE = "https://sts.amazonaws.com/doc/2011-06-15/"
FORM = "application/x-www-form-urlencoded"


StsErrorCode = Literal["AccessDenied", "ExpiredToken", "ExpiredTokenException", "IncompleteSignature",
                       "InvalidAction", "InvalidClientTokenId", "InvalidIdentityToken",
                       "MissingAuthenticationToken", "SignatureDoesNotMatch", "ValidationError"]


@dataclass
class QueryError(SandboxError):
    """An STS error answer (query protocol), raised fresh each time."""

    code: StsErrorCode
    message: str
    status: int = 400

    def to_response(self, namespace: str = STS_NAMESPACE) -> Response:
        root = ElementTree.Element("ErrorResponse", xmlns=namespace)
        error = ElementTree.SubElement(root, "Error")
        _append(error, {"Type": "Sender" if self.status < 500 else "Receiver", "Code": self.code,
                        "Message": self.message})
        ElementTree.SubElement(root, "RequestId").text = str(uuid.uuid4())
        return _xml(root, self.status)


def is_query_request(request: Request) -> bool:
    """A form-encoded POST / naming an Action: what botocore sends for a query-protocol service."""
    return (request.method == "POST" and request.path == "/" and request.mimetype == FORM
            and "Action" in form_params(request))


def form_params(request: Request) -> dict[str, str]:
    # Parsed from the raw body, not request.form, so the body stays readable for SigV4.
    return dict(parse_qsl(request.get_data(cache=True).decode("utf-8", errors="replace"), keep_blank_values=True))


def _append(parent: ElementTree.Element, values: dict[str, Any]) -> None:
    for name, value in values.items():
        child = ElementTree.SubElement(parent, name)
        if isinstance(value, dict):
            _append(child, value)
        else:
            child.text = str(value)


def _xml(root: ElementTree.Element, status: int) -> Response:
    body = ElementTree.tostring(root, encoding="unicode")
    return Response(body, status=status, content_type="text/xml", headers={"x-amzn-RequestId": str(uuid.uuid4())})


def xml_response(action: str, result: dict[str, Any], namespace: str = STS_NAMESPACE) -> Response:
    root = ElementTree.Element(f"{action}Response", xmlns=namespace)
    _append(root, {f"{action}Result": result, "ResponseMetadata": {"RequestId": str(uuid.uuid4())}})
    return _xml(root, 200)
