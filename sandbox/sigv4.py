"""AWS Signature Version 4, checked as AWS checks it, against the credentials the sandbox issued.

The signature is recomputed with botocore's own signer (`botocore.auth.SigV4Auth`) from the
request as it arrived: the same method, path and query, only the headers the client listed in
SignedHeaders, the same body, the client's X-Amz-Date, and the secret key the sandbox stored for
the access key id; the two signatures are compared in constant time. Using the SDK's signer means
the sandbox cannot drift from what clients compute, where a hand-written canonicalisation could
agree with a buggy client and hide the bug.

Each failure is a `SigV4Failure` naming its kind; API Gateway (aws-facts.md §5.3) and STS turn the
kinds into their own error types and texts.
"""

from __future__ import annotations

import calendar
import hmac
import time
from dataclasses import dataclass
from typing import Literal, Protocol

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from werkzeug.wrappers import Request

from sandbox.credentials import IssuedCredentials
from sandbox.errors import SandboxError

ALGORITHM = "AWS4-HMAC-SHA256"
AMZ_DATE = "%Y%m%dT%H%M%SZ"
MAX_SKEW_SECONDS = 300  # a signature is good for 5 minutes either side of the server's clock
_REQUIRED = ("Credential", "Signature", "SignedHeaders")
FailureKind = Literal["missing", "incomplete", "invalid_token", "expired_token", "wrong_service",
                      "signature", "signature_expired"]


class CredentialFinder(Protocol):
    """Where issued keys are looked up: the identity pool's and STS's temporary credentials, or
    the topologies' long-term account keys (`sandbox.accounts`)."""

    def find(self, access_key_id: str) -> IssuedCredentials | None: ...


@dataclass
class SigV4Failure(SandboxError):
    kind: FailureKind
    detail: str = ""  # AWS's wording, where it depends on the request


@dataclass(frozen=True)
class Authorization:
    """The parts of `Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`."""

    access_key_id: str
    region: str
    service: str
    signed_headers: tuple[str, ...]
    signature: str


