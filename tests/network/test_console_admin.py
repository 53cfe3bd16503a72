"""The administrator's console: users, the audit log and its chain, the second factor's setup, conventions
(therapist, certificate, token shown once), through HTTP on a real PostgreSQL."""

from __future__ import annotations

import json
from datetime import date
from html import unescape

import pyotp
import pytest
from sqlalchemy import select, text
from starlette.testclient import TestClient

from cocon_network.server.audit import record, verify_chain
from cocon_network.server.conventions import register_therapist, token_therapist
from cocon_network.server.db import session_factory, transaction
from cocon_network.server.models import ApiToken, AuditEntry, ConsoleSession, ConsoleUser, Therapist
from tests.network.console_support import add_user, app_for, csrf_of, login, schema
from tests.network_samples import sample_certificate


@pytest.fixture
def engine(postgres_url: str):  # type: ignore[no-untyped-def]
    engine = schema(postgres_url)
    yield engine
    engine.dispose()


@pytest.fixture
def client(engine, postgres_url: str):  # type: ignore[no-untyped-def]
    add_user(engine, "alice", "administrateur")
    add_user(engine, "claire", "coordinateur")
    with TestClient(app_for(engine, postgres_url), base_url="http://127.0.0.1") as client:
        yield client


def test_menu_follows_the_role(client) -> None:  # type: ignore[no-untyped-def]
    login(client, "claire")
    page = client.get("/console/").text
    assert 'href="/console/lots"' in page and 'href="/console/journal"' not in page
    assert client.get("/console/journal").status_code == 403
    assert client.get("/console/utilisateurs").status_code == 403
    client.cookies.clear()
    login(client, "alice")
    page = client.get("/console/").text
    assert 'href="/console/journal"' in page and 'href="/console/utilisateurs"' in page
    assert 'href="/console/lots"' in page  # the administrator sees everything


def test_create_user_then_deactivate_closes_sessions(engine, client) -> None:  # type: ignore[no-untyped-def]
    login(client, "alice")
    page = client.get("/console/utilisateurs")
    short = client.post("/console/utilisateurs", data={"csrf": csrf_of(page.text), "login": "Paul Compta",
                                                       "nom": "Paul", "role": "comptable", "mot_de_passe": "court"})
    assert short.status_code == 400
    assert 'id="login-erreur"' in short.text and 'id="mot_de_passe-erreur"' in short.text
    done = client.post("/console/utilisateurs", data={"csrf": csrf_of(page.text), "login": "paul", "nom": "Paul",
                                                      "role": "comptable", "mot_de_passe": "un mot de passe long"})
    assert done.status_code == 200 and "Utilisateur paul créé" in unescape(done.text)
    other = TestClient(client.app, base_url="http://127.0.0.1")
    assert login(other, "paul", "un mot de passe long").status_code == 303
    with transaction(session_factory(engine)) as db:
        paul = db.scalars(select(ConsoleUser).where(ConsoleUser.login == "paul")).one()
        assert paul.password_hash.startswith("$argon2id$")
    client.post(f"/console/utilisateurs/{paul.id}/activation", data={"csrf": csrf_of(done.text)})
    with transaction(session_factory(engine)) as db:
        assert not db.get(ConsoleUser, paul.id).active  # type: ignore[union-attr]
        assert db.scalars(select(ConsoleSession).where(ConsoleSession.user_id == paul.id)).first() is None
    assert other.get("/console/", follow_redirects=False).status_code == 303
    assert login(other, "paul", "un mot de passe long").status_code == 400


def test_audit_page_verifies_the_chain_and_shows_a_break(engine, client) -> None:  # type: ignore[no-untyped-def]
    with transaction(session_factory(engine)) as db:
        for n in range(3):
            record(db, None, "document_accepted", f"document FAC-2026-000{n}", {"n": n})
    login(client, "alice")
    page = client.get("/console/journal")
    assert "Chaîne vérifiée" in unescape(page.text) and "Document accepté" in page.text
    assert "Chaîne intacte : 4 entrées" in unescape(client.get("/console/journal/verification").text)  # + login
    with engine.begin() as connection:  # a change behind the console's back (the trigger set aside)
        connection.execute(text("ALTER TABLE audit_log DISABLE TRIGGER USER"))
        connection.execute(text("UPDATE audit_log SET target = 'document FAC-2026-9999' WHERE id = 2"))
        connection.execute(text("ALTER TABLE audit_log ENABLE TRIGGER USER"))
    broken = unescape(client.get("/console/journal").text)
    assert "La chaîne est rompue à l'entrée n° 2" in broken
    assert "rompue à l'entrée n° 2" in unescape(client.get("/console/journal/verification").text)
    with transaction(session_factory(engine)) as db:
        assert verify_chain(db).first_broken_id == 2


