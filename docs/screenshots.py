"""Screenshots for docs/ and the README: `make screenshots` (runs under Xvfb). Uses a temporary practice."""

from __future__ import annotations

import io
import os
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit, QWidget

from cocon_desktop.app import AppController, make_application
from cocon_desktop.clock import from_environment
from cocon_desktop.domain.ages import shows_corrected_age
from cocon_desktop.domain.child import ChildData, GuardianData
from cocon_desktop.domain.prescription import PrescriberData, PrescriptionData
from cocon_desktop.security import keychain
from cocon_desktop.services.children import ChildQuery, ChildRow, count_children, create_child, list_children
from cocon_desktop.services.demo import DEMO_PROFILE, create_demo
from cocon_desktop.services.forfaits import child_forfaits
from cocon_desktop.services.prescribers import save_prescriber
from cocon_desktop.services.prescriptions import Scan, save_prescription
from cocon_desktop.ui.dialogs.first_run_wizard import FirstRunWizard
from cocon_desktop.ui.dialogs.unlock_window import UnlockWindow
from cocon_desktop.ui.main_window import MainWindow
from cocon_desktop.ui.tasks import SyncRunner
from cocon_desktop.ui.widgets.date_field import DateField


def settle(app: QApplication) -> None:
    for _ in range(5):
        app.processEvents()


def grab(app: QApplication, widget: QWidget, path: Path) -> None:
    widget.show()
    widget.raise_()
    settle(app)
    widget.grab().save(str(path))
    print(path)


def ensure_children(sessions: sessionmaker[Session], today: date) -> None:
    """The demo brings its own children; an older demo without any gets a few, through the services."""
    if count_children(sessions, ChildQuery(), today):
        return
    doctor = save_prescriber(sessions, PrescriberData(last_name="Achard", first_name="Hélène",
                                                      place="Service de néonatologie", city="Marseille"))
    for index, (last, first, weeks, days_old) in enumerate((("Bernard", "Léa", 28, 210), ("Moreau", "Noah", 33, 400),
                                                            ("Girard", "Inès", 26, 150))):
        birth = today - timedelta(days=days_old)
        child_id = create_child(sessions, ChildData(
            last_name=last, first_name=first, birth_date=birth, sex="F" if index != 1 else "M",
            gestational_weeks=weeks, inclusion_number=f"RPM-{today.year}-{100 + index}", network="RPM",
            inclusion_date=birth + timedelta(days=30), referent_id=doctor, inclusion_criteria=("ag_lt_33",),
            guardians=(GuardianData(last_name=last, first_name="Sarah", phone="06 12 34 56 78",
                                    email="parent@example.org", city="Marseille", postcode="13005"),)), today)
        save_prescription(sessions, PrescriptionData(
            child_id=child_id, discipline="psychomotricite", forfait_kind="precoce_0_24", sessions_authorised=35,
            valid_from=birth + timedelta(days=90), valid_until=birth + timedelta(days=450),
            prescribed_on=birth + timedelta(days=85), prescriber_id=doctor), today)


