"""The console's menu: each page module may declare `NAV = (NavItem(...), ...)`; routes.py gathers them in
PAGE_MODULES order, and the layout shows a user the items of their role (the administrator sees them all)."""

from __future__ import annotations

from dataclasses import dataclass

from cocon_network.server.models import ROLE_ADMINISTRATOR


@dataclass(frozen=True)
class NavItem:
    label: str  # French, short: « Lots reçus »
    path: str  # /console/lots
    roles: tuple[str, ...] = ()  # empty: every signed-in user
    also: tuple[str, ...] = ()  # other path prefixes that belong to this item (a batch's documents: the inbox)


_ITEMS: list[NavItem] = []


def register(items: tuple[NavItem, ...] | list[NavItem]) -> None:
    for item in items:
        if item not in _ITEMS:
            _ITEMS.append(item)


def allowed(roles: tuple[str, ...], role: str) -> bool:
    return not roles or role == ROLE_ADMINISTRATOR or role in roles


def menu(role: str, path: str) -> list[tuple[NavItem, bool]]:
    """The items `role` may open, each with whether it is the current page (the longest matching path)."""
    items = [item for item in _ITEMS if allowed(item.roles, role)]
    def length(item: NavItem) -> int:
        """The longest of the item's prefixes that `path` is under, 0 when none (/console/ only itself)."""
        prefixes = (item.path, *item.also)
        under = [p for p in prefixes if path == p or (p != "/console/" and path.startswith(p.rstrip("/") + "/"))]
        return max((len(p) for p in under), default=0)

    best = max(items, key=length, default=None)
    current = best if best is not None and length(best) else None
    return [(item, item is current) for item in items]
