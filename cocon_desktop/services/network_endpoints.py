"""Where each network receives batches: the URL is a declared setting, the access token lives in its own table of
the encrypted database (never in the settings, the logs or a message)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit

from sqlalchemy.orm import Session, sessionmaker

from cocon_desktop import settings
from cocon_desktop.domain.networks import NETWORKS
from cocon_desktop.errors import CoconError
from cocon_desktop.models import NetworkCredential, Setting
from cocon_desktop.services import settings_store

LOOPBACK = ("127.0.0.1", "localhost", "::1")


@dataclass(frozen=True)
class Endpoint:
    network: str
    url: str
    token: str = field(repr=False)


def _network(network: str) -> str:
    code = network.strip().upper()
    if code not in NETWORKS:
        raise CoconError("network_unknown", value=network)
    return code


def checked_url(url: str) -> str:
    """The URL without surrounding spaces or trailing slash; CoconError "endpoint_url_invalid" unless it is
    https:// (http:// only to this computer, for tests and a local receiver), with a host and no password."""
    text = url.strip().rstrip("/")
    try:
        parts = urlsplit(text)
        host = parts.hostname or ""
        _ = parts.port  # a malformed port raises ValueError
    except ValueError as exc:
        raise CoconError("endpoint_url_invalid", url=text) from exc
    secure = parts.scheme == "https" or (parts.scheme == "http" and host in LOOPBACK)
    if not secure or not host or parts.username or parts.password or parts.query or parts.fragment:
        raise CoconError("endpoint_url_invalid", url=text)
    return text


def set_endpoint(sessions: sessionmaker[Session], network: str, url: str, token: str | None) -> None:
    """Store the network's URL and, unless `token` is None (keep the stored one), its access token; an empty URL
    removes the endpoint (and its token)."""
    code = _network(network)
    var = settings.network_endpoint(code)
    address = checked_url(url) if url.strip() else ""
    with sessions.begin() as session:
        session.merge(Setting(key=var.key, value_json=json.dumps(var.coerce(address))))
        session.merge(Setting(key=settings_store.VERSION_KEY, value_json=json.dumps(settings.SETTINGS_VERSION)))
        credential = session.get(NetworkCredential, code)
        if not address:
            if credential is not None:
                session.delete(credential)
        elif token is not None:
            if credential is None:
                session.add(NetworkCredential(network=code, token=token.strip(), updated_at=datetime.now(UTC)))
            else:
                credential.token = token.strip()
                credential.updated_at = datetime.now(UTC)


def endpoint(sessions: sessionmaker[Session], network: str) -> Endpoint | None:
    """The network's endpoint, or None when no URL is set (the batches are then exported by hand)."""
    code = _network(network)
    url = str(settings_store.get(sessions, settings.network_endpoint(code)))
    if not url:
        return None
    with sessions() as session:
        credential = session.get(NetworkCredential, code)
        return Endpoint(code, url, credential.token if credential is not None else "")