def scan_pdf() -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setFont("Helvetica-Bold", 16)
    pdf.drawString(72, 770, "Ordonnance (exemple fictif)")
    pdf.setFont("Helvetica", 12)
    for line, text in enumerate(("Dr Hélène Achard, service de néonatologie, Marseille",
                                 "Séances de psychomotricité dans le cadre du parcours COCON.",
                                 "Forfait de soins précoces 0-24 mois, bilan compris.")):
        pdf.drawString(72, 730 - 22 * line, text)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def children_screens(app: QApplication, window: MainWindow, out: Path) -> None:
    """The children list, a child's file on its forfaits, the new-child form with errors at the fields."""
    assert window.practice is not None
    sessions, today = window.practice.sessions, window.clock.today()
    ensure_children(sessions, today)
    rows = list_children(sessions, ChildQuery(active_only=True), today)
    lines = {row.id: child_forfaits(sessions, row.id, today) for row in rows}

    def interest(row: ChildRow) -> tuple[bool, bool, int]:
        """A premature baby (corrected age in the header) with a running forfait that warns, if any."""
        warns = any(line.status.state != "expired" and line.status.warnings for line in lines[row.id])
        return (shows_corrected_age(row.birth_date, row.gestational_weeks, today) and bool(lines[row.id]), warns,
                len(lines[row.id]))

    shown = max(rows, key=interest)
    latest = lines[shown.id][0].prescription
    if latest.document_id is None:
        save_prescription(sessions, latest.data, today, scan=Scan("ordonnance-psychomotricite.pdf", scan_pdf()))

    window.show_page("children")
    page = window.children_page
    page.apply_filters()
    grab(app, window, out / "children-list.png")
    page.open_child(shown.id)
    page.file.tabs.setCurrentIndex(2)
    grab(app, window, out / "child-file.png")
    page.file.cards[0].view_button.click()
    if page.file.viewer is not None:
        page.file.viewer.resize(760, 820)
        QTest.qWait(800)  # QPdfView renders its pages in the background
        grab(app, page.file.viewer, out / "prescription-viewer.png")
        page.file.viewer.close()
    page.show_list()

    window.new_child()
    dialog = page.dialog
    assert dialog is not None
    values = {"last_name": "Lefèvre", "first_name": "Éloïse", "inclusion_number": f"RPM-{today.year}-0420",
              "nir": "2 95 01 99 126 111 47"}
    for name, text in values.items():
        editor = dialog.editors[name]
        assert isinstance(editor, QLineEdit)
        editor.setText(text)
    birth = dialog.editors["birth_date"]
    assert isinstance(birth, DateField)
    birth.set_value(today - timedelta(days=130))
    sex = dialog.editors["sex"]
    assert isinstance(sex, QComboBox)
    sex.setCurrentIndex(sex.findData("F"))
    dialog.weeks.setText("45")
    dialog.weight.setText("1180")
    dialog.guardians.add(GuardianData(last_name="Lefèvre", first_name="Amélie", phone="06 12 34 56 78",
                                      email="amelie.lefevre@example.org", city="Marseille", postcode="13005"))
    dialog.save()
    dialog.scroll_area.verticalScrollBar().setValue(0)
    grab(app, dialog, out / "child-dialog-error.png")
    dialog.reject()


def import_screen(app: QApplication, window: MainWindow, out: Path) -> None:
    """The import dialog on the example list saved by Excel on Windows, one row with an impossible date."""
    example = (Path(__file__).parent / "examples" / "enfants-exemple.csv").read_text("utf-8")
    bad_row = "EX-2024-0005;Témoin;Jules;31/02/2024;M;30+1;1 320;RPM;;haut;TÉMOIN Marie;Mère;06 00 00 00 05;;"
    page = window.children_page
    window.show_page("children")
    page.import_children()
    dialog = page.import_dialog
    assert dialog is not None
    dialog.load_bytes("liste-inclusions.csv", (example.rstrip("\n") + "\n" + bad_row + "\n").encode("cp1252"))
    grab(app, dialog, out / "import-children.png")
    dialog.reject()


def seances_screens(app: QApplication, window: MainWindow, out: Path) -> None:
    """The day's list (one appointment just pointed, its undo offered), next week's agenda with the demo's
    double booking in red, the quick entry with a few letters typed."""
    page = window.seances_page
    window.show_page("seances")
    page.tabs.setCurrentIndex(0)
    view = page.today_view
    view.show_day(window.clock.today())
    planned = next((i for i, r in enumerate(view.model.rows) if r.status == "planned"), None)
    if planned is not None:
        view.table.selectRow(planned)
        view.mark_present()
    grab(app, window, out / "today.png")
    page.tabs.setCurrentIndex(1)
    page.agenda.show_week(window.clock.today() + timedelta(days=7))
    grab(app, window, out / "agenda.png")
    page.tabs.setCurrentIndex(0)
    window.quick_seance()
    dialog = window.quick_dialog
    assert dialog is not None
    dialog.picker.search.setText("ber")
    dialog.picker.search_now()
    grab(app, dialog, out / "quick-entry.png")
    dialog.reject()


