"""Prescriptions from the médecin référent, and the prescriber directory."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from cocon_desktop.domain import identifiers as ids
from cocon_desktop.domain.disciplines import DISCIPLINES
from cocon_desktop.domain.tariffs import NetworkTariff
from cocon_desktop.errors import FieldError


@dataclass(frozen=True)
class PrescriberData:
    last_name: str = ""
    first_name: str = ""
    rpps: str = ""
    place: str = ""  # lieu d'exercice: hospital, CAMSP, PMI, private practice
    city: str = ""
    phone: str = ""
    email: str = ""
    id: int | None = None

    @property
    def display_name(self) -> str:
        return f"Dr {self.first_name.strip()} {self.last_name.strip().upper()}".replace("  ", " ").strip()


@dataclass(frozen=True)
class PrescriptionData:
    child_id: int
    discipline: str
    forfait_kind: str
    sessions_authorised: int
    valid_from: date
    valid_until: date
    prescribed_on: date
    bilan_included: bool = True
    prescriber_id: int | None = None
    id: int | None = None


def validate_prescriber(prescriber: PrescriberData) -> list[FieldError]:
    errors: list[FieldError] = []
    if not prescriber.last_name.strip():
        errors.append(FieldError("last_name", "required"))
    if prescriber.rpps.strip():
        code = ids.check_rpps(prescriber.rpps.strip())
        if code:
            errors.append(FieldError("rpps", code, severity="warning" if code.endswith("_warning") else "error"))
    if prescriber.email.strip() and ids.check_email(prescriber.email):
        errors.append(FieldError("email", "email_invalid"))
    if prescriber.phone.strip() and ids.check_phone(prescriber.phone):
        errors.append(FieldError("phone", "phone_invalid"))
    return errors


def validate_prescription(p: PrescriptionData, tariff: NetworkTariff | None, birth: date | None,
                          today: date) -> list[FieldError]:
    errors: list[FieldError] = []
    if p.discipline not in DISCIPLINES:
        errors.append(FieldError("discipline", "choice_invalid"))
    if p.sessions_authorised <= 0:
        errors.append(FieldError("sessions_authorised", "sessions_positive"))
    if p.valid_until < p.valid_from:
        errors.append(FieldError("valid_until", "end_before_start"))
    if p.prescribed_on > today:
        errors.append(FieldError("prescribed_on", "date_in_future"))
    if birth is not None:
        for name in ("prescribed_on", "valid_from"):
            if getattr(p, name) < birth:
                errors.append(FieldError(name, "date_before_birth"))
    if tariff is not None:
        version = tariff.version_on(p.valid_from)
        rule = version.forfait(p.forfait_kind) if version else None
        if rule is None:
            errors.append(FieldError("forfait_kind", "forfait_unknown", {"network": tariff.network}))
        elif p.discipline in DISCIPLINES and p.discipline not in rule.disciplines:
            errors.append(FieldError("discipline", "discipline_not_in_forfait", {"forfait": rule.label}))
    return errors
