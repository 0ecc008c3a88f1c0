"""The two ways a lifecycle step is refused; the API maps them to 409 and 400, the UI shows the text."""
from __future__ import annotations

from caseapp.fieldrules import control_error


class TransitionRefused(Exception):
    """The step is not possible now (wrong state, no free bed, occupied shelter); German message says why."""


class InvalidInput(ValueError):
    """A value is malformed or unknown; the German message names the field."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def clean_text(field: str, value, max_len: int, *, required: bool = True) -> str | None:
    """A stripped text of at most max_len characters; InvalidInput naming the field otherwise."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise InvalidInput(field, "Angabe fehlt")
        return None
    if not isinstance(value, str):
        raise InvalidInput(field, "muss ein Text sein")
    value = value.strip()
    if len(value) > max_len:
        raise InvalidInput(field, f"höchstens {max_len} Zeichen")
    if (problem := control_error(value)) is not None:
        raise InvalidInput(field, problem)
    return value
