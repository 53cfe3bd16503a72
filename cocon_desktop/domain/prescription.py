"""Prescriptions from the médecin référent, and the prescriber directory.

The séances a prescription grants are bounded by the network's tariff: up to the forfait's séances
(`ForfaitRule.seances`) nothing is asked; above it a reason is required (kept with the prescription) and the
form shows a warning; above `OVER_FORFAIT_FACTOR` times the forfait it is refused. Once a séance counts against a
prescription only its end date and its note may change (`locked_changes`)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from cocon_desktop.domain import identifiers as ids
from cocon_desktop.domain import limits
from cocon_desktop.domain.disciplines import DISCIPLINES
from cocon_desktop.domain.tariffs import ForfaitRule, NetworkTariff
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
    note: str = ""  # free text about the care: kept out of the audit log
    over_forfait_reason: str = ""  # why more séances than the forfait's (required then, empty otherwise)
    id: int | None = None


OVER_FORFAIT_FACTOR = 2  # the hard maximum: twice the forfait's séances (70 for a forfait of 35)
NO_TARIFF_MAX_SESSIONS = 100  # when no forfait of the network is known for the dates
NOTE_MAX = limits.NOTE
REASON_MAX = limits.REASON
EDITABLE_AFTER_FIRST_SEANCE = ("valid_until", "note")


def sessions_bounds(rule: ForfaitRule | None) -> tuple[int, int]:
    """(the forfait's séances, the hard maximum): above the first a reason is needed, above the second refused."""
    if rule is None:
        return NO_TARIFF_MAX_SESSIONS, NO_TARIFF_MAX_SESSIONS
    return rule.seances, rule.seances * OVER_FORFAIT_FACTOR


def forfait_rule(p: PrescriptionData, tariff: NetworkTariff | None) -> ForfaitRule | None:
    """The forfait the prescription opens, from the tariff version in force on its first day."""
    version = tariff.version_on(p.valid_from) if tariff is not None else None
    return version.forfait(p.forfait_kind) if version is not None else None


def check_sessions(sessions: int, reason: str, rule: ForfaitRule | None) -> list[FieldError]:
    """The séances granted against the forfait: an error, a missing reason, or a warning (over, with a reason)."""
    if sessions <= 0:
        return [FieldError("sessions_authorised", "sessions_positive")]
    forfait, maximum = sessions_bounds(rule)
    data = {"count": sessions, "seances": forfait, "max": maximum}
    if sessions > maximum:
        return [FieldError("sessions_authorised", "sessions_above_maximum", data)]
    if sessions <= forfait:
        return []
    if not reason.strip():
        return [FieldError("over_forfait_reason", "over_forfait_reason_required", data)]
    return [FieldError("sessions_authorised", "sessions_above_forfait", data, severity="warning")]


def normalised(p: PrescriptionData, tariff: NetworkTariff | None) -> PrescriptionData:
    """Texts trimmed; the reason kept only while the séances exceed the forfait (it means nothing below)."""
    forfait, _ = sessions_bounds(forfait_rule(p, tariff))
    reason = p.over_forfait_reason.strip() if p.sessions_authorised > forfait else ""
    return replace(p, note=p.note.strip(), over_forfait_reason=reason)


def locked_changes(before: PrescriptionData, after: PrescriptionData, last_seance: date | None
                   ) -> list[FieldError]:
    """What may not change once séances count against the prescription (`last_seance`: the latest of them).
    Its terms are what those séances were counted and billed under: only the end date and the note stay open,
    and the end date may not leave a séance already recorded outside the validity."""
    if last_seance is None:
        return []
    errors = [FieldError(name, "prescription_field_locked")
              for name in PrescriptionData.__dataclass_fields__
              if name not in (*EDITABLE_AFTER_FIRST_SEANCE, "id", "child_id", "over_forfait_reason")
              and getattr(before, name) != getattr(after, name)]
    if after.valid_until < last_seance:
        errors.append(FieldError("valid_until", "end_before_last_seance",
                                 {"date": last_seance.strftime("%d/%m/%Y")}))
    return errors


def renewal(old: PrescriptionData, rule: ForfaitRule | None, today: date) -> PrescriptionData:
    """A new prescription prefilled from `old`: same discipline, forfait, prescriber and bilan, starting the day
    after it ends for as long as it lasted, the forfait's séances (the old number when the forfait is unknown)."""
    start = old.valid_until + timedelta(days=1)
    return PrescriptionData(
        child_id=old.child_id, discipline=old.discipline, forfait_kind=old.forfait_kind,
        sessions_authorised=rule.seances if rule is not None else old.sessions_authorised,
        valid_from=start, valid_until=start + (old.valid_until - old.valid_from),
        prescribed_on=min(today, start), bilan_included=old.bilan_included, prescriber_id=old.prescriber_id)


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
    return errors + limits.check_lengths(prescriber, limits.PRESCRIBER, already=errors)


def validate_prescription(p: PrescriptionData, tariff: NetworkTariff | None, birth: date | None,
                          today: date) -> list[FieldError]:
    errors: list[FieldError] = []
    if p.discipline not in DISCIPLINES:
        errors.append(FieldError("discipline", "choice_invalid"))
    if p.valid_until < p.valid_from:
        errors.append(FieldError("valid_until", "end_before_start"))
    if p.prescribed_on > today:
        errors.append(FieldError("prescribed_on", "date_in_future"))
    if birth is not None:
        for name in ("prescribed_on", "valid_from"):
            if getattr(p, name) < birth:
                errors.append(FieldError(name, "date_before_birth"))
    rule = forfait_rule(p, tariff)
    if tariff is not None:
        if rule is None:
            errors.append(FieldError("forfait_kind", "forfait_unknown", {"network": tariff.network}))
        elif p.discipline in DISCIPLINES and p.discipline not in rule.disciplines:
            errors.append(FieldError("discipline", "discipline_not_in_forfait", {"forfait": rule.label}))
    errors += check_sessions(p.sessions_authorised, p.over_forfait_reason, rule)
    if len(p.note) > NOTE_MAX:
        errors.append(FieldError("note", "note_too_long"))
    if len(p.over_forfait_reason) > REASON_MAX:
        errors.append(FieldError("over_forfait_reason", "reason_too_long", {"max": REASON_MAX}))
    return errors
