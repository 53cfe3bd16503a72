"""Tariffs: the shipped files (resources/tariffs) and the practice's own (parcours/tarifs/ in its data folder:
services/pathway_files.py), plus versions edited locally (in the database)."""

from __future__ import annotations

import functools
import tomllib
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from cocon_desktop.domain.tariffs import NetworkTariff, TariffVersion, parse_tariff, parse_version, version_to_json
from cocon_desktop.errors import FieldError, ValidationError
from cocon_desktop.models import TariffOverride
from cocon_desktop.paths import resources_dir
from cocon_desktop.services.changes import Changes, writes
from cocon_desktop.services.pathway_files import known_tariffs


@functools.cache
def shipped_tariffs() -> dict[str, NetworkTariff]:
    """Every shipped file by tariff id: COCON's networks (RPM, RPO, RPNA) and, since issue 22 (S2), PCO-TND, which
    no caller looks up yet: they all ask for a network code (`tariffs.get(child.network)`), and the Tarifs tab lists
    `NETWORKS`."""
    tariffs: dict[str, NetworkTariff] = {}
    for path in sorted((resources_dir() / "tariffs").glob("*.toml")):
        tariff = parse_tariff(tomllib.loads(path.read_text("utf-8")))
        tariffs[tariff.network] = tariff
    return tariffs


def load_tariffs(sessions: sessionmaker[Session]) -> dict[str, NetworkTariff]:
    """Every tariff by id (COCON's by network code): the files' versions (shipped, then the practice's own files),
    with local versions added or replacing the same date."""
    tariffs = known_tariffs(sessions)
    with sessions() as session:
        rows = session.scalars(select(TariffOverride).order_by(TariffOverride.effective_from)).all()
        for row in rows:
            if row.network not in tariffs:
                continue
            errors: list[FieldError] = []
            version = parse_version(dict(row.version_json), "local", errors, source="local")
            if not errors:
                tariffs[row.network] = tariffs[row.network].with_version(version)
    return tariffs


@writes(Changes.TARIFFS)
def save_version(sessions: sessionmaker[Session], network: str, version: TariffVersion) -> None:
    """Record a locally edited version (validated); a version of the same date is replaced."""
    errors: list[FieldError] = []
    data = version_to_json(version)
    parse_version(data, "version", errors)
    if network not in known_tariffs(sessions):
        errors.append(FieldError("network", "choice_invalid"))
    if errors:
        raise ValidationError(errors)
    with sessions.begin() as session:
        row = session.scalar(select(TariffOverride).where(TariffOverride.network == network,
                                                          TariffOverride.effective_from == version.effective_from))
        if row is None:
            row = TariffOverride(network=network, effective_from=version.effective_from)
            session.add(row)
        row.version_json = data
        row.saved_at = datetime.now(UTC)
