"""The outbox keeps why a sending failed as a code with its data; the Synchronisation page and `cocon batch list`
(BatchSummary.last_error) say it with the very sentence the earlier versions stored, and a row those versions
wrote (a sentence) still reads as it was — on a real encrypted practice."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import update

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument

from cocon_desktop.errors import CoconError
from cocon_desktop.models import OutboxEntry
from cocon_desktop.services import batches, outbox
from cocon_desktop.services.outbox_errors import OutboxError, error_of, outbox_error
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.ui.itemmodels.batches_model import COLUMNS, details_text
from cocon_desktop.ui.pages.sync_page import SyncPage
from cocon_desktop.ui.tasks import SyncRunner
from tests.db.batch_helpers import NOW, issue_october
from tests.ui.refresh_helpers import follow_writes

ERRORS = [
    (outbox_error("sync_no_endpoint", network="RPO"),
     "Aucune adresse de réception pour le réseau RPO : le lot attend. Donnez-la dans Paramètres › Réseaux, ou "
     "exportez le lot pour le remettre au réseau."),
    (error_of(CoconError("send_transient", detail="HTTP 503")),
     "Envoi impossible pour l'instant (HTTP 503) : le lot reste en attente et sera renvoyé."),
    (error_of(CoconError("send_auth_rejected", detail="HTTP 401")),
     "Le réseau refuse le jeton d'accès (HTTP 401) : vérifiez-le dans Paramètres › Réseaux."),
    (error_of(CoconError("endpoint_url_invalid", url="ftp://reseau")),
     "Adresse de réception invalide : ftp://reseau (https://…, sans identifiant ni mot de passe ; http:// "
     "seulement vers cet ordinateur)."),
    (outbox_error("send_server_ca_unreadable", detail="no PEM data"),
     "Envoi impossible pour l'instant (certificat du serveur enregistré illisible : no PEM data) : le lot reste en "
     "attente et sera renvoyé."),
]


@pytest.fixture
def batch(practice: Practice) -> int:
    issue_october(practice, ("RPO",))
    pk = batches.close_batch(practice, "RPO", NOW).id
    outbox.mark_attempt(practice.sessions, pk, NOW)
    return pk


def _page_says(qtbot: QtBot, practice: Practice, pk: int) -> tuple[str, str, str]:
    """The last attempt's cell, its tooltip and the batch's details on the Synchronisation page."""
    runner = SyncRunner()
    page = SyncPage(runner)
    qtbot.addWidget(page)
    follow_writes(runner, page)  # as in the window: reads when shown, and again after a write
    page.set_practice(practice)
    page.show()
    qtbot.waitUntil(lambda: page.model.row_of(pk) >= 0)
    row, column = page.model.row_of(pk), COLUMNS.index("last_attempt")
    index = page.model.index(row, column)
    tooltip = str(page.model.data(index, Qt.ItemDataRole.ToolTipRole))
    assert tooltip.startswith("<p ")  # remote text is shown as plain text (issue 19, #8): escaped in our paragraph
    document = QTextDocument()
    document.setHtml(tooltip)  # what the tooltip shows
    return page.model.cell(row, column), document.toPlainText(), details_text(page.model.rows[row])


@pytest.mark.parametrize(("error", "sentence"), ERRORS, ids=[e.code for e, _ in ERRORS])
def test_a_stored_error_reads_as_before(qtbot: QtBot, practice: Practice, batch: int, error: OutboxError,
                                        sentence: str) -> None:
    outbox.record_failure(practice.sessions, batch, NOW, error)
    summary = batches.get_batch(practice.sessions, batch)
    assert summary.error == error  # a code and its data, not a sentence
    assert summary.last_error == sentence  # what `cocon batch list` prints
    shown, tooltip, details = _page_says(qtbot, practice, batch)
    assert shown.endswith(sentence) and tooltip == sentence and f"Erreur : {sentence}" in details


def test_an_old_row_with_a_sentence_still_reads(qtbot: QtBot, practice: Practice, batch: int) -> None:
    with practice.sessions.begin() as session:
        session.execute(update(OutboxEntry).where(OutboxEntry.batch_pk == batch)
                        .values(last_error="Envoi impossible pour l'instant (délai dépassé) : le lot reste en "
                                           "attente et sera renvoyé."))
    summary = batches.get_batch(practice.sessions, batch)
    expected = "Envoi impossible pour l'instant (délai dépassé) : le lot reste en attente et sera renvoyé."
    assert summary.last_error == expected
    _, tooltip, details = _page_says(qtbot, practice, batch)
    assert tooltip == expected and f"Erreur : {expected}" in details


def test_a_rejection_keeps_the_networks_words(qtbot: QtBot, practice: Practice, batch: int) -> None:
    outbox.record_rejection(practice.sessions, batch, "Numéro d'inclusion inconnu", NOW)
    summary = batches.get_batch(practice.sessions, batch)
    assert summary.error == outbox_error("network_reason", reason="Numéro d'inclusion inconnu")
    assert summary.last_error == "Numéro d'inclusion inconnu"
    assert "Erreur : Numéro d'inclusion inconnu" in _page_says(qtbot, practice, batch)[2]
