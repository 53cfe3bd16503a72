"""The columns an imported list of children may have: target fields, French labels, header synonyms."""

from __future__ import annotations

import re

from cocon_desktop.domain.csv_values import key

GUARDIAN = "guardians[0]."  # the first guardian's fields, named as validate_child names them
GUARDIAN_NAME = "guardian_name"  # "BERNARD Sarah" in one cell, split into the guardian's last and first name

# target field → French label (what a mapping dialog offers; the CLI's report names fields with these)
IMPORT_FIELDS: dict[str, str] = {
    "last_name": "Nom",
    "first_name": "Prénom",
    "birth_date": "Date de naissance",
    "sex": "Sexe",
    "inclusion_number": "N° d'inclusion",
    "inclusion_date": "Date d'inclusion",
    "gestational_weeks": "Terme (SA)",
    "gestational_days": "Terme (jours)",
    "birth_weight_g": "Poids de naissance",
    "network": "Réseau",
    "risk_group": "Groupe de risque",
    "inclusion_criteria": "Critères d'inclusion",
    "nir": "NIR",
    "birth_place_code": "Code INSEE du lieu de naissance",
    "consent_date": "Date du consentement",
    "exit_date": "Date de sortie",
    "exit_reason": "Motif de sortie",
    GUARDIAN_NAME: "Parent (nom et prénom)",
    GUARDIAN + "last_name": "Nom du parent",
    GUARDIAN + "first_name": "Prénom du parent",
    GUARDIAN + "relation": "Lien du parent avec l'enfant",
    GUARDIAN + "phone": "Téléphone du parent",
    GUARDIAN + "email": "Courriel du parent",
    GUARDIAN + "address": "Adresse du parent",
    GUARDIAN + "postcode": "Code postal du parent",
    GUARDIAN + "city": "Ville du parent",
}
# without these a row cannot become a child's file (validate_child)
REQUIRED_FIELDS = ("last_name", "first_name", "birth_date", "sex", "inclusion_number", "gestational_weeks")

# field → header keys (see csv_values.key), the preferred first: when two columns claim the same field, the
# one whose header comes first here wins ("Nom de naissance" over "Nom d'usage" over "Nom")
SYNONYMS: dict[str, tuple[str, ...]] = {
    "last_name": ("nom de naissance", "nom d usage", "nom", "nom de l enfant", "nom enfant", "nom du patient",
                  "nom patient", "nom de famille"),
    "first_name": ("prenom", "premier prenom", "prenoms", "prenom de l enfant", "prenom enfant",
                   "prenom du patient", "prenom patient"),
    "birth_date": ("date de naissance", "ddn", "ne e le", "ne le", "nee le", "date naissance", "naissance",
                   "date de naissance de l enfant"),
    "sex": ("sexe", "genre"),
    "inclusion_number": ("n d inclusion", "n inclusion", "no d inclusion", "no inclusion", "numero d inclusion",
                         "numero inclusion", "num inclusion", "n cocon", "no cocon", "numero cocon", "id cocon",
                         "identifiant cocon", "identifiant"),
    "inclusion_date": ("date d inclusion", "date inclusion", "inclus e le", "inclus le", "incluse le"),
    "gestational_weeks": ("terme", "age gestationnel", "ag", "sa", "terme sa", "terme en sa", "terme de naissance",
                          "age gestationnel a la naissance", "semaines d amenorrhee"),
    "gestational_days": ("jours", "terme jours", "ag jours", "j"),
    "birth_weight_g": ("poids de naissance", "poids", "pn", "poids naissance", "poids a la naissance"),
    "network": ("reseau", "reseau perinatal", "region"),
    "risk_group": ("groupe de risque", "groupe", "risque", "niveau de risque"),
    "inclusion_criteria": ("criteres d inclusion", "critere d inclusion", "criteres", "critere",
                           "motif d inclusion"),
    "nir": ("nir", "ins", "matricule ins", "n de securite sociale", "numero de securite sociale", "nss", "n ss"),
    "birth_place_code": ("code insee du lieu de naissance", "code lieu de naissance", "lieu de naissance code insee"),
    "consent_date": ("date du consentement", "date de consentement", "consentement"),
    "exit_date": ("date de sortie", "sortie le", "sorti e le", "date sortie"),
    "exit_reason": ("motif de sortie", "motif sortie"),
    GUARDIAN_NAME: ("parent", "parents", "representant legal", "responsable legal", "representant e legal e"),
    GUARDIAN + "last_name": ("nom du parent", "nom parent", "nom du representant legal", "nom du responsable legal"),
    GUARDIAN + "first_name": ("prenom du parent", "prenom parent", "prenom du representant legal"),
    GUARDIAN + "relation": ("lien", "lien de parente", "lien avec l enfant", "qualite"),
    GUARDIAN + "phone": ("telephone", "tel", "portable", "mobile", "telephone du parent", "telephone parent",
                         "tel parent", "n de telephone", "numero de telephone"),
    GUARDIAN + "email": ("courriel", "email", "e mail", "mail", "adresse electronique", "adresse mail",
                         "adresse e mail", "courriel du parent", "email parent"),
    GUARDIAN + "address": ("adresse", "adresse postale"),
    GUARDIAN + "postcode": ("code postal", "cp"),
    GUARDIAN + "city": ("ville", "commune"),
}
_RANK: dict[str, tuple[str, int]] = {
    synonym: (target, rank) for target, synonyms in SYNONYMS.items() for rank, synonym in enumerate(synonyms)}


def header_keys(header: str) -> list[str]:
    """"Poids de naissance (g)" → ["poids de naissance g", "poids de naissance"]: with and without ( … )."""
    keys = [key(header)]
    bare = key(re.sub(r"\([^)]*\)", " ", header))
    if bare and bare not in keys:
        keys.append(bare)
    return keys


def recognise(header: str) -> tuple[str, int] | None:
    """(field, rank) for a header people commonly write, case, accents and spaces aside; None if unknown."""
    for candidate in header_keys(header):
        if candidate in _RANK:
            return _RANK[candidate]
    return None