def invoicing_screens(app: QApplication, window: MainWindow, out: Path) -> None:
    """The previous month's preview (the demo leaves it to invoice), then the issued documents with their states."""
    page = window.invoicing_page
    window.show_page("invoicing")
    page.tabs.setCurrentIndex(0)
    tab = page.issue_tab
    busiest = max(range(tab.network.count()), key=lambda i: _preview_size(window, str(tab.network.itemData(i))))
    tab.network.setCurrentIndex(busiest)
    grab(app, window, out / "invoicing-preview.png")
    page.tabs.setCurrentIndex(1)
    docs = page.documents_tab
    docs.reload()
    part = next((r.number for r in docs.rows if r.state == "partiellement_payee"), None)
    if part is not None:
        docs.select(part)
    grab(app, window, out / "invoicing-documents.png")
    page.tabs.setCurrentIndex(0)


def invoice_viewer_screen(app: QApplication, window: MainWindow, out: Path) -> None:
    """« Voir le PDF » on an issued invoice, scrolled to the bottom: the PAdES stamp (drawn for the preview)."""
    window.show_page("invoicing")
    page = window.invoicing_page
    page.tabs.setCurrentIndex(1)
    docs = page.documents_tab
    docs.reload()
    number = next((r.number for r in docs.rows if r.kind == "invoice"), None)
    if number is None:
        return
    docs.select(number)
    docs.view_pdf()
    viewer = docs.viewer
    if viewer is not None and viewer.pdf_view is not None:
        viewer.resize(760, 820)
        viewer.show()
        settle(app)
        bar = viewer.pdf_view.verticalScrollBar()
        bar.setValue(bar.maximum())
        grab(app, viewer, out / "invoice-viewer.png")
        viewer.close()
    page.tabs.setCurrentIndex(0)


def sync_screen(app: QApplication, window: MainWindow, out: Path) -> None:
    """Synchronisation: a batch just closed (Préparé) above the demo's received one, another network's invoices
    still waiting for a batch, the received batch's details."""
    from cocon_desktop.services.batches import pending_documents

    assert window.practice is not None
    sessions = window.practice.sessions
    page = window.sync_page
    window.show_page("sync")
    waiting = {i: len(pending_documents(sessions, str(page.network.itemData(i)))) for i in range(page.network.count())}
    with_documents = sorted((i for i, count in waiting.items() if count), key=lambda i: -waiting[i])
    if with_documents:
        page.network.setCurrentIndex(with_documents[-1])
        page.close_button.click()
        closed = page.message.text()
        page.network.setCurrentIndex(with_documents[0] if len(with_documents) > 1 else with_documents[-1])
        page.say(closed)
    received = next((b for b in page.model.rows if b.state == "recu"), None)
    if received is not None:
        page.select(received.id)
    window.pending_status.refresh()
    grab(app, window, out / "sync.png")
    endpoint_screen(app, window, out)


def endpoint_screen(app: QApplication, window: MainWindow, out: Path) -> None:
    """« Adresse de réception… » with a network's own server certificate loaded (a self-signed one, here)."""
    from cocon_desktop.security.certificate import create_self_signed
    from cocon_desktop.ui.dialogs.endpoint_dialog import EndpointDialog

    page = window.sync_page
    dialog = EndpointDialog(page.selected_network(), page.current_practice, page.runner, window)
    dialog.url.setText("https://reception.reseau-perinat.example.org/cocon")
    with tempfile.TemporaryDirectory() as tmp:
        pem = Path(tmp) / "serveur-reseau.pem"
        pem.write_bytes(create_self_signed("reception.reseau-perinat.example.org", "Réseau (démonstration)",
                                           "91234567500017")[0])
        dialog.load_server_ca(pem)
    dialog.show()
    grab(app, dialog, out / "endpoint-dialog.png")
    dialog.reject()


def attestation_screens(app: QApplication, window: MainWindow, out: Path) -> None:
    """A child's attestation of last month's séances in the preview (with a signature image), then the page."""
    from cocon_desktop.services.attestation_content import children_to_attest
    from cocon_desktop.services.signature_image import import_signature_image
    from cocon_desktop.ui.pages.attestations_page import AttestationsPage

    assert window.practice is not None
    sessions = window.practice.sessions
    import_signature_image(sessions, signature_png())
    page = window.children_page
    window.show_page("children")
    picker_period = AttestationsPage(SyncRunner()).picker.period()
    candidates = children_to_attest(sessions, "seances", picker_period)
    if not candidates:
        return
    page.open_child(candidates[0])
    page.file.open_attestations()
    dialog = page.file.attestation_dialog
    assert dialog is not None
    dialog.issue()
    if dialog.preview is not None:
        dialog.preview.resize(820, 900)
        QTest.qWait(1000)  # QPdfView renders its pages in the background
        grab(app, dialog.preview, out / "attestation-preview.png")
        dialog.preview.close()
    dialog.reject()
    page.show_list()
    window.show_page("attestations")
    window.attestations_page.reload()
    grab(app, window, out / "attestations-page.png")


