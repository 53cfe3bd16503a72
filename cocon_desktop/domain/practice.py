"""The practice's profile (the therapist as an entrepreneur individuel) and its validation."""

from __future__ import annotations

from dataclasses import dataclass, fields

from cocon_desktop.domain import identifiers as ids
from cocon_desktop.domain import limits
from cocon_desktop.domain.networks import CIVILITIES, NETWORKS, PROFESSIONS
from cocon_desktop.errors import FieldError


@dataclass(frozen=True)
class PracticeProfile:
    name: str = ""  # the therapist's legal name; invoices show it followed by "EI"
    trade_name: str = ""  # optional name of the practice
    profession: str = "psychomotricien"
    civility: str = ""  # "Mme", "M." (networks.CIVILITIES) or "" while not given: the attestation's agreement
    rpps: str = ""
    adeli: str = ""
    siret: str = ""
    address: str = ""
    postcode: str = ""
    city: str = ""
    phone: str = ""
    email: str = ""
    iban: str = ""
    bic: str = ""
    network: str = "RPM"

    @property
    def legal_name(self) -> str:
        """The seller's name as invoices must show it: followed by "EI"."""
        name = self.name.strip()
        return name if name.endswith((" EI", "Entrepreneur individuel")) else f"{name} EI"

    @property
    def region(self) -> str:
        network = NETWORKS.get(self.network)
        return network.region if network else ""

    @classmethod
    def field_names(cls) -> list[str]:
        return [f.name for f in fields(cls)]

    def normalized(self) -> PracticeProfile:
        """Spaces trimmed; identifiers compacted the way they are printed."""
        return PracticeProfile(
            name=self.name.strip(), trade_name=self.trade_name.strip(), profession=self.profession,
            civility=self.civility,
            rpps=ids.digits(self.rpps), adeli=self.adeli.replace(" ", ""), siret=ids.digits(self.siret),
            address=self.address.strip(), postcode=self.postcode.strip(), city=self.city.strip(),
            phone=self.phone.strip(), email=self.email.strip(), iban=self.iban.replace(" ", "").upper(),
            bic=self.bic.replace(" ", "").upper(), network=self.network,
        )


def validate_profile(profile: PracticeProfile) -> list[FieldError]:
    """Every problem, each at its field; warnings (RPPS Luhn) do not block saving."""
    errors: list[FieldError] = []

    def add(field: str, code: str | None) -> None:
        if code:
            severity = "warning" if code.endswith("_warning") else "error"
            errors.append(FieldError(field, code, severity=severity))

    for required in ("name", "address", "postcode", "city", "siret", "iban"):
        if not getattr(profile, required).strip():
            add(required, "required")
    if profile.profession not in PROFESSIONS:
        add("profession", "choice_invalid")
    if profile.civility and profile.civility not in CIVILITIES:
        add("civility", "choice_invalid")
    if profile.network not in NETWORKS:
        add("network", "choice_invalid")
    if not profile.rpps.strip() and not profile.adeli.strip():
        add("rpps", "rpps_or_adeli_required")
    if profile.rpps.strip():
        add("rpps", ids.check_rpps(profile.rpps.strip()))
    if profile.adeli.strip():
        add("adeli", ids.check_adeli(profile.adeli))
    if profile.siret.strip():
        add("siret", ids.check_siret(profile.siret))
    if profile.postcode.strip():
        add("postcode", ids.check_postcode(profile.postcode))
    if profile.phone.strip():
        add("phone", ids.check_phone(profile.phone))
    if profile.email.strip():
        add("email", ids.check_email(profile.email))
    if profile.iban.strip():
        add("iban", ids.check_iban(profile.iban))
    if profile.bic.strip():
        add("bic", ids.check_bic(profile.bic))
    return errors + limits.check_lengths(profile, limits.PRACTICE, already=errors)
