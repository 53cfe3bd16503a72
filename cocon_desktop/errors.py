"""Errors of the core: a code and data, never a sentence. The UI and the CLI turn them into French."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from cocon_exchange.errors import CoconError as CoconError  # the base of the program's errors too


class VaultError(CoconError):
    """The practice vault cannot be created, opened or changed."""


class DatabaseError(CoconError):
    """The encrypted database cannot be opened, migrated or checked."""


@dataclass(frozen=True)
class FieldError:
    """One problem with one field of a form: `severity` is "error" (blocks saving) or "warning"."""

    field: str
    code: str
    data: dict[str, Any] = dataclass_field(default_factory=dict)
    severity: str = "error"

    @property
    def blocking(self) -> bool:
        return self.severity == "error"


class ValidationError(CoconError):
    """A form or a file holds invalid values; `errors` says which field and why."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("validation_failed", count=len(errors))
        self.errors = errors
