"""The network's own tariff (cocon_network/server/tariffs/<network>.toml): its forfaits by age band and discipline,
what the controls across therapists compare each child's acts with. Data, not code: another article-51 pathway is
another file. Amounts are integer cents here, as everywhere on the network's side."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

TARIFF_DIR = Path(__file__).with_name("tariffs")
AGE_BASES = ("chronologique", "corrige")
TERM_WEEKS = 40
PREMATURE_BEFORE_WEEKS = 37


class TariffError(ValueError):
    """A tariff file that cannot be used, with a French sentence."""


@dataclass(frozen=True)
class Forfait:
    kind: str
    label: str
    age_min_months: int
    age_max_months: int  # excluded: the child leaves the band on the day it reaches this age
    disciplines: tuple[str, ...]
    sessions: int
    session_cents: int
    bilan_cents: int
    bilan_cents_by_discipline: tuple[tuple[str, int], ...] = ()

    def bilan_price(self, discipline: str) -> int:
        return dict(self.bilan_cents_by_discipline).get(discipline, self.bilan_cents)

    def authorised_cents(self, discipline: str) -> int:
        """What one child may use of this forfait in one discipline: its sessions and one bilan."""
        return self.sessions * self.session_cents + self.bilan_price(discipline)

    def covers(self, months: int, discipline: str) -> bool:
        return self.age_min_months <= months < self.age_max_months and discipline in self.disciplines


@dataclass(frozen=True)
class TariffVersion:
    effective_from: date
    forfaits: tuple[Forfait, ...]


@dataclass(frozen=True)
class NetworkTariff:
    network: str
    pathway_max_age_years: int
    age_basis: str  # chronologique | corrige
    example_values: bool
    versions: tuple[TariffVersion, ...]  # by effective date

    def version_on(self, day: date) -> TariffVersion | None:
        current = None
        for version in self.versions:
            if version.effective_from <= day:
                current = version
        return current

    def forfait_for(self, day: date, months: int, discipline: str) -> Forfait | None:
        version = self.version_on(day) or (self.versions[0] if self.versions else None)
        if version is None:
            return None
        return next((f for f in version.forfaits if f.covers(months, discipline)), None)

    def age_origin(self, birth: date, gestational_weeks: int | None) -> date:
        """The day ages are counted from: the birth, or the corrected birth (term) of a premature child."""
        if self.age_basis == "corrige" and gestational_weeks is not None and gestational_weeks < PREMATURE_BEFORE_WEEKS:
            return birth + timedelta(days=(TERM_WEEKS - gestational_weeks) * 7)
        return birth


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the 31st becomes the month's last day)."""
    year, month = divmod(day.month - 1 + months, 12)
    for candidate in range(day.day, 27, -1):  # 31 → 30 → 29 → 28 at a month's end
        try:
            return date(day.year + year, month + 1, candidate)
        except ValueError:
            continue
    return date(day.year + year, month + 1, day.day)  # days 1 to 27 exist in every month


def months_between(origin: date, on: date) -> int:
    """Whole months from `origin` to `on` (-1 before `origin`): the largest n with add_months(origin, n) <= on.
    add_months lands on min(origin's day, the month's last day), so a month is not yet whole when `on` is an
    earlier day of the month than `origin`'s, unless `on` is the month's last day."""
    if on < origin:
        return -1
    months = (on.year - origin.year) * 12 + on.month - origin.month
    if on.day < origin.day and (on + timedelta(days=1)).month == on.month:
        months -= 1
    return months


def _cents(value: Any, where: str) -> int:
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise TariffError(f"{where} : montant illisible « {value} »") from None
    if amount < 0 or amount != amount.quantize(Decimal("0.01")):
        raise TariffError(f"{where} : montant invalide « {value} »")
    return int(amount * 100)


def _forfait(data: dict[str, Any], where: str) -> Forfait:
    try:
        forfait = Forfait(
            kind=str(data["kind"]), label=str(data["label"]), age_min_months=int(data["age_min_months"]),
            age_max_months=int(data["age_max_months"]), disciplines=tuple(str(d) for d in data["disciplines"]),
            sessions=int(data["sessions"]), session_cents=_cents(data["session_price"], where),
            bilan_cents=_cents(data["bilan_price"], where),
            bilan_cents_by_discipline=tuple(sorted((str(k), _cents(v, where))
                                                   for k, v in data.get("bilan_prices", {}).items())))
    except (KeyError, TypeError, ValueError) as error:
        if isinstance(error, TariffError):
            raise
        raise TariffError(f"{where} : forfait incomplet ou invalide ({error})") from None
    if forfait.sessions <= 0 or forfait.age_max_months <= forfait.age_min_months:
        raise TariffError(f"{where} : séances ou tranche d'âge invalides")
    return forfait


def parse_tariff(data: dict[str, Any], source: str = "tarif") -> NetworkTariff:
    if data.get("format") != 1:
        raise TariffError(f"{source} : version de format inconnue")
    basis = data.get("age_basis", "chronologique")
    if basis not in AGE_BASES:
        raise TariffError(f"{source} : age_basis doit valoir « chronologique » ou « corrige »")
    versions = []
    for index, raw in enumerate(data.get("versions", []), 1):
        where = f"{source}, version {index}"
        effective = raw.get("effective_from")
        if not isinstance(effective, date):
            raise TariffError(f"{where} : effective_from doit être une date AAAA-MM-JJ")
        versions.append(TariffVersion(effective, tuple(_forfait(f, f"{where}, forfait {n}")
                                                       for n, f in enumerate(raw.get("forfaits", []), 1))))
    if not versions:
        raise TariffError(f"{source} : aucune version")
    return NetworkTariff(network=str(data.get("network", "")), pathway_max_age_years=int(data["pathway_max_age_years"]),
                         age_basis=basis, example_values=bool(data.get("example_values", False)),
                         versions=tuple(sorted(versions, key=lambda v: v.effective_from)))


_CACHE: dict[Path, tuple[float, NetworkTariff]] = {}


def load_tariff(network: str, directory: Path | None = None) -> NetworkTariff:
    """The tariff of `network` (RPM, RPO, RPNA) from `directory` (the shipped one by default); re-read when the
    file changes. An unknown network gets RPM's bands, 5 years (TariffError if no file at all)."""
    folder = directory or TARIFF_DIR
    path = folder / f"{network}.toml"
    if not path.is_file():
        path = folder / "RPM.toml"
    if not path.is_file():
        raise TariffError(f"aucun tarif du réseau dans {folder}")
    mtime = path.stat().st_mtime
    cached = _CACHE.get(path)
    if cached is not None and cached[0] == mtime:
        return cached[1]
    tariff = parse_tariff(tomllib.loads(path.read_text("utf-8")), path.name)
    _CACHE[path] = (mtime, tariff)
    return tariff