def dashboard_screen(app: QApplication, window: MainWindow, out: Path) -> None:
    """Tableau de bord after the other screens (a batch closed, an attestation issued): the first line selected."""
    window.show_page("dashboard")
    page = window.dashboard_page
    page.reload()
    if page.model.rowCount():
        page.table.selectRow(0)
    grab(app, window, out / "dashboard.png")


def about_screen(app: QApplication, window: MainWindow, out: Path) -> None:
    """« ? » / F1: the About box (version, licences of the components, the data folder)."""
    window.show_about()
    dialog = window.about_dialog
    if dialog is not None:
        grab(app, dialog, out / "about.png")
        dialog.reject()


def signature_png() -> bytes:
    """A made-up handwritten signature (a few strokes), transparent around."""
    import math

    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (720, 220), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    points = [(30 + x, 120 - 60 * math.sin(x / 38) * math.exp(-x / 700)) for x in range(0, 520, 4)]
    draw.line(points, fill=(25, 35, 110, 255), width=7, joint="curve")
    draw.line([(300, 170), (690, 150)], fill=(25, 35, 110, 255), width=5)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _preview_size(window: MainWindow, network: str) -> int:
    from cocon_desktop.services.invoice_drafts import preview

    assert window.practice is not None
    first, last = window.invoicing_page.issue_tab.period()
    return len(preview(window.practice.sessions, network, first, last))


def history_screens(app: QApplication, window: MainWindow, out: Path) -> None:
    """A child's Historique tab after a change of phone number, and the confirmation asked before an erasure."""
    from dataclasses import replace as _replace

    from cocon_desktop.services.child_erasure import RetentionStatus
    from cocon_desktop.services.children import get_child, update_child
    from cocon_desktop.ui.pages.child_privacy import EraseDialog

    assert window.practice is not None
    sessions, today = window.practice.sessions, window.clock.today()
    row = list_children(sessions, ChildQuery(active_only=True), today)[0]
    data = get_child(sessions, row.id).data
    if data.guardians:
        moved = _replace(data.guardians[0], phone="06 98 76 54 32", city="Aubagne", postcode="13400")
        update_child(sessions, row.id, _replace(data, guardians=(moved, *data.guardians[1:])), today)
    window.show_page("children")
    page = window.children_page
    page.open_child(row.id)
    page.file.tabs.setCurrentWidget(page.file.history)
    grab(app, window, out / "child-history.png")
    status = RetentionStatus(row.id, row.inclusion_number, date(2031, 6, 30), date(2051, 6, 30), None)
    dialog = EraseDialog(row.inclusion_number, status, window)
    dialog.typed.setText(row.inclusion_number)
    dialog.show()
    grab(app, dialog, out / "child-erase-dialog.png")
    dialog.reject()
    page.show_list()


def backups_screen(app: QApplication, window: MainWindow, out: Path) -> None:
    """Paramètres › Sauvegardes after a backup on demand (to a throwaway "USB drive")."""
    import time

    tab = window.settings_page.backups_tab
    window.settings_page.tabs.setCurrentWidget(tab)
    with tempfile.TemporaryDirectory(prefix="CLE_USB-") as usb:
        tab.backup_to(Path(usb))
        deadline = time.monotonic() + 60
        while not tab.backup_button.isEnabled() and time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.05)
        grab(app, window, out / "settings-backups.png")
    window.settings_page.tabs.setCurrentIndex(0)


