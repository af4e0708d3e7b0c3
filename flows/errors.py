"""The one base class of every error `flows` raises on purpose.

Catch `FlowsError` to catch them all. Errors that carry a `code` list their codes as a `Literal`
next to the error (`JwksErrorCode`, `TokenFormatCode`, `VerifyErrorCode`): a program can match on
the code, a type checker knows every value, and an unknown code is refused when the error is built,
so a typo fails the first test that reaches it instead of reaching a user.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Self, get_args

from flows import i18n

__all__ = ["CodedError", "FlowsError"]


class FlowsError(Exception):
    """Something `flows` was asked to do can't be done; `message` says why (English, for logs and
    JSON). When the lab words it itself, `key` and `params` name the catalogue sentence, and
    `text(lang)` shows it in the learner's language (the same way `AwsFailure.text` does)."""

    def __init__(self, message: str, key: str = "", params: Mapping[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.key = key
        self.params: Mapping[str, Any] = params or {}

    @classmethod
    def worded(cls, key: str, **params: Any) -> Self:
        """An error the lab words from its catalogue: `message` is the English sentence."""
        return cls(i18n.text(key, "en", **params), key, params)

    def text(self, lang: str = "en") -> str:
        """The message for a person, in `lang` (the English `message` if it has no key)."""
        return i18n.text(self.key, lang, **self.params) if self.key else self.message

    def __reduce__(self) -> tuple[Any, ...]:
        # An audit's worker processes send errors back pickled. Exception's default calls the
        # class with `args`, which fits no subclass's __init__; rebuild from the fields instead.
        return _rebuild, (type(self), self.args, self.__dict__)

    def __eq__(self, other: object) -> bool:
        """Equal when they say the same: rows holding errors compare by what they hold."""
        return type(other) is type(self) and vars(other) == vars(self)

    def __hash__(self) -> int:
        return hash((type(self), self.args))


def _rebuild(cls: type[FlowsError], args: tuple[Any, ...], fields: dict[str, Any]) -> FlowsError:
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(fields)
    return error


class CodedError(FlowsError):
    """A `FlowsError` with a stable `code` for programs, one of the subclass's `code_type`."""

    code_type: ClassVar[Any] = None  # a Literal[...] of the allowed codes

    def __init__(self, code: str, message: str, key: str = "",
                 params: Mapping[str, Any] | None = None) -> None:
        if code not in get_args(self.code_type):
            raise ValueError(f"{type(self).__name__} has no code {code!r}")
        super().__init__(message, key, params)
        self.code = code

    @classmethod
    def coded(cls, code: str, key: str, **params: Any) -> Self:
        """A coded error the lab words from its catalogue: `message` is the English sentence."""
        return cls(code, i18n.text(key, "en", **params), key, params)

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}
