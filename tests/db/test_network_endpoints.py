"""A network's endpoint: the URL in the settings, the token only in its table of the encrypted database."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography import x509
from sqlalchemy import select

from cocon_desktop import messages
from cocon_desktop.errors import CoconError
from cocon_desktop.models import NetworkCredential, Setting
from cocon_desktop.services import network_endpoints
from cocon_desktop.services.practice_handle import Practice
from tests.sync_samples import tls_certificate

TOKEN = "tok-5f0c1e2d9a8b7c6d5e4f3a2b1c0d9e8f"


def test_the_token_is_kept_in_the_database_only(practice: Practice, data_dir: Path) -> None:
    assert network_endpoints.endpoint(practice.sessions, "RPO") is None
    network_endpoints.set_endpoint(practice.sessions, "RPO", " https://lots.rpo.example.org/api/ ", TOKEN)
    found = network_endpoints.endpoint(practice.sessions, "rpo")
    assert found == network_endpoints.Endpoint("RPO", "https://lots.rpo.example.org/api", TOKEN)
    assert TOKEN not in repr(found)
    network_endpoints.set_endpoint(practice.sessions, "RPO", "https://autre.rpo.example.org", None)  # keeps it
    assert network_endpoints.endpoint(practice.sessions, "RPO").token == TOKEN  # type: ignore[union-attr]

    with practice.sessions() as session:
        settings_text = " ".join(session.scalars(select(Setting.value_json)))
        assert "autre.rpo.example.org" in settings_text and TOKEN not in settings_text
        assert session.scalar(select(NetworkCredential.token)) == TOKEN
    practice.engine.dispose()  # everything written to the files
    for path in data_dir.rglob("*"):
        if path.is_file():
            assert TOKEN.encode() not in path.read_bytes(), path

    network_endpoints.set_endpoint(practice.sessions, "RPO", "", None)  # no endpoint any more: no token either
    assert network_endpoints.endpoint(practice.sessions, "RPO") is None
    with practice.sessions() as session:
        assert session.scalar(select(NetworkCredential.token)) is None


@pytest.mark.parametrize("url", ["http://lots.rpo.example.org", "ftp://lots.example.org", "https://",
                                 "https://user:secret@lots.example.org", "lots.example.org",
                                 "https://lots.example.org/?token=x", "https://lots.example.org:99999"])
def test_only_https_urls_are_accepted(practice: Practice, url: str) -> None:
    with pytest.raises(CoconError) as caught:
        network_endpoints.set_endpoint(practice.sessions, "RPM", url, TOKEN)
    assert caught.value.code == "endpoint_url_invalid" and TOKEN not in str(caught.value.data)
    assert network_endpoints.endpoint(practice.sessions, "RPM") is None


@pytest.mark.parametrize("url", ["http://127.0.0.1:8443", "http://localhost:9000/base", "https://[::1]:8443"])
def test_plain_http_only_to_this_computer(practice: Practice, url: str) -> None:
    network_endpoints.set_endpoint(practice.sessions, "RPM", url, "")
    assert network_endpoints.endpoint(practice.sessions, "RPM") == network_endpoints.Endpoint("RPM", url, "")


def test_unknown_network(practice: Practice) -> None:
    with pytest.raises(CoconError, match="network_unknown"):
        network_endpoints.set_endpoint(practice.sessions, "XYZ", "https://example.org", None)


def test_a_server_certificate_is_stored_without_anything_else_of_its_file(practice: Practice,
                                                                          tmp_path: Path) -> None:
    cert, key = tls_certificate(tmp_path)
    bundle = cert.read_text() + key.read_text()  # a careless file: the certificate and its private key
    network_endpoints.set_endpoint(practice.sessions, "RPO", "https://127.0.0.1:8443", TOKEN, bundle)
    stored = network_endpoints.endpoint(practice.sessions, "RPO")
    assert stored is not None and stored.server_ca == cert.read_text()  # the key is not kept
    assert "PRIVATE KEY" not in stored.server_ca
    expiry = x509.load_pem_x509_certificate(cert.read_bytes()).not_valid_after_utc
    assert network_endpoints.describe_server_ca(stored.server_ca) == \
        f"localhost, valable jusqu'au {expiry:%d/%m/%Y}"
    network_endpoints.set_endpoint(practice.sessions, "RPO", "https://127.0.0.1:9443", None)  # None: kept
    assert network_endpoints.endpoint(practice.sessions, "RPO").server_ca == stored.server_ca  # type: ignore[union-attr]
    network_endpoints.set_endpoint(practice.sessions, "RPO", "https://127.0.0.1:9443", None, "")  # removed
    assert network_endpoints.endpoint(practice.sessions, "RPO").server_ca == ""  # type: ignore[union-attr]
    network_endpoints.set_endpoint(practice.sessions, "RPO", "https://127.0.0.1:9443", None, bundle)
    network_endpoints.set_endpoint(practice.sessions, "RPO", "", None)  # no endpoint: no certificate either
    network_endpoints.set_endpoint(practice.sessions, "RPO", "https://127.0.0.1:9443", None)
    assert network_endpoints.endpoint(practice.sessions, "RPO").server_ca == ""  # type: ignore[union-attr]


@pytest.mark.parametrize("pem", ["ceci n'est pas un certificat", "-----BEGIN CERTIFICATE-----\nAAAA\n"
                                 "-----END CERTIFICATE-----\n", "-----BEGIN PRIVATE KEY-----\nAAAA\n"
                                 "-----END PRIVATE KEY-----\n"])
def test_an_invalid_server_certificate_is_refused_in_french(practice: Practice, pem: str) -> None:
    network_endpoints.set_endpoint(practice.sessions, "RPO", "https://lots.rpo.example.org", TOKEN)
    with pytest.raises(CoconError) as caught:
        network_endpoints.set_endpoint(practice.sessions, "RPO", "https://autre.rpo.example.org", None, pem)
    assert caught.value.code == "server_ca_invalid"
    assert messages.describe(caught.value).startswith("Ce fichier ne contient aucun certificat PEM lisible (")
    stored = network_endpoints.endpoint(practice.sessions, "RPO")  # nothing changed
    assert stored == network_endpoints.Endpoint("RPO", "https://lots.rpo.example.org", TOKEN, "")
