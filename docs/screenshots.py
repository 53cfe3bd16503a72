"""Screenshots for docs/ and the README: `make screenshots` (runs under Xvfb). Uses a temporary practice."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtWidgets import QApplication, QWidget

from cocon_desktop.app import AppController, make_application
from cocon_desktop.security import keychain
from cocon_desktop.services.demo import DEMO_PROFILE, create_demo
from cocon_desktop.ui.dialogs.first_run_wizard import FirstRunWizard
from cocon_desktop.ui.dialogs.unlock_window import UnlockWindow
from cocon_desktop.ui.tasks import SyncRunner


def settle(app: QApplication) -> None:
    for _ in range(5):
        app.processEvents()


def grab(app: QApplication, widget: QWidget, path: Path) -> None:
    widget.show()
    widget.raise_()
    settle(app)
    widget.grab().save(str(path))
    print(path)


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
        create_demo(demo_dir).close()
        unlock = UnlockWindow(demo_dir, runner)
        unlock.panel.passphrase.setText("mauvaise")
        unlock.panel.try_passphrase()
        grab(app, unlock, out / "unlock-window.png")
        unlock.hide()

        controller = AppController(demo_dir, runner)
        window = controller.open_main(__import__("cocon_desktop.services.practice_file", fromlist=["x"])
                                      .open_with_passphrase(demo_dir, "demo"))
        window.resize(1180, 760)
        grab(app, window, out / "main-window.png")
        window.nav.setCurrentRow(len(window.page_keys) - 1)
        grab(app, window, out / "settings-page.png")
        window.lock()
        grab(app, window, out / "locked.png")
        window.close()


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"))
