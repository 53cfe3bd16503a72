"""Paging without counting: a page of 50 is fetched as 51 rows, the 51st only says that a next page exists (a
COUNT over millions of acts would cost more than the page itself)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlencode

from sqlalchemy import Select
from sqlalchemy.orm import Session
from starlette.requests import Request

PAGE_SIZE = 50
MAX_PAGE = 10_000

T = TypeVar("T")


@dataclass
class Pager:
    number: int  # 1-based
    size: int = PAGE_SIZE
    has_next: bool = False
    base_query: str = ""  # the other query parameters (the filters), kept by the links

    @classmethod
    def from_request(cls, request: Request, size: int = PAGE_SIZE) -> Pager:
        raw = request.query_params.get("page", "1")
        number = int(raw) if raw.isdigit() else 1
        others = [(k, v) for k, v in request.query_params.multi_items() if k != "page" and v != ""]
        return cls(number=min(max(number, 1), MAX_PAGE), size=size, base_query=urlencode(others))

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    def fetch(self, db: Session, statement: Select[*tuple[Any, ...]]) -> list[Any]:
        """The rows of this page (`statement` must have an ORDER BY that ends on a unique column)."""
        rows = list(db.execute(statement.offset(self.offset).limit(self.size + 1)))
        return self.take(rows)

    def scalars(self, db: Session, statement: Select[*tuple[Any, ...]]) -> list[Any]:
        rows = list(db.scalars(statement.offset(self.offset).limit(self.size + 1)))
        return self.take(rows)

    def take(self, rows: Sequence[T]) -> list[T]:
        self.has_next = len(rows) > self.size
        return list(rows[: self.size])

    def link(self, number: int) -> str:
        query = f"{self.base_query}&page={number}" if self.base_query else f"page={number}"
        return f"?{query}"

    @property
    def has_previous(self) -> bool:
        return self.number > 1
