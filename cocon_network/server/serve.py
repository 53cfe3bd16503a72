"""Serving: uvicorn with Settings.workers processes, each building its own application (and so its own engine and
verification pool) from the configuration file named in the environment.

    serve(settings, config_path)        # what `cocon-network serve` runs; blocks until stopped
    app_factory()                       # uvicorn's factory: load_settings($COCON_NETWORK_CONFIG) → create_app

Each worker is a separate process: nothing is shared but the database, so more workers (or more machines behind
the TLS proxy) scale the API and the console alike."""

from __future__ import annotations

import os
from pathlib import Path

from starlette.applications import Starlette

from cocon_network.server.config import Settings, load_settings

CONFIG_ENV = "COCON_NETWORK_CONFIG"  # the configuration file's path, for every worker process


def app_factory() -> Starlette:
    from cocon_network.server.app import create_app

    path = os.environ.get(CONFIG_ENV)
    app = create_app(load_settings(Path(path) if path else None))
    app.state.warm_verify_pool = True
    return app


class SchemaNotReady(RuntimeError):
    """The database is not at the newest schema: `cocon-network migrate` first."""


def check_schema(settings: Settings) -> None:
    from cocon_network.server.db import make_engine
    from cocon_network.server.migrate import current_revision, head_revision

    engine = make_engine(settings.database_url)
    try:
        current = current_revision(engine)
    finally:
        engine.dispose()
    if current != head_revision():
        raise SchemaNotReady("la base de données n'est pas à jour (révision "
                             f"{current or 'aucune'}, attendue {head_revision()}) : lancez « cocon-network "
                             "migrate » d'abord")


def serve(settings: Settings, config_path: Path | None, *, workers: int | None = None) -> None:
    import uvicorn

    if config_path is not None:
        os.environ[CONFIG_ENV] = str(Path(config_path).resolve())
    check_schema(settings)
    uvicorn.run("cocon_network.server.serve:app_factory", factory=True, host=settings.host, port=settings.port,
                workers=workers or settings.workers, proxy_headers=True, server_header=False,
                timeout_graceful_shutdown=30, log_level="info")
