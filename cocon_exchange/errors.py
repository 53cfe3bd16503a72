"""The error both sides raise: a code and data, never a sentence (the program's messages.py writes the French)."""

from __future__ import annotations

from typing import Any


class CoconError(Exception):
    """Base error: `code` names the situation, `data` fills the French sentence (see messages.py)."""

    def __init__(self, code: str, **data: Any) -> None:
        super().__init__(code)
        self.code = code
        self.data = data

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code!r}, {self.data!r})"
