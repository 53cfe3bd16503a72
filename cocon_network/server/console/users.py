"""The console's users, for the administrator: the list, a new user (login, name, role, a first password),
deactivation (their sessions end at once) or reactivation, and a forgotten password reset (with, for a lost phone,
the second factor removed; their sessions end). Each change is audited."""

from __future__ import annotations

import re

from sqlalchemy import select
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from cocon_network.server.console import passwords, sessions
from cocon_network.server.console.auth import Page, not_found, require_role
from cocon_network.server.console.nav import NavItem
from cocon_network.server.models import ROLE_ADMINISTRATOR, ROLES, ConsoleUser

NAV = (NavItem("Utilisateurs", "/console/utilisateurs", (ROLE_ADMINISTRATOR,)),)
LOGIN_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,99}$")


def _list(page: Page, values: dict[str, str] | None = None, status_code: int = 200,
          reset: dict[str, str] | None = None) -> Response:
    users = list(page.db.scalars(select(ConsoleUser).order_by(ConsoleUser.active.desc(), ConsoleUser.login)
                                 .limit(500)))
    return page.render("users.html", {"users": users, "roles": ROLES, "values": values or {},
                                      "reset": reset or {}, "errors": page.errors}, status_code=status_code)


@require_role(ROLE_ADMINISTRATOR)
def users_page(page: Page) -> Response:
    if page.request.method == "GET":
        return _list(page)
    values = {name: page.field(name) for name in ("login", "nom", "role")}
    password = page.form.get("mot_de_passe", "") if page.form is not None else ""
    password = password if isinstance(password, str) else ""
    login = values["login"].lower()
    if not LOGIN_PATTERN.match(login):
        page.errors["login"] = ("Identifiant : de 2 à 100 caractères, lettres minuscules sans accent, chiffres, "
                                "point, tiret ou souligné.")
    elif page.db.scalar(select(ConsoleUser.id).where(ConsoleUser.login == login)) is not None:
        page.errors["login"] = f"L'identifiant {login} est déjà pris."
    if values["role"] not in ROLES:
        page.errors["role"] = "Choisissez un rôle."
    problem = passwords.password_problem(password)
    if problem:
        page.errors["mot_de_passe"] = problem
    if page.errors:
        return _list(page, values, status_code=400)
    user = ConsoleUser(login=login, display_name=values["nom"][:200], role=values["role"],
                       password_hash=passwords.hash_password(password))
    page.db.add(user)
    page.db.flush()
    page.audit("user_created", f"utilisateur {login}", {"user_id": user.id, "role": user.role})
    return page.redirect("/console/utilisateurs", f"Utilisateur {login} créé : donnez-lui son mot de passe de "
                                                  "vive voix ; il pourra activer la double authentification.")


@require_role(ROLE_ADMINISTRATOR)
def toggle(page: Page) -> Response:
    raw = page.request.path_params["user_id"]
    user = page.db.get(ConsoleUser, int(raw)) if raw.isdigit() and len(raw) < 10 else None
    if user is None:
        return not_found(page.request, "Cet utilisateur n'existe pas.")
    if user.id == page.user.id:
        return page.redirect("/console/utilisateurs", "Vous ne pouvez pas désactiver votre propre compte.")
    user.active = not user.active
    if not user.active:
        sessions.close_user_sessions(page.db, user.id)
    page.audit("user_reactivated" if user.active else "user_deactivated", f"utilisateur {user.login}",
               {"user_id": user.id})
    state = "réactivé" if user.active else "désactivé (ses sessions sont fermées)"
    return page.redirect("/console/utilisateurs", f"Utilisateur {user.login} {state}.")


@require_role(ROLE_ADMINISTRATOR)
def reset_password(page: Page) -> Response:
    """A user who forgot their password (or lost the phone of their second factor) gets a new one from the
    administrator, by voice; their sessions end. The administrator's own password changes on « Mon compte »."""
    reset = {"utilisateur": page.field("utilisateur"), "retirer_totp": page.field("retirer_totp")}
    raw = reset["utilisateur"]
    user = page.db.get(ConsoleUser, int(raw)) if raw.isdigit() and len(raw) < 10 else None
    if user is None:
        page.errors["utilisateur"] = "Choisissez l'utilisateur."
    elif user.id == page.user.id:
        page.errors["utilisateur"] = "Votre propre mot de passe se change dans « Mon compte »."
    password = page.form.get("nouveau_mot_de_passe", "") if page.form is not None else ""
    problem = passwords.password_problem(password if isinstance(password, str) else "")
    if problem:
        page.errors["nouveau_mot_de_passe"] = problem
    if page.errors or user is None or not isinstance(password, str):
        return _list(page, status_code=400, reset=reset)
    user.password_hash = passwords.hash_password(password)
    user.failed_logins, user.blocked_until = 0, None
    removed = bool(reset["retirer_totp"]) and bool(user.totp_secret)
    if removed:
        user.totp_secret, user.totp_last_counter = "", 0
    sessions.close_user_sessions(page.db, user.id)
    page.audit("user_password_reset", f"utilisateur {user.login}", {"user_id": user.id, "totp_removed": removed})
    second = " et sa double authentification retirée (il pourra la réactiver)" if removed else ""
    return page.redirect("/console/utilisateurs", f"Mot de passe de {user.login} réinitialisé{second} : "
                                                  "donnez-le-lui de vive voix. Ses sessions sont fermées.")


def routes() -> list[BaseRoute]:
    return [Route("/console/utilisateurs", users_page, methods=["GET", "POST"]),
            Route("/console/utilisateurs/reinitialisation", reset_password, methods=["POST"]),
            Route("/console/utilisateurs/{user_id}/activation", toggle, methods=["POST"])]
