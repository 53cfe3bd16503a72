"""The children list as the Enfants page reads it: a query resolved (« Avec alertes » becomes the ids of the children
whose running forfait has a warning), its count and its first page, in one call through the practice handle."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy.orm import Session, sessionmaker

from cocon_desktop.services.children import ChildQuery, ChildRow, count_children, list_children
from cocon_desktop.services.forfaits import children_with_warnings


@dataclass(frozen=True)
class ChildrenPage:
    query: ChildQuery  # resolved: with only_ids when alerts were asked for (the next pages use it as it is)
    total: int
    rows: list[ChildRow]


def resolved_query(sessions: sessionmaker[Session], query: ChildQuery, today: date, *,
                   alerts_only: bool = False) -> ChildQuery:
    """`query`, narrowed to the children with a forfait warning when `alerts_only`."""
    if not alerts_only:
        return query
    return replace(query, only_ids=tuple(sorted(children_with_warnings(sessions, today))))


def first_page(sessions: sessionmaker[Session], query: ChildQuery, today: date, size: int, *,
               alerts_only: bool = False) -> ChildrenPage:
    resolved = resolved_query(sessions, query, today, alerts_only=alerts_only)
    return ChildrenPage(resolved, count_children(sessions, resolved, today),
                        list_children(sessions, resolved, today, 0, size))
