"""The one base class of every error `flows` raises on purpose.

Catch `FlowsError` to catch them all. Errors that carry a `code` list their codes as a `Literal`
next to the error (`JwksErrorCode`, `TokenFormatCode`, `VerifyErrorCode`): a program can match on
the code, a type checker knows every value, and an unknown code is refused when the error is built,
so a typo fails the first test that reaches it instead of reaching a user.
"""

from __future__ import annotations

from typing import Any, ClassVar, get_args

__all__ = ["CodedError", "FlowsError"]


class FlowsError(Exception):
    """Something `flows` was asked to do can't be done; `message` says why, to a person."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class CodedError(FlowsError):
    """A `FlowsError` with a stable `code` for programs, one of the subclass's `code_type`."""

    code_type: ClassVar[Any] = None  # a Literal[...] of the allowed codes

    def __init__(self, code: str, message: str) -> None:
        if code not in get_args(self.code_type):
            raise ValueError(f"{type(self).__name__} has no code {code!r}")
        super().__init__(message)
        self.code = code

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}
