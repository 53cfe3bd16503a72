"""A made-up third pathway, « BASE » (issue 22: a pathway added from files alone): its pathway and tariff files as a
practice (or its IT) would write them into the folder `parcours/` of its data folder. docs/pathways.md « Ajouter un
parcours » shows the same files."""

from __future__ import annotations

from pathlib import Path

BASE_PATHWAY = """\
# Parcours fictif des tests : BASE — bébés suivis en Nouvelle-Aquitaine.
format = 1
id = "base"
label = "BASE"
frame = "parcours BASE (bébés suivis en Nouvelle-Aquitaine)"
sources = ["Exemple inventé pour les tests (tests/e2e/test_third_pathway.py)"]
reference_label = "N° de suivi BASE"
sync = false
batch_prefix = "BASE"
documents = ["invoice"]
relay_from = ["cocon"]   # un enfant du parcours COCON peut lui être confié

[payers]
mode = "fixed"
label = "association"

[[payers.fixed]]   # l'unique payeur, avec l'adresse de ses factures
code = "BASE"
name = "Association BASE Nouvelle-Aquitaine"
region = "Nouvelle-Aquitaine"
tariff = "BASE"    # parcours/tarifs/BASE.toml
street = "5 cours de l'Intendance"
postcode = "33000"
city = "Bordeaux"
siret = "35600000000048"
reference = "BASE-CONV-12"   # n° de convention (référence acheteur des factures)

[disciplines]
psychomotricite = "Psychomotricité"
kinesitherapie = "Kinésithérapie"

[invoice]
object = "{what} réalisées dans le cadre du {frame}, du {start} au {end}."
what = "Séances d'éveil"
credit_what = "Annulation de séances d'éveil"
line_frame = "parcours BASE"
keywords = "BASE"

[attestation]
opening = "dans le cadre du {frame}, coordonné par {payer}"
mention = "financé par l'association BASE — aucune somme n'est due par la famille"
child_reference = "n° de suivi BASE"
"""

BASE_TARIFF = """\
# Tarif fictif des tests : le parcours BASE paie chaque séance.
format = 2
tariff = "BASE"
pathway = "base"
example_values = true
pathway_max_age_years = 3
billing_grouping = "per_child"

[[versions]]
effective_from = 2026-01-01
absence_excused_billable = false
absence_unexcused_billable = false

[[versions.forfaits]]
kind = "base_eveil"
label = "Forfait BASE d'éveil 0–36 mois"
age_min_months = 0
age_max_months = 36
disciplines = ["psychomotricite", "kinesitherapie"]
payment = "per_seance"
sessions = 20
session_price = "42.50"
bilan_price = "95.00"
"""


def write_base_files(data_dir: Path) -> None:
    """BASE's pathway and tariff in the practice's folder `parcours/`."""
    (data_dir / "parcours" / "tarifs").mkdir(parents=True)
    (data_dir / "parcours" / "base.toml").write_text(BASE_PATHWAY, "utf-8")
    (data_dir / "parcours" / "tarifs" / "BASE.toml").write_text(BASE_TARIFF, "utf-8")
