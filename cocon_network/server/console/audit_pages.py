"""The audit log for the administrator: newest first, 50 a page, each page's entries re-hashed and linked to the
entry before them; the whole chain verified on demand (streamed)."""

from __future__ import annotations

import json
import time

from sqlalchemy import select
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from cocon_network.server.audit import verify_chain, verify_entries
from cocon_network.server.console.auth import Page, require_role
from cocon_network.server.console.nav import NavItem
from cocon_network.server.console.paging import Pager
from cocon_network.server.console.templating import euros
from cocon_network.server.models import ROLE_ADMINISTRATOR, AuditEntry, ConsoleUser

NAV = (NavItem("Journal", "/console/journal", (ROLE_ADMINISTRATOR,)),)

ACTION_LABELS = {
    "login": "Connexion",
    "login_blocked": "Compte bloqué après des échecs",
    "document_accepted": "Document accepté",
    "document_rejected": "Document rejeté",
    "documents_accepted": "Documents acceptés en bloc",
    "therapist_registered": "Thérapeute conventionné",
    "therapist_updated": "Thérapeute modifié",
    "certificate_registered": "Certificat enregistré",
    "certificate_revoked": "Certificat révoqué",
    "token_issued": "Jeton émis",
    "token_revoked": "Jeton révoqué",
    "user_created": "Utilisateur créé",
    "user_deactivated": "Utilisateur désactivé",
    "user_reactivated": "Utilisateur réactivé",
    "totp_enabled": "Double authentification activée",
    "totp_disabled": "Double authentification désactivée",
    "password_changed": "Mot de passe changé",
    "user_password_reset": "Mot de passe réinitialisé par l'administrateur",
    "payment_run_created": "Ordre de virement préparé",
    "payment_run_executed": "Ordre de virement exécuté",
}


DETAIL_LABELS = {
    "reason": "motif", "previous_status": "état précédent", "amount_cents": "montant", "batch_id": "lot",
    "document_id": "document n°", "numbers": "documents", "therapist_id": "thérapeute n°", "token_id": "jeton n°",
    "fingerprint": "empreinte", "subject": "titulaire", "role": "rôle", "user_id": "utilisateur n°",
    "failures": "échecs", "minutes": "minutes d'attente", "discipline": "discipline",
    "totp_removed": "double authentification retirée",
}
FIRST = ("reason",)  # what a reader looks for first


def detail_text(detail: str) -> str:
    """A JSON detail as « libellé : valeur » pairs in French, the reason of a rejection first."""
    if not detail:
        return ""
    try:
        values = json.loads(detail)
    except ValueError:
        return detail
    if not isinstance(values, dict):
        return detail
    ordered = sorted(values.items(), key=lambda item: (item[0] not in FIRST, item[0]))
    parts = []
    for key, value in ordered:
        if key.endswith("_cents") and isinstance(value, int):
            value = euros(value)
        elif isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        parts.append(f"{DETAIL_LABELS.get(key, key)} : {value}")
    return " · ".join(parts)


@require_role(ROLE_ADMINISTRATOR)
def journal(page: Page) -> Response:
    pager = Pager.from_request(page.request)
    rows = pager.fetch(page.db, select(AuditEntry, ConsoleUser.login)
                       .outerjoin(ConsoleUser, ConsoleUser.id == AuditEntry.user_id)
                       .order_by(AuditEntry.id.desc()))
    entries = [row[0] for row in reversed(rows)]
    broken = None
    if entries:
        before = page.db.scalar(select(AuditEntry.entry_sha256).where(AuditEntry.id < entries[0].id)
                                .order_by(AuditEntry.id.desc()).limit(1))
        broken = verify_entries(entries, before or "")
    return page.render("journal.html", {
        "rows": [(entry, login, detail_text(entry.detail)) for entry, login in rows],
        "pager": pager, "broken": broken, "labels": ACTION_LABELS,
    })


@require_role(ROLE_ADMINISTRATOR)
def verification(page: Page) -> Response:
    started = time.perf_counter()
    check = verify_chain(page.db)
    seconds = time.perf_counter() - started
    return page.render("journal_check.html", {"check": check, "seconds": seconds})


def routes() -> list[BaseRoute]:
    return [Route("/console/journal", journal, methods=["GET"]),
            Route("/console/journal/verification", verification, methods=["GET"])]
