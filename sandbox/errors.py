"""Every error the sandbox answers on purpose, one class per AWS error, as moto's
`cognitoidp/exceptions.py` does.

Each error is raised **fresh**, never kept in a module-level instance: raising one shared
instance again and again grows its `__traceback__` with every raise, and the frames it holds
keep their locals alive (wrong passwords among them) for as long as the process runs.

- `SandboxError`: the base of every error class in this package (wire errors and internal ones).
- `AwsError`: an AWS JSON 1.1 error (`{"__type", "message"}`, aws-facts.md §0); its `type` is
  typed (`AwsErrorType`). Subclasses named after the AWS exception carry the message; those
  named after a situation (`IncorrectCredentials`) carry AWS's fixed text too.
"""

from __future__ import annotations

import json
import uuid
from typing import ClassVar, Literal

from werkzeug.wrappers import Response

JSON_11 = "application/x-amz-json-1.1"

AwsErrorType = Literal[
    "AccessDeniedException", "IncompleteSignatureException", "InvalidSignatureException",
    "MissingAuthenticationTokenException", "UnrecognizedClientException",
    "CodeMismatchException", "ExpiredCodeException", "FeatureUnavailableInTierException",
    "RefreshTokenReuseException", "InvalidIdentityPoolConfigurationException", "InvalidParameterException",
    "InvalidPasswordException", "NotAuthorizedException", "ResourceNotFoundException",
    "SerializationException", "UnauthorizedException", "UnknownOperationException",
    "UnsupportedTokenTypeException", "UserNotConfirmedException", "UserNotFoundException",
    "UsernameExistsException",
]


def request_id_header() -> dict[str, str]:
    """AWS puts `x-amzn-RequestId` on every JSON-protocol answer, success or error; the SDKs
    read it into `ResponseMetadata.RequestId` / `$metadata.requestId`."""
    return {"x-amzn-RequestId": str(uuid.uuid4())}


class SandboxError(Exception):
    """The base class of every error the sandbox raises on purpose."""


class AwsError(SandboxError):
    """An error AWS answers with: HTTP 400, `x-amzn-ErrorType` and `{"__type", "message"}`."""

    type: ClassVar[str]  # the AWS exception name; `AwsErrorType` for every class but MotoError
    status: ClassVar[int] = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def to_response(self) -> Response:
        body = json.dumps({"__type": self.type, "message": self.message})
        # A header holds one line: a signature mismatch quotes the canonical request in the body only.
        first_line = self.message.split("\n", 1)[0]
        headers = {"x-amzn-ErrorType": f"{self.type}:", "x-amzn-ErrorMessage": first_line, **request_id_header()}
        return Response(body, status=self.status, headers=headers, content_type=JSON_11)


# --- one class per AWS exception the sandbox answers with --------------------------------------

class CodeMismatchException(AwsError):
    type: ClassVar[AwsErrorType] = "CodeMismatchException"


class ExpiredCodeException(AwsError):
    type: ClassVar[AwsErrorType] = "ExpiredCodeException"


class FeatureUnavailableInTierException(AwsError):
    type: ClassVar[AwsErrorType] = "FeatureUnavailableInTierException"


class RefreshTokenReuseException(AwsError):
    type: ClassVar[AwsErrorType] = "RefreshTokenReuseException"


class InvalidIdentityPoolConfigurationException(AwsError):
    type: ClassVar[AwsErrorType] = "InvalidIdentityPoolConfigurationException"


class InvalidParameterException(AwsError):
    type: ClassVar[AwsErrorType] = "InvalidParameterException"


class NotAuthorizedException(AwsError):
    type: ClassVar[AwsErrorType] = "NotAuthorizedException"


class ResourceNotFoundException(AwsError):
    type: ClassVar[AwsErrorType] = "ResourceNotFoundException"


class SerializationException(AwsError):
    type: ClassVar[AwsErrorType] = "SerializationException"


class UnauthorizedException(AwsError):
    type: ClassVar[AwsErrorType] = "UnauthorizedException"


class UnknownOperationException(AwsError):
    type: ClassVar[AwsErrorType] = "UnknownOperationException"


class UnsupportedTokenTypeException(AwsError):
    type: ClassVar[AwsErrorType] = "UnsupportedTokenTypeException"


class UserNotConfirmedException(AwsError):
    type: ClassVar[AwsErrorType] = "UserNotConfirmedException"


class UserNotFoundException(AwsError):
    type: ClassVar[AwsErrorType] = "UserNotFoundException"


class UsernameExistsException(AwsError):
    type: ClassVar[AwsErrorType] = "UsernameExistsException"


