"""How Paramètres › Tarifs shows a tariff paid as a package at milestones (format 2: PCO-TND), read-only: one row per
forfait (its package, the minimum of interventions, the milestones and what each pays) and the banner of the values
no text fixes (`unverified`), to confirm with the payer (issue 22)."""

from __future__ import annotations

from decimal import Decimal

from cocon_desktop.domain.disciplines import short_label
from cocon_desktop.domain.tariffs import ForfaitRule, NetworkTariff
from cocon_desktop.ui.i18n import tr

PACKAGE_COLUMNS = ("Forfait", "Âges", "Disciplines", "Interventions min.", "Forfait (€)", "Versements (€)")
WARN = "⚠ "
# the words for each value a tariff file may flag as unverified (a forfait's kind: its amounts)
UNVERIFIED_WORDS = {
    "pathway_max_age_years": "l'âge limite du parcours",
    "milestones": "le découpage en versements",
    "sessions": "le nombre minimal d'interventions",
    "validity_months": "la durée du forfait",
    "age_max_months": "les tranches d'âge",
    "effective_from": "la date d'effet de la dernière version",
}


def is_package(tariff: NetworkTariff) -> bool:
    return any(rule.payment != "per_seance" for version in tariff.versions for rule in version.forfaits)


def _euros(amount: Decimal) -> str:
    """« 1 500 », « 62,50 »: whole euros without their cents (the table is narrow)."""
    text = f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}"
    return text.replace(",", " ").replace(".", ",")


def package_cells(rule: ForfaitRule, unverified: tuple[str, ...]) -> tuple[str, ...]:
    """The row of a forfait paid at milestones; a value to confirm starts with « ⚠ »."""
    def warn(key: str) -> str:
        return WARN if key in unverified else ""

    discipline = rule.disciplines[0] if rule.disciplines else ""
    steps = " + ".join(_euros(amount) for _, amount in rule.milestone_amounts(discipline))
    ages = tr("{0} à {1} mois").format(rule.age_min_months, rule.age_max_months)
    return (rule.label, warn("age_max_months") + ages, ", ".join(short_label(d) for d in rule.disciplines),
            warn("sessions") + str(rule.seances), warn(rule.kind) + _euros(rule.package_amount),
            warn("milestones") + steps)


def unverified_text(tariff: NetworkTariff, labels: dict[str, str]) -> str:
    """The banner: the amounts come from the texts, what is guessed is named (`labels`: forfait kind → label)."""
    named = [tr(UNVERIFIED_WORDS[key]) for key in tariff.unverified if key in UNVERIFIED_WORDS]
    if any(key in labels for key in tariff.unverified):
        named.append(tr("les montants marqués"))
    head = tr("Tarif national, en lecture seule : ses montants ne se modifient pas ici.")
    if not named:
        return head
    return head + " " + tr("⚠ À confirmer avec votre PCO (convention signée avec elle) : {0}.").format(
        ", ".join(named))


def milestones_tip(rule: ForfaitRule) -> str:
    """What each milestone pays, one a line (the tooltip of the « Versements » cell)."""
    discipline = rule.disciplines[0] if rule.disciplines else ""
    return "\n".join(f"{milestone.line_label(short_label(discipline))} : {_euros(amount)} €"
                     for milestone, amount in rule.milestone_amounts(discipline))
