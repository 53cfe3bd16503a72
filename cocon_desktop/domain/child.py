"""The child in the COCON pathway: the rules of its file (identity, inclusion, guardians, exit)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from cocon_desktop.domain import identifiers as ids
from cocon_desktop.domain import limits
from cocon_desktop.domain.networks import NETWORKS
from cocon_desktop.errors import FieldError

SEXES = {"F": "Fille", "M": "Garçon"}
RISK_GROUPS = {"haut": "Haut risque", "modere": "Risque modéré"}
INCLUSION_CRITERIA = {
    "ag_lt_33": "Né avant 33 SA",
    "ag_lt_35_psychosocial": "Né avant 35 SA avec vulnérabilité psychosociale",
    "rciu": "Retard de croissance intra-utérin important (RCIU)",
    "malformation": "Malformation majeure",
    "neurologique": "Pathologie neurologique (méningite, hémorragie cérébrale…)",
    "digestive": "Pathologie digestive",
    "cardiaque": "Pathologie cardiaque",
    "toxiques": "Exposition à des toxiques pendant la grossesse",
}
EXIT_REASONS = {
    "refus": "Refus des parents",
    "demenagement": "Déménagement",
    "fin_parcours": "Fin de parcours",
    "relais_camsp": "Relais CAMSP",
    "relais_pco": "Relais PCO",
    "relais_mdph": "Relais MDPH",
}
# INS référentiel: an identity is "qualifiée" only once checked through the INSi teleservice.
IDENTITY_STATUSES = {
    "provisoire": "Identité provisoire",
    "recuperee": "Identité récupérée",
    "validee": "Identité validée",
    "qualifiee": "Identité qualifiée",
}
GUARDIAN_RELATIONS = {"mere": "Mère", "pere": "Père", "tuteur": "Tuteur / tutrice", "autre": "Autre"}
MIN_GESTATIONAL_WEEKS = 22
MAX_GESTATIONAL_WEEKS = 42
# the pathway started with children born from 1 September 2022
PATHWAY_FIRST_BIRTH = date(2022, 9, 1)


@dataclass(frozen=True)
class GuardianData:
    last_name: str = ""
    first_name: str = ""
    relation: str = "mere"
    phone: str = ""
    email: str = ""
    address: str = ""
    postcode: str = ""
    city: str = ""
    receives_attestations: bool = True
    id: int | None = None


@dataclass(frozen=True)
class ChildData:
    last_name: str = ""
    first_name: str = ""
    birth_date: date | None = None
    sex: str = ""
    gestational_weeks: int | None = None
    gestational_days: int = 0
    birth_weight_g: int | None = None
    inclusion_number: str = ""
    inclusion_date: date | None = None
    network: str = ""
    risk_group: str = ""
    inclusion_criteria: tuple[str, ...] = ()
    referent_id: int | None = None  # médecin référent (Prescriber)
    nir: str = ""
    birth_place_code: str = ""  # INS trait: INSEE code of the birth place
    identity_status: str = "provisoire"
    identity_source: str = ""
    consent_date: date | None = None
    exit_date: date | None = None
    exit_reason: str = ""
    guardians: tuple[GuardianData, ...] = field(default_factory=tuple)

    @property
    def display_name(self) -> str:
        return f"{self.last_name.strip().upper()} {self.first_name.strip()}".strip()

    @property
    def initials(self) -> str:
        """What invoices show instead of the name (secret professionnel): first letters, "J. D."."""
        first = self.first_name.strip()[:1].upper()
        last = self.last_name.strip()[:1].upper()
        return f"{first}. {last}." if first and last else ""


def validate_child(child: ChildData, today: date) -> list[FieldError]:
    errors: list[FieldError] = []

    def add(name: str, code: str | None, **data: object) -> None:
        if code:
            errors.append(FieldError(name, code, dict(data),
                                     "warning" if code.endswith("_warning") else "error"))

    for required in ("last_name", "first_name", "inclusion_number"):
        if not str(getattr(child, required)).strip():
            add(required, "required")
    if child.birth_date is None:
        add("birth_date", "required")
    elif child.birth_date > today:
        add("birth_date", "date_in_future")
    elif child.birth_date < PATHWAY_FIRST_BIRTH:
        add("birth_date", "born_before_pathway_warning")
    if child.sex not in SEXES:
        add("sex", "required" if not child.sex else "choice_invalid")
    if child.gestational_weeks is None:
        add("gestational_weeks", "required")
    elif not MIN_GESTATIONAL_WEEKS <= child.gestational_weeks <= MAX_GESTATIONAL_WEEKS:
        add("gestational_weeks", "gestational_age_range", min=MIN_GESTATIONAL_WEEKS, max=MAX_GESTATIONAL_WEEKS)
    if not 0 <= child.gestational_days <= 6:
        add("gestational_weeks", "gestational_days_range")
    if child.birth_weight_g is not None and not 300 <= child.birth_weight_g <= 6000:
        add("birth_weight_g", "birth_weight_range")
    if child.network not in NETWORKS:
        add("network", "required" if not child.network else "choice_invalid")
    if child.risk_group and child.risk_group not in RISK_GROUPS:
        add("risk_group", "choice_invalid")
    for criterion in child.inclusion_criteria:
        if criterion not in INCLUSION_CRITERIA:
            add("inclusion_criteria", "choice_invalid")
    for name in ("inclusion_date", "consent_date", "exit_date"):
        value = getattr(child, name)
        if value is None:
            continue
        if value > today:
            add(name, "date_in_future")
        elif child.birth_date is not None and value < child.birth_date:
            add(name, "date_before_birth")
    if child.exit_date is not None and not child.exit_reason:
        add("exit_reason", "exit_reason_required")
    if child.exit_reason and child.exit_reason not in EXIT_REASONS:
        add("exit_reason", "choice_invalid")
    if child.exit_reason and child.exit_date is None:
        add("exit_date", "required")
    if child.nir.strip():
        add("nir", ids.check_nir(child.nir))
    if child.identity_status not in IDENTITY_STATUSES:
        add("identity_status", "choice_invalid")
    elif child.identity_status == "qualifiee" and not child.identity_source.strip():
        add("identity_status", "identity_qualified_needs_source")
    for index, guardian in enumerate(child.guardians):
        if not guardian.last_name.strip():
            add(f"guardians[{index}].last_name", "required")
        if guardian.email.strip():
            add(f"guardians[{index}].email", ids.check_email(guardian.email))
        if guardian.phone.strip():
            add(f"guardians[{index}].phone", ids.check_phone(guardian.phone))
        errors += limits.check_lengths(guardian, limits.GUARDIAN, f"guardians[{index}].", errors)
    errors += limits.check_lengths(child, limits.CHILD, already=errors)
    return errors