class InvalidPasswordException(AwsError):
    type: ClassVar[AwsErrorType] = "InvalidPasswordException"


# --- a signed operation's caller (sandbox.access; Cognito's CommonErrors page:
# https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/CommonErrors.html) --------

class AccessDeniedException(AwsError):
    type: ClassVar[AwsErrorType] = "AccessDeniedException"
    status: ClassVar[int] = 403  # CommonErrors: AccessDeniedException, HTTP 403


class IncompleteSignatureException(AwsError):
    type: ClassVar[AwsErrorType] = "IncompleteSignatureException"


class InvalidSignatureException(AwsError):
    type: ClassVar[AwsErrorType] = "InvalidSignatureException"


class MissingAuthenticationTokenException(AwsError):
    type: ClassVar[AwsErrorType] = "MissingAuthenticationTokenException"
    status: ClassVar[int] = 403  # CommonErrors: MissingAuthenticationToken, HTTP 403


class UnrecognizedClientException(AwsError):
    type: ClassVar[AwsErrorType] = "UnrecognizedClientException"


class MotoError(AwsError):
    """An error moto's model raised, passed through with moto's own type and message."""

    def __init__(self, error_type: str, message: str) -> None:
        super().__init__(message)
        self.type = error_type  # type: ignore[misc]  # moto's code, not one the sandbox names


# --- errors with AWS's fixed text ---------------------------------------------------------------

class IncorrectCredentials(NotAuthorizedException):
    def __init__(self) -> None:
        super().__init__("Incorrect username or password.")


class UserDisabled(NotAuthorizedException):
    def __init__(self) -> None:
        super().__init__("User is disabled.")


class ChallengeSessionExpired(NotAuthorizedException):
    def __init__(self) -> None:
        super().__init__("Invalid session for the user, session is expired.")


class InvalidChallengeSession(NotAuthorizedException):
    """An unknown or foreign session: UNCONFIRMED text (real clients only quote the expired one)."""

    def __init__(self) -> None:
        super().__init__("Invalid session for the user.")


class WrongTotpCode(CodeMismatchException):
    def __init__(self) -> None:
        super().__init__("Invalid code received for user")


class WrongFirstTotpCode(CodeMismatchException):
    """AWS's text for a wrong first code, as seen in SDK error reports; UNCONFIRMED on an AWS page."""

    def __init__(self) -> None:
        super().__init__("Code mismatch and fail enable Software Token MFA")


class ReusedTotpCode(ExpiredCodeException):
    """A TOTP code accepted once, sent again (the issue-20 report of real AWS answers)."""

    def __init__(self) -> None:
        super().__init__("Your software token has already been used once.")


class ExpiredConfirmationCode(ExpiredCodeException):
    """A sign-up code past its 24 hours; the text is the one SDK error reports quote (UNCONFIRMED
    on an AWS page)."""

    def __init__(self) -> None:
        super().__init__("Invalid code provided, please request a code again.")


class WrongConfirmationCode(CodeMismatchException):
    """The text community reports quote for a wrong sign-up code; UNCONFIRMED on an AWS page."""

    def __init__(self) -> None:
        super().__init__("Invalid verification code provided, please try again.")


class RevokedAccessToken(NotAuthorizedException):
    def __init__(self) -> None:
        super().__init__("Access Token has been revoked")


class RevokedRefreshToken(NotAuthorizedException):
    def __init__(self) -> None:
        super().__init__("Refresh Token has been revoked")


class InvalidRefreshToken(NotAuthorizedException):
    def __init__(self) -> None:
        super().__init__("Invalid Refresh Token.")


class RoleMappingDenied(NotAuthorizedException):
    def __init__(self) -> None:
        super().__init__("The ambiguous role mapping rules denied this request")


_BY_TYPE: dict[str, type[AwsError]] = {cls.type: cls for cls in (
    CodeMismatchException, ExpiredCodeException, FeatureUnavailableInTierException,
    InvalidIdentityPoolConfigurationException, InvalidParameterException, NotAuthorizedException,
    RefreshTokenReuseException, ResourceNotFoundException, SerializationException, UnauthorizedException,
    UnknownOperationException, UnsupportedTokenTypeException, UserNotConfirmedException,
    UserNotFoundException, UsernameExistsException, InvalidPasswordException)}


def from_moto(error_type: str, message: str) -> AwsError:
    """A fresh sandbox error for an error moto raised: its own class when the sandbox names it."""
    known = _BY_TYPE.get(error_type)
    return known(message) if known else MotoError(error_type, message)