def restore_screens(app: QApplication, demo_dir: Path, out: Path) -> None:
    """« Restaurer une sauvegarde… »: the wizard's welcome page, then the dialog opened from the unlock window
    with a backup of the demo practice, an existing practice refused as target, and the recovery-key mode."""
    from cocon_desktop.services import backup
    from cocon_desktop.services.practice_handle import open_with_passphrase

    with tempfile.TemporaryDirectory(prefix="CLE_USB-") as usb:
        wizard = FirstRunWizard(Path(usb) / "nouvel-ordinateur", SyncRunner(), keychain.status())
        wizard.resize(820, 660)
        grab(app, wizard, out / "wizard-welcome.png")
        wizard.hide()
        practice = open_with_passphrase(demo_dir, "demo")
        try:
            info = backup.backup_to(practice, Path(usb))
        finally:
            practice.close()
        unlock = UnlockWindow(demo_dir, SyncRunner())
        unlock.show()
        dialog = unlock.open_restore()
        dialog.set_backup_file(info.path)
        dialog.passphrase.setText("demo")
        grab(app, dialog, out / "restore-dialog.png")
        dialog.target_edit.setText(str(demo_dir))
        dialog.start_restore()
        grab(app, dialog, out / "restore-dialog-error.png")
        dialog.with_recovery.click()
        dialog.recovery_key.setText("K7QF-2M9D-XW4T-8HCN-P3RJ-6VBE-YA5G-TL2S-Q9")
        dialog.new_passphrase.setText("violette sapin marmotte")
        grab(app, dialog, out / "restore-dialog-recovery.png")
        dialog.reject()
        unlock.hide()


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    app = make_application(sys.argv[:1])
    runner = SyncRunner()
    with tempfile.TemporaryDirectory() as tmp:
        wizard = FirstRunWizard(Path(tmp) / "nouveau", runner, keychain.status())
        wizard.resize(820, 660)
        wizard.show()
        wizard.next()
        wizard.identity_page.form.set_values(DEMO_PROFILE)
        grab(app, wizard, out / "wizard-identity.png")
        wizard.next()
        wizard.contact_page.form.set_values(DEMO_PROFILE)
        wizard.contact_page.form.editors["iban"].setText("FR76 3000 1000 6400 0000 0000 000")  # type: ignore[union-attr]
        wizard.contact_page.validatePage()
        grab(app, wizard, out / "wizard-contact-error.png")
        wizard.contact_page.form.set_values(DEMO_PROFILE)
        wizard.next()
        wizard.passphrase_page.first.setText("Ours-brun-7-Lavande!")
        wizard.passphrase_page.second.setText("Ours-brun-7-Lavande!")
        grab(app, wizard, out / "wizard-passphrase.png")
        wizard.next()
        grab(app, wizard, out / "wizard-recovery-key.png")
        wizard.hide()

        demo_dir = Path(tmp) / "demo"
        clock = from_environment(os.environ)  # COCON_TODAY=AAAA-MM-JJ: the screenshots of a given day
        create_demo(demo_dir, clock.today()).close()
        unlock = UnlockWindow(demo_dir, runner)
        unlock.panel.passphrase.setText("mauvaise")
        unlock.panel.try_passphrase()
        grab(app, unlock, out / "unlock-window.png")
        unlock.hide()
        restore_screens(app, demo_dir, out)

        # key in the keychain: shown at once
        opening = MainWindow(None, runner, data_dir=demo_dir, demo=True, clock=clock)
        opening.resize(1180, 760)
        grab(app, opening, out / "main-window-opening.png")
        opening.close()

        controller = AppController(demo_dir, runner, clock=clock)
        window = controller.open_main(__import__("cocon_desktop.services.practice_handle", fromlist=["x"])
                                      .open_with_passphrase(demo_dir, "demo"))
        window.resize(1180, 760)
        grab(app, window, out / "main-window.png")
        children_screens(app, window, out)
        seances_screens(app, window, out)
        import_screen(app, window, out)
        invoicing_screens(app, window, out)
        invoice_viewer_screen(app, window, out)
        attestation_screens(app, window, out)
        history_screens(app, window, out)
        sync_screen(app, window, out)
        dashboard_screen(app, window, out)
        about_screen(app, window, out)
        window.nav.setCurrentRow(len(window.page_keys) - 1)
        grab(app, window, out / "settings-page.png")
        backups_screen(app, window, out)
        window.lock()
        grab(app, window, out / "locked.png")
        window.close()


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"))
