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
# the professions whose title changes with the practitioner's civility: code → (masculine, feminine)
GENDERED_PROFESSIONS: dict[str, tuple[str, str]] = {
    "psychomotricien": ("Psychomotricien", "Psychomotricienne"),
    "kinesitherapeute": ("Masseur-kinésithérapeute", "Masseuse-kinésithérapeute"),
}
CIVILITIES: dict[str, str] = {"Mme": "Madame", "M.": "Monsieur"}  # "" while the practitioner has not said


def civility_sex(civility: str) -> str:
    """"F" for « Mme », "M" for « M. », "" when not given (what messages.agreed takes)."""
    return {"Mme": "F", "M.": "M"}.get(civility, "")


def profession_label(code: str, civility: str = "") -> str:
    """The profession's title agreed with the civility (« Psychomotricienne »); the inclusive label of
    PROFESSIONS while the civility is not given."""
    forms = GENDERED_PROFESSIONS.get(code)
    sex = civility_sex(civility)
    if forms is None or not sex:
        return PROFESSIONS.get(code, code)
    return forms[1] if sex == "F" else forms[0]
