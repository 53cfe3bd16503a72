"""My account: change my password, turn the second factor (TOTP) on — the page shows the otpauth URI and the
secret, and asks a code to confirm — or off (a current code needed)."""

from __future__ import annotations

import hashlib

from sqlalchemy import delete
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from cocon_network.server.console import passwords, sessions, totp
from cocon_network.server.console.auth import Page, require_role
from cocon_network.server.models import ConsoleSession

TOTP_PATH = "/console/compte/double-authentification"


def _raw(page: Page, name: str) -> str:
    value = page.form.get(name, "") if page.form is not None else ""
    return value if isinstance(value, str) else ""


def _account(page: Page, status_code: int = 200) -> Response:
    return page.render("account.html", {"errors": page.errors}, status_code=status_code)


@require_role()
def account(page: Page) -> Response:
    return _account(page)


@require_role()
def change_password(page: Page) -> Response:
    current, new, again = _raw(page, "actuel"), _raw(page, "nouveau"), _raw(page, "confirmation")
    if not passwords.verify_password(page.user.password_hash, current):
        page.errors["actuel"] = "Mot de passe actuel incorrect."
    problem = passwords.password_problem(new)
    if problem:
        page.errors["nouveau"] = problem
    elif new != again:
        page.errors["confirmation"] = "Les deux saisies du nouveau mot de passe diffèrent."
    if page.errors:
        return _account(page, status_code=400)
    page.user.password_hash = passwords.hash_password(new)
    mine = hashlib.sha256(page.request.cookies.get(sessions.COOKIE, "").encode("ascii", "replace")).hexdigest()
    page.db.execute(delete(ConsoleSession).where(ConsoleSession.user_id == page.user.id,
                                                 ConsoleSession.token_sha256 != mine))
    page.audit("password_changed", f"utilisateur {page.user.login}")
    return page.redirect("/console/compte", "Mot de passe changé ; vos autres sessions sont fermées.")


def _setup(page: Page, secret: str, status_code: int = 200) -> Response:
    return page.render("totp.html", {
        "secret": secret, "uri": totp.provisioning_uri(secret, page.user.login, page.settings.network),
        "errors": page.errors}, status_code=status_code)


@require_role()
def totp_setup(page: Page) -> Response:
    if page.request.method == "GET":
        if page.user.totp_secret:
            return page.redirect("/console/compte")
        return _setup(page, totp.new_secret())
    secret = page.field("secret")
    if page.user.totp_secret or len(secret) != 32 or not secret.isalnum():
        return page.redirect("/console/compte")
    counter = totp.accepted_counter(secret, page.field("code"), 0)
    if counter is None:
        page.errors["code"] = ("Code incorrect : saisissez le code à six chiffres affiché maintenant par "
                               "l'application (vérifiez l'heure du téléphone).")
        return _setup(page, secret, status_code=400)
    page.user.totp_secret, page.user.totp_last_counter = secret, counter
    page.audit("totp_enabled", f"utilisateur {page.user.login}")
    return page.redirect("/console/compte", "Double authentification activée : le code sera demandé à chaque "
                                            "connexion.")


@require_role()
def totp_disable(page: Page) -> Response:
    if not page.user.totp_secret:
        return page.redirect("/console/compte")
    counter = totp.accepted_counter(page.user.totp_secret, page.field("code_desactivation"),
                                     page.user.totp_last_counter)
    if counter is None:
        page.errors["code_desactivation"] = "Code incorrect ou déjà utilisé."
        return _account(page, status_code=400)
    page.user.totp_secret, page.user.totp_last_counter = "", 0
    page.audit("totp_disabled", f"utilisateur {page.user.login}")
    return page.redirect("/console/compte", "Double authentification désactivée.")


def routes() -> list[BaseRoute]:
    return [Route("/console/compte", account, methods=["GET"]),
            Route("/console/compte/mot-de-passe", change_password, methods=["POST"]),
            Route(TOTP_PATH, totp_setup, methods=["GET", "POST"]),
            Route(TOTP_PATH + "/desactiver", totp_disable, methods=["POST"])]
