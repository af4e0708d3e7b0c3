"""Redaction, in one place (DESIGN.md).

Two levels:
- passwords are scrubbed when an exchange is captured: they are never stored, so never shown;
- client secrets, AWS secret keys, session tokens and Basic credentials are kept (the learner
  may reveal them on screen) but masked wherever they are shown or exported by default.
"""

from __future__ import annotations

import json
import re
from typing import Any, Iterable
from urllib.parse import parse_qsl, quote, urlencode

SCRUBBED = "********"
PASSWORD_FIELDS = frozenset({"PASSWORD", "NEW_PASSWORD", "Password", "TemporaryPassword", "PreviousPassword",
                             "ProposedPassword", "password"})
SECRET_FIELDS = frozenset({"SecretKey", "SecretAccessKey", "SessionToken", "ClientSecret", "client_secret",
                           "Secret",  # GetClientToken's client secret
                           "RefreshToken", "refresh_token",
                           "X-Amz-Security-Token",  # a session token echoed back in a JSON body
                           "aws_secret_access_key", "aws_session_token"})
SECRET_HEADERS = frozenset({"x-amz-security-token"})


def mask(value: str) -> str:
    """Masked but recognisable: the first 4 characters and the length."""
    return f"{value[:4]}...({len(value)} chars, masked)" if len(value) > 8 else SCRUBBED


def _walk(value: Any, fields: frozenset[str], replace: Any) -> Any:
    if isinstance(value, dict):
        return {k: replace(v) if k in fields and isinstance(v, str) else _walk(v, fields, replace)
                for k, v in value.items()}
    if isinstance(value, list):
        return [_walk(v, fields, replace) for v in value]
    return value


_XML_ELEMENT = re.compile(r"<(?P<name>[A-Za-z]+)>(?P<value>[^<]*)</(?P=name)>")


def _redact_xml(body: str, fields: frozenset[str], replace: Any) -> str:
    """STS answers in XML: mask the text of secret elements (<SecretAccessKey>, <SessionToken>)."""
    return _XML_ELEMENT.sub(lambda m: f"<{m['name']}>{replace(m['value']) if m['name'] in fields else m['value']}</{m['name']}>", body)


def _redact_body(body: str, fields: frozenset[str], replace: Any) -> str:
    if not body:
        return body
    if body.lstrip().startswith("<"):
        return _redact_xml(body, fields, replace)
    try:
        return json.dumps(_walk(json.loads(body), fields, replace))
    except (json.JSONDecodeError, TypeError):
        pass
    pairs = parse_qsl(body, keep_blank_values=True)
    if pairs and "=" in body and not body.lstrip().startswith(("{", "<")):
        # Keep the markers readable in a form body: don't percent-encode what redaction wrote.
        return urlencode([(k, replace(v) if k in fields else v) for k, v in pairs], safe="*.(), ", quote_via=quote)
    return body


def scrub_passwords(body: str) -> str:
    """Irreversibly remove passwords from a request or response body."""
    return _redact_body(body, PASSWORD_FIELDS, lambda _: SCRUBBED)


def mask_body(body: str) -> str:
    return mask_signed_token_lines(_redact_body(body, SECRET_FIELDS, mask))


# AWS's answer to a wrong SigV4 signature quotes the canonical request it computed, and with it the
# signed `x-amz-security-token:<session token>` line (aws-facts.md §5.3): that token is masked too.
_SIGNED_TOKEN_LINE = re.compile(r"(x-amz-security-token:)([A-Za-z0-9+/=%_-]+)", re.IGNORECASE)


def mask_signed_token_lines(text: str) -> str:
    return _SIGNED_TOKEN_LINE.sub(lambda match: match[1] + mask(match[2]), text)


def mask_header(name: str, value: str) -> str:
    lowered = name.lower()
    if lowered in SECRET_HEADERS:
        return mask(value)
    if lowered == "authorization" and value.lower().startswith("basic "):
        return "Basic " + mask(value[6:])  # base64(client_id:client_secret)
    return value


def mask_headers(headers: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    return tuple((name, mask_header(name, value)) for name, value in headers)


def mask_mapping(values: dict[str, Any]) -> dict[str, Any]:
    """Mask secret fields of a result shown to the learner (credentials, client settings)."""
    return _walk(values, SECRET_FIELDS, mask)


_JWT = re.compile(r"\b(eyJ[A-Za-z0-9_-]*\.eyJ[A-Za-z0-9_-]*)\.([A-Za-z0-9_-]{16,})")
SIGNATURE_ELIDED = "<signature elided>"


def elide_signatures(value: Any) -> Any:
    """Replace the signature segment of every JWT in a JSON-like value.

    Exports are for wikis: a token without its signature still teaches its claims but can't
    be replayed against an API.
    """
    if isinstance(value, str):
        return _JWT.sub(lambda match: f"{match[1]}.{SIGNATURE_ELIDED}", value)
    if isinstance(value, dict):
        return {k: elide_signatures(v) for k, v in value.items()}
    if isinstance(value, list):
        return [elide_signatures(v) for v in value]
    return value
