"""The server's configuration: a TOML file, then the environment (COCON_NETWORK_<FIELD>, which wins).

    database_url = "postgresql+psycopg://cocon@/cocon?host=/run/postgresql"
    network = "RPM"                       # the network's code, as in the batches' manifests
    pathway = "cocon"                     # the care pathway whose batches it receives (a manifest's `pathway`)
    network_name = "Réseau Périnatal Méditerranée"
    debtor_iban = "FR76…"                 # the account the transfers leave from (SEPA)
    debtor_bic = "…"
    session_minutes = 30                  # a console session expires after this much idleness
    workers = 2                           # uvicorn worker processes

No secret belongs in the file under version control: the database password goes in the URL read from the
environment (COCON_NETWORK_DATABASE_URL) or in PostgreSQL's own ~/.pgpass; console passwords are Argon2id hashes
in the database; API tokens are stored as SHA-256."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from cocon_exchange.protocol import MAX_BATCH_BYTES

ENV_PREFIX = "COCON_NETWORK_"


@dataclass(frozen=True)
class Settings:
    database_url: str = "sqlite:///cocon-network.sqlite3"
    network: str = "RPM"
    network_name: str = "Réseau Périnatal Méditerranée"
    network_siret: str = ""
    # the care pathway whose batches this server receives (issue 22): a batch of another (a PCO-TND one, its
    # manifest saying "pathway": "pco-tnd") is refused, `pathway_mismatch`; a manifest without the key is COCON's
    pathway: str = "cocon"
    debtor_iban: str = ""
    debtor_bic: str = ""
    session_minutes: int = 30
    workers: int = 2
    host: str = "127.0.0.1"
    port: int = 8700
    verify_processes: int = 2  # the process pool that verifies batches (never the event loop); 0: a thread
    max_batch_bytes: int = MAX_BATCH_BYTES  # a larger upload is answered 413 (read streamed, never kept whole)
    secure_cookies: bool = True  # False only for http:// on 127.0.0.1 (a trial, the tests)


def _coerce(value: str, kind: Any) -> Any:
    if kind in (int, "int"):
        return int(value)
    if kind in (bool, "bool"):
        return value.strip().lower() in ("1", "true", "yes", "oui", "on")
    return value


def load_settings(path: Path | None = None, environ: dict[str, str] | None = None) -> Settings:
    """The settings of `path` (TOML, optional), overridden by COCON_NETWORK_* variables of `environ`."""
    settings = Settings()
    if path is not None:
        data = tomllib.loads(Path(path).read_text("utf-8"))
        known = {f.name for f in fields(Settings)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"réglages inconnus dans {path} : {', '.join(unknown)}")
        settings = replace(settings, **data)
    env = os.environ if environ is None else environ
    overrides = {f.name: _coerce(env[ENV_PREFIX + f.name.upper()], f.type) for f in fields(Settings)
                 if ENV_PREFIX + f.name.upper() in env}
    return replace(settings, **overrides)