def test_totp_setup_needs_a_right_code(engine, client) -> None:  # type: ignore[no-untyped-def]
    login(client, "claire")
    page = client.get("/console/compte/double-authentification")
    secret = page.text.split('name="secret" value="')[1].split('"')[0]
    assert "otpauth://totp/" in unescape(page.text) and len(secret) == 32
    wrong = client.post("/console/compte/double-authentification",
                        data={"csrf": csrf_of(page.text), "secret": secret, "code": "12345"})
    assert wrong.status_code == 400 and 'id="code-erreur"' in wrong.text
    done = client.post("/console/compte/double-authentification",
                       data={"csrf": csrf_of(page.text), "secret": secret, "code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200 and "Double authentification activée" in done.text
    with transaction(session_factory(engine)) as db:
        assert db.scalars(select(ConsoleUser).where(ConsoleUser.login == "claire")).one().totp_secret == secret
        assert db.scalars(select(AuditEntry).where(AuditEntry.action == "totp_enabled")).first() is not None
    client.cookies.clear()
    assert login(client, "claire").status_code == 400  # the code is now needed


def test_register_a_therapist_with_errors_next_to_fields(engine, client) -> None:  # type: ignore[no-untyped-def]
    login(client, "claire")  # the coordinator registers therapists (issue 21, #2)
    page = client.get("/console/therapeutes/nouveau")
    values = {"csrf": csrf_of(page.text), "name": "Léa Dupont", "discipline": "orthophonie",
              "siret": "91234567500018", "rpps": "", "iban": "FR7630006000011234567890189", "bic": "",
              "departement": "13", "convention_start": "2026-01-01", "convention_end": ""}
    bad = client.post("/console/therapeutes/nouveau", data=values)
    assert bad.status_code == 400 and 'id="siret-erreur"' in bad.text and "SIRET" in unescape(bad.text)
    assert 'value="Léa Dupont"' in unescape(bad.text)  # nothing typed is lost
    values["siret"] = "91234567500017"
    done = client.post("/console/therapeutes/nouveau", data=values, follow_redirects=False)
    assert done.status_code == 303
    therapist_page = client.get(done.headers["location"])
    assert "Léa Dupont est conventionné" in unescape(therapist_page.text)
    with transaction(session_factory(engine)) as db:
        therapist = db.scalars(select(Therapist)).one()
        assert therapist.siret == "91234567500017"
    certificate = client.post(f"/console/therapeutes/{therapist.id}/certificats",
                              data={"csrf": csrf_of(therapist_page.text)},
                              files={"certificat": ("cabinet.pem", sample_certificate()[0], "application/x-pem-file")})
    assert certificate.status_code == 200 and "Certificat enregistré" in certificate.text
    junk = client.post(f"/console/therapeutes/{therapist.id}/certificats", data={"csrf": csrf_of(therapist_page.text)},
                       files={"certificat": ("x.pem", b"pas un certificat", "application/octet-stream")})
    assert junk.status_code == 400 and 'id="certificat-erreur"' in junk.text


def test_token_is_shown_once_and_revoked(engine, client) -> None:  # type: ignore[no-untyped-def]
    with transaction(session_factory(engine)) as db:
        therapist_id = register_therapist(db, name="Léa Dupont", discipline="orthophonie", siret="91234567500017",
                                          iban="FR7630006000011234567890189", convention_start=date(2026, 1, 1)).id
    login(client, "alice")
    page = client.get(f"/console/therapeutes/{therapist_id}")
    issued = client.post(f"/console/therapeutes/{therapist_id}/jetons", data={"csrf": csrf_of(page.text)})
    token = issued.text.split('id="jeton-emis">')[1].split("<")[0]
    assert issued.status_code == 200 and len(token) >= 40 and issued.headers["cache-control"] == "no-store"
    again = client.get(f"/console/therapeutes/{therapist_id}")
    assert token not in again.text and token[:8] in again.text
    with transaction(session_factory(engine)) as db:
        assert token_therapist(db, token) is not None
        row = db.scalars(select(ApiToken)).one()
        assert token not in {row.token_sha256, row.hint}
    client.post(f"/console/therapeutes/{therapist_id}/jetons/revoquer",
                data={"csrf": csrf_of(again.text), "jeton": str(row.id)})
    with transaction(session_factory(engine)) as db:
        assert token_therapist(db, token) is None
        actions = db.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
        assert "token_issued" in actions and "token_revoked" in actions


def test_change_password_closes_the_other_sessions(engine, client) -> None:  # type: ignore[no-untyped-def]
    login(client, "claire")
    other = TestClient(client.app, base_url="http://127.0.0.1")
    login(other, "claire")
    page = client.get("/console/compte")
    wrong = client.post("/console/compte/mot-de-passe", data={
        "csrf": csrf_of(page.text), "actuel": "pas le bon", "nouveau": "court", "confirmation": "court"})
    assert wrong.status_code == 400 and 'id="actuel-erreur"' in wrong.text and 'id="nouveau-erreur"' in wrong.text
    done = client.post("/console/compte/mot-de-passe", data={
        "csrf": csrf_of(page.text), "actuel": "correct horse battery staple", "nouveau": "un tout autre secret",
        "confirmation": "un tout autre secret"})
    assert done.status_code == 200 and "Mot de passe changé" in done.text
    assert client.get("/console/").status_code == 200  # this browser stays signed in
    assert other.get("/console/", follow_redirects=False).status_code == 303  # the other one is out
    assert login(other, "claire", "un tout autre secret").status_code == 303


def test_child_search_says_an_unknown_number(client) -> None:  # type: ignore[no-untyped-def]
    login(client, "claire")
    unknown = client.get("/console/enfants?numero=RPM-2099-00001")
    assert unknown.status_code == 400 and 'id="numero-erreur"' in unknown.text
    assert "Aucun enfant n° RPM-2099-00001" in unknown.text
    assert client.get("/console/enfants?numero=%3Cscript%3E").status_code == 400


def test_edit_a_therapist_s_convention(engine, client) -> None:  # type: ignore[no-untyped-def]
    with transaction(session_factory(engine)) as db:
        therapist_id = register_therapist(db, name="Léa Dupont", discipline="orthophonie", siret="91234567500017",
                                          iban="FR7630006000011234567890189", convention_start=date(2026, 1, 1)).id
    login(client, "claire")
    form = client.get(f"/console/therapeutes/{therapist_id}/modifier")
    assert form.status_code == 200 and 'value="91234567500017"' in form.text and 'value="2026-01-01"' in form.text
    values = {"csrf": csrf_of(form.text), "name": "Léa Dupont", "discipline": "orthophonie",
              "siret": "91234567500017", "rpps": "", "iban": "FR76 3000 6000 0112 3456 7890 189", "bic": "",
              "departement": "13", "convention_start": "2026-01-01", "convention_end": "2025-12-31"}
    bad = client.post(f"/console/therapeutes/{therapist_id}/modifier", data=values)
    assert bad.status_code == 400 and 'id="convention_end-erreur"' in bad.text
    values["convention_end"] = "31/12/2027"
    done = client.post(f"/console/therapeutes/{therapist_id}/modifier", data=values)
    assert done.status_code == 200 and "Convention mise à jour." in unescape(done.text)
    with transaction(session_factory(engine)) as db:
        assert db.get(Therapist, therapist_id).convention_end == date(2027, 12, 31)  # type: ignore[union-attr]
        assert db.scalars(select(AuditEntry).where(AuditEntry.action == "therapist_updated")).first() is not None


def test_the_administrator_resets_a_forgotten_password(engine, client) -> None:  # type: ignore[no-untyped-def]
    other = TestClient(client.app, base_url="http://127.0.0.1")
    assert login(other, "claire").status_code == 303
    with transaction(session_factory(engine)) as db:
        claire = db.scalars(select(ConsoleUser).where(ConsoleUser.login == "claire")).one()
        claire.totp_secret = pyotp.random_base32()  # her phone is lost too
        claire_id = claire.id
    login(client, "alice")
    page = client.get("/console/utilisateurs")
    assert "Mot de passe oublié" in page.text
    refused = client.post("/console/utilisateurs/reinitialisation", data={
        "csrf": csrf_of(page.text), "utilisateur": str(claire_id), "nouveau_mot_de_passe": "court"})
    assert refused.status_code == 400 and 'id="nouveau_mot_de_passe-erreur"' in refused.text
    assert f'<option value="{claire_id}" selected>' in refused.text  # her choice kept next to the error
    done = client.post("/console/utilisateurs/reinitialisation", data={
        "csrf": csrf_of(page.text), "utilisateur": str(claire_id), "nouveau_mot_de_passe": "un nouveau mot de passe",
        "retirer_totp": "1"})
    assert done.status_code == 200
    assert "Mot de passe de claire réinitialisé et sa double authentification retirée" in unescape(done.text)
    assert other.get("/console/", follow_redirects=False).status_code == 303  # her old session is closed
    assert login(other, "claire").status_code == 400  # the old password no longer opens
    assert login(other, "claire", "un nouveau mot de passe").status_code == 303  # no second factor asked
    with transaction(session_factory(engine)) as db:
        assert db.get(ConsoleUser, claire_id).totp_secret == ""  # type: ignore[union-attr]
        entry = db.scalars(select(AuditEntry).where(AuditEntry.action == "user_password_reset")).one()
        assert json.loads(entry.detail) == {"user_id": claire_id, "totp_removed": True}
        alice_id = db.scalars(select(ConsoleUser.id).where(ConsoleUser.login == "alice")).one()
    own = client.post("/console/utilisateurs/reinitialisation", data={
        "csrf": csrf_of(page.text), "utilisateur": str(alice_id), "nouveau_mot_de_passe": "un nouveau mot de passe"})
    assert own.status_code == 400 and "« Mon compte »" in unescape(own.text)
