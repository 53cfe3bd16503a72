"""Where each network receives batches: the URL is a declared setting, the access token lives in its own table of
the encrypted database (never in the settings, the logs or a message). A network whose server certificate the
system does not trust may have its own server certificate (PEM, public data: a setting)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from sqlalchemy.orm import Session, sessionmaker

from cocon_desktop import settings
from cocon_desktop.domain.networks import NETWORKS
from cocon_desktop.errors import CoconError
from cocon_desktop.messages import counted
from cocon_desktop.models import NetworkCredential, Setting
from cocon_desktop.services import settings_store
from cocon_desktop.services.changes import Changes, writes

LOOPBACK = ("127.0.0.1", "localhost", "::1")


@dataclass(frozen=True)
class Endpoint:
    network: str
    url: str
    token: str = field(repr=False)
    server_ca: str = ""  # PEM certificate(s) trusted for this server; "" → the system's authorities


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


def checked_server_ca(pem: str | bytes) -> str:
    """The certificates of a PEM text, written back as PEM (anything else in the file, a private key for one, is
    dropped); CoconError "server_ca_invalid" when it holds no readable certificate."""
    data = pem.encode() if isinstance(pem, str) else pem
    try:
        certificates = x509.load_pem_x509_certificates(data)
    except ValueError:
        detail = "contenu illisible" if b"-----BEGIN CERTIFICATE-----" in data else "aucun bloc BEGIN CERTIFICATE"
        raise CoconError("server_ca_invalid", detail=detail) from None
    return "".join(c.public_bytes(serialization.Encoding.PEM).decode("ascii") for c in certificates)


def describe_server_ca(pem: str) -> str:
    """« localhost, valable jusqu'au 30/11/2026 » (the first certificate; its whole subject when it has no CN)."""
    certificates = x509.load_pem_x509_certificates(pem.encode())
    first = certificates[0]
    names = first.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    subject = str(names[0].value) if names else first.subject.rfc4514_string() or "sans nom"
    text = f"{subject}, valable jusqu'au {first.not_valid_after_utc:%d/%m/%Y}"
    others = len(certificates) - 1
    return text + (f" (+ {counted(others, 'autre certificat', 'autres certificats')})" if others else "")


@writes(Changes.ENDPOINTS)
def set_endpoint(sessions: sessionmaker[Session], network: str, url: str, token: str | None,
                 server_ca: str | None = None) -> None:
    """Store the network's URL and, unless `token` is None (keep the stored one), its access token; likewise its
    server certificate (PEM, "" for the system's authorities). An empty URL removes the endpoint (and its token
    and certificate)."""
    code = _network(network)
    var = settings.network_endpoint(code)
    address = checked_url(url) if url.strip() else ""
    ca_var = settings.network_server_ca(code)
    ca = None if server_ca is None else (checked_server_ca(server_ca) if server_ca.strip() else "")
    if not address:
        ca = ""
    with sessions.begin() as session:
        session.merge(Setting(key=var.key, value_json=json.dumps(var.coerce(address))))
        if ca is not None:
            session.merge(Setting(key=ca_var.key, value_json=json.dumps(ca)))
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
    server_ca = str(settings_store.get(sessions, settings.network_server_ca(code)))
    with sessions() as session:
        credential = session.get(NetworkCredential, code)
        return Endpoint(code, url, credential.token if credential is not None else "", server_ca)


def networks_with_endpoint(sessions: sessionmaker[Session]) -> list[str]:
    """The networks a batch can be sent to (« Envoyer maintenant » needs one), in NETWORKS order."""
    return [code for code in NETWORKS if str(settings_store.get(sessions, settings.network_endpoint(code)))]
