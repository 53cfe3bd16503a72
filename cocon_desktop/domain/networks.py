"""The three regional perinatal networks that run COCON (DOMAIN.md), and the professions they pay."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Network:
    code: str
    name: str
    region: str
    coordination_tool: str
    max_age_years: int


NETWORKS: dict[str, Network] = {
    "RPM": Network("RPM", "Réseau de Périnatalité Méditerranée", "Provence-Alpes-Côte d'Azur (et Monaco)",
                   "AZUREZO", 5),
    "RPO": Network("RPO", "Réseau Périnatalité Occitanie", "Occitanie", "SPICO Dossiers", 7),
    "RPNA": Network("RPNA", "Réseau Périnat Nouvelle-Aquitaine", "Nouvelle-Aquitaine", "PaacoGlobule", 5),
}

# code → French label (the UI shows the label; the database keeps the code)
PROFESSIONS: dict[str, str] = {
    "psychomotricien": "Psychomotricien·ne",
    "orthophoniste": "Orthophoniste",
    "kinesitherapeute": "Masseur-kinésithérapeute",
    "ergotherapeute": "Ergothérapeute",
    "psychologue": "Psychologue",
    "orthoptiste": "Orthoptiste",
}
