"""The two ways a lifecycle step is refused; the API maps them to 409 and 400, the UI shows the text."""
from __future__ import annotations


class TransitionRefused(Exception):
    """The step is not possible now (wrong state, no free bed, occupied shelter); German message says why."""


class InvalidInput(ValueError):
    """A value is malformed or unknown; the German message names the field."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
