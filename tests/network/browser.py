"""The console in a real Chromium (Debian's /usr/bin/chromium driven by Playwright; its own browser download is
not needed): a page at 1366×768, signing in, and where screenshots go (COCON_SCREENSHOTS=docs/screenshots keeps
them; otherwise the test's temporary folder; under xvfb-run the browser has a window, see `headful`).

    COCON_SCREENSHOTS=docs/screenshots xvfb-run -a .venv/bin/pytest -n 0 tests/network/test_console_browser.py"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.network.console_support import PASSWORD

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
VIEWPORT = {"width": 1366, "height": 768}


def headful() -> bool:
    """Screenshots taken under a display (xvfb-run): a window, so that the PDF viewer draws the embedded PDF (a
    headless Chromium has no PDF viewer and leaves the <object> blank)."""
    return bool(os.environ.get("COCON_SCREENSHOTS") and os.environ.get("DISPLAY"))


def shots_folder(tmp_path: Path) -> Path:
    folder = os.environ.get("COCON_SCREENSHOTS", "")
    return Path(folder) if folder else tmp_path


@contextmanager
def chromium_page() -> Iterator[Any]:
    """A Playwright page of a headless Chromium at 1366×768, French."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--lang=fr-FR"],
                                             headless=not headful())
        try:
            yield browser.new_page(viewport=VIEWPORT, locale="fr-FR", accept_downloads=True)
        finally:
            browser.close()


def sign_in(page: Any, login: str, password: str = PASSWORD) -> None:
    """Fill the login page the browser is on and submit it."""
    page.get_by_label("Identifiant").fill(login)
    page.get_by_label("Mot de passe", exact=True).fill(password)
    page.get_by_role("button", name="Se connecter").click()