# --- parsing the Authorization header ----------------------------------------------------------
def _requires(missing: list[str], header_value: str) -> SigV4Failure:
    # The text API Gateway answers e.g. for a JWT sent to an AWS_IAM method (UNCONFIRMED: seen in
    # public reports such as github.com/aws/chalice/issues/828, not on an AWS page).
    sentences = [f"Authorization header requires '{name}' parameter." for name in missing if name != "date"]
    if "date" in missing:
        sentences.append("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
    return SigV4Failure("incomplete", " ".join(sentences) + f" Authorization={header_value}")


def _pairs(header_value: str) -> dict[str, str]:
    _, _, rest = header_value.partition(" ")
    pairs: dict[str, str] = {}
    for part in (p.strip() for p in rest.split(",") if p.strip()):
        if "=" not in part:
            raise SigV4Failure("incomplete", f"'{part}' not a valid key=value pair (missing equal-sign) "
                                             f"in Authorization header: '{header_value}'.")
        name, _, value = part.partition("=")
        pairs[name.strip()] = value.strip()
    return pairs


def parse_authorization(header_value: str, has_date: bool) -> Authorization:
    pairs = _pairs(header_value) if " " in header_value.strip() else {}
    missing = [n for n in _REQUIRED if not pairs.get(n)] + ([] if has_date else ["date"])
    if missing or not header_value.startswith(ALGORITHM + " "):
        raise _requires(missing or list(_REQUIRED), header_value)
    scope = pairs["Credential"].split("/")  # <access key>/<yyyymmdd>/<region>/<service>/aws4_request
    if len(scope) != 5 or scope[4] != "aws4_request":
        raise SigV4Failure("incomplete", "Credential should be scoped with a valid terminator: "
                                         f"'aws4_request', not '{scope[-1]}'.")
    signed_headers = tuple(pairs["SignedHeaders"].lower().split(";"))
    return Authorization(scope[0], scope[2], scope[3], signed_headers, pairs["Signature"])


# --- recomputing the signature --------------------------------------------------------------------
def _url_as_sent(request: Request) -> str:
    # The raw request target, not werkzeug's decoded path: the client signed what it sent.
    target = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI") or request.full_path
    return f"{request.scheme}://{request.host}{target}"


@dataclass(frozen=True)
class ExpectedSignature:
    """What the server computed: AWS quotes the first two in its mismatch answer."""

    canonical_request: str
    string_to_sign: str
    signature: str


def expected(request: Request, signed: Authorization, credentials: IssuedCredentials) -> ExpectedSignature:
    headers = {name: request.headers.get(name, "") for name in signed.signed_headers}
    aws_request = AWSRequest(method=request.method, url=_url_as_sent(request),
                             data=request.get_data(cache=True), headers=headers)
    aws_request.context["timestamp"] = request.headers.get("X-Amz-Date", "")
    signer = SigV4Auth(Credentials(credentials.access_key_id, credentials.secret_key, credentials.session_token),
                       signed.service, signed.region)
    canonical = signer.canonical_request(aws_request)
    string_to_sign = signer.string_to_sign(aws_request, canonical)
    return ExpectedSignature(canonical, string_to_sign, signer.signature(string_to_sign, aws_request))


def expected_signature(request: Request, signed: Authorization, credentials: IssuedCredentials) -> str:
    return expected(request, signed, credentials).signature


def mismatch_detail(computed: ExpectedSignature) -> str:
    """AWS's answer to a wrong signature quotes what it computed, so developers can compare
    (public reports, e.g. github.com/mhart/aws4/issues/110, for execute-api)."""
    return ("The request signature we calculated does not match the signature you provided. Check your AWS "
            "Secret Access Key and signing method. Consult the service documentation for details.\n\n"
            f"The Canonical String for this request should have been\n'{computed.canonical_request}'\n\n"
            f"The String-to-Sign should have been\n'{computed.string_to_sign}'\n")


def _stamp(epoch: float) -> str:
    return time.strftime(AMZ_DATE, time.gmtime(epoch))


def _check_clock(amz_date: str, now: float) -> None:
    try:
        signed_at = calendar.timegm(time.strptime(amz_date, AMZ_DATE))
    except ValueError as error:
        raise SigV4Failure("incomplete", f"Date must be in ISO-8601 'basic format'. Got '{amz_date}'.") from error
    if signed_at < now - MAX_SKEW_SECONDS:
        # Only the prefix "Signature expired" is confirmed (aws-facts.md open item 15).
        raise SigV4Failure("signature_expired", f"Signature expired: {amz_date} is now earlier than "
                                                f"{_stamp(now - MAX_SKEW_SECONDS)} ({_stamp(now)} - 5 min.)")
    if signed_at > now + MAX_SKEW_SECONDS:
        raise SigV4Failure("signature_expired", f"Signature not yet current: {amz_date} is still later than "
                                                f"{_stamp(now + MAX_SKEW_SECONDS)} ({_stamp(now)} + 5 min.)")


def verify(request: Request, store: CredentialFinder, now: float, service: str,
           region: str | None = None) -> IssuedCredentials:
    """The credentials that signed this request, or a SigV4Failure saying what is wrong.
    `region`: the endpoint's own region, which the credential scope must name (None: a global
    endpoint such as STS's)."""
    header_value = request.headers.get("Authorization", "")
    if not header_value:
        raise SigV4Failure("missing")
    signed = parse_authorization(header_value, bool(request.headers.get("X-Amz-Date")))
    credentials = store.find(signed.access_key_id)
    given_token = request.headers.get("X-Amz-Security-Token") or ""  # long-term keys have none
    if credentials is None or given_token != credentials.session_token:
        raise SigV4Failure("invalid_token")  # temporary keys are only valid with their own session token
    if now >= credentials.expiration:
        raise SigV4Failure("expired_token")
    wrong_scope = _scope_problems(signed, service, region)
    if wrong_scope:
        raise SigV4Failure("wrong_service", wrong_scope)
    computed = expected(request, signed, credentials)
    if not hmac.compare_digest(computed.signature, signed.signature):
        raise SigV4Failure("signature", mismatch_detail(computed))
    _check_clock(request.headers["X-Amz-Date"], now)
    return credentials


def _scope_problems(signed: Authorization, service: str, region: str | None) -> str:
    """AWS's words for a credential scoped to another region or service, region first, as API
    Gateway answers both at once: "Credential should be scoped to a valid region, not 'us-east-1'.
    Credential should be scoped to correct service: 'execute-api'. " (Kong/insomnia#830)."""
    problems = ""
    if region is not None and signed.region != region:
        problems += f"Credential should be scoped to a valid region, not '{signed.region}'. "
    if signed.service != service:
        problems += f"Credential should be scoped to correct service: '{service}'. "
    return problems
