"""The disciplines of the COCON pathway and the kinds of forfait (DOMAIN.md)."""

from __future__ import annotations

DISCIPLINES: dict[str, str] = {
    "psychomotricite": "Psychomotricité",
    "orthophonie": "Orthophonie",
    "kinesitherapie": "Kinésithérapie",
    "ergotherapie": "Ergothérapie",
    "psychologie": "Accompagnement psycho-affectif (psychologie)",
    "orthoptie": "Orthoptie",
}

# profession of the practice → the discipline it provides
PROFESSION_DISCIPLINE: dict[str, str] = {
    "psychomotricien": "psychomotricite",
    "orthophoniste": "orthophonie",
    "kinesitherapeute": "kinesitherapie",
    "ergotherapeute": "ergotherapie",
    "psychologue": "psychologie",
    "orthoptiste": "orthoptie",
}


def short_label(code: str) -> str:
    """The discipline's name without its parenthesis, as lines and documents print it: "psychologie" →
    "Accompagnement psycho-affectif"; an unknown code is given back as it is."""
    return DISCIPLINES.get(code, code).split(" (")[0]
